import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { startTestApp, type TestApp } from './support/app.ts';

// Statements read through billing.statements.get are compared with a reference written here from
// billing-rules.md §2–§3 alone: exact fractions of BigInts, our own HALF_UP, month bounds from luxon.
// Nothing from src/domain is imported, so a shared mistake cannot hide itself.
//
// Reproduce a failure with STATEMENT_PROPERTY_SEED=<seed printed in the output>; fast-check also
// prints the path of the shrunk counterexample.
const SEED = Number(process.env.STATEMENT_PROPERTY_SEED ?? 20240229);
const RUNS = Number(process.env.STATEMENT_PROPERTY_RUNS ?? 30);

// ---------------------------------------------------------------------------------------------
// Exact rationals

interface Rational {
  n: bigint;
  d: bigint;
}

const abs = (value: bigint) => (value < 0n ? -value : value);
function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b) [a, b] = [b, a % b];
  return a || 1n;
}
function rational(n: bigint, d = 1n): Rational {
  if (d === 0n) throw new RangeError('division by zero');
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d);
  return { n: n / g, d: d / g };
}
const ZERO = rational(0n);
const add = (a: Rational, b: Rational) => rational(a.n * b.d + b.n * a.d, a.d * b.d);
const sub = (a: Rational, b: Rational) => rational(a.n * b.d - b.n * a.d, a.d * b.d);
const mul = (a: Rational, b: Rational) => rational(a.n * b.n, a.d * b.d);
const div = (a: Rational, b: Rational) => rational(a.n * b.d, a.d * b.n);
const compare = (a: Rational, b: Rational) => {
  const difference = a.n * b.d - b.n * a.d;
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
};

/** A plain decimal string ("4.8", "-0.445", "10") as an exact rational. */
function parseDecimal(text: string): Rational {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new Error(`not a plain decimal: ${text}`);
  const [, sign, whole, fraction = ''] = match;
  const value = rational(BigInt(whole + fraction), 10n ** BigInt(fraction.length));
  return sign ? rational(-value.n, value.d) : value;
}

/** round_half_up(value, places), ties away from zero, as a rational. */
function roundHalfUp(value: Rational, places: number): Rational {
  const scale = 10n ** BigInt(places);
  const scaled = abs(value.n) * scale;
  const rounded = (2n * scaled + value.d) / (2n * value.d);
  return rational(value.n < 0n ? -rounded : rounded, scale);
}

/** A terminating rational printed with exactly `places` decimals. */
function toFixed(value: Rational, places: number): string {
  const scale = 10n ** BigInt(places);
  if ((value.n * scale) % value.d !== 0n) throw new Error(`${value.n}/${value.d} does not terminate at ${places} places`);
  const units = (value.n * scale) / value.d;
  const digits = abs(units).toString().padStart(places + 1, '0');
  const text = places ? `${digits.slice(0, -places)}.${digits.slice(-places)}` : digits;
  return units < 0n ? `-${text}` : text;
}

/** The shortest plain decimal of a terminating rational: 11.03, 10, 0.5. */
function canonical(value: Rational): string {
  for (let places = 0; places <= 30; places += 1) {
    if (((value.n * 10n ** BigInt(places)) % value.d) === 0n) return toFixed(value, places);
  }
  throw new Error(`${value.n}/${value.d} is not a short decimal`);
}
const canonicalText = (text: string) => canonical(parseDecimal(text));
const money = (value: Rational) => toFixed(roundHalfUp(value, 2), 2);

// ---------------------------------------------------------------------------------------------
// The catalog every case uses: each proration mode, the plan deliberately not first in catalog order.

interface ReferenceProduct {
  id: number;
  name: string;
  kind: 'plan' | 'addon' | 'storage' | 'service';
  proration: 'quantity' | 'price' | 'none';
  sortOrder: number;
}

const PRODUCTS: ReferenceProduct[] = [
  { id: 8101, name: 'Property Plan', kind: 'plan', proration: 'quantity', sortOrder: 50 },
  { id: 8102, name: 'Property Addon', kind: 'addon', proration: 'quantity', sortOrder: 10 },
  { id: 8103, name: 'Property Storage', kind: 'storage', proration: 'price', sortOrder: 30 },
  { id: 8104, name: 'Property Service', kind: 'service', proration: 'none', sortOrder: 20 },
  { id: 8105, name: 'Property Flat Addon', kind: 'addon', proration: 'none', sortOrder: 40 },
  { id: 8106, name: 'Property Archive', kind: 'storage', proration: 'price', sortOrder: 5 },
];

const ZONES = ['UTC', 'America/New_York', 'Europe/London', 'Australia/Sydney'] as const;
// Leap February, the US and EU DST months, the AU ones, and plain months for contrast.
const MONTHS: readonly (readonly [number, number])[] = [
  [2024, 2],
  [2024, 3],
  [2024, 4],
  [2024, 10],
  [2024, 11],
  [2025, 3],
  [2025, 4],
  [2025, 10],
  [2025, 11],
  [2025, 6],
  [2023, 2],
  [2025, 12],
];
const COMPANY_NAMES = ['acme', 'Bravo', 'charlie', 'Delta', 'ACME West', 'bravo two', 'Échelon', 'zulu'];

// ---------------------------------------------------------------------------------------------
// Generated cases: abstract instants, resolved against the month once its bounds are known.

type InstantSpec =
  | { kind: 'before'; seconds: number }
  | { kind: 'start' }
  | { kind: 'inside'; part: number }
  | { kind: 'local'; day: number; hour: number }
  | { kind: 'dst'; shift: number }
  | { kind: 'end' }
  | { kind: 'after'; seconds: number }
  | { kind: 'same'; index: number };

/** When a write reaches the API: a day and hour around the month, or the same instant as the write before it. */
type Recorded = { kind: 'grid'; day: number; hour: number } | { kind: 'previous' };

interface RowSpec {
  effective: InstantSpec;
  quantity: string;
  recorded: Recorded;
  viaImport: boolean;
}

interface SeriesSpec {
  product: number;
  rows: RowSpec[];
}

interface PriceSpec {
  product: number;
  /** Index into the companies, or null for the MSP's own book entry. */
  company: number | null;
  effective: InstantSpec;
  cents: number;
  recorded: Recorded;
}

type Deletion = null | { kind: 'inside'; part: number } | { kind: 'before'; seconds: number };

interface CompanySpec {
  name: string;
  deletion: Deletion;
  series: SeriesSpec[];
}

interface CaseSpec {
  zone: string;
  year: number;
  month: number;
  taxRate: string;
  basePrices: number[];
  companies: CompanySpec[];
  mspSeries: SeriesSpec[];
  prices: PriceSpec[];
}

const DAY = 86_400;
const microsToText = (micros: number) => canonical(rational(BigInt(micros), 1_000_000n));

const quantityArbitrary = fc.oneof(
  { weight: 2, arbitrary: fc.constant('0') },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 40 }).map(String) },
  // A few decimals, ending in 5 at the third: a whole or half month lands exactly on half a cent.
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 3999 }).map((n) => microsToText((n * 10 + 5) * 1000)) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 400 }).map((n) => microsToText(n * 10_000)) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 40_000_000 }).map(microsToText) },
);

const instantArbitrary: fc.Arbitrary<InstantSpec> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('before' as const), seconds: fc.integer({ min: 1, max: 50 * DAY }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'start' as const }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('inside' as const), part: fc.integer({ min: 0, max: 999_999 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('local' as const), day: fc.integer({ min: 1, max: 31 }), hour: fc.integer({ min: 0, max: 23 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('dst' as const), shift: fc.constantFrom(-3600, -1, 0, 1, 3600) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'end' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('after' as const), seconds: fc.integer({ min: 1, max: 20 * DAY }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('same' as const), index: fc.nat(9) }) },
);

// Recorded on a coarse grid (day, 00:00 or 06:00 UTC), or together with the write before: rows share a
// recorded instant, and the one inserted last wins a same-instant supersede.
const recordedArbitrary: fc.Arbitrary<Recorded> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('grid' as const), day: fc.integer({ min: -40, max: 70 }), hour: fc.constantFrom(0, 6) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'previous' as const }) },
);

const seriesArbitrary = fc.uniqueArray(
  fc.record({
    product: fc.nat(PRODUCTS.length - 1),
    rows: fc.array(fc.record({ effective: instantArbitrary, quantity: quantityArbitrary, recorded: recordedArbitrary, viaImport: fc.boolean() }), {
      minLength: 1,
      maxLength: 5,
    }),
  }),
  { selector: (series) => series.product, minLength: 1, maxLength: 4 },
);

const deletionArbitrary: fc.Arbitrary<Deletion> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('inside' as const), part: fc.integer({ min: 0, max: 999_999 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('before' as const), seconds: fc.integer({ min: 1, max: 30 * DAY }) }) },
);

const caseArbitrary: fc.Arbitrary<CaseSpec> = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    month: fc.constantFrom(...MONTHS),
    taxRate: fc.oneof(fc.constantFrom('0', '0.2', '0.0825', '0.175', '0.125', '0.005'), fc.integer({ min: 0, max: 300_000 }).map(microsToText)),
    basePrices: fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: PRODUCTS.length, maxLength: PRODUCTS.length }),
    names: fc.uniqueArray(fc.constantFrom(...COMPANY_NAMES), { minLength: 1, maxLength: 3 }),
    companies: fc.array(fc.record({ deletion: deletionArbitrary, series: seriesArbitrary }), { minLength: 3, maxLength: 3 }),
    mspSeries: fc.oneof({ weight: 2, arbitrary: fc.constant<SeriesSpec[]>([]) }, { weight: 1, arbitrary: seriesArbitrary }),
    prices: fc.array(
      fc.record({
        product: fc.nat(PRODUCTS.length - 1),
        company: fc.option(fc.nat(2), { nil: null }),
        effective: instantArbitrary,
        cents: fc.integer({ min: 0, max: 20_000 }),
        recorded: recordedArbitrary,
      }),
      { maxLength: 8 },
    ),
  })
  .map(({ zone, month: [year, month], taxRate, basePrices, names, companies, mspSeries, prices }) => ({
    zone,
    year,
    month,
    taxRate,
    basePrices,
    companies: names.map((name, index) => ({ name, ...companies[index] })),
    mspSeries,
    prices,
  }));

// ---------------------------------------------------------------------------------------------
// The month, resolved with luxon here.

interface Month {
  start: number;
  end: number;
  /** The DST change inside the month, if any (ms). */
  transition: number | null;
}

function monthOf(year: number, month: number, zone: string): Month {
  const startLocal = DateTime.fromObject({ year, month, day: 1 }, { zone });
  const start = startLocal.toMillis();
  const end = startLocal.plus({ months: 1 }).startOf('month').toMillis();
  const offsetAt = (ms: number) => DateTime.fromMillis(ms, { zone }).offset;
  let transition: number | null = null;
  for (let at = start; at < end; at += 3_600_000) {
    if (offsetAt(at) !== offsetAt(at + 3_600_000)) {
      let low = at;
      let high = at + 3_600_000;
      while (high - low > 1000) {
        const middle = low + Math.floor((high - low) / 2000) * 1000;
        if (offsetAt(middle) === offsetAt(low)) low = middle;
        else high = middle;
      }
      transition = high;
      break;
    }
  }
  return { start, end, transition };
}

function resolveInstant(spec: InstantSpec, month: Month, zone: string, earlier: readonly number[]): number {
  const length = month.end - month.start;
  switch (spec.kind) {
    case 'before':
      return month.start - spec.seconds * 1000;
    case 'start':
      return month.start;
    case 'inside':
      return month.start + Math.floor((spec.part * (length / 1000)) / 1_000_000) * 1000;
    case 'local': {
      const local = DateTime.fromMillis(month.start, { zone });
      const day = Math.min(spec.day, local.daysInMonth!);
      return DateTime.fromObject({ year: local.year, month: local.month, day, hour: spec.hour }, { zone }).toMillis();
    }
    case 'dst':
      return (month.transition ?? month.start + Math.floor(length / 2000) * 1000) + spec.shift * 1000;
    case 'end':
      return month.end;
    case 'after':
      return month.end + spec.seconds * 1000;
    case 'same':
      return earlier.length ? earlier[spec.index % earlier.length] : month.start;
  }
}

const recordedInstant = (recorded: Recorded, month: Month, previous: number | undefined) =>
  recorded.kind === 'previous' ? (previous ?? month.start) : month.start + (recorded.day * DAY + recorded.hour * 3600) * 1000;

// ---------------------------------------------------------------------------------------------
// What the case writes, in the order the API receives it.

type Holder = { kind: 'msp' } | { kind: 'company'; index: number };

type Operation =
  | { kind: 'row'; at: number; holder: Holder; product: ReferenceProduct; effective: number; quantity: string; viaImport: boolean }
  | { kind: 'price'; at: number; company: number | null; product: ReferenceProduct; effective: number; price: string }
  | { kind: 'delete'; at: number; company: number };

function plan(spec: CaseSpec, month: Month): { operations: Operation[]; deletedAt: (number | null)[] } {
  const deletedAt = spec.companies.map((company) => {
    if (!company.deletion) return null;
    if (company.deletion.kind === 'before') return month.start - company.deletion.seconds * 1000;
    return resolveInstant({ kind: 'inside', part: company.deletion.part }, month, spec.zone, []);
  });
  const operations: Operation[] = [];
  const addSeries = (holder: Holder, series: SeriesSpec[]) => {
    for (const { product, rows } of series) {
      const effectives: number[] = [];
      let previous: number | undefined;
      for (const row of rows) {
        const effective = resolveInstant(row.effective, month, spec.zone, effectives);
        effectives.push(effective);
        const at = (previous = recordedInstant(row.recorded, month, previous));
        // A deleted company takes no more writes; what it was sent before still counts up to its deletion.
        const deleted = holder.kind === 'company' ? deletedAt[holder.index] : null;
        if (deleted !== null && at >= deleted) continue;
        operations.push({ kind: 'row', at, holder, product: PRODUCTS[product], effective, quantity: row.quantity, viaImport: row.viaImport });
      }
    }
  };
  addSeries({ kind: 'msp' }, spec.mspSeries);
  spec.companies.forEach((company, index) => addSeries({ kind: 'company', index }, company.series));
  const priceEffectives = new Map<string, number[]>();
  let previous: number | undefined;
  for (const price of spec.prices) {
    const company = price.company !== null && price.company < spec.companies.length ? price.company : null;
    const at = (previous = recordedInstant(price.recorded, month, previous));
    if (company !== null && deletedAt[company] !== null && at >= deletedAt[company]!) continue;
    const key = `${company}:${price.product}`;
    const earlier = priceEffectives.get(key) ?? [];
    const effective = resolveInstant(price.effective, month, spec.zone, earlier);
    priceEffectives.set(key, [...earlier, effective]);
    operations.push({ kind: 'price', at, company, product: PRODUCTS[price.product], effective, price: toFixed(rational(BigInt(price.cents), 100n), 2) });
  }
  deletedAt.forEach((at, company) => {
    if (at !== null) operations.push({ kind: 'delete', at, company });
  });
  // Stable: operations at the same instant keep the order they were generated in.
  operations.sort((a, b) => a.at - b.at);
  return { operations, deletedAt };
}

// ---------------------------------------------------------------------------------------------
// The reference statement (billing-rules.md §2–§3).

interface LedgerRow {
  holder: string;
  product: number;
  effective: number;
  recorded: number;
  sequence: number;
  quantity: Rational;
}

interface PriceRow {
  company: number | null;
  product: number;
  effective: number;
  recorded: number;
  sequence: number;
  price: Rational;
}

interface Interval {
  from: number;
  to: number;
  quantity: Rational;
}

/** What was held over [start, end): one step per effective instant, the last recorded row winning; zeros dropped, equal neighbours merged. */
function heldIntervals(rows: readonly LedgerRow[], start: number, end: number): Interval[] {
  const winners = new Map<number, LedgerRow>();
  for (const row of rows) {
    const current = winners.get(row.effective);
    if (!current || row.recorded > current.recorded || (row.recorded === current.recorded && row.sequence > current.sequence)) winners.set(row.effective, row);
  }
  const steps = [...winners.values()].sort((a, b) => a.effective - b.effective);
  const intervals: Interval[] = [];
  steps.forEach((step, index) => {
    const from = Math.max(step.effective, start);
    const to = Math.min(index + 1 < steps.length ? steps[index + 1].effective : Infinity, end);
    if (from >= to || step.quantity.n === 0n) return;
    const previous = intervals[intervals.length - 1];
    if (previous && previous.to === from && compare(previous.quantity, step.quantity) === 0) previous.to = to;
    else intervals.push({ from, to, quantity: step.quantity });
  });
  return intervals;
}

/** The latest entry effective on or before the month's start; the one recorded last wins a tie. */
function priceOf(entries: readonly PriceRow[], monthStart: number): Rational | null {
  let best: PriceRow | null = null;
  for (const entry of entries) {
    if (entry.effective > monthStart) continue;
    if (
      !best ||
      entry.effective > best.effective ||
      (entry.effective === best.effective && (entry.recorded > best.recorded || (entry.recorded === best.recorded && entry.sequence > best.sequence)))
    ) {
      best = entry;
    }
  }
  return best ? best.price : null;
}

interface WireBreakdown {
  from: string;
  to: string;
  quantity: string;
  fraction: string;
}

interface WireLine {
  products_id: number;
  quantity: string;
  unit_price: string;
  avg_monthly_cost: string;
  breakdown: WireBreakdown[];
}

interface WireHolder {
  clients_id: number;
  name: string;
  total: string;
  lines: WireLine[];
}

interface WireStatement {
  companies: WireHolder[];
  msp_item: WireHolder | null;
  sub_total: string;
  tax_rate: string;
  tax: string;
  total: string;
}

interface ReferenceLine {
  line: WireLine;
  /** Σ qᵢ·fᵢ, unrounded. */
  weighted: Rational;
  highest: Rational;
}

function referenceLine(product: ReferenceProduct, intervals: Interval[], monthMs: number, price: Rational): ReferenceLine {
  const month = rational(BigInt(monthMs));
  let weighted = ZERO;
  let highest = ZERO;
  for (const interval of intervals) {
    weighted = add(weighted, mul(interval.quantity, div(rational(BigInt(interval.to - interval.from)), month)));
    if (compare(interval.quantity, highest) > 0) highest = interval.quantity;
  }
  let quantity: Rational;
  let unitPrice: Rational;
  if (product.proration === 'quantity') {
    quantity = roundHalfUp(weighted, 2);
    unitPrice = price;
  } else if (product.proration === 'price') {
    quantity = highest;
    unitPrice = highest.n === 0n ? price : roundHalfUp(div(mul(price, weighted), highest), 2);
  } else {
    quantity = highest;
    unitPrice = price;
  }
  const cost = roundHalfUp(mul(unitPrice, quantity), 2);
  return {
    weighted,
    highest,
    line: {
      products_id: product.id,
      quantity: canonical(quantity),
      unit_price: money(unitPrice),
      avg_monthly_cost: toFixed(cost, 2),
      breakdown: intervals.map((interval) => ({
        from: new Date(interval.from).toISOString(),
        to: new Date(interval.to).toISOString(),
        quantity: canonical(interval.quantity),
        fraction: canonical(roundHalfUp(div(rational(BigInt(interval.to - interval.from)), month), 12)),
      })),
    },
  };
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface Written {
  mspId: number;
  companyIds: number[];
  rows: LedgerRow[];
  prices: PriceRow[];
  deletedAt: (number | null)[];
}

function referenceStatement(spec: CaseSpec, month: Month, written: Written): { statement: WireStatement; lines: Map<string, ReferenceLine> } {
  const monthMs = month.end - month.start;
  const details = new Map<string, ReferenceLine>();
  const holderLines = (holder: string, clientsId: number, billableEnd: number): { lines: WireLine[]; total: Rational } => {
    const lines: { product: ReferenceProduct; line: WireLine }[] = [];
    for (const product of PRODUCTS) {
      const rows = written.rows.filter((row) => row.holder === holder && row.product === product.id);
      if (!rows.length) continue;
      const intervals = billableEnd > month.start ? heldIntervals(rows, month.start, Math.min(billableEnd, month.end)) : [];
      const company = holder === 'msp' ? null : Number(holder);
      const price =
        (company !== null ? priceOf(written.prices.filter((entry) => entry.company === company && entry.product === product.id), month.start) : null) ??
        priceOf(written.prices.filter((entry) => entry.company === null && entry.product === product.id), month.start) ??
        ZERO;
      const computed = referenceLine(product, intervals, monthMs, price);
      // Lines whose quantity and cost are both 0 are left out.
      if (compare(parseDecimal(computed.line.quantity), ZERO) === 0 && compare(parseDecimal(computed.line.avg_monthly_cost), ZERO) === 0) continue;
      details.set(`${clientsId}:${product.id}`, computed);
      lines.push({ product, line: computed.line });
    }
    // The plan first, then catalog order.
    lines.sort(
      (a, b) => Number(b.product.kind === 'plan') - Number(a.product.kind === 'plan') || a.product.sortOrder - b.product.sortOrder || a.product.id - b.product.id,
    );
    return { lines: lines.map(({ line }) => line), total: lines.reduce((sum, { line }) => add(sum, parseDecimal(line.avg_monthly_cost)), ZERO) };
  };

  const companies = spec.companies
    .map((company, index) => {
      const { lines, total } = holderLines(String(index), written.companyIds[index], written.deletedAt[index] ?? Infinity);
      return { clients_id: written.companyIds[index], name: company.name, total, lines };
    })
    .filter((company) => company.lines.length > 0)
    .sort(
      (a, b) => compareText(a.name.toLowerCase(), b.name.toLowerCase()) || compareText(a.name, b.name) || a.clients_id - b.clients_id,
    );
  const msp = holderLines('msp', written.mspId, Infinity);
  const subTotal = companies.reduce((sum, company) => add(sum, company.total), msp.total);
  const taxRate = parseDecimal(spec.taxRate);
  const tax = roundHalfUp(mul(subTotal, taxRate), 2);
  return {
    lines: details,
    statement: {
      companies: companies.map((company) => ({ ...company, total: toFixed(company.total, 2) })),
      msp_item: { clients_id: written.mspId, name: 'Property MSP', total: toFixed(msp.total, 2), lines: msp.lines },
      sub_total: toFixed(subTotal, 2),
      tax_rate: canonical(taxRate),
      tax: toFixed(tax, 2),
      total: toFixed(add(subTotal, tax), 2),
    },
  };
}

/** The wire statement with the fields compared, numbers in canonical form and instants in UTC. */
function normalize(statement: WireStatement): WireStatement {
  const holder = (item: WireHolder): WireHolder => ({
    clients_id: item.clients_id,
    name: item.name,
    total: item.total,
    lines: item.lines.map((line) => ({
      products_id: line.products_id,
      quantity: canonicalText(line.quantity),
      unit_price: line.unit_price,
      avg_monthly_cost: line.avg_monthly_cost,
      breakdown: line.breakdown.map((item) => ({
        from: new Date(item.from).toISOString(),
        to: new Date(item.to).toISOString(),
        quantity: canonicalText(item.quantity),
        fraction: canonicalText(item.fraction),
      })),
    })),
  });
  return {
    companies: statement.companies.map(holder),
    msp_item: statement.msp_item && holder(statement.msp_item),
    sub_total: statement.sub_total,
    tax_rate: canonicalText(statement.tax_rate),
    tax: statement.tax,
    total: statement.total,
  };
}

// ---------------------------------------------------------------------------------------------
// Driving the API.

async function writeCase(api: TestApp, distributorId: number, spec: CaseSpec, month: Month): Promise<Written> {
  const iso = (ms: number) => new Date(ms).toISOString();
  api.clock.set(new Date(month.start - 90 * DAY * 1000));
  const msp = await api.call('clients.create', {
    kind: 'msp',
    name: 'Property MSP',
    resellers_id: distributorId,
    billing_time_zone: spec.zone,
    tax_rate: spec.taxRate,
  });
  const companyIds: number[] = [];
  for (const company of spec.companies) {
    companyIds.push((await api.call('clients.create', { kind: 'company', name: company.name, resellers_id: msp.id })).id);
  }
  const written: Written = { mspId: msp.id, companyIds, rows: [], prices: [], deletedAt: [] };
  let sequence = 0;
  const base = Date.parse('2020-01-01T00:00:00Z');
  for (const [index, product] of PRODUCTS.entries()) {
    const price = toFixed(rational(BigInt(spec.basePrices[index]), 100n), 2);
    await api.call('billing.price_books.create', { layer: 'cost', clients_id: msp.id, products_id: product.id, unit_price: price, effective_at: iso(base) });
    written.prices.push({ company: null, product: product.id, effective: base, recorded: api.clock.now().getTime(), sequence: sequence++, price: parseDecimal(price) });
  }

  const { operations, deletedAt } = plan(spec, month);
  written.deletedAt = deletedAt;
  const holderOf = (holder: Holder) => (holder.kind === 'msp' ? { key: 'msp', id: msp.id } : { key: String(holder.index), id: companyIds[holder.index] });
  for (let index = 0; index < operations.length; index += 1) {
    const operation = operations[index];
    api.clock.set(new Date(operation.at));
    if (operation.kind === 'delete') {
      assert.equal(await api.call('clients.delete', { id: companyIds[operation.company] }), 1);
    } else if (operation.kind === 'price') {
      await api.call('billing.price_books.create', {
        layer: 'cost',
        clients_id: msp.id,
        ...(operation.company !== null && { companies_id: companyIds[operation.company] }),
        products_id: operation.product.id,
        unit_price: operation.price,
        effective_at: iso(operation.effective),
      });
      written.prices.push({
        company: operation.company,
        product: operation.product.id,
        effective: operation.effective,
        recorded: operation.at,
        sequence: sequence++,
        price: parseDecimal(operation.price),
      });
    } else {
      // Consecutive imported rows recorded at the same instant travel in one import, in order.
      const batch = [operation];
      while (operation.viaImport) {
        const next = operations[index + batch.length];
        if (!next || next.kind !== 'row' || !next.viaImport || next.at !== operation.at) break;
        batch.push(next);
      }
      const rows = batch.map((row) => ({
        clients_id: holderOf(row.holder).id,
        products_id: row.product.id,
        quantity: row.quantity,
        effective_at: iso(row.effective),
      }));
      if (operation.viaImport) {
        const imported = await api.call('billing.quantities.import', { source: 'property', rows });
        assert.equal(imported.inserted, rows.length);
      } else {
        await api.call('billing.quantities.set', rows[0]);
      }
      for (const row of batch) {
        written.rows.push({
          holder: holderOf(row.holder).key,
          product: row.product.id,
          effective: row.effective,
          recorded: row.at,
          sequence: sequence++,
          quantity: parseDecimal(row.quantity),
        });
      }
      index += batch.length - 1;
    }
  }
  return written;
}

test('statements read through the API, live and once closed, agree to the cent with an exact reference, line by line, over random ledgers, prices, deletions and DST months', async (t) => {
  t.diagnostic(`fast-check seed ${SEED}, ${RUNS} runs (set STATEMENT_PROPERTY_SEED / STATEMENT_PROPERTY_RUNS to change)`);
  const api = await startTestApp();
  for (const product of PRODUCTS) {
    await api.call('catalog.products.create', {
      id: product.id,
      name: product.name,
      kind: product.kind,
      proration: product.proration,
      sort_order: product.sortOrder,
      ...(product.kind !== 'storage' && product.kind !== 'service' && { billing_unit: 'user' }),
    });
  }
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Property Distribution' });

  await fc.assert(
    fc.asyncProperty(caseArbitrary, async (spec) => {
      const month = monthOf(spec.year, spec.month, spec.zone);
      const written = await writeCase(api, distributor.id, spec, month);
      api.clock.set(new Date(month.end + 80 * DAY * 1000));
      const wire: WireStatement = await api.call('billing.statements.get', { clients_id: written.mspId, year: spec.year, month: spec.month });
      const expected = referenceStatement(spec, month, written);
      assert.deepEqual(normalize(wire), expected.statement);

      // Closing rates the month again, inside the database: the frozen statement must be this one, to the fraction.
      await api.call('billing.statements.close', { clients_id: written.mspId, year: spec.year, month: spec.month });
      const closed = await api.call('billing.statements.get', { clients_id: written.mspId, year: spec.year, month: spec.month });
      assert.equal(closed.status, 'closed');
      assert.deepEqual({ ...closed, status: 'due', closed_at: null }, wire);

      // Each line's explanation adds up: Σ quantityᵢ × fractionᵢ is the unrounded Σ qᵢ·fᵢ, within
      // the half-unit of the 12th place each shown fraction may carry.
      for (const holder of [...wire.companies, ...(wire.msp_item ? [wire.msp_item] : [])]) {
        for (const line of holder.lines) {
          const reference = expected.lines.get(`${holder.clients_id}:${line.products_id}`)!;
          let explained = ZERO;
          let slack = ZERO;
          for (const item of line.breakdown) {
            explained = add(explained, mul(parseDecimal(item.quantity), parseDecimal(item.fraction)));
            slack = add(slack, mul(parseDecimal(item.quantity), rational(1n, 2n * 10n ** 12n)));
          }
          const gap = sub(explained, reference.weighted);
          assert.ok(compare(gap.n < 0n ? rational(-gap.n, gap.d) : gap, slack) <= 0, `${holder.name} ${line.products_id}: breakdown explains ${canonical(roundHalfUp(explained, 12))}, not ${canonical(roundHalfUp(reference.weighted, 12))}`);
          const product = PRODUCTS.find((candidate) => candidate.id === line.products_id)!;
          if (product.proration === 'quantity') {
            assert.equal(canonicalText(line.quantity), canonical(roundHalfUp(reference.weighted, 2)));
          }
        }
      }
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: false },
  );
});
