import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import {
  parseDecimal,
  parseMoney,
  parseQuantity,
  roundHalfUp,
  roundMoney,
  roundQuantity,
  sumDecimals,
  toDecimal,
  toWireNumber,
  toWireString,
} from '../../src/domain/money.ts';

test('roundMoney rounds to cents HALF_UP, away from zero on a tie', () => {
  const cases: [Decimal.Value, string][] = [
    ['0.445', '0.45'],
    ['4.272', '4.27'],
    ['22.428', '22.43'],
    ['0.005', '0.01'],
    ['0.0049999', '0'],
    ['1.005', '1.01'],
    ['2.675', '2.68'],
    ['-0.445', '-0.45'],
    ['-0.444', '-0.44'],
    ['144', '144'],
    [0.1, '0.1'],
  ];
  for (const [input, expected] of cases) assert.equal(roundMoney(input).toFixed(), expected, `roundMoney(${input})`);
});

test('roundQuantity keeps six decimal places, HALF_UP', () => {
  const cases: [Decimal.Value, string][] = [
    ['1.2345675', '1.234568'],
    ['1.2345674999', '1.234567'],
    ['0.0000005', '0.000001'],
    ['0.0000004999', '0'],
    ['30', '30'],
  ];
  for (const [input, expected] of cases) assert.equal(roundQuantity(input).toFixed(), expected, `roundQuantity(${input})`);
});

test('roundHalfUp takes the number of places', () => {
  assert.equal(roundHalfUp('4.2725', 3).toFixed(), '4.273');
  assert.equal(roundHalfUp('4.2725', 0).toFixed(), '4');
  assert.equal(roundHalfUp('4.5', 0).toFixed(), '5');
});

test('toWireNumber gives a number that JSON prints exactly at 2 dp', () => {
  const cases: [Decimal, string][] = [
    [toDecimal('4.8').times('0.89'), '4.27'],
    [toDecimal('0.1').plus('0.2'), '0.3'],
    [toDecimal('25.2').times('0.89'), '22.43'],
    [toDecimal('2387.74'), '2387.74'],
    [toDecimal('567.90'), '567.9'],
    [toDecimal('144.00'), '144'],
    [toDecimal('-0.001'), '0'],
    [toDecimal('1234567890123.45'), '1234567890123.45'],
  ];
  for (const [input, printed] of cases) {
    const wire = toWireNumber(input);
    assert.equal(JSON.stringify(wire), printed, `toWireNumber(${input.toFixed()})`);
    assert.ok(!Object.is(wire, -0));
  }
});

test('toWireNumber can keep more places for quantities, and refuses what a double cannot carry', () => {
  assert.equal(JSON.stringify(toWireNumber('1.2345678', 6)), '1.234568');
  assert.throws(() => toWireNumber('12345678901234.56'), RangeError);
});

test('toWireString is the exact decimal, or rounded when places are given', () => {
  assert.equal(toWireString('4.2700'), '4.27');
  assert.equal(toWireString('4.272', 2), '4.27');
  assert.equal(toWireString('4', 2), '4.00');
});

test('parseDecimal takes plain decimals only', () => {
  const accepted: [string | number, string][] = [
    ['0.1', '0.1'],
    [' 2.50 ', '2.5'],
    ['-3', '-3'],
    ['+3', '3'],
    ['.5', '0.5'],
    ['-0', '0'],
    [0.1, '0.1'],
    [4.8, '4.8'],
    [-0, '0'],
  ];
  for (const [input, expected] of accepted) {
    const result = parseDecimal(input);
    assert.ok(result.ok, `parseDecimal(${JSON.stringify(input)})`);
    assert.equal(result.value.toFixed(), expected);
    assert.ok(!result.value.isNegative() || !result.value.isZero(), 'no negative zero');
  }
  const refused: (string | number)[] = ['1e3', '0x10', 'abc', '', ' ', '1,5', '1.2.3', 'Infinity', 'NaN', Number.NaN, Number.POSITIVE_INFINITY];
  for (const input of refused) {
    const result = parseDecimal(input);
    assert.equal(result.ok, false, `parseDecimal(${JSON.stringify(input)}) should be refused`);
    assert.ok(!result.ok && result.reason.length > 0);
  }
});

test('parseMoney allows a sign and at most 2 dp', () => {
  const money = parseMoney('-12.50');
  assert.ok(money.ok && money.value.toFixed() === '-12.5');
  const tooFine = parseMoney('0.005');
  assert.ok(!tooFine.ok && tooFine.reason.includes('2 decimal places'));
});

test('parseQuantity refuses negatives and more than 6 dp', () => {
  assert.ok(parseQuantity('1.123456').ok);
  assert.ok(parseQuantity('0').ok);
  const negative = parseQuantity('-1');
  assert.ok(!negative.ok && negative.reason.includes('negative'));
  assert.equal(parseQuantity('1.1234567').ok, false);
});

test('sumDecimals is exact where floats are not', () => {
  assert.equal(sumDecimals(['0.1', '0.2']).toFixed(), '0.3');
  assert.equal(sumDecimals([]).toFixed(), '0');
});

test('domain arithmetic does not depend on the shared Decimal configuration', () => {
  const saved = { precision: Decimal.precision, rounding: Decimal.rounding };
  Decimal.set({ precision: 5, rounding: Decimal.ROUND_DOWN });
  try {
    assert.equal(toDecimal(1).dividedBy(3).precision(), 64);
    assert.equal(roundMoney(new Decimal('0.445')).toFixed(), '0.45');
    assert.equal(toDecimal('123456.789').times('1000.001').toFixed(), '123456912.456789');
  } finally {
    Decimal.set(saved);
  }
  assert.ok(toDecimal(1) instanceof Decimal, 'domain values are ordinary Decimals for the callers');
});

test('property: toWireNumber round-trips every cent amount through JSON', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n }), (cents) => {
      const amount = toDecimal(cents.toString()).dividedBy(100);
      const printed = JSON.stringify(toWireNumber(amount));
      assert.equal(toDecimal(printed).toFixed(), amount.toFixed());
    }),
    { numRuns: 2000 },
  );
});

test('property: roundMoney matches integer HALF_UP on thousandths', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), (thousandths) => {
      const magnitude = thousandths < 0n ? -thousandths : thousandths;
      const cents = (magnitude + 5n) / 10n;
      const expected = (thousandths < 0n && cents !== 0n ? '-' : '') + toDecimal(cents.toString()).dividedBy(100).toFixed();
      assert.equal(roundMoney(toDecimal(thousandths.toString()).dividedBy(1000)).toFixed(), expected);
    }),
    { numRuns: 2000 },
  );
});
