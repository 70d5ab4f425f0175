import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCountryCode } from '../../src/domain/country.ts';

test('the 249 assigned ISO 3166-1 alpha-2 codes are told from other two-letter codes', () => {
  for (const [code, expected] of [
    ['US', true],
    ['GB', true],
    ['DE', true],
    ['AQ', true],
    ['ZZ', false],
    ['UK', false],
    ['XK', false],
    ['XA', false],
    ['SU', false],
    ['AC', false],
    ['QQ', false],
    ['AA', false],
    ['EU', false],
    ['UN', false],
    ['us', false],
    ['USA', false],
    ['', false],
  ] as const) {
    assert.equal(isCountryCode(code), expected, code);
  }
});

test('every assigned code is one ICU names, and there are 249 of them', () => {
  const names = new Intl.DisplayNames(['en'], { type: 'region' });
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const assigned = [...letters].flatMap((first) => [...letters].map((second) => first + second)).filter(isCountryCode);
  assert.equal(assigned.length, 249);
  assert.deepEqual(assigned.filter((code) => names.of(code) === code), []);
});
