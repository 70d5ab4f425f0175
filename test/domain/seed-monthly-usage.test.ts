import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Decimal } from 'decimal.js';
import { billingPeriod, closeTime, monthLabel, type BillingPeriod } from '../../src/domain/billing-period.ts';
import { activeWindows, intersectWindowLists, type LedgerEntry } from '../../src/domain/ledger.ts';
import { toDecimal, toWireNumber } from '../../src/domain/money.ts';
import {
  adjustmentLines,
  assembleStatement,
  diffStatements,
  priceForMonth,
  rateLine,
  type CatalogProduct,
  type CompanyLines,
  type CompanyStatement,
  type PriceEntry,
  type Statement,
  type StatementLine,
} from '../../src/domain/statement.ts';
import { SEED_001_MONTHLY_USAGE } from './fixtures/seed-001-monthly-usage.ts';

interface WireLine {
  unitPrice: number;
  unit?: string;
  quantity: number;
  productId: number;
  productName: string;
  avgMonthlyCost: number;
}
interface WireCompany {
  companyId: string;
  total: number;
  companyName: string;
  products: WireLine[];
}
interface WireUsage {
  total: number;
  tax: number;
  currency: string;
  mcItems: WireCompany[];
  subTotal: number;
  mspItem: WireCompany;
}

const SAMPLE = JSON.parse(SEED_001_MONTHLY_USAGE) as { success: true; usage: WireUsage };

// The demo catalog of billing-rules.md §1. The sample lists each company's lines as: the plan, then
// 1011, 1012, 920, 930, 940, 730, 967, 910; that is the catalog order these sort keys give.
const CATALOG: CatalogProduct[] = [
  { id: 720, name: 'MSP Base License', kind: 'plan', proration: 'quantity', billingUnit: 'user', catalogOrder: 1 },
  { id: 10001, name: 'Keeper Business Bundle', kind: 'plan', proration: 'quantity', billingUnit: 'user', catalogOrder: 2 },
  { id: 10002, name: 'Keeper Business Plus Bundle', kind: 'plan', proration: 'quantity', billingUnit: 'user', catalogOrder: 3 },
  { id: 10010, name: 'Keeper Enterprise Bundle', kind: 'plan', proration: 'quantity', billingUnit: 'user', catalogOrder: 4 },
  { id: 10011, name: 'Keeper Enterprise Plus Bundle', kind: 'plan', proration: 'quantity', billingUnit: 'user', catalogOrder: 5 },
  { id: 1011, name: '1TB Secure File Storage', kind: 'storage', proration: 'price', billingUnit: null, catalogOrder: 10 },
  { id: 1012, name: '10TB Secure File Storage', kind: 'storage', proration: 'price', billingUnit: null, catalogOrder: 20 },
  { id: 920, name: 'Advanced Reporting & Alerts', kind: 'addon', proration: 'quantity', billingUnit: 'user', catalogOrder: 30 },
  { id: 930, name: 'BreachWatch', kind: 'addon', proration: 'quantity', billingUnit: 'user', catalogOrder: 40 },
  { id: 940, name: 'Compliance Reporting', kind: 'addon', proration: 'quantity', billingUnit: 'user', catalogOrder: 50 },
  { id: 730, name: 'Dedicated Service & Support', kind: 'service', proration: 'none', billingUnit: null, catalogOrder: 60 },
  { id: 967, name: 'Keeper Connection Manager (KCM)', kind: 'addon', proration: 'quantity', billingUnit: 'user', catalogOrder: 70 },
  { id: 910, name: 'KeeperChat', kind: 'addon', proration: 'quantity', billingUnit: 'user', catalogOrder: 80 },
  { id: 968, name: 'Keeper Secrets Manager', kind: 'addon', proration: 'quantity', billingUnit: 'user', catalogOrder: 90 },
  { id: 973, name: 'Remote Browser Isolation', kind: 'addon', proration: 'quantity', billingUnit: 'user', catalogOrder: 100 },
  { id: 978, name: 'Privileged Access Management', kind: 'addon', proration: 'quantity', billingUnit: 'user', catalogOrder: 110 },
];
const PRODUCTS = new Map(CATALOG.map((item) => [item.id, item]));
const DAY = 86_400_000;

/** MC Test held everything for the last 0.89 of the month; everyone else all month. */
const shareOfMonth = (companyName: string) => toDecimal(companyName === 'MC Test' ? '0.89' : '1');

/** What a company held of a product, and the list price, worked back from a sample line. */
function fromSampleLine(companyName: string, line: WireLine): { product: CatalogProduct; held: Decimal; listPrice: Decimal } {
  const product = PRODUCTS.get(line.productId);
  assert.ok(product, `product ${line.productId} is in the catalog`);
  assert.equal(line.productName, product.name);
  assert.equal(line.unit, product.billingUnit ?? undefined, `${product.name}: "unit" only on per-user products`);
  const share = shareOfMonth(companyName);
  const held = product.proration === 'quantity' ? toDecimal(line.quantity).dividedBy(share) : toDecimal(line.quantity);
  const listPrice = product.proration === 'price' ? toDecimal(line.unitPrice).dividedBy(share) : toDecimal(line.unitPrice);
  assert.ok(held.isInteger(), `${companyName} / ${product.name}: whole units held (${held.toFixed()})`);
  return { product, held, listPrice };
}

/** One price book per product from the sample, with a mid-month increase that must wait for next month. */
function priceBooks(period: BillingPeriod): Map<number, PriceEntry[]> {
  const books = new Map<number, PriceEntry[]>();
  for (const item of [...SAMPLE.usage.mcItems, SAMPLE.usage.mspItem]) {
    for (const line of item.products) {
      const { product, listPrice } = fromSampleLine(item.companyName, line);
      const existing = books.get(product.id);
      if (existing) {
        assert.equal(existing[0].price.toFixed(), listPrice.toFixed(), `${product.name} has one list price across the sample`);
        continue;
      }
      books.set(product.id, [
        { effectiveAt: new Date(period.start.getTime() - 365 * DAY), price: listPrice },
        { effectiveAt: new Date(period.start.getTime() + 10 * DAY), price: listPrice.times(2) },
      ]);
    }
  }
  return books;
}

/** Ledger rows for a sample company, with a superseded row and rows recorded after the close thrown in. */
function ledgerFor(companyName: string, line: WireLine, period: BillingPeriod, close: Date): LedgerEntry[] {
  const { product, held } = fromSampleLine(companyName, line);
  const longAgo = new Date(period.start.getTime() - 60 * DAY);
  const since = companyName === 'MC Test' ? new Date(period.start.getTime() + toDecimal('0.11').times(period.seconds * 1000).toNumber()) : longAgo;
  const entries: LedgerEntry[] = [{ effectiveAt: since, recordedAt: since, quantity: held }];
  if (companyName === 'Bears' && product.kind === 'plan') {
    // Entered wrong, then corrected with the same effective date: the correction supersedes.
    entries.unshift({ effectiveAt: since, recordedAt: new Date(since.getTime() - 1000), quantity: held.minus(1) });
  }
  if (companyName === 'NFC Business' && product.kind === 'plan') {
    // A late change: 20 bundles from mid-month, recorded after the month closed.
    entries.push({ effectiveAt: new Date(period.start.getTime() + (period.seconds * 1000) / 2), recordedAt: new Date(close.getTime() + DAY), quantity: toDecimal(20) });
  }
  if (companyName === 'Packers') {
    // Dropped exactly when the month ends: next month's business.
    entries.push({ effectiveAt: period.end, recordedAt: period.end, quantity: toDecimal(0) });
  }
  return entries;
}

function rateCompany(item: WireCompany, period: BillingPeriod, books: Map<number, PriceEntry[]>, view: { recordedBefore?: Date }, close: Date): CompanyLines {
  // The MSP became ACTIVE long before the month and stayed so; every company is active.
  const billable = intersectWindowLists(activeWindows([{ at: new Date(period.start.getTime() - 90 * DAY), active: true }], { from: period.start, to: period.end }), [
    { from: period.start, to: period.end },
  ]);
  const lines = item.products.map((line) => {
    const product = PRODUCTS.get(line.productId)!;
    const price = priceForMonth(books.get(product.id)!, period.start);
    assert.ok(price);
    return rateLine({ product, entries: ledgerFor(item.companyName, line, period, close), period, billableWindows: billable, price, view });
  });
  // Lines and companies go in shuffled; the statement orders them.
  return { companyId: item.companyId, companyName: item.companyName, lines: lines.reverse() };
}

function statementFor(period: BillingPeriod, view: 'as-of-close' | 'today'): Statement {
  const close = closeTime(period.year, period.month, period.zone);
  const books = priceBooks(period);
  const ledgerView = view === 'as-of-close' ? { recordedBefore: close } : {};
  return assembleStatement({
    companies: [...SAMPLE.usage.mcItems].reverse().map((item) => rateCompany(item, period, books, ledgerView, close)),
    msp: rateCompany(SAMPLE.usage.mspItem, period, books, ledgerView, close),
    taxRate: toDecimal(0),
  });
}

function wireLine(line: StatementLine): WireLine {
  return {
    unitPrice: toWireNumber(line.unitPrice),
    ...(line.billingUnit ? { unit: line.billingUnit } : {}),
    quantity: toWireNumber(line.quantity),
    productId: line.productId,
    productName: line.productName,
    avgMonthlyCost: toWireNumber(line.avgMonthlyCost),
  };
}

function wireCompany(item: CompanyStatement): WireCompany {
  return { companyId: String(item.companyId), total: toWireNumber(item.total), companyName: item.companyName, products: item.lines.map(wireLine) };
}

function wireUsage(statement: Statement): WireUsage {
  return {
    total: toWireNumber(statement.total),
    tax: toWireNumber(statement.tax),
    currency: 'USD',
    mcItems: statement.mcItems.map(wireCompany),
    subTotal: toWireNumber(statement.subTotal),
    mspItem: wireCompany(statement.mspItem!),
  };
}

const PERIODS: [number, number, string][] = [
  [2024, 6, 'UTC'],
  [2024, 2, 'UTC'],
  [2024, 3, 'America/New_York'],
  [2024, 11, 'America/New_York'],
  [2024, 10, 'Europe/London'],
  [2024, 4, 'Australia/Lord_Howe'],
];

test('the sample keeps its own arithmetic: lines, company totals, subTotal = companies + MSP, total 2387.74', () => {
  const cents = (value: number) => toDecimal(value);
  let companies = toDecimal(0);
  for (const item of [...SAMPLE.usage.mcItems, SAMPLE.usage.mspItem]) {
    let total = toDecimal(0);
    for (const line of item.products) {
      assert.equal(cents(line.unitPrice).times(line.quantity).toDecimalPlaces(2).toFixed(), cents(line.avgMonthlyCost).toFixed(), `${item.companyName} / ${line.productName}`);
      total = total.plus(line.avgMonthlyCost);
    }
    assert.equal(total.toFixed(), cents(item.total).toFixed(), `${item.companyName} total`);
    if (item !== SAMPLE.usage.mspItem) companies = companies.plus(item.total);
  }
  assert.equal(companies.toFixed(), '1819.84');
  assert.equal(companies.plus(SAMPLE.usage.mspItem.total).toFixed(), '2387.74');
  assert.deepEqual([SAMPLE.usage.subTotal, SAMPLE.usage.tax, SAMPLE.usage.total], [2387.74, 0, 2387.74]);
});

for (const [year, month, zone] of PERIODS) {
  test(`seed 001 monthly usage comes out exactly, computed for ${monthLabel(year, month)} in ${zone}`, () => {
    const period = billingPeriod(year, month, zone);
    const statement = statementFor(period, 'as-of-close');
    const usage = wireUsage(statement);

    // MC Test, line by line: the worked example of billing-rules.md §3.
    const mcTest = statement.mcItems.find((item) => item.companyName === 'MC Test')!;
    assert.deepEqual(
      mcTest.lines.map((line) => [line.productName, line.quantity.toFixed(), line.unitPrice.toFixed(), line.avgMonthlyCost.toFixed()]),
      [
        ['Keeper Enterprise Plus Bundle', '0.89', '4.8', '4.27'],
        ['10TB Secure File Storage', '1', '89', '89'],
        ['Compliance Reporting', '0.89', '0.5', '0.45'],
        ['Dedicated Service & Support', '1', '64', '64'],
        ['Keeper Connection Manager (KCM)', '0.89', '25.2', '22.43'],
        ['KeeperChat', '0.89', '1', '0.89'],
      ],
    );
    assert.equal(mcTest.total.toFixed(), '181.04');
    for (const line of mcTest.lines) {
      assert.equal(line.breakdown.length, 1, `${line.productName}: one interval`);
      assert.equal(line.breakdown[0].fraction.toFixed(), '0.89', `${line.productName}: held 0.89 of the month`);
      assert.equal(line.breakdown[0].to.getTime(), period.end.getTime());
    }

    // Every company, every line, every total, in the sample's order.
    assert.equal(usage.mcItems.length, SAMPLE.usage.mcItems.length);
    SAMPLE.usage.mcItems.forEach((expected, index) => assert.deepEqual(usage.mcItems[index], expected, expected.companyName));
    assert.deepEqual(usage.mspItem, SAMPLE.usage.mspItem);
    assert.deepEqual([usage.subTotal, usage.tax, usage.total], [2387.74, 0, 2387.74]);

    // And byte for byte, as JSON.
    assert.equal(JSON.stringify({ success: true, usage }), SEED_001_MONTHLY_USAGE);
  });
}

test('seed 001: the late change to NFC Business becomes an adjustment line in the next month', () => {
  const period = billingPeriod(2024, 3, 'America/New_York');
  const billed = statementFor(period, 'as-of-close');
  const rerated = statementFor(period, 'today');
  const diff = diffStatements(billed, rerated);
  assert.deepEqual(
    diff.lines.map((line) => [line.companyName, line.productName, line.before?.quantity.toFixed(), line.after?.quantity.toFixed(), line.difference.toFixed()]),
    [['NFC Business', 'Keeper Business Bundle', '10', '15', '11.25']],
  );
  assert.equal(diff.total.difference.toFixed(), '11.25');
  const adjustments = adjustmentLines({ month: monthLabel(period.year, period.month), billed, rerated });
  assert.deepEqual(
    adjustments.companies.map((item) => [item.companyName, item.lines.map((line) => [line.productName, line.quantity.toFixed(), line.unitPrice.toFixed(), line.avgMonthlyCost.toFixed()])]),
    [['NFC Business', [['Keeper Business Bundle (adjustment 2024-03)', '1', '11.25', '11.25']]]],
  );
  assert.deepEqual(adjustments.msp, []);
  // Its explanation is the month as the ledger now tells it: 10 bundles, then 20 from mid-month.
  const [adjustment] = adjustments.companies[0].lines;
  assert.deepEqual(
    adjustment.breakdown.map((item) => [item.quantity.toFixed(), item.fraction.toFixed()]),
    [
      ['10', '0.5'],
      ['20', '0.5'],
    ],
  );
  assert.deepEqual(adjustment.adjusts && [adjustment.adjusts.billed.toFixed(), adjustment.adjusts.rerated.toFixed()], ['22.5', '33.75']);

  // Had the row been cancelled instead (nothing held now), the adjustment refunds all and explains nothing.
  const emptied = assembleStatement({
    companies: billed.mcItems.map((item) => (item.companyName === 'NFC Business' ? { ...item, lines: item.lines.filter((line) => line.productKind !== 'plan') } : item)),
    msp: billed.mspItem,
  });
  const refund = adjustmentLines({ month: '2024-03', billed, rerated: emptied }).companies[0].lines[0];
  assert.deepEqual([refund.productName, refund.avgMonthlyCost.toFixed(), refund.breakdown.length], ['Keeper Business Bundle (adjustment 2024-03)', '-22.5', 0]);
});
