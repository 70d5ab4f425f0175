import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCountryCode } from '../../src/domain/country.ts';

test('ISO 3166-1 alpha-2 country codes are told from other two-letter codes', () => {
  for (const [code, expected] of [
    ['US', true],
    ['GB', true],
    ['DE', true],
    ['AQ', true],
    ['ZZ', false],
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
