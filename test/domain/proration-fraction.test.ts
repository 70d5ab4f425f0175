import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { HeldInterval } from '../../src/domain/ledger.ts';
import { toDecimal } from '../../src/domain/money.ts';
import { prorateLine } from '../../src/domain/proration.ts';

// A month of 28 to 31 days, give or take a DST hour, in seconds.
const MONTH_SECONDS = [2_419_200, 2_502_000, 2_505_600, 2_509_200, 2_588_400, 2_592_000, 2_595_600, 2_674_800, 2_678_400, 2_682_000];

const fractionsOf = (lengths: number[], monthSeconds: number) => {
  let at = Date.UTC(2026, 2, 1);
  const intervals: HeldInterval[] = lengths.map((milliseconds) => {
    const interval = { from: new Date(at), to: new Date(at + milliseconds), quantity: toDecimal(1) };
    at += milliseconds;
    return interval;
  });
  return prorateLine({ intervals, monthSeconds, price: toDecimal(1), proration: 'quantity' }).breakdown.map((item) => item.fraction.toFixed());
};

test('prorateLine: each interval’s fraction is its milliseconds ÷ the month’s, to 64 significant digits HALF_UP', () => {
  assert.deepEqual(fractionsOf([86_400_000, 0, 2_678_400_000, 1], 2_678_400), [
    '0.03225806451612903225806451612903225806451612903225806451612903226',
    '0',
    '1',
    '0.0000000003733572281959378733572281959378733572281959378733572281959378734',
  ]);
  // 2/3 of a 3-second month rounds its 64th digit up; 1/3 does not.
  assert.deepEqual(fractionsOf([1000, 2000], 3), [
    '0.3333333333333333333333333333333333333333333333333333333333333333',
    '0.6666666666666666666666666666666666666666666666666666666666666667',
  ]);
});

test('prorateLine: a fraction is exactly what Decimal division gives, for any interval of any month', () => {
  fc.assert(
    fc.property(fc.constantFrom(...MONTH_SECONDS), fc.array(fc.integer({ min: 0, max: 2_682_000_000 }), { minLength: 1, maxLength: 6 }), (monthSeconds, lengths) => {
      const expected = lengths.map((milliseconds) => toDecimal(milliseconds).dividedBy(toDecimal(monthSeconds).times(1000)).toFixed());
      assert.deepEqual(fractionsOf(lengths, monthSeconds), expected);
    }),
    { numRuns: 2000 },
  );
});
