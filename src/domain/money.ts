import { Decimal } from 'decimal.js';
import type { Result } from './result.ts';

// NOTE: a private clone rather than `Decimal.set`, so the domain's arithmetic never depends on which
// module happened to configure the shared constructor first. 64 significant digits hold a 20-digit
// quantity times a millisecond count times a price without rounding; rounding to cents happens only
// where billing-rules.md says so, always HALF_UP. Clone instances share Decimal's prototype, so
// they are `instanceof Decimal` and mix freely with the callers' values.
const ExactDecimal = Decimal.clone({ precision: 64, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -30, toExpPos: 40 });

export const MONEY_DECIMAL_PLACES = 2;
export const QUANTITY_DECIMAL_PLACES = 6;
export const ZERO: Decimal = new ExactDecimal(0);

/** Any decimal-like value as an exact domain Decimal: `toDecimal('4.8').times(0.89)` → 4.272, never 4.2719999…. */
export function toDecimal(value: Decimal.Value): Decimal {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`Not a finite number: ${value}`);
  const decimal = new ExactDecimal(value);
  if (!decimal.isFinite()) throw new RangeError(`Not a finite decimal: ${String(value)}`);
  return decimal;
}

/** Money to cents, HALF_UP: `roundMoney(0.445)` → 0.45 (a float would give 0.44). */
export function roundMoney(value: Decimal.Value): Decimal {
  return roundHalfUp(value, MONEY_DECIMAL_PLACES);
}

/** A quantity to the ledger's 6 dp, HALF_UP: `roundQuantity('1.2345675')` → 1.234568. */
export function roundQuantity(value: Decimal.Value): Decimal {
  return roundHalfUp(value, QUANTITY_DECIMAL_PLACES);
}

/** A displayed amount to `places` dp HALF_UP (money by default): `roundHalfUp(4.272, 2)` → 4.27. */
export function roundHalfUp(value: Decimal.Value, places: number = MONEY_DECIMAL_PLACES): Decimal {
  return toDecimal(value).toDecimalPlaces(places, Decimal.ROUND_HALF_UP);
}

// A double prints its shortest round-tripping form, which is the decimal we parsed from as long as
// it has at most 15 significant digits; beyond that JSON could show a different number.
const MAX_WIRE_DIGITS = 15;

/** A JS number for JSON that prints exactly at `places` dp: `toWireNumber(toDecimal(4.272))` → 4.27, not 4.2720000001. */
export function toWireNumber(value: Decimal.Value, places: number = MONEY_DECIMAL_PLACES): number {
  const rounded = roundHalfUp(value, places);
  if (rounded.precision(true) > MAX_WIRE_DIGITS) {
    throw new RangeError(`${rounded.toFixed()} has more than ${MAX_WIRE_DIGITS} significant digits and cannot travel as a JSON number`);
  }
  // Number(-0) would print as 0 anyway; normalising keeps Object.is comparisons in tests honest.
  const wire = Number(rounded.toFixed(places));
  return wire === 0 ? 0 : wire;
}

/** A unit price as written on a statement: exact, with at least the 2 places of money: 3 → "3.00", 0.045 → "0.045". */
export function toPriceString(value: Decimal.Value): string {
  const price = toDecimal(value);
  return price.toFixed(Math.max(MONEY_DECIMAL_PLACES, price.decimalPlaces()));
}

/** An exact decimal string for the wire or a numeric column: `toWireString(toDecimal('4.2700'))` → "4.27". */
export function toWireString(value: Decimal.Value, places?: number): string {
  return places === undefined ? toDecimal(value).toFixed() : roundHalfUp(value, places).toFixed(places);
}

export interface ParseDecimalOptions {
  /** Refuse more decimal places than this instead of silently rounding them away. */
  maxDecimalPlaces?: number;
  /** Refuse values below zero (quantities, prices). */
  nonNegative?: boolean;
}

// Plain decimal notation only: decimal.js would also take "0x1F", "1e3", "Infinity" and " 1 ",
// none of which a person or a CSV means as an amount.
const PLAIN_DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** A string or JSON number as an exact Decimal, or the reason it is not one: `parseDecimal('0.1')` → ok 0.1; `parseDecimal('1e3')` → refused. */
export function parseDecimal(input: string | number, options: ParseDecimalOptions = {}): Result<Decimal> {
  let value: Decimal;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, reason: `${input} is not a finite number` };
    // decimal.js reads a number through its shortest round-trip string, so 0.1 stays 0.1.
    value = new ExactDecimal(input);
  } else {
    const text = input.trim();
    if (!PLAIN_DECIMAL.test(text)) return { ok: false, reason: `"${input}" is not a decimal number` };
    value = new ExactDecimal(text);
  }
  if (options.nonNegative && value.isNegative() && !value.isZero()) return { ok: false, reason: `${value.toFixed()} is negative` };
  if (options.maxDecimalPlaces !== undefined && value.decimalPlaces() > options.maxDecimalPlaces) {
    return { ok: false, reason: `${value.toFixed()} has more than ${options.maxDecimalPlaces} decimal places` };
  }
  // -0 reads as 0: a signed zero has no business meaning and would print as "-0" in some paths.
  return { ok: true, value: value.isZero() ? ZERO : value };
}

/** A money amount (signed, at most 2 dp): `parseMoney('-12.50')` → ok -12.5; `parseMoney('0.005')` → refused. */
export function parseMoney(input: string | number): Result<Decimal> {
  return parseDecimal(input, { maxDecimalPlaces: MONEY_DECIMAL_PLACES });
}

/** A held quantity (≥ 0, at most 6 dp, like the ledger column): `parseQuantity('2.5')` → ok 2.5; `parseQuantity('-1')` → refused. */
export function parseQuantity(input: string | number): Result<Decimal> {
  return parseDecimal(input, { maxDecimalPlaces: QUANTITY_DECIMAL_PLACES, nonNegative: true });
}

/** The sum of decimals, exact: `sumDecimals([0.1, 0.2])` → 0.3. */
export function sumDecimals(values: Iterable<Decimal.Value>): Decimal {
  let total = ZERO;
  for (const value of values) total = total.plus(value);
  return total;
}
