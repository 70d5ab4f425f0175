import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Decimal } from 'decimal.js';
import { billingPeriod, closeTime } from '../../src/domain/billing-period.ts';
import { activeWindows, intersectWindowLists, type LedgerEntry, type StatusChange, type TimeWindow } from '../../src/domain/ledger.ts';
import { roundMoney, toDecimal } from '../../src/domain/money.ts';
import type { ProrationMode } from '../../src/domain/proration.ts';
import {
  adjustmentLineName,
  adjustmentLines,
  assembleStatement,
  diffStatements,
  isShownLine,
  priceForMonth,
  rateLine,
  type CatalogProduct,
  type CompanyLines,
  type PriceEntry,
  type Statement,
  type StatementLine,
} from '../../src/domain/statement.ts';

const d = (value: string | number) => toDecimal(value);
const product = (id: number, name: string, kind: CatalogProduct['kind'], catalogOrder: number, proration: ProrationMode = 'quantity'): CatalogProduct => ({
  id,
  name,
  kind,
  proration,
  billingUnit: kind === 'plan' || kind === 'addon' ? 'user' : null,
  catalogOrder,
});
const PLAN = product(10011, 'Keeper Enterprise Plus Bundle', 'plan', 50);
const STORAGE = product(1012, '10TB Secure File Storage', 'storage', 120, 'price');
const COMPLIANCE = product(940, 'Compliance Reporting', 'addon', 90);
const SUPPORT = product(730, 'Dedicated Service & Support', 'service', 130, 'none');
const CHAT = product(910, 'KeeperChat', 'addon', 60);

/** A line with given figures and a one-interval breakdown, as rateLine would give. */
function line(of: CatalogProduct, quantity: string, unitPrice: string): StatementLine {
  return {
    productId: of.id,
    productName: of.name,
    productKind: of.kind,
    catalogOrder: of.catalogOrder,
    billingUnit: of.billingUnit,
    quantity: d(quantity),
    unitPrice: d(unitPrice),
    avgMonthlyCost: roundMoney(d(unitPrice).times(quantity)),
    breakdown: [],
  };
}
const company = (companyId: string | number, companyName: string, lines: StatementLine[]): CompanyLines => ({ companyId, companyName, lines });
const names = (statement: Statement) => statement.mcItems.map((item) => item.companyName);
const productIds = (lines: readonly StatementLine[]) => lines.map((item) => (item.adjusts ? `${item.productId} adj ${item.adjusts.month}` : String(item.productId)));

test('isShownLine hides only lines whose quantity and cost are both 0', () => {
  const cases: [string, string, boolean][] = [
    ['0', '0', false],
    ['1', '0', true],
    ['0.89', '4.27', true],
    ['0', '-1', true],
  ];
  for (const [quantity, cost, shown] of cases) {
    assert.equal(isShownLine({ quantity: d(quantity), avgMonthlyCost: d(cost) }), shown, `${quantity} / ${cost}`);
  }
});

test('assembleStatement orders companies by name ignoring case, ties by exact name then id', () => {
  const statement = assembleStatement({
    companies: [
      company('c5', 'seahawks', [line(PLAN, '2', '4.8')]),
      company('c2', 'bears', [line(PLAN, '1', '4.8')]),
      company('c3', 'Vikings', [line(PLAN, '1', '4.2')]),
      company('c1', 'Bears', [line(PLAN, '30', '4.8')]),
      company('c4', '49ers', [line(PLAN, '1', '3')]),
      company('c0', 'Bears', [line(PLAN, '1', '1')]),
      company('c6', 'NFC Business Plus', [line(PLAN, '1', '1')]),
      company('c7', 'NFC Business - All Upgrades', [line(PLAN, '1', '1')]),
      company('c8', 'NFC Business', [line(PLAN, '1', '1')]),
    ],
    msp: null,
  });
  assert.deepEqual(names(statement), ['49ers', 'Bears', 'Bears', 'bears', 'NFC Business', 'NFC Business - All Upgrades', 'NFC Business Plus', 'seahawks', 'Vikings']);
  assert.deepEqual(
    statement.mcItems.slice(1, 3).map((item) => item.companyId),
    ['c0', 'c1'],
  );
});

test('assembleStatement puts the plan first, then catalog order, an adjustment after its product', () => {
  const bigPlan = { ...PLAN, catalogOrder: 999 };
  const adjustment: StatementLine = { ...line(CHAT, '1', '-2'), productName: adjustmentLineName(CHAT.name, '2024-02'), adjusts: { month: '2024-02', productName: CHAT.name, billed: d(3), rerated: d(1), previouslyAdjusted: d(0) } };
  const statement = assembleStatement({
    companies: [company(1, 'MC Test', [adjustment, line(CHAT, '1', '1'), line(SUPPORT, '1', '64'), line(COMPLIANCE, '1', '0.5'), line(STORAGE, '1', '89'), line(bigPlan, '1', '4.8')])],
    msp: null,
  });
  assert.deepEqual(productIds(statement.mcItems[0].lines), ['10011', '910', '910 adj 2024-02', '940', '1012', '730']);
  assert.equal(statement.mcItems[0].total.toFixed(), '157.3');
});

test('assembleStatement omits hidden lines and companies left with none, and merges a company given twice', () => {
  const statement = assembleStatement({
    companies: [
      company(1, 'Empty', [line(PLAN, '0', '4.8')]),
      company(2, 'No lines', []),
      company(3, 'Free seats', [line(PLAN, '2', '0'), line(CHAT, '0', '1')]),
      company(4, 'Twice', [line(PLAN, '1', '4.8')]),
      company(4, 'Twice', [line(CHAT, '3', '1')]),
    ],
    msp: company('m', 'The MSP', [line(PLAN, '0', '3.4')]),
  });
  assert.deepEqual(names(statement), ['Free seats', 'Twice']);
  assert.deepEqual(productIds(statement.mcItems[0].lines), ['10011']);
  assert.deepEqual(productIds(statement.mcItems[1].lines), ['10011', '910']);
  assert.equal(statement.mcItems[1].total.toFixed(), '7.8');
  assert.ok(statement.mspItem, 'the MSP item stays, even empty');
  assert.deepEqual(statement.mspItem.lines, []);
  assert.equal(statement.mspItem.total.toFixed(), '0');
  assert.equal(statement.subTotal.toFixed(), '7.8');
});

test('assembleStatement refuses two lines for the same product of one company', () => {
  assert.throws(() => assembleStatement({ companies: [company(1, 'Bears', [line(CHAT, '1', '1')]), company(1, 'Bears', [line(CHAT, '2', '1')])], msp: null }), /Bears has two lines for product 910/);
});

test('assembleStatement totals: subTotal = Σ company totals + MSP total, tax rounded HALF_UP, total = subTotal + tax', () => {
  const cases: { name: string; companies: CompanyLines[]; msp: CompanyLines | null; taxRate?: string; subTotal: string; tax: string; total: string }[] = [
    { name: 'no tax by default', companies: [company(1, 'A', [line(PLAN, '0.89', '4.8')])], msp: company('m', 'M', [line(SUPPORT, '1', '64')]), subTotal: '68.27', tax: '0', total: '68.27' },
    { name: '5% of 100.10 = 5.005 → 5.01', companies: [company(1, 'A', [line(PLAN, '1', '100.10')])], msp: null, taxRate: '0.05', subTotal: '100.1', tax: '5.01', total: '105.11' },
    { name: '8.25% of 2387.74 = 196.98855 → 196.99', companies: [company(1, 'A', [line(PLAN, '1', '1819.84')])], msp: company('m', 'M', [line(SUPPORT, '1', '567.9')]), taxRate: '0.0825', subTotal: '2387.74', tax: '196.99', total: '2584.73' },
    { name: 'nothing at all', companies: [], msp: null, taxRate: '0.2', subTotal: '0', tax: '0', total: '0' },
  ];
  for (const { name, companies, msp, taxRate, subTotal, tax, total } of cases) {
    const statement = assembleStatement({ companies, msp, taxRate: taxRate === undefined ? undefined : d(taxRate) });
    assert.deepEqual([statement.subTotal.toFixed(), statement.tax.toFixed(), statement.total.toFixed()], [subTotal, tax, total], name);
  }
});

test('rateLine: ledger → billable intervals → proration', () => {
  const june = billingPeriod(2024, 6, 'UTC');
  const entries: LedgerEntry[] = [
    { effectiveAt: new Date('2024-05-01T00:00:00Z'), recordedAt: new Date('2024-05-01T00:00:00Z'), quantity: d(10) },
    { effectiveAt: new Date('2024-06-16T00:00:00Z'), recordedAt: new Date('2024-06-16T00:00:00Z'), quantity: d(0) },
  ];
  const billable: TimeWindow[] = [{ from: new Date('2024-06-04T00:00:00Z'), to: june.end }];
  const rated = rateLine({ product: CHAT, entries, period: june, billableWindows: billable, price: d(1) });
  assert.equal(rated.quantity.toFixed(), '4', '10 seats for 12 of 30 days');
  assert.equal(rated.avgMonthlyCost.toFixed(), '4');
  assert.deepEqual(
    rated.breakdown.map((item) => [item.from.toISOString(), item.to.toISOString(), item.quantity.toFixed(), item.fraction.toFixed()]),
    [['2024-06-04T00:00:00.000Z', '2024-06-16T00:00:00.000Z', '10', '0.4']],
  );
  assert.deepEqual([rated.productId, rated.productName, rated.productKind, rated.billingUnit], [910, 'KeeperChat', 'addon', 'user']);
  // As of a cutoff before the cancellation was recorded, the 10 seats ran to the end of the month.
  const asOf = rateLine({ product: CHAT, entries, period: june, billableWindows: billable, price: d(1), view: { recordedBefore: new Date('2024-06-10T00:00:00Z') } });
  assert.equal(asOf.quantity.toFixed(), '9');
});

test('diffStatements reports changed, added and removed lines and the totals', () => {
  const before = assembleStatement({
    companies: [company(1, 'Bears', [line(PLAN, '30', '4.8'), line(CHAT, '30', '1')]), company(2, 'Lions', [line(PLAN, '1', '4.8')])],
    msp: company('m', 'QaMspNfl', [line(SUPPORT, '1', '64')]),
  });
  const after = assembleStatement({
    companies: [company(1, 'Bears', [line(PLAN, '30', '4.8'), line(CHAT, '31', '1'), line(COMPLIANCE, '30', '0.5')])],
    msp: company('m', 'QaMspNfl', [line(SUPPORT, '1', '70')]),
    taxRate: d('0.1'),
  });
  const diff = diffStatements(before, after);
  assert.deepEqual(
    diff.lines.map((item) => [item.companyName, item.productId, item.change, item.difference.toFixed()]),
    [
      ['Bears', 910, 'changed', '1'],
      ['Bears', 940, 'added', '15'],
      ['Lions', 10011, 'removed', '-4.8'],
      ['QaMspNfl', 730, 'changed', '6'],
    ],
  );
  assert.equal(diff.lines[3].owner, 'msp');
  assert.deepEqual([diff.subTotal.before.toFixed(), diff.subTotal.after.toFixed(), diff.subTotal.difference.toFixed()], ['242.8', '260', '17.2']);
  assert.deepEqual([diff.tax.difference.toFixed(), diff.total.difference.toFixed()], ['26', '43.2']);
  const full = diffStatements(before, after, { includeUnchanged: true });
  assert.equal(full.lines.length, 5);
  assert.deepEqual(full.lines[0].change, 'unchanged');
  assert.equal(diffStatements(after, after).lines.length, 0);
});

const MARCH_BILLED = assembleStatement({
  companies: [company(1, 'Bears', [line(PLAN, '30', '4.8'), line(CHAT, '30', '1')]), company(2, 'Lions', [line(PLAN, '1', '4.8')])],
  msp: company('m', 'QaMspNfl', [line(SUPPORT, '1', '64')]),
});

test('adjustmentLines: one line per (company, product) whose amount moved, named after the month', () => {
  const rerated = assembleStatement({
    companies: [company(1, 'Bears', [line(PLAN, '30', '4.8'), line(CHAT, '31', '1'), line(COMPLIANCE, '0.5', '0.5')])],
    msp: company('m', 'QaMspNfl', [line(SUPPORT, '1', '64'), line(STORAGE, '1', '50')]),
  });
  const adjustments = adjustmentLines({ month: '2024-03', billed: MARCH_BILLED, rerated });
  const shown = (lines: readonly StatementLine[]) => lines.map((item) => [item.productName, item.quantity.toFixed(), item.unitPrice.toFixed(), item.avgMonthlyCost.toFixed()]);
  assert.deepEqual(adjustments.companies.map((item) => item.companyName), ['Bears', 'Lions']);
  assert.deepEqual(shown(adjustments.companies[0].lines), [
    ['KeeperChat (adjustment 2024-03)', '1', '1', '1'],
    ['Compliance Reporting (adjustment 2024-03)', '1', '0.25', '0.25'],
  ]);
  assert.deepEqual(shown(adjustments.companies[1].lines), [['Keeper Enterprise Plus Bundle (adjustment 2024-03)', '1', '-4.8', '-4.8']]);
  assert.deepEqual(shown(adjustments.msp), [['10TB Secure File Storage (adjustment 2024-03)', '1', '50', '50']]);
  const chat = adjustments.companies[0].lines[0];
  assert.deepEqual(chat.adjusts && [chat.adjusts.month, chat.adjusts.productName, chat.adjusts.billed.toFixed(), chat.adjusts.rerated.toFixed(), chat.adjusts.previouslyAdjusted.toFixed()], [
    '2024-03',
    'KeeperChat',
    '30',
    '31',
    '0',
  ]);

  // The April statement carries them after each product, in the company totals.
  const april = assembleStatement({
    companies: [company(1, 'Bears', [line(PLAN, '31', '4.8'), line(CHAT, '31', '1')]), ...adjustments.companies],
    msp: { ...company('m', 'QaMspNfl', [line(SUPPORT, '1', '64')]), lines: [line(SUPPORT, '1', '64'), ...adjustments.msp] },
  });
  assert.deepEqual(productIds(april.mcItems[0].lines), ['10011', '910', '910 adj 2024-03', '940 adj 2024-03']);
  assert.equal(april.mcItems[0].total.toFixed(), '181.05', '148.8 + 31 + 1 + 0.25');
  assert.deepEqual(names(april), ['Bears', 'Lions']);
  assert.equal(april.mcItems[1].total.toFixed(), '-4.8');
  assert.equal(april.mspItem?.total.toFixed(), '114');
});

test('adjustmentLines counts earlier adjustments, reverses them when the change is undone, and ignores other months', () => {
  const rerated31 = assembleStatement({ companies: [company(1, 'Bears', [line(PLAN, '30', '4.8'), line(CHAT, '31', '1')]), company(2, 'Lions', [line(PLAN, '1', '4.8')])], msp: company('m', 'QaMspNfl', [line(SUPPORT, '1', '64')]) });
  const first = adjustmentLines({ month: '2024-03', billed: MARCH_BILLED, rerated: rerated31 });
  assert.equal(first.companies[0].lines[0].avgMonthlyCost.toFixed(), '1');

  // Already charged in April: nothing more in May.
  assert.deepEqual(adjustmentLines({ month: '2024-03', billed: MARCH_BILLED, rerated: rerated31, previous: first }), { companies: [], msp: [] });

  // Another late row brings March back to 30 seats: May refunds April's adjustment.
  const reverse = adjustmentLines({ month: '2024-03', billed: MARCH_BILLED, rerated: MARCH_BILLED, previous: first });
  assert.equal(reverse.companies.length, 1);
  const refund = reverse.companies[0].lines[0];
  assert.deepEqual([refund.productName, refund.avgMonthlyCost.toFixed(), refund.adjusts?.previouslyAdjusted.toFixed()], ['KeeperChat (adjustment 2024-03)', '-1', '1']);

  // An adjustment for another month, and adjustment lines inside the billed statement, are not this month's charge.
  const otherMonth = adjustmentLines({ month: '2024-02', billed: MARCH_BILLED, rerated: rerated31 });
  assert.deepEqual(
    adjustmentLines({ month: '2024-03', billed: MARCH_BILLED, rerated: rerated31, previous: { companies: otherMonth.companies.map((item) => ({ ...item })), msp: [] } }).companies[0].lines[0].avgMonthlyCost.toFixed(),
    '1',
  );
  const billedWithAdjustment = assembleStatement({ companies: [company(1, 'Bears', [line(PLAN, '30', '4.8'), line(CHAT, '30', '1'), ...first.companies[0].lines]), company(2, 'Lions', [line(PLAN, '1', '4.8')])], msp: MARCH_BILLED.mspItem });
  assert.deepEqual(adjustmentLines({ month: '2024-04', billed: billedWithAdjustment, rerated: billedWithAdjustment }), { companies: [], msp: [] });

  // An MSP line reverted: its earlier adjustment is found by product alone.
  const mspUp = assembleStatement({ companies: [], msp: company('m', 'QaMspNfl', [line(SUPPORT, '2', '64')]) });
  const mspBilled = assembleStatement({ companies: [], msp: company('m', 'QaMspNfl', [line(SUPPORT, '1', '64')]) });
  const mspFirst = adjustmentLines({ month: '2024-03', billed: mspBilled, rerated: mspUp });
  assert.equal(mspFirst.msp[0].avgMonthlyCost.toFixed(), '64');
  const mspBack = adjustmentLines({ month: '2024-03', billed: mspBilled, rerated: mspBilled, previous: mspFirst });
  assert.deepEqual(mspBack.msp.map((item) => [item.productName, item.avgMonthlyCost.toFixed()]), [['Dedicated Service & Support (adjustment 2024-03)', '-64']]);
});

test('priceForMonth: a change applies from the first month starting on or after it', () => {
  const entry = (iso: string, price: string, recorded?: string): PriceEntry => ({ effectiveAt: new Date(iso), price: d(price), recordedAt: recorded ? new Date(recorded) : undefined });
  const book = [entry('2024-01-01T00:00:00Z', '4.8'), entry('2024-03-15T00:00:00Z', '5'), entry('2024-05-01T00:00:00Z', '5.5')];
  const cases: { name: string; entries: PriceEntry[]; monthStart: Date; expected: string | null }[] = [
    { name: 'before any entry', entries: book, monthStart: billingPeriod(2023, 12).start, expected: null },
    { name: 'effective exactly at the month start', entries: book, monthStart: billingPeriod(2024, 1).start, expected: '4.8' },
    { name: 'a mid-month change waits for the next month', entries: book, monthStart: billingPeriod(2024, 3).start, expected: '4.8' },
    { name: 'the next month takes it', entries: book, monthStart: billingPeriod(2024, 4).start, expected: '5' },
    { name: 'order of entries does not matter', entries: [...book].reverse(), monthStart: billingPeriod(2024, 6).start, expected: '5.5' },
    {
      name: 'in the MSP zone: 2024-03-01T00:00Z is before March starts in New York',
      entries: [entry('2024-03-01T00:00:00Z', '7')],
      monthStart: billingPeriod(2024, 3, 'America/New_York').start,
      expected: '7',
    },
    { name: 'one millisecond after the zone’s month start is too late', entries: [entry('2024-03-01T05:00:00.001Z', '7')], monthStart: billingPeriod(2024, 3, 'America/New_York').start, expected: null },
    { name: 'same effective date: the later recorded wins', entries: [entry('2024-01-01T00:00:00Z', '9', '2024-01-05T00:00:00Z'), entry('2024-01-01T00:00:00Z', '8', '2024-01-02T00:00:00Z')], monthStart: billingPeriod(2024, 2).start, expected: '9' },
    { name: 'same effective date, no recording time: the later given wins', entries: [entry('2024-01-01T00:00:00Z', '8'), entry('2024-01-01T00:00:00Z', '9')], monthStart: billingPeriod(2024, 2).start, expected: '9' },
  ];
  for (const { name, entries, monthStart, expected } of cases) {
    const price = priceForMonth(entries, monthStart);
    assert.equal(price === null ? null : price.toFixed(), expected, name);
  }
});

// ---------------------------------------------------------------------------------------------
// Property: whole statements from random ledgers, windows and price books, against a reference
// that reads the ledger instant by instant and does all arithmetic in integers.

const ZONES = ['UTC', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe'];
const DAY = 86_400_000;

interface Scenario {
  zone: string;
  year: number;
  month: number;
  products: { proration: ProrationMode; kind: CatalogProduct['kind']; order: number; prices: { offsetDays: number; cents: number }[] }[];
  companies: {
    name: string;
    activeUntilDays: number | null;
    rows: { product: number; offsetMinutes: number; lateDays: number; micro: number }[];
  }[];
  msp: { offsetMinutes: number; active: boolean }[];
  taxBasisPoints: number;
}

const scenarioArbitrary: fc.Arbitrary<Scenario> = fc.record({
  zone: fc.constantFrom(...ZONES),
  year: fc.integer({ min: 2023, max: 2025 }),
  month: fc.integer({ min: 1, max: 12 }),
  products: fc.array(
    fc.record({
      proration: fc.constantFrom<ProrationMode>('quantity', 'price', 'none'),
      kind: fc.constantFrom<CatalogProduct['kind']>('plan', 'addon', 'storage', 'service'),
      order: fc.integer({ min: 0, max: 5 }),
      // Price changes around the month: some before it starts, some inside, some after.
      prices: fc.array(fc.record({ offsetDays: fc.integer({ min: -60, max: 40 }), cents: fc.integer({ min: 0, max: 50_000 }) }), { maxLength: 4 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  companies: fc.array(
    fc.record({
      name: fc.constantFrom('Bears', 'bears', 'Lions', 'MC Test', '49ers', 'seahawks', 'Vikings'),
      // A company deleted mid-month stops counting then.
      activeUntilDays: fc.option(fc.integer({ min: 0, max: 31 })),
      rows: fc.array(
        fc.record({
          product: fc.nat(),
          // Minutes from 20 days before the month to 10 days after; several rows land on the same minute.
          offsetMinutes: fc.oneof(fc.constantFrom(-20 * 1440, 0, 7 * 1440, 15 * 1440), fc.integer({ min: -20 * 1440, max: 40 * 1440 })),
          // Recorded up to 40 days later: backdating, supersedes and rows arriving after the close.
          lateDays: fc.integer({ min: 0, max: 40 }),
          micro: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 }).map((n) => n * 1_000_000), fc.integer({ min: 0, max: 40_000_000 })),
        }),
        { maxLength: 8 },
      ),
    }),
    { maxLength: 4 },
  ),
  // MSP status history: converted, cancelled, reactivated at random minutes.
  msp: fc.array(fc.record({ offsetMinutes: fc.integer({ min: -10 * 1440, max: 35 * 1440 }), active: fc.boolean() }), { maxLength: 4 }),
  taxBasisPoints: fc.integer({ min: 0, max: 2500 }),
});

function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (numerator < 0n) return -divideHalfUp(-numerator, denominator);
  return (2n * numerator + denominator) / (2n * denominator);
}
const centsText = (cents: bigint) => toDecimal(cents.toString()).dividedBy(100).toFixed();

interface ReferenceRow {
  effective: number;
  recorded: number;
  micro: bigint;
  index: number;
}

/** The quantity in millionths at instant t, reading every row (the latest effective, then recorded, then given). */
function referenceHeld(rows: readonly ReferenceRow[], t: number, cutoff: number): bigint {
  let best: ReferenceRow | null = null;
  for (const row of rows) {
    if (row.recorded >= cutoff || row.effective > t) continue;
    if (!best || row.effective > best.effective || (row.effective === best.effective && row.recorded >= best.recorded)) best = row;
  }
  return best ? best.micro : 0n;
}

/** The MSP is ACTIVE at t when the last change at or before t (the later given on a tie) says so. */
function referenceMspActive(history: readonly { at: number; active: boolean }[], t: number): boolean {
  let state = false;
  let latest = -Infinity;
  for (const change of history) {
    if (change.at <= t && change.at >= latest) {
      latest = change.at;
      state = change.active;
    }
  }
  return state;
}

test('property: statements from random ledgers, windows and price changes equal the integer reference', () => {
  fc.assert(
    fc.property(scenarioArbitrary, (scenario) => {
      const period = billingPeriod(scenario.year, scenario.month, scenario.zone);
      const start = period.start.getTime();
      const end = period.end.getTime();
      const cutoff = closeTime(scenario.year, scenario.month, scenario.zone).getTime();
      const catalog = scenario.products.map((raw, index) => ({
        product: { ...product(100 + index, `Product ${index}`, raw.kind, raw.order, raw.proration) },
        // A price from long ago guarantees every product is priced; the random changes follow it.
        prices: [{ effectiveAt: new Date(start - 400 * DAY), price: d('2.5') }, ...raw.prices.map((price) => ({ effectiveAt: new Date(start + price.offsetDays * DAY), price: toDecimal(price.cents).dividedBy(100) }))],
      }));
      const mspHistory = scenario.msp.map((change) => ({ at: start + change.offsetMinutes * 60_000, active: change.active }));
      const mspWindows = activeWindows(
        mspHistory.map((change): StatusChange => ({ at: new Date(change.at), active: change.active })),
        { from: period.start, to: period.end },
      );

      // The implementation under test.
      const companies: CompanyLines[] = scenario.companies.map((raw, companyIndex) => {
        const companyEnd = raw.activeUntilDays === null ? end : Math.min(end, start + raw.activeUntilDays * DAY);
        const windows = intersectWindowLists(mspWindows, [{ from: period.start, to: new Date(Math.max(start, companyEnd)) }]);
        const lines = catalog.map(({ product: item, prices }, productIndex) => {
          const entries: LedgerEntry[] = raw.rows
            .filter((row) => row.product % catalog.length === productIndex)
            .map((row) => ({ effectiveAt: new Date(start + row.offsetMinutes * 60_000), recordedAt: new Date(start + row.offsetMinutes * 60_000 + row.lateDays * DAY), quantity: toDecimal(row.micro).dividedBy(1_000_000) }));
          const price = priceForMonth(prices, period.start);
          assert.ok(price);
          return rateLine({ product: item, entries, period, billableWindows: windows, price, view: { recordedBefore: new Date(cutoff) } });
        });
        return company(`id-${companyIndex}`, raw.name, lines);
      });
      const statement = assembleStatement({ companies, msp: null, taxRate: toDecimal(scenario.taxBasisPoints).dividedBy(10_000) });

      // The reference.
      const expectedCompanies: { id: string; name: string; lines: string[]; totalCents: bigint }[] = [];
      scenario.companies.forEach((raw, companyIndex) => {
        const companyEnd = raw.activeUntilDays === null ? end : Math.min(end, start + raw.activeUntilDays * DAY);
        const lines: { order: [number, number, number]; text: string; costCents: bigint }[] = [];
        scenario.products.forEach((rawProduct, productIndex) => {
          const rows: ReferenceRow[] = raw.rows
            .map((row, index) => ({ row, index }))
            .filter(({ row }) => row.product % scenario.products.length === productIndex)
            .map(({ row, index }) => ({ effective: start + row.offsetMinutes * 60_000, recorded: start + row.offsetMinutes * 60_000 + row.lateDays * DAY, micro: BigInt(row.micro), index }));
          const boundaries = [...new Set([start, end, companyEnd, ...rows.map((row) => row.effective), ...mspHistory.map((change) => change.at)])]
            .filter((t) => t >= start && t <= end)
            .sort((a, b) => a - b);
          let weighted = 0n; // millionths·ms
          let highest = 0n;
          for (let index = 0; index + 1 < boundaries.length; index += 1) {
            const [from, to] = [boundaries[index], boundaries[index + 1]];
            if (from >= companyEnd || !referenceMspActive(mspHistory, from)) continue;
            const held = referenceHeld(rows, from, cutoff);
            weighted += held * BigInt(to - from);
            if (held > highest) highest = held;
          }
          // Price: sort by effective date (stable) and take the last on or before the month start.
          const book = [{ at: start - 400 * DAY, cents: 250n }, ...rawProduct.prices.map((price) => ({ at: start + price.offsetDays * DAY, cents: BigInt(price.cents) }))];
          const applicable = book.filter((entry) => entry.at <= start).sort((a, b) => a.at - b.at);
          const priceCents = applicable[applicable.length - 1].cents;
          const denominator = 1_000_000n * BigInt(end - start);
          let quantityText: string;
          let unitCents: bigint;
          let costCents: bigint;
          if (rawProduct.proration === 'quantity') {
            const quantityHundredths = divideHalfUp(weighted * 100n, denominator);
            unitCents = priceCents;
            costCents = divideHalfUp(priceCents * quantityHundredths, 100n);
            quantityText = centsText(quantityHundredths);
          } else {
            unitCents = rawProduct.proration === 'price' && highest > 0n ? divideHalfUp(priceCents * weighted * 1_000_000n, denominator * highest) : priceCents;
            costCents = divideHalfUp(unitCents * highest, 1_000_000n);
            quantityText = toDecimal(highest.toString()).dividedBy(1_000_000).toFixed();
          }
          if (quantityText === '0' && costCents === 0n) return;
          lines.push({
            order: [rawProduct.kind === 'plan' ? 0 : 1, rawProduct.order, 100 + productIndex],
            text: `${100 + productIndex}: ${quantityText} × ${centsText(unitCents)} = ${centsText(costCents)}`,
            costCents,
          });
        });
        if (lines.length === 0) return;
        lines.sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1] || a.order[2] - b.order[2]);
        expectedCompanies.push({ id: `id-${companyIndex}`, name: raw.name, lines: lines.map((item) => item.text), totalCents: lines.reduce((sum, item) => sum + item.costCents, 0n) });
      });
      // Case-insensitive name order via a sort key, then exact name, then id.
      expectedCompanies.sort((a, b) => {
        const keyA = `${a.name.toLowerCase()}\u0000${a.name}\u0000${a.id}`;
        const keyB = `${b.name.toLowerCase()}\u0000${b.name}\u0000${b.id}`;
        return keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
      });
      const subTotalCents = expectedCompanies.reduce((sum, item) => sum + item.totalCents, 0n);
      const taxCents = divideHalfUp(subTotalCents * BigInt(scenario.taxBasisPoints), 10_000n);

      const actual = statement.mcItems.map((item) => ({
        id: String(item.companyId),
        name: item.companyName,
        lines: item.lines.map((row) => `${row.productId}: ${row.quantity.toFixed()} × ${row.unitPrice.toFixed()} = ${row.avgMonthlyCost.toFixed()}`),
        total: item.total.toFixed(),
      }));
      assert.deepEqual(
        actual,
        expectedCompanies.map((item) => ({ id: item.id, name: item.name, lines: item.lines, total: centsText(item.totalCents) })),
      );
      assert.deepEqual(
        [statement.subTotal.toFixed(), statement.tax.toFixed(), statement.total.toFixed()],
        [centsText(subTotalCents), centsText(taxCents), centsText(subTotalCents + taxCents)],
      );
    }),
    { numRuns: 400 },
  );
});

test('property: diffStatements accounts for the whole change in the total, and a statement against itself has no differences', () => {
  const lineArbitrary = fc.record({
    product: fc.constantFrom(PLAN, STORAGE, COMPLIANCE, SUPPORT, CHAT),
    quantityHundredths: fc.integer({ min: 0, max: 5000 }),
    unitCents: fc.integer({ min: 0, max: 10_000 }),
  });
  const statementArbitrary = fc
    .record({
      companies: fc.uniqueArray(fc.record({ id: fc.integer({ min: 1, max: 5 }), lines: fc.array(lineArbitrary, { maxLength: 4 }) }), { maxLength: 5, selector: (item) => item.id }),
      msp: fc.array(lineArbitrary, { maxLength: 3 }),
      taxBasisPoints: fc.integer({ min: 0, max: 2500 }),
    })
    .map((raw) =>
      assembleStatement({
        // One line per product per company, as the statement engine gives.
        companies: raw.companies.map((item) =>
          company(item.id, `Company ${item.id}`, [...new Map(item.lines.map((row) => [row.product.id, line(row.product, centsText(BigInt(row.quantityHundredths)), centsText(BigInt(row.unitCents)))])).values()]),
        ),
        msp: company('m', 'MSP', [...new Map(raw.msp.map((row) => [row.product.id, line(row.product, centsText(BigInt(row.quantityHundredths)), centsText(BigInt(row.unitCents)))])).values()]),
        taxRate: toDecimal(raw.taxBasisPoints).dividedBy(10_000),
      }),
    );
  fc.assert(
    fc.property(statementArbitrary, statementArbitrary, (before, after) => {
      const diff = diffStatements(before, after);
      const sum = diff.lines.reduce((total: Decimal, item) => total.plus(item.difference), toDecimal(0));
      assert.equal(sum.toFixed(), diff.subTotal.difference.toFixed());
      assert.equal(diffStatements(before, before).lines.length, 0);
      for (const item of diff.lines) assert.notEqual(item.change, 'unchanged');
      // Adjustment lines for the difference, added to the billed month, give the re-rated amount.
      const adjustments = adjustmentLines({ month: '2024-03', billed: before, rerated: after });
      const adjusted = [...adjustments.companies.flatMap((item) => item.lines), ...adjustments.msp].reduce((total: Decimal, item) => total.plus(item.avgMonthlyCost), toDecimal(0));
      assert.equal(before.subTotal.plus(adjusted).toFixed(), after.subTotal.toFixed());
      assert.deepEqual(adjustmentLines({ month: '2024-03', billed: before, rerated: after, previous: adjustments }), { companies: [], msp: [] });
    }),
    { numRuns: 300 },
  );
});
