import type { Decimal } from 'decimal.js';
import type { BillingPeriod } from './billing-period.ts';
import { clipToWindows, heldIntervals, type LedgerEntry, type LedgerView, type TimeWindow } from './ledger.ts';
import { roundMoney, sumDecimals, toDecimal, ZERO } from './money.ts';
import { prorateLine, type LineAmounts, type ProrationMode } from './proration.ts';

export type ProductKind = 'plan' | 'addon' | 'storage' | 'service';

/** What the statement needs to know about a catalog product (billing-rules.md §1). */
export interface CatalogProduct {
  id: number;
  name: string;
  kind: ProductKind;
  proration: ProrationMode;
  /** "user", or null for flat items (the faces then leave out `unit`). */
  billingUnit: string | null;
  /** The catalog's sort key (products.sort_order): after the plan, lines follow this order. */
  catalogOrder: number;
}

/** Why an adjustment line exists: a closed month re-rated after a late ledger change (billing-rules.md §5). */
export interface LineAdjustment {
  /** The closed month, "YYYY-MM". */
  month: string;
  /** The product's own name, without the "(adjustment …)" suffix. */
  productName: string;
  /** What the closed statement charged for this line. */
  billed: Decimal;
  /** What the ledger says the line should have been. */
  rerated: Decimal;
  /** What earlier adjustment lines for the same month already charged. */
  previouslyAdjusted: Decimal;
}

export interface StatementLine extends LineAmounts {
  productId: number;
  productName: string;
  productKind: ProductKind;
  catalogOrder: number;
  billingUnit: string | null;
  adjusts?: LineAdjustment;
}

/** The lines of one company (or of the MSP itself) before presentation rules are applied. */
export interface CompanyLines {
  companyId: string | number;
  companyName: string;
  lines: readonly StatementLine[];
}

/** A company as the statement shows it: its visible lines in order, and their total. */
export interface CompanyStatement extends CompanyLines {
  lines: StatementLine[];
  total: Decimal;
}

export interface Statement {
  mcItems: CompanyStatement[];
  mspItem: CompanyStatement | null;
  subTotal: Decimal;
  taxRate: Decimal;
  tax: Decimal;
  total: Decimal;
}

export interface RateLineInput {
  product: CatalogProduct;
  /** The ledger rows of this (client, product), in insertion order. */
  entries: readonly LedgerEntry[];
  period: Pick<BillingPeriod, 'start' | 'end' | 'seconds'>;
  /** Where the MSP was ACTIVE and the company active; anything else is free. */
  billableWindows: readonly TimeWindow[];
  /** The month's price (`priceForMonth`). */
  price: Decimal;
  /** The ledger as of an instant, e.g. a month's close. */
  view?: LedgerView;
}

/**
 * One statement line from the ledger: held intervals → billable part → proration.
 * Example: Keeper Enterprise Plus at 4.8, 1 held all month, billable for the last 0.89 of it → quantity 0.89, 4.27.
 */
export function rateLine(input: RateLineInput): StatementLine {
  const { product, period } = input;
  const held = heldIntervals(input.entries, { from: period.start, to: period.end }, input.view);
  const billable = clipToWindows(held, input.billableWindows);
  const amounts = prorateLine({ intervals: billable, monthSeconds: period.seconds, price: input.price, proration: product.proration });
  return {
    productId: product.id,
    productName: product.name,
    productKind: product.kind,
    catalogOrder: product.catalogOrder,
    billingUnit: product.billingUnit,
    ...amounts,
  };
}

/** Whether a line appears: not when its quantity and its cost are both 0 (0 × 4.8 → hidden; 2 × 0 → shown). */
export function isShownLine(line: Pick<LineAmounts, 'quantity' | 'avgMonthlyCost'>): boolean {
  return !(line.quantity.isZero() && line.avgMonthlyCost.isZero());
}

/** Line order within a company: the plan, then catalog order; an adjustment follows its product. Plan 10011 < storage 1012 < add-on 940. */
export function compareLines(a: StatementLine, b: StatementLine): number {
  const planFirst = Number(b.productKind === 'plan') - Number(a.productKind === 'plan');
  if (planFirst !== 0) return planFirst;
  if (a.catalogOrder !== b.catalogOrder) return a.catalogOrder - b.catalogOrder;
  if (a.productId !== b.productId) return a.productId - b.productId;
  const aMonth = a.adjusts?.month ?? '';
  const bMonth = b.adjusts?.month ?? '';
  return aMonth < bMonth ? -1 : aMonth > bMonth ? 1 : 0;
}

/** Plain code-unit order, the same under every ICU build and locale: "B" < "a". */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Company order: by name ignoring case, "49ers" < "Bears" < "seahawks" < "Vikings"; ties by exact name, then id. */
export function compareCompanies(a: Pick<CompanyLines, 'companyId' | 'companyName'>, b: Pick<CompanyLines, 'companyId' | 'companyName'>): number {
  // NOTE: plain code-unit order of the lower-cased names, not localeCompare: the order must not move
  // with the ICU build or the server's locale, or a closed statement would re-render differently.
  return (
    compareText(a.companyName.toLowerCase(), b.companyName.toLowerCase()) ||
    compareText(a.companyName, b.companyName) ||
    compareText(String(a.companyId), String(b.companyId))
  );
}

function presentCompany(company: CompanyLines): CompanyStatement {
  const seen = new Set<string>();
  for (const line of company.lines) {
    // Diffs and adjustments pair lines by (company, product, adjusted month); two would be ambiguous.
    const key = `${line.productId} ${line.adjusts?.month ?? ''}`;
    if (seen.has(key)) throw new RangeError(`${company.companyName} has two lines for product ${line.productId}${line.adjusts ? ` adjusting ${line.adjusts.month}` : ''}`);
    seen.add(key);
  }
  const lines = company.lines.filter(isShownLine).sort(compareLines);
  return { companyId: company.companyId, companyName: company.companyName, lines, total: sumDecimals(lines.map((line) => line.avgMonthlyCost)) };
}

/** Lines of the same company given more than once (regular lines, then adjustment lines) become one company. */
function mergeCompanies(companies: readonly CompanyLines[]): (CompanyLines & { lines: StatementLine[] })[] {
  const byId = new Map<string, { companyId: string | number; companyName: string; lines: StatementLine[] }>();
  for (const company of companies) {
    const key = String(company.companyId);
    const existing = byId.get(key);
    if (existing) existing.lines.push(...company.lines);
    else byId.set(key, { companyId: company.companyId, companyName: company.companyName, lines: [...company.lines] });
  }
  return [...byId.values()];
}

export interface AssembleInput {
  companies: readonly CompanyLines[];
  /** The MSP's own holdings; shown as `mspItem` even with no lines, since the faces always carry it. */
  msp: CompanyLines | null;
  /** From the MSP's tax profile; 0 by default. */
  taxRate?: Decimal;
}

/**
 * A month's statement from its lines (billing-rules.md §3): hidden lines and empty companies left out,
 * companies by name, totals summed, tax = round_half_up(subTotal × rate, 2).
 * Example: companies 1819.84 + MSP 567.9 → subTotal 2387.74, tax 0, total 2387.74.
 */
export function assembleStatement(input: AssembleInput): Statement {
  const taxRate = toDecimal(input.taxRate ?? ZERO);
  const mcItems = mergeCompanies(input.companies)
    .map(presentCompany)
    .filter((company) => company.lines.length > 0)
    .sort(compareCompanies);
  const mspItem = input.msp ? presentCompany(input.msp) : null;
  const subTotal = sumDecimals([...mcItems.map((company) => company.total), mspItem?.total ?? ZERO]);
  const tax = roundMoney(subTotal.times(taxRate));
  return { mcItems, mspItem, subTotal, taxRate, tax, total: subTotal.plus(tax) };
}

export type LineOwner = 'company' | 'msp';
export type LineChange = 'added' | 'removed' | 'changed' | 'unchanged';

export interface LineDifference {
  owner: LineOwner;
  companyId: string | number;
  companyName: string;
  productId: number;
  productName: string;
  /** The closed month an adjustment line adjusts, or null for a regular line. */
  adjustmentMonth: string | null;
  change: LineChange;
  before: StatementLine | null;
  after: StatementLine | null;
  /** after.avgMonthlyCost − before.avgMonthlyCost, a missing line counting as 0. */
  difference: Decimal;
}

export interface AmountChange {
  before: Decimal;
  after: Decimal;
  difference: Decimal;
}

export interface StatementDifference {
  lines: LineDifference[];
  subTotal: AmountChange;
  tax: AmountChange;
  total: AmountChange;
}

interface OwnedLine {
  owner: LineOwner;
  companyId: string | number;
  companyName: string;
  line: StatementLine;
}

function lineKey(owner: LineOwner, companyId: string | number, productId: number, adjustmentMonth: string | null): string {
  // A statement has one MSP, so its lines are keyed by product alone.
  return JSON.stringify([owner, owner === 'msp' ? '' : String(companyId), productId, adjustmentMonth]);
}

function ownedLines(statement: Statement): OwnedLine[] {
  const owned: OwnedLine[] = [];
  for (const company of statement.mcItems) {
    for (const line of company.lines) owned.push({ owner: 'company', companyId: company.companyId, companyName: company.companyName, line });
  }
  if (statement.mspItem) {
    const { companyId, companyName, lines } = statement.mspItem;
    for (const line of lines) owned.push({ owner: 'msp', companyId, companyName, line });
  }
  return owned;
}

function sameFigures(a: StatementLine, b: StatementLine): boolean {
  return a.quantity.equals(b.quantity) && a.unitPrice.equals(b.unitPrice) && a.avgMonthlyCost.equals(b.avgMonthlyCost);
}

function compareOwned(a: Omit<OwnedLine, 'line'>, b: Omit<OwnedLine, 'line'>): number {
  // The MSP's own lines come after the companies', as mspItem follows mcItems.
  if (a.owner !== b.owner) return a.owner === 'company' ? -1 : 1;
  return compareCompanies(a, b);
}

function amountChange(before: Decimal, after: Decimal): AmountChange {
  return { before, after, difference: after.minus(before) };
}

/**
 * Line-by-line differences between two statements of the same month (a re-rating preview).
 * Example: KeeperChat 30 × 1 before, 31 × 1 after → {change: "changed", difference: 1}; total +1.
 * Unchanged lines are left out unless `includeUnchanged`.
 */
export function diffStatements(before: Statement, after: Statement, options: { includeUnchanged?: boolean } = {}): StatementDifference {
  const pairs = new Map<string, { owner: LineOwner; companyId: string | number; companyName: string; before: StatementLine | null; after: StatementLine | null }>();
  const collect = (statement: Statement, side: 'before' | 'after') => {
    for (const { owner, companyId, companyName, line } of ownedLines(statement)) {
      const key = lineKey(owner, companyId, line.productId, line.adjusts?.month ?? null);
      const pair = pairs.get(key) ?? { owner, companyId, companyName, before: null, after: null };
      // A company renamed between the two keeps its current name.
      if (side === 'after') pair.companyName = companyName;
      pair[side] = line;
      pairs.set(key, pair);
    }
  };
  collect(before, 'before');
  collect(after, 'after');

  const lines: LineDifference[] = [];
  for (const pair of pairs.values()) {
    const shown = (pair.after ?? pair.before)!;
    const change: LineChange = !pair.before ? 'added' : !pair.after ? 'removed' : sameFigures(pair.before, pair.after) ? 'unchanged' : 'changed';
    if (change === 'unchanged' && !options.includeUnchanged) continue;
    lines.push({
      owner: pair.owner,
      companyId: pair.companyId,
      companyName: pair.companyName,
      productId: shown.productId,
      productName: shown.productName,
      adjustmentMonth: shown.adjusts?.month ?? null,
      change,
      before: pair.before,
      after: pair.after,
      difference: (pair.after?.avgMonthlyCost ?? ZERO).minus(pair.before?.avgMonthlyCost ?? ZERO),
    });
  }
  lines.sort((a, b) => compareOwned(a, b) || compareLines((a.after ?? a.before)!, (b.after ?? b.before)!));
  return {
    lines,
    subTotal: amountChange(before.subTotal, after.subTotal),
    tax: amountChange(before.tax, after.tax),
    total: amountChange(before.total, after.total),
  };
}

/** The name of an adjustment line: `adjustmentLineName('KeeperChat', '2024-03')` → "KeeperChat (adjustment 2024-03)". */
export function adjustmentLineName(productName: string, month: string): string {
  return `${productName} (adjustment ${month})`;
}

/** Adjustment lines grouped the way `assembleStatement` takes them. */
export interface AdjustmentLines {
  companies: CompanyLines[];
  msp: StatementLine[];
}

export interface AdjustmentInput {
  /** The closed month, "YYYY-MM". */
  month: string;
  /** The statement frozen at close. */
  billed: Statement;
  /** The same month from today's ledger, at the prices frozen with it. */
  rerated: Statement;
  /** Adjustment lines for this month already frozen in later closed statements, so nothing is charged twice. */
  previous?: AdjustmentLines;
}

/**
 * The lines that carry a late change of a closed month into the next open statement, one per
 * (company, product) whose amount moved: quantity 1 × the difference, named "<product> (adjustment YYYY-MM)".
 * Example: March billed KeeperChat 30, re-rated 31 at 1 → "KeeperChat (adjustment 2024-03)" 1 × 1 = 1.
 */
export function adjustmentLines(input: AdjustmentInput): AdjustmentLines {
  type Entry = {
    owner: LineOwner;
    companyId: string | number;
    companyName: string;
    /** Where the product's name, kind and order come from: the re-rated line when there is one. */
    template: StatementLine;
    reratedLine: StatementLine | null;
    billed: Decimal;
    rerated: Decimal;
    previous: Decimal;
  };
  const entries = new Map<string, Entry>();
  const add = (owned: OwnedLine, field: 'billed' | 'rerated' | 'previous') => {
    const key = lineKey(owned.owner, owned.companyId, owned.line.productId, null);
    const entry: Entry = entries.get(key) ?? {
      owner: owned.owner,
      companyId: owned.companyId,
      companyName: owned.companyName,
      template: owned.line,
      reratedLine: null,
      billed: ZERO,
      rerated: ZERO,
      previous: ZERO,
    };
    entry[field] = entry[field].plus(owned.line.avgMonthlyCost);
    // The re-rated statement names the company and product as they are now.
    if (field === 'rerated') {
      entry.template = owned.line;
      entry.reratedLine = owned.line;
      entry.companyName = owned.companyName;
    }
    entries.set(key, entry);
  };
  // Adjustment lines inside the closed statements adjust other months; they are not this month's charge.
  for (const owned of ownedLines(input.billed)) if (!owned.line.adjusts) add(owned, 'billed');
  for (const owned of ownedLines(input.rerated)) if (!owned.line.adjusts) add(owned, 'rerated');
  const previous = input.previous ?? { companies: [], msp: [] };
  for (const company of previous.companies) {
    for (const line of company.lines) {
      if (line.adjusts?.month === input.month) add({ owner: 'company', companyId: company.companyId, companyName: company.companyName, line }, 'previous');
    }
  }
  for (const line of previous.msp) {
    if (line.adjusts?.month === input.month) add({ owner: 'msp', companyId: '', companyName: '', line }, 'previous');
  }

  const msp: StatementLine[] = [];
  const companyLines: CompanyLines[] = [];
  for (const entry of entries.values()) {
    const amount = entry.rerated.minus(entry.billed).minus(entry.previous);
    if (amount.isZero()) continue;
    const productName = entry.template.adjusts?.productName ?? entry.template.productName;
    const line: StatementLine = {
      productId: entry.template.productId,
      productName: adjustmentLineName(productName, input.month),
      productKind: entry.template.productKind,
      catalogOrder: entry.template.catalogOrder,
      billingUnit: entry.template.billingUnit,
      quantity: toDecimal(1),
      unitPrice: amount,
      avgMonthlyCost: amount,
      // The explanation is the month as it now stands; the billed figures travel in `adjusts`.
      breakdown: entry.reratedLine?.breakdown ?? [],
      adjusts: { month: input.month, productName, billed: entry.billed, rerated: entry.rerated, previouslyAdjusted: entry.previous },
    };
    if (entry.owner === 'msp') msp.push(line);
    else companyLines.push({ companyId: entry.companyId, companyName: entry.companyName, lines: [line] });
  }
  const companies = mergeCompanies(companyLines).sort(compareCompanies);
  for (const company of companies) company.lines.sort(compareLines);
  return { companies, msp: msp.sort(compareLines) };
}

/** One entry of a price book: a price from an instant on. */
export interface PriceEntry {
  effectiveAt: Date;
  price: Decimal;
  /** Breaks ties between entries with the same effectiveAt: the later recorded wins. */
  recordedAt?: Date;
}

/**
 * The price of a month: the latest entry effective on or before the month's start, so a change
 * applies from the first month starting on or after it and one line never has two prices.
 * Example: 4.8 from Jan 1, 5.0 from Mar 15 → March 4.8, April 5.0. Null when nothing applies yet.
 */
export function priceForMonth(entries: readonly PriceEntry[], monthStart: Date): Decimal | null {
  const start = monthStart.getTime();
  let best: PriceEntry | null = null;
  for (const entry of entries) {
    const at = entry.effectiveAt.getTime();
    if (Number.isNaN(at)) throw new RangeError('A price entry has an invalid effective date');
    if (at > start) continue;
    if (!best) {
      best = entry;
      continue;
    }
    const bestAt = best.effectiveAt.getTime();
    const recordedLater = (entry.recordedAt?.getTime() ?? -Infinity) >= (best.recordedAt?.getTime() ?? -Infinity);
    if (at > bestAt || (at === bestAt && recordedLater)) best = entry;
  }
  return best ? toDecimal(best.price) : null;
}
