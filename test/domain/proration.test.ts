import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { billingPeriod } from '../../src/domain/billing-period.ts';
import type { HeldInterval } from '../../src/domain/ledger.ts';
import { toDecimal } from '../../src/domain/money.ts';
import { prorateLine, type ProrationMode } from '../../src/domain/proration.ts';

const JUNE = billingPeriod(2024, 6, 'UTC'); // 30 days
const held = (fromSecond: number, toSecond: number, quantity: string, period = JUNE): HeldInterval => ({
  from: new Date(period.start.getTime() + fromSecond * 1000),
  to: new Date(period.start.getTime() + toSecond * 1000),
  quantity: toDecimal(quantity),
});
/** Held for the last `share` of the month (e.g. 0.89). */
const lastShare = (share: string, quantity: string, period = JUNE): HeldInterval => {
  const seconds = toDecimal(share).times(period.seconds).toNumber();
  return held(period.seconds - seconds, period.seconds, quantity, period);
};

function figures(line: ReturnType<typeof prorateLine>) {
  return { quantity: line.quantity.toFixed(), unitPrice: line.unitPrice.toFixed(), avgMonthlyCost: line.avgMonthlyCost.toFixed() };
}

test('prorateLine: the seed example, MC Test held for 0.89 of the month', () => {
  const cases: { name: string; price: string; proration: ProrationMode; quantity: string; expected: { quantity: string; unitPrice: string; avgMonthlyCost: string } }[] = [
    { name: 'Keeper Enterprise Plus: 4.8 × 0.89 = 4.272 → 4.27', price: '4.8', proration: 'quantity', quantity: '1', expected: { quantity: '0.89', unitPrice: '4.8', avgMonthlyCost: '4.27' } },
    { name: 'Compliance Reporting: 0.5 × 0.89 = 0.445 → 0.45', price: '0.5', proration: 'quantity', quantity: '1', expected: { quantity: '0.89', unitPrice: '0.5', avgMonthlyCost: '0.45' } },
    { name: 'KCM: 25.2 × 0.89 = 22.428 → 22.43', price: '25.2', proration: 'quantity', quantity: '1', expected: { quantity: '0.89', unitPrice: '25.2', avgMonthlyCost: '22.43' } },
    { name: 'KeeperChat: 1 × 0.89', price: '1', proration: 'quantity', quantity: '1', expected: { quantity: '0.89', unitPrice: '1', avgMonthlyCost: '0.89' } },
    { name: '10TB storage at 100, price rule → 1 × 89', price: '100', proration: 'price', quantity: '1', expected: { quantity: '1', unitPrice: '89', avgMonthlyCost: '89' } },
    { name: 'Dedicated Service & Support stays 64', price: '64', proration: 'none', quantity: '1', expected: { quantity: '1', unitPrice: '64', avgMonthlyCost: '64' } },
  ];
  for (const { name, price, proration, quantity, expected } of cases) {
    const line = prorateLine({ intervals: [lastShare('0.89', quantity)], monthSeconds: JUNE.seconds, price: toDecimal(price), proration });
    assert.deepEqual(figures(line), expected, name);
    assert.equal(line.breakdown.length, 1);
    assert.equal(line.breakdown[0].fraction.toFixed(), '0.89', `${name}: fraction`);
  }
});

test('prorateLine: quantity, price and none over several intervals', () => {
  const cases: { name: string; intervals: HeldInterval[]; price: string; proration: ProrationMode; expected: { quantity: string; unitPrice: string; avgMonthlyCost: string } }[] = [
    {
      name: 'full month, whole quantity',
      intervals: [held(0, JUNE.seconds, '30')],
      price: '4.8',
      proration: 'quantity',
      expected: { quantity: '30', unitPrice: '4.8', avgMonthlyCost: '144' },
    },
    {
      name: '10 for a third, 20 for two thirds → 16.67 × 2.25 = 37.5075 → 37.51',
      intervals: [held(0, 10 * 86_400, '10'), held(10 * 86_400, 30 * 86_400, '20')],
      price: '2.25',
      proration: 'quantity',
      expected: { quantity: '16.67', unitPrice: '2.25', avgMonthlyCost: '37.51' },
    },
    {
      name: 'price rule: 2 for half, 1 for half → highest 2, unit price 100 × 1.5 ÷ 2 = 75',
      intervals: [held(0, 15 * 86_400, '2'), held(15 * 86_400, 30 * 86_400, '1')],
      price: '100',
      proration: 'price',
      expected: { quantity: '2', unitPrice: '75', avgMonthlyCost: '150' },
    },
    {
      name: 'price rule rounds the unit price: 25 for 1 day of 30 → 0.833… → 0.83',
      intervals: [held(0, 86_400, '1')],
      price: '25',
      proration: 'price',
      expected: { quantity: '1', unitPrice: '0.83', avgMonthlyCost: '0.83' },
    },
    {
      name: 'none: the highest quantity held, full price',
      intervals: [held(0, 3600, '3'), held(3600, 7200, '1')],
      price: '64',
      proration: 'none',
      expected: { quantity: '3', unitPrice: '64', avgMonthlyCost: '192' },
    },
    {
      name: 'an empty interval holds nothing, so its quantity is not the highest',
      intervals: [held(0, 0, '5'), held(0, JUNE.seconds, '1')],
      price: '64',
      proration: 'none',
      expected: { quantity: '1', unitPrice: '64', avgMonthlyCost: '64' },
    },
    {
      name: 'nothing held: zero at the list price (the statement then hides the line)',
      intervals: [],
      price: '100',
      proration: 'price',
      expected: { quantity: '0', unitPrice: '100', avgMonthlyCost: '0' },
    },
    {
      name: 'one second of one seat rounds to 0 but keeps its breakdown',
      intervals: [held(0, 1, '1')],
      price: '4.8',
      proration: 'quantity',
      expected: { quantity: '0', unitPrice: '4.8', avgMonthlyCost: '0' },
    },
    {
      name: 'fractional quantities kept to 6 dp',
      intervals: [held(0, JUNE.seconds, '2.5')],
      price: '4.2',
      proration: 'quantity',
      expected: { quantity: '2.5', unitPrice: '4.2', avgMonthlyCost: '10.5' },
    },
  ];
  for (const { name, intervals, price, proration, expected } of cases) {
    assert.deepEqual(figures(prorateLine({ intervals, monthSeconds: JUNE.seconds, price: toDecimal(price), proration })), expected, name);
  }
});

test('prorateLine: a DST month is measured in real seconds', () => {
  // America/New_York, March 2024: 743 hours. The first 15 local days hold the DST jump (1,292,400 s).
  const march = billingPeriod(2024, 3, 'America/New_York');
  const fifteenLocalDays = march.start.getTime() + (15 * 86_400 - 3600) * 1000;
  const interval: HeldInterval = { from: march.start, to: new Date(fifteenLocalDays), quantity: toDecimal(100) };
  assert.equal(interval.to.toISOString(), '2024-03-16T04:00:00.000Z', 'local midnight of the 16th');
  const line = prorateLine({ intervals: [interval], monthSeconds: march.seconds, price: toDecimal(1), proration: 'quantity' });
  // 100 × 1,292,400 ÷ 2,674,800 = 48.3176…; counting March as 744 hours would give 48.25.
  assert.equal(line.quantity.toFixed(), '48.32');
  // November there has 745 hours: the first 15 local days (one of them 25 h long) are 1,299,600 s.
  const november = billingPeriod(2024, 11, 'America/New_York');
  const firstHalf: HeldInterval = { from: november.start, to: new Date('2024-11-16T05:00:00.000Z'), quantity: toDecimal(100) };
  const novemberLine = prorateLine({ intervals: [firstHalf], monthSeconds: november.seconds, price: toDecimal(1), proration: 'quantity' });
  assert.equal(novemberLine.breakdown[0].fraction.times(november.seconds).toFixed(), '1299600');
  assert.equal(novemberLine.quantity.toFixed(), '50.07', '100 × 1,299,600 ÷ 2,595,600 = 50.069…');
});

test('prorateLine: fractions are summed exactly, so repeating decimals cannot lose a cent', () => {
  // 31-day month; 1 s + 1,191,887 s = 0.445 of it exactly, though each share alone repeats forever.
  const july = billingPeriod(2024, 7, 'UTC');
  const intervals = [held(0, 1, '1', july), held(10, 10 + 1_191_887, '1', july)];
  const line = prorateLine({ intervals, monthSeconds: july.seconds, price: toDecimal(1), proration: 'quantity' });
  assert.equal(line.quantity.toFixed(), '0.45');
  const fractions = line.breakdown.map((item) => item.fraction);
  assert.ok(fractions.every((fraction) => fraction.decimalPlaces() > 20), 'each fraction is a repeating decimal, kept unrounded');
  const priceLine = prorateLine({ intervals, monthSeconds: july.seconds, price: toDecimal(1), proration: 'price' });
  assert.equal(priceLine.unitPrice.toFixed(), '0.45');
});

test('prorateLine: breakdown lists every interval with its share of the month', () => {
  const line = prorateLine({ intervals: [held(0, 86_400 * 6, '3'), held(86_400 * 6, JUNE.seconds, '4')], monthSeconds: JUNE.seconds, price: toDecimal(1), proration: 'quantity' });
  assert.deepEqual(
    line.breakdown.map((item) => [item.from.toISOString(), item.to.toISOString(), item.quantity.toFixed(), item.fraction.toFixed()]),
    [
      ['2024-06-01T00:00:00.000Z', '2024-06-07T00:00:00.000Z', '3', '0.2'],
      ['2024-06-07T00:00:00.000Z', '2024-07-01T00:00:00.000Z', '4', '0.8'],
    ],
  );
  assert.equal(line.quantity.toFixed(), '3.8');
});

test('prorateLine refuses impossible input', () => {
  assert.throws(() => prorateLine({ intervals: [], monthSeconds: 0, price: toDecimal(1), proration: 'quantity' }), RangeError);
  assert.throws(() => prorateLine({ intervals: [held(10, 5, '1')], monthSeconds: JUNE.seconds, price: toDecimal(1), proration: 'quantity' }), RangeError);
  assert.throws(() => prorateLine({ intervals: [], monthSeconds: JUNE.seconds, price: toDecimal(1), proration: 'daily' as ProrationMode }), RangeError);
});

// ---------------------------------------------------------------------------------------------
// Property: prorateLine against a reference written in exact integer rational arithmetic.

/** round_half_up(numerator / denominator) for non-negative integers. */
function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}

/** bigint hundredths → "12.3" in Decimal's plain notation. */
function hundredthsToText(value: bigint): string {
  return toDecimal(value.toString()).dividedBy(100).toFixed();
}

interface ReferenceInterval {
  milliseconds: bigint;
  /** Quantity in millionths. */
  micro: bigint;
}

/** billing-rules.md §3, with quantities in millionths, prices in cents and time in milliseconds. */
function referenceLine(intervals: readonly ReferenceInterval[], monthMilliseconds: bigint, priceCents: bigint, proration: ProrationMode) {
  const weighted = intervals.reduce((sum, interval) => sum + interval.micro * interval.milliseconds, 0n); // millionths·ms
  const denominator = 1_000_000n * monthMilliseconds;
  const highestMicro = intervals.filter((interval) => interval.milliseconds > 0n).reduce((max, interval) => (interval.micro > max ? interval.micro : max), 0n);
  if (proration === 'quantity') {
    const quantityHundredths = divideHalfUp(weighted * 100n, denominator);
    const costHundredths = divideHalfUp(priceCents * quantityHundredths, 100n);
    return { quantity: hundredthsToText(quantityHundredths), unitPrice: hundredthsToText(priceCents), avgMonthlyCost: hundredthsToText(costHundredths) };
  }
  const quantity = toDecimal(highestMicro.toString()).dividedBy(1_000_000).toFixed();
  if (proration === 'none') {
    return { quantity, unitPrice: hundredthsToText(priceCents), avgMonthlyCost: hundredthsToText(divideHalfUp(priceCents * highestMicro, 1_000_000n)) };
  }
  if (highestMicro === 0n) return { quantity, unitPrice: hundredthsToText(priceCents), avgMonthlyCost: '0' };
  // unit price = price × (weighted ÷ denominator) ÷ (highest ÷ 10⁶), in cents.
  const unitCents = divideHalfUp(priceCents * weighted * 1_000_000n, denominator * highestMicro);
  return { quantity, unitPrice: hundredthsToText(unitCents), avgMonthlyCost: hundredthsToText(divideHalfUp(unitCents * highestMicro, 1_000_000n)) };
}

const ZONES = ['UTC', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kolkata'];

test('property: prorateLine equals the integer-rational reference for random intervals, prices and modes', () => {
  const arbitrary = fc.record({
    year: fc.integer({ min: 2020, max: 2030 }),
    month: fc.integer({ min: 1, max: 12 }),
    zone: fc.constantFrom(...ZONES),
    cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 10 }),
    micros: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100 }).map((n) => n * 1_000_000), fc.integer({ min: 0, max: 200_000_000 })), { minLength: 10, maxLength: 10 }),
    priceCents: fc.integer({ min: 0, max: 1_000_000 }),
    proration: fc.constantFrom<ProrationMode>('quantity', 'price', 'none'),
  });
  fc.assert(
    fc.property(arbitrary, ({ year, month, zone, cuts, micros, priceCents, proration }) => {
      const period = billingPeriod(year, month, zone);
      const length = period.end.getTime() - period.start.getTime();
      // Random millisecond cut points split the month; every other piece is held.
      const points = [...new Set([0, length, ...cuts.map((cut) => Math.floor(cut * length))])].sort((a, b) => a - b);
      const intervals: HeldInterval[] = [];
      const reference: ReferenceInterval[] = [];
      for (let index = 0; index + 1 < points.length; index += 1) {
        if (index % 2 === 1) continue;
        const micro = micros[index % micros.length];
        intervals.push({ from: new Date(period.start.getTime() + points[index]), to: new Date(period.start.getTime() + points[index + 1]), quantity: toDecimal(micro).dividedBy(1_000_000) });
        reference.push({ milliseconds: BigInt(points[index + 1] - points[index]), micro: BigInt(micro) });
      }
      const line = prorateLine({ intervals, monthSeconds: period.seconds, price: toDecimal(priceCents).dividedBy(100), proration });
      assert.deepEqual(figures(line), referenceLine(reference, BigInt(length), BigInt(priceCents), proration));
      assert.equal(line.breakdown.length, intervals.length);
    }),
    { numRuns: 1500 },
  );
});
