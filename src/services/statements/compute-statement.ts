import { and, asc, eq, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { Decimal } from 'decimal.js';
import { queryRows, type Executor } from '../../db/connection.ts';
import { accountStatusHistory, priceEntries, products, statements } from '../../db/schema.ts';
import { billingPeriod, monthLabel, type BillingPeriod } from '../../domain/billing-period.ts';
import { activeWindows, intersectWindowLists, sumConsumerLedgers, type LedgerEntry, type LedgerView, type TimeWindow } from '../../domain/ledger.ts';
import { isBillableStatus, type AccountStatus } from '../../domain/lifecycle.ts';
import { ZERO } from '../../domain/money.ts';
import {
  adjustmentLines,
  assembleStatement,
  compareText,
  priceForMonth,
  rateLine,
  type AdjustmentLines,
  type CatalogProduct,
  type CompanyLines,
  type PriceEntry,
  type Statement,
  type StatementLine,
} from '../../domain/statement.ts';
import type { ClientRow } from '../scope.ts';
import { readClosedStatement } from './statement-lines.ts';

export interface ComputedStatement {
  msp: ClientRow;
  period: BillingPeriod;
  statement: Statement;
}

type ProductRow = typeof products.$inferSelect;

const catalogProduct = (row: ProductRow): CatalogProduct => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  proration: row.proration,
  billingUnit: row.billingUnit,
  catalogOrder: row.sortOrder,
});

/** Where a company counts: from the month's start until it was deleted or archived. */
function companyWindow(company: Pick<ClientRow, 'deletedAt' | 'archivedAt'>, period: BillingPeriod): TimeWindow[] {
  const ends = [company.deletedAt, company.archivedAt].filter((at): at is Date => at !== null).map((at) => at.getTime());
  const to = Math.min(period.end.getTime(), ...ends);
  return to > period.start.getTime() ? [{ from: period.start, to: new Date(to) }] : [];
}

/**
 * Where an MSP's time is billable: while its account is in a billable status (ACTIVE; a trial is free,
 * a cancellation stops the count at once), from its status history.
 * NOTE: an MSP created natively, not through the distributor face, has no account and bills all month.
 */
export async function mspBillableWindows(executor: Executor, msp: Pick<ClientRow, 'id'>, period: BillingPeriod): Promise<TimeWindow[]> {
  const history = await executor
    .select({ status: accountStatusHistory.status, at: accountStatusHistory.at })
    .from(accountStatusHistory)
    .where(eq(accountStatusHistory.clientsId, msp.id))
    .orderBy(asc(accountStatusHistory.at), asc(accountStatusHistory.id));
  if (history.length === 0) return [{ from: period.start, to: period.end }];
  return activeWindows(
    history.map((change) => ({ at: change.at, active: isBillableStatus(change.status as AccountStatus) })),
    { from: period.start, to: period.end },
  );
}

export interface RatingOptions {
  /** The ledger as recorded before this instant (a close); by default all of it. */
  recordedBefore?: Date;
  /** Only price-book entries recorded before this instant: a closed month keeps the prices it was closed with. */
  pricesRecordedBefore?: Date;
  /** Which price book rates the month: `cost` (distributor → MSP, the statement) or `sell` (MSP → company, falling back to cost). */
  layer?: 'cost' | 'sell';
}

/** A statement line, with what each named consumer (user, device) held when ingestion named them. */
export type StatedLine = StatementLine & { details?: { detail: string; quantity: Decimal }[] };

interface RatedMonth {
  period: BillingPeriod;
  companies: CompanyLines[];
  mspLines: StatementLine[];
}

/** Companies rated together: the ledger is read and rated one group at a time, so memory does not grow with the rows. */
const COMPANIES_PER_GROUP = 500;

/** A holder with one of its ledger steps; instants as milliseconds since the epoch (both drivers answer a float8 alike). */
interface GroupRow {
  clients_id: number;
  name: string;
  deleted_at: number | null;
  archived_at: number | null;
  /** Null (and the step fields with it) for a holder with nothing in the ledger. */
  products_id: number | null;
  detail: string | null;
  quantity: string;
  effective_at: number;
  recorded_at: number;
}

const epochMilliseconds = (column: SQL) => sql`floor(extract(epoch FROM ${column}) * 1000)::float8`;

/**
 * Some holders (`holders` selects id, name, deleted_at, archived_at from clients), each with the
 * ledger rows that can matter for a month as it stood before `recordedBefore`: per (product,
 * consumer) and effective instant only the row that wins (latest recorded, then latest inserted),
 * and of the steps before the month only the one still held at its start. Rating these gives exactly
 * what rating all the rows would (`rateLine` reads the same step function). A holder with no rows
 * comes once, with a null products_id. Each holder's rows are read through the ledger's index.
 */
function holderSteps(executor: Executor, holders: SQL, period: BillingPeriod, recordedBefore: Date | undefined): Promise<GroupRow[]> {
  return queryRows<GroupRow>(
    executor,
    sql`WITH holders AS (${holders})
        SELECT holders.id AS clients_id, holders.name,
               ${epochMilliseconds(sql`holders.deleted_at`)} AS deleted_at, ${epochMilliseconds(sql`holders.archived_at`)} AS archived_at,
               steps.products_id, steps.detail, steps.quantity,
               ${epochMilliseconds(sql`steps.effective_at`)} AS effective_at, ${epochMilliseconds(sql`steps.recorded_at`)} AS recorded_at
        FROM holders
        LEFT JOIN LATERAL (
          SELECT * FROM (
            SELECT w.*, lead(w.effective_at) OVER (PARTITION BY w.products_id, w.detail ORDER BY w.effective_at) AS next_at
            FROM (
              SELECT DISTINCT ON (products_id, detail, effective_at) products_id, detail, effective_at, recorded_at, quantity
              FROM quantity_ledger
              WHERE clients_id = holders.id
                AND effective_at < ${period.end.toISOString()}::timestamptz
                ${recordedBefore ? sql`AND recorded_at < ${recordedBefore.toISOString()}::timestamptz` : sql``}
              ORDER BY products_id, detail, effective_at, recorded_at DESC, id DESC
            ) w
          ) held
          WHERE next_at IS NULL OR next_at > ${period.start.toISOString()}::timestamptz
        ) steps ON true
        ORDER BY holders.id, steps.products_id, steps.detail, steps.effective_at`,
  );
}

/** The next group of an MSP's companies after `after` (keyset by id), each with its steps, in one round trip. */
const companyGroup = (executor: Executor, mspId: number, after: number, period: BillingPeriod, recordedBefore: Date | undefined) =>
  holderSteps(
    executor,
    sql`SELECT id, name, deleted_at, archived_at FROM clients
        WHERE resellers_id = ${mspId} AND kind = 'company' AND id > ${after}
        ORDER BY id LIMIT ${COMPANIES_PER_GROUP}`,
    period,
    recordedBefore,
  );

/**
 * Rates every (holder, product) of an MSP for one month from the ledger and the cost price book:
 * the MSP's own holdings, then its companies in groups (keyset by id).
 */
async function rateMonth(executor: Executor, msp: ClientRow, period: BillingPeriod, options: RatingOptions): Promise<RatedMonth> {
  const catalog = new Map((await executor.select().from(products)).map((row) => [row.id, catalogProduct(row)]));
  const prices = await executor
    .select()
    .from(priceEntries)
    .where(
      and(
        eq(priceEntries.clientsId, msp.id),
        options.layer === 'sell' ? undefined : eq(priceEntries.layer, 'cost'),
        lte(priceEntries.effectiveAt, period.start),
        options.pricesRecordedBefore ? lt(priceEntries.createdAt, options.pricesRecordedBefore) : undefined,
      ),
    );

  const priceBook = new Map<string, PriceEntry[]>();
  for (const entry of prices) {
    const key = `${entry.layer}:${entry.companiesId ?? 'msp'}:${entry.productsId}`;
    const list = priceBook.get(key) ?? [];
    list.push({ effectiveAt: entry.effectiveAt, price: new Decimal(entry.unitPrice), recordedAt: entry.createdAt });
    priceBook.set(key, list);
  }
  const priceIn = (layer: 'cost' | 'sell', clientId: number, productId: number): Decimal | null =>
    (clientId !== msp.id ? priceForMonth(priceBook.get(`${layer}:${clientId}:${productId}`) ?? [], period.start) : null) ??
    priceForMonth(priceBook.get(`${layer}:msp:${productId}`) ?? [], period.start);
  const priceOf = (clientId: number, productId: number): Decimal =>
    (options.layer === 'sell' ? priceIn('sell', clientId, productId) : null) ?? priceIn('cost', clientId, productId) ?? ZERO;

  // Time counts while the MSP is ACTIVE and, for a company's lines, while the company is active too.
  const mspWindows = await mspBillableWindows(executor, msp, period);
  const view: LedgerView = options.recordedBefore ? { recordedBefore: options.recordedBefore } : {};

  /** The lines of some holders from their steps, each holder with the windows where its time is billable. */
  const rateHolders = (rows: readonly GroupRow[], windowsOf: Map<number, TimeWindow[]>): Map<number, StatementLine[]> => {
    // Rows naming a consumer (detail) form that consumer's own ledger; the client holds their sum.
    const series = new Map<string, { clientId: number; productId: number; consumers: Map<string | null, LedgerEntry[]> }>();
    for (const row of rows) {
      if (row.products_id === null) continue;
      const key = `${row.clients_id}:${row.products_id}`;
      let found = series.get(key);
      if (!found) series.set(key, (found = { clientId: row.clients_id, productId: row.products_id, consumers: new Map() }));
      const entries = found.consumers.get(row.detail) ?? [];
      entries.push({ effectiveAt: new Date(row.effective_at), recordedAt: new Date(row.recorded_at), quantity: new Decimal(row.quantity) });
      found.consumers.set(row.detail, entries);
    }

    const linesOf = new Map<number, StatementLine[]>();
    for (const { clientId, productId, consumers } of series.values()) {
      const product = catalog.get(productId);
      if (!product) continue;
      const billableWindows = windowsOf.get(clientId) ?? [];
      const price = priceOf(clientId, productId);
      const window = { from: period.start, to: period.end };
      const line: StatedLine =
        consumers.size === 1 && consumers.has(null)
          ? rateLine({ product, entries: consumers.get(null)!, period, billableWindows, price, view })
          : rateLine({ product, entries: sumConsumerLedgers([...consumers.values()], window, view), period, billableWindows, price });
      const named = [...consumers].filter((entry): entry is [string, LedgerEntry[]] => entry[0] !== null);
      if (named.length) {
        line.details = named
          .map(([detail, entries]) => ({ detail, quantity: rateLine({ product, entries, period, billableWindows, price, view }).quantity }))
          .filter((consumer) => consumer.quantity.gt(0))
          .sort((a, b) => compareText(a.detail, b.detail));
      }
      const list = linesOf.get(clientId) ?? [];
      list.push(line);
      linesOf.set(clientId, list);
    }
    return linesOf;
  };

  const mspSteps = await holderSteps(executor, sql`SELECT id, name, deleted_at, archived_at FROM clients WHERE id = ${msp.id}`, period, options.recordedBefore);
  const mspLines = rateHolders(mspSteps, new Map([[msp.id, mspWindows]])).get(msp.id) ?? [];
  const companies: CompanyLines[] = [];
  // While one group is rated, the database already reads the next (PostgreSQL works meanwhile).
  let next: Promise<GroupRow[]> | null = companyGroup(executor, msp.id, 0, period, options.recordedBefore);
  try {
    while (next) {
      const rows: GroupRow[] = await next;
      next = null;
      const group = new Map<number, { name: string; deletedAt: Date | null; archivedAt: Date | null }>();
      for (const row of rows) {
        if (!group.has(row.clients_id)) {
          group.set(row.clients_id, {
            name: row.name,
            deletedAt: row.deleted_at === null ? null : new Date(row.deleted_at),
            archivedAt: row.archived_at === null ? null : new Date(row.archived_at),
          });
        }
      }
      if (group.size === COMPANIES_PER_GROUP) {
        next = companyGroup(executor, msp.id, rows[rows.length - 1].clients_id, period, options.recordedBefore);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const windowsOf = new Map([...group].map(([id, company]) => [id, intersectWindowLists(companyWindow(company, period), mspWindows)]));
      const linesOf = rateHolders(rows, windowsOf);
      for (const [id, company] of group) companies.push({ companyId: id, companyName: company.name, lines: linesOf.get(id) ?? [] });
    }
  } finally {
    // A group read ahead of a failure must not fail unobserved.
    await next?.catch(() => undefined);
  }
  return { period, companies, mspLines };
}

const assemble = (msp: ClientRow, rated: { companies: CompanyLines[]; mspLines: StatementLine[] }): Statement =>
  assembleStatement({
    companies: rated.companies,
    msp: { companyId: msp.id, companyName: msp.name, lines: rated.mspLines },
    taxRate: new Decimal(msp.taxRate),
  });

/** A closed month re-rated from the ledger as it stands (or stood at `recordedBefore`), at the prices it was closed with. */
export async function rerateClosedMonth(executor: Executor, msp: ClientRow, closed: Pick<typeof statements.$inferSelect, 'year' | 'month' | 'closedAt'>, recordedBefore?: Date, prices: 'as-closed' | 'today' = 'as-closed'): Promise<Statement> {
  const period = billingPeriod(closed.year, closed.month, msp.billingTimeZone);
  const rated = await rateMonth(executor, msp, period, { recordedBefore, pricesRecordedBefore: prices === 'as-closed' ? closed.closedAt : undefined });
  return assemble(msp, rated);
}

/**
 * Late changes: for every closed month earlier than `period` whose ledger got rows after its close,
 * the lines that carry the difference into this statement (billing-rules.md §5).
 */
export async function lateAdjustments(executor: Executor, msp: ClientRow, period: BillingPeriod, recordedBefore: Date | undefined): Promise<AdjustmentLines[]> {
  const closedBefore = await executor
    .select()
    .from(statements)
    .where(
      and(
        eq(statements.clientsId, msp.id),
        or(lt(statements.year, period.year), and(eq(statements.year, period.year), lt(statements.month, period.month))),
      ),
    )
    .orderBy(asc(statements.year), asc(statements.month));
  const adjustments: AdjustmentLines[] = [];
  // Each frozen statement is read once, however many late months look back at it.
  const frozen = new Map<number, Promise<Statement>>();
  const readFrozen = (closed: (typeof closedBefore)[number]) => {
    if (!frozen.has(closed.id)) frozen.set(closed.id, readClosedStatement(executor, closed));
    return frozen.get(closed.id)!;
  };
  for (const [index, closed] of closedBefore.entries()) {
    // Holder by holder through the ledger's series index (it carries both instants), so the check
    // reads this MSP's rows only, however large the rest of the ledger.
    const [late] = await queryRows<{ found: number }>(
      executor,
      sql`SELECT 1 AS found FROM clients holder
          WHERE (holder.id = ${msp.id} OR holder.resellers_id = ${msp.id})
            AND EXISTS (
              SELECT 1 FROM quantity_ledger row
              WHERE row.clients_id = holder.id
                AND row.recorded_at > ${closed.closedAt.toISOString()}::timestamptz
                AND row.effective_at < ${closed.periodEnd.toISOString()}::timestamptz
                ${recordedBefore ? sql`AND row.recorded_at < ${recordedBefore.toISOString()}::timestamptz` : sql``})
          LIMIT 1`,
    );
    if (!late) continue;
    // Closed statements (thousands of lines for a large MSP) are read only for months that need re-rating.
    const previous: AdjustmentLines = { companies: [], msp: [] };
    for (const later of closedBefore.slice(index + 1)) {
      const laterStatement = await readFrozen(later);
      previous.companies.push(...laterStatement.mcItems);
      previous.msp.push(...(laterStatement.mspItem?.lines ?? []));
    }
    const rerated = await rerateClosedMonth(executor, msp, closed, recordedBefore);
    adjustments.push(adjustmentLines({ month: monthLabel(closed.year, closed.month), billed: await readFrozen(closed), rerated, previous }));
  }
  return adjustments;
}

/**
 * Computes an MSP's statement for a month from the ledger and the cost price book (billing-rules.md §3),
 * with adjustment lines for late changes to earlier closed months; optionally as the ledger stood at
 * an instant (a close), or at sell prices (without adjustments). Reads only.
 */
export async function computeStatement(executor: Executor, msp: ClientRow, year: number, month: number, options: RatingOptions = {}): Promise<ComputedStatement> {
  const period = billingPeriod(year, month, msp.billingTimeZone);
  const rated = await rateMonth(executor, msp, period, options);
  // Adjustments correct what the distributor billed (the cost statement); the sell layer prices the month's own lines.
  const adjustments = options.layer === 'sell' ? [] : await lateAdjustments(executor, msp, period, options.recordedBefore);
  for (const adjustment of adjustments) {
    rated.companies.push(...adjustment.companies);
    rated.mspLines.push(...adjustment.msp);
  }
  return { msp, period, statement: assemble(msp, rated) };
}
