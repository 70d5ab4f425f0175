import { sql, type SQL } from 'drizzle-orm';
import { Decimal } from 'decimal.js';
import { queryRows, type Executor } from '../../db/connection.ts';
import type { statements } from '../../db/schema.ts';
import type { BillingPeriod } from '../../domain/billing-period.ts';
import { appendHeld, type HeldInterval, type TimeWindow } from '../../domain/ledger.ts';
import { ZERO } from '../../domain/money.ts';
import { breakdownFraction } from '../../domain/proration.ts';
import { assembleStatement, compareText, type AdjustmentLines, type CompanyLines, type ProductKind, type Statement, type StatementLine } from '../../domain/statement.ts';
import type { ClientRow } from '../scope.ts';
import type { StatedLine } from './compute-statement.ts';

// A closed statement is kept as rows of statement_lines, one per shown line. The close rates the
// month inside the database (`rateMonthIntoLines`), so that a large MSP's month closes without its
// ledger and its lines crossing to the application and back; drafts are rated by the domain
// (`rateLine`), and the property tests hold the two equal line by line.

const MILLISECONDS_PER_SECOND = 1000;

const timestampArray = (instants: readonly Date[]) => `{${instants.map((instant) => instant.toISOString()).join(',')}}`;

export interface MonthToRate {
  statementsId: number;
  msp: ClientRow;
  period: BillingPeriod;
  /** Where the MSP's time is billable (its ACTIVE windows in the month); a company's also ends when it is deleted or archived. */
  mspWindows: readonly TimeWindow[];
  /** Ledger rows recorded from this instant on are late changes, not part of the month. */
  recordedBefore: Date;
}

/**
 * Rates an MSP's month by billing-rules.md §3 and writes its shown lines into statement_lines, inside
 * the close's transaction; answers how many and the sum of their amounts. The same rules as the domain's `rateLine`:
 * - per (holder, product, consumer) and effective instant the latest recorded row wins (the ledger
 *   keeps quantities at 6 places, as the domain rounds them); a product whose rows name consumers
 *   holds their sum;
 * - held intervals are cut to the billable windows; neighbours holding the same quantity are written
 *   as they come and read as one interval (`readClosedStatement`), as the domain merges them;
 * - `quantity`: round_half_up(Σ q·ms ÷ month ms, 2) × price; `price`: highest × round_half_up(price ×
 *   Σ q·ms ÷ (month ms × highest), 2); `none`: highest × price; amount round_half_up(unit × quantity, 2).
 * NOTE: HALF_UP of a ÷ b is computed as div(2a + b, 2b) on exact numerics, never through a rounded quotient.
 * Products whose rows name consumers are rated by a second statement, over the few holders that have
 * such rows, so that the first stays short for everyone else.
 */
export async function rateMonthIntoLines(executor: Executor, month: MonthToRate): Promise<{ lines: number; amount: Decimal }> {
  const rating = monthRating(month);
  // NOTE: the planner prices the per-holder loop far above jit_above_cost; compiling it took longer
  // than the whole rating (0.6 s for 10,000 companies) and saves nothing on loops this short.
  await executor.execute(sql`SET LOCAL jit = off`);
  const plain = await insertRatedLines(executor, month, rating.plainLines);
  const named = await insertRatedLines(executor, month, rating.namedLines);
  return { lines: plain.lines + named.lines, amount: plain.amount.plus(named.amount) };
}

/** The SQL that rates one month: per holder `h` (a row of `holders`), its lines without and with named consumers. */
function monthRating(month: MonthToRate) {
  const { period } = month;
  const start = sql`${period.start.toISOString()}::timestamptz`;
  const end = sql`${period.end.toISOString()}::timestamptz`;
  const windows = sql`unnest(${timestampArray(month.mspWindows.map((window) => window.from))}::timestamptz[], ${timestampArray(month.mspWindows.map((window) => window.to))}::timestamptz[]) w(window_from, window_to)`;
  // A step [f, t) becomes a piece of billable time: clipped to each window and to the holder's end.
  const pieceFrom = sql`greatest(f, w.window_from)`;
  const pieceTo = sql`least(t, w.window_to, h.ends)`;
  const piece = sql`${pieceFrom} AS piece_from, ${pieceTo} AS piece_to, (extract(epoch FROM ${pieceTo} - ${pieceFrom}) * 1000) AS ms`;
  const isPiece = sql`q > 0 AND t IS NOT NULL AND ${pieceFrom} < ${pieceTo}`;
  const totals = sql`sum(q * ms) AS weighted, max(q) AS highest,
    array_agg(piece_from) AS breakdown_from, array_agg(piece_to) AS breakdown_to, array_agg(q) AS breakdown_quantity`;

  // What each consumer of holder h held from each effective instant that reaches into the month. One
  // window over (product; consumer, instant), the order of the ledger's series index: a step holds
  // until its consumer's next one, and a product names consumers when its first row does (an
  // unnamed row sorts last).
  const steps = sql`
    SELECT products_id, detail, greatest(effective_at, ${start}) AS f, least(coalesce(next_at, ${end}), ${end}) AS t, quantity AS q, named
    FROM (
      SELECT winners.products_id, winners.detail, winners.quantity, date_trunc('milliseconds', winners.effective_at) AS effective_at,
             CASE WHEN lead(winners.detail) OVER series IS NOT DISTINCT FROM winners.detail
                  THEN date_trunc('milliseconds', lead(winners.effective_at) OVER series) END AS next_at,
             first_value(winners.detail IS NOT NULL) OVER series AS named
      FROM (
        SELECT DISTINCT ON (products_id, detail, effective_at) products_id, detail, effective_at, quantity
        FROM quantity_ledger
        WHERE clients_id = h.id AND effective_at < ${end} AND recorded_at < ${month.recordedBefore.toISOString()}::timestamptz
        ORDER BY products_id, detail, effective_at, recorded_at DESC, id DESC
      ) winners
      WINDOW series AS (PARTITION BY winners.products_id ORDER BY winners.detail, winners.effective_at)
    ) held
    WHERE next_at IS NULL OR next_at > ${start}`;

  const plainLines = sql`
    SELECT h.id AS holder, h.name AS client_name, h.owner, line.*
    FROM holders h
    CROSS JOIN LATERAL (
      SELECT products_id, ${totals}, NULL::text[] AS details, NULL::numeric[] AS detail_quantities
      FROM (SELECT products_id, q, ${piece} FROM (${steps}) steps CROSS JOIN ${windows} WHERE NOT named AND ${isPiece}) pieces
      GROUP BY products_id
    ) line`;

  const namedLines = sql`
    SELECT h.id AS holder, h.name AS client_name, h.owner, line.*
    FROM holders h
    CROSS JOIN LATERAL (
      WITH steps AS (SELECT * FROM (${steps}) steps WHERE named),
      held AS (
        -- The line holds the running sum of every consumer's quantity.
        SELECT products_id, at AS f, lead(at) OVER (PARTITION BY products_id ORDER BY at) AS t, level AS q
        FROM (
          SELECT products_id, at, sum(sum(change)) OVER (PARTITION BY products_id ORDER BY at) AS level
          FROM steps CROSS JOIN LATERAL (VALUES (f, q), (t, -q)) changes(at, change)
          WHERE q > 0
          GROUP BY products_id, at
        ) levels
      ),
      consumers AS (
        -- Each named consumer rated on its own over the same billable time; only the ones that held something are shown.
        SELECT products_id, array_agg(detail) AS details, array_agg(held) AS quantities
        FROM (
          SELECT pieces.products_id, detail, ${roundedQuantity(month, sql`sum(q * ms)`, sql`max(q)`, sql`product.proration`)} AS held
          FROM (SELECT products_id, detail, q, ${piece} FROM steps CROSS JOIN ${windows} WHERE detail IS NOT NULL AND ${isPiece}) pieces
          JOIN products product ON product.id = pieces.products_id
          GROUP BY pieces.products_id, detail, product.proration
        ) rated_consumers
        WHERE held > 0
        GROUP BY products_id
      )
      SELECT totals.*, coalesce(consumers.details, '{}') AS details, coalesce(consumers.quantities, '{}') AS detail_quantities
      FROM (
        SELECT products_id, ${totals}
        FROM (SELECT products_id, q, ${piece} FROM held CROSS JOIN ${windows} WHERE ${isPiece}) pieces
        GROUP BY products_id
      ) totals
      LEFT JOIN consumers ON consumers.products_id = totals.products_id
    ) line
    -- Only holders with named rows (a partial index finds them).
    WHERE EXISTS (SELECT 1 FROM quantity_ledger named WHERE named.clients_id = h.id AND named.detail IS NOT NULL)`;

  return { plainLines, namedLines };
}

/** CASE by proration: the line's quantity from Σ q·ms and the highest quantity held. */
function roundedQuantity(month: MonthToRate, weighted: SQL, highest: SQL, proration: SQL): SQL {
  const D = sql`${month.period.seconds * MILLISECONDS_PER_SECOND}::numeric`;
  return sql`CASE WHEN ${proration} = 'quantity' THEN div(200 * ${weighted} + ${D}, 2 * ${D}) / 100 ELSE ${highest} END`;
}

/**
 * Prices rated lines (holder, products_id, weighted, highest, breakdown arrays, details) from the MSP's
 * cost price book (a company's own price first) and inserts the shown ones.
 */
async function insertRatedLines(executor: Executor, month: MonthToRate, rated: SQL): Promise<{ lines: number; amount: Decimal }> {
  const { msp, period } = month;
  const monthMs = period.seconds * MILLISECONDS_PER_SECOND;
  const D = sql`${monthMs}::numeric`;
  const end = sql`${period.end.toISOString()}::timestamptz`;
  const [result] = await queryRows<{ lines: number; amount: string | null }>(
    executor,
    sql`
    WITH holders AS (
      SELECT id, name, 'msp'::text AS owner, ${end} AS ends FROM clients WHERE id = ${msp.id}
      UNION ALL
      SELECT id, name, 'company', least(${end}, date_trunc('milliseconds', deleted_at), date_trunc('milliseconds', archived_at))
      FROM clients WHERE resellers_id = ${msp.id} AND kind = 'company'
    ),
    rated AS (${rated}),
    prices AS (
      SELECT DISTINCT ON (companies_id, products_id) companies_id, products_id, unit_price
      FROM price_entries
      WHERE clients_id = ${msp.id} AND layer = 'cost' AND effective_at <= ${period.start.toISOString()}::timestamptz
      ORDER BY companies_id, products_id, effective_at DESC, created_at DESC, id DESC
    ),
    -- The catalog with each product's MSP-wide price; a company's own price, where one exists, comes first.
    catalog AS MATERIALIZED (
      SELECT product.id, product.name, product.kind, product.proration, product.sort_order, product.billing_unit, coalesce(msp_wide.unit_price, 0) AS list_price
      FROM products product LEFT JOIN prices msp_wide ON msp_wide.companies_id IS NULL AND msp_wide.products_id = product.id
    ),
    company_prices AS (SELECT * FROM prices WHERE companies_id IS NOT NULL),
    lines AS (
      SELECT rated.*, product.name AS product_name, product.kind, product.sort_order, product.billing_unit,
             ${roundedQuantity(month, sql`weighted`, sql`highest`, sql`product.proration`)} AS quantity,
             CASE WHEN product.proration = 'price' AND highest > 0
                  THEN div(200 * price * weighted + ${D} * highest, 2 * ${D} * highest) / 100 ELSE price END AS unit_price
      FROM rated
      JOIN catalog product ON product.id = rated.products_id
      LEFT JOIN company_prices own ON own.companies_id = rated.holder AND own.products_id = rated.products_id AND rated.owner = 'company'
      CROSS JOIN LATERAL (SELECT coalesce(own.unit_price, product.list_price) AS price) chosen
    ),
    inserted AS (
      INSERT INTO statement_lines (statements_id, owner, clients_id, client_name, products_id, product_name, product_kind, catalog_order, billing_unit,
                                   quantity, unit_price, amount, breakdown_from, breakdown_to, breakdown_quantity, breakdown_month_ms, details, detail_quantities)
      SELECT ${month.statementsId}, owner, holder, client_name, products_id, product_name, kind, sort_order, billing_unit,
             quantity, unit_price, round(unit_price * quantity, 2), breakdown_from, breakdown_to, breakdown_quantity, ${monthMs},
             details, detail_quantities
      FROM lines
      WHERE quantity > 0
      RETURNING amount
    )
    SELECT count(*)::int AS lines, sum(amount)::text AS amount FROM inserted`,
  );
  return { lines: result.lines, amount: new Decimal(result.amount ?? 0) };
}

/** Lines of one holder rated in the application (adjustment lines), to be written beside the rated ones. */
export interface HolderLines {
  owner: 'company' | 'msp';
  clientId: number;
  clientName: string;
  lines: readonly StatedLine[];
}

/**
 * Writes lines rated in the application into a closed statement; answers the sum of their amounts.
 * `monthMsOf` gives the length of the month a line's breakdown fractions are of.
 */
export async function writeStatementLines(executor: Executor, statementsId: number, holders: readonly HolderLines[], monthMsOf: (line: StatementLine) => number): Promise<Decimal> {
  const rows = holders.flatMap((holder) =>
    holder.lines.map((line) => ({
      owner: holder.owner,
      clients_id: holder.clientId,
      client_name: holder.clientName,
      products_id: line.productId,
      product_name: line.productName,
      product_kind: line.productKind,
      catalog_order: line.catalogOrder,
      billing_unit: line.billingUnit,
      quantity: line.quantity.toFixed(),
      unit_price: line.unitPrice.toFixed(),
      amount: line.avgMonthlyCost.toFixed(),
      breakdown_from: line.breakdown.map((item) => item.from.toISOString()),
      breakdown_to: line.breakdown.map((item) => item.to.toISOString()),
      breakdown_quantity: line.breakdown.map((item) => item.quantity.toFixed()),
      breakdown_month_ms: monthMsOf(line),
      details: line.details?.map((consumer) => consumer.detail) ?? null,
      detail_quantities: line.details?.map((consumer) => consumer.quantity.toFixed()) ?? null,
      adjusts_month: line.adjusts?.month ?? null,
      adjusts_product_name: line.adjusts?.productName ?? null,
      adjusts_billed: line.adjusts?.billed.toFixed() ?? null,
      adjusts_rerated: line.adjusts?.rerated.toFixed() ?? null,
      adjusts_previously_adjusted: line.adjusts?.previouslyAdjusted.toFixed() ?? null,
    })),
  );
  if (rows.length === 0) return ZERO;
  const elements = (column: string, type: string) =>
    sql.raw(`ARRAY(SELECT value::${type} FROM jsonb_array_elements_text(r.${column}) WITH ORDINALITY e(value, n) ORDER BY n)`);
  await executor.execute(sql`
    INSERT INTO statement_lines (statements_id, owner, clients_id, client_name, products_id, product_name, product_kind, catalog_order, billing_unit,
                                 quantity, unit_price, amount, breakdown_from, breakdown_to, breakdown_quantity, breakdown_month_ms, details, detail_quantities,
                                 adjusts_month, adjusts_product_name, adjusts_billed, adjusts_rerated, adjusts_previously_adjusted)
    SELECT ${statementsId}, owner, clients_id, client_name, products_id, product_name, product_kind, catalog_order, billing_unit,
           quantity, unit_price, amount, ${elements('breakdown_from', 'timestamptz')}, ${elements('breakdown_to', 'timestamptz')},
           ${elements('breakdown_quantity', 'numeric')}, breakdown_month_ms,
           CASE WHEN jsonb_typeof(r.details) = 'array' THEN ${elements('details', 'text')} END,
           CASE WHEN jsonb_typeof(r.detail_quantities) = 'array' THEN ${elements('detail_quantities', 'numeric')} END,
           adjusts_month, adjusts_product_name, adjusts_billed, adjusts_rerated, adjusts_previously_adjusted
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
      owner text, clients_id bigint, client_name text, products_id integer, product_name text, product_kind text, catalog_order integer, billing_unit text,
      quantity numeric, unit_price numeric, amount numeric, breakdown_from jsonb, breakdown_to jsonb, breakdown_quantity jsonb, breakdown_month_ms bigint,
      details jsonb, detail_quantities jsonb, adjusts_month text, adjusts_product_name text, adjusts_billed numeric, adjusts_rerated numeric,
      adjusts_previously_adjusted numeric)`);
  return rows.reduce((sum, row) => sum.plus(row.amount), ZERO);
}

interface LineRow {
  owner: 'company' | 'msp';
  clients_id: number;
  client_name: string;
  products_id: number;
  product_name: string;
  product_kind: ProductKind;
  catalog_order: number;
  billing_unit: string | null;
  quantity: string;
  unit_price: string;
  amount: string;
  breakdown_from: string;
  breakdown_to: string;
  breakdown_quantity: string;
  breakdown_month_ms: number;
  details: string | null;
  detail_quantities: string | null;
  adjusts_month: string | null;
  adjusts_product_name: string | null;
  adjusts_billed: string | null;
  adjusts_rerated: string | null;
  adjusts_previously_adjusted: string | null;
}

function lineOf(row: LineRow): StatedLine {
  // Arrays travel as JSON text (ISO instants, decimals as strings), read alike by both drivers.
  const from: string[] = JSON.parse(row.breakdown_from);
  const to: string[] = JSON.parse(row.breakdown_to);
  const quantities: string[] = JSON.parse(row.breakdown_quantity);
  const pieces = from
    .map((at, index) => ({ from: new Date(at), to: new Date(to[index]), quantity: new Decimal(quantities[index]) }))
    .sort((a, b) => a.from.getTime() - b.from.getTime());
  // Pieces that touch and hold the same quantity are one interval (billable windows never touch).
  const intervals: HeldInterval[] = [];
  for (const piece of pieces) appendHeld(intervals, piece);
  const breakdown = intervals.map((interval) => ({ ...interval, fraction: breakdownFraction(interval.to.getTime() - interval.from.getTime(), row.breakdown_month_ms) }));
  const line: StatedLine = {
    productId: row.products_id,
    productName: row.product_name,
    productKind: row.product_kind,
    catalogOrder: row.catalog_order,
    billingUnit: row.billing_unit,
    quantity: new Decimal(row.quantity),
    unitPrice: new Decimal(row.unit_price),
    avgMonthlyCost: new Decimal(row.amount),
    breakdown,
  };
  if (row.details !== null) {
    const held: string[] = JSON.parse(row.detail_quantities ?? '[]');
    line.details = (JSON.parse(row.details) as string[])
      .map((detail, index) => ({ detail, quantity: new Decimal(held[index]) }))
      .sort((a, b) => compareText(a.detail, b.detail));
  }
  if (row.adjusts_month !== null) {
    line.adjusts = {
      month: row.adjusts_month,
      productName: row.adjusts_product_name ?? row.product_name,
      billed: new Decimal(row.adjusts_billed ?? 0),
      rerated: new Decimal(row.adjusts_rerated ?? 0),
      previouslyAdjusted: new Decimal(row.adjusts_previously_adjusted ?? 0),
    };
  }
  return line;
}

export type ClosedStatementHeader = Pick<typeof statements.$inferSelect, 'id' | 'clientsId' | 'clientName' | 'taxRate' | 'subTotal' | 'tax' | 'total'>;

/** A closed statement as it was frozen: its lines from statement_lines, its totals from the statement. */
export async function readClosedStatement(executor: Executor, closed: ClosedStatementHeader): Promise<Statement> {
  const rows = await queryRows<LineRow>(
    executor,
    sql`SELECT owner, clients_id::float8 AS clients_id, client_name, products_id, product_name, product_kind, catalog_order, billing_unit,
               quantity::text, unit_price::text, amount::text,
               to_json(breakdown_from)::text AS breakdown_from, to_json(breakdown_to)::text AS breakdown_to,
               to_json(breakdown_quantity::text[])::text AS breakdown_quantity, breakdown_month_ms::float8 AS breakdown_month_ms,
               to_json(details)::text AS details, to_json(detail_quantities::text[])::text AS detail_quantities,
               adjusts_month, adjusts_product_name, adjusts_billed::text, adjusts_rerated::text, adjusts_previously_adjusted::text
        FROM statement_lines WHERE statements_id = ${closed.id}`,
  );
  const companies = new Map<number, CompanyLines & { lines: StatementLine[] }>();
  const mspLines: StatementLine[] = [];
  for (const row of rows) {
    if (row.owner === 'msp') {
      mspLines.push(lineOf(row));
      continue;
    }
    let company = companies.get(row.clients_id);
    if (!company) companies.set(row.clients_id, (company = { companyId: row.clients_id, companyName: row.client_name, lines: [] }));
    company.lines.push(lineOf(row));
  }
  const assembled = assembleStatement({
    companies: [...companies.values()],
    msp: { companyId: closed.clientsId, companyName: closed.clientName, lines: mspLines },
    taxRate: new Decimal(closed.taxRate),
  });
  // The totals are the ones the close froze (the lines sum to them).
  return { ...assembled, subTotal: new Decimal(closed.subTotal), tax: new Decimal(closed.tax), total: new Decimal(closed.total) };
}

/** The adjustment lines of a close, as holders to write. */
export function adjustmentHolders(msp: ClientRow, adjustments: readonly AdjustmentLines[]): HolderLines[] {
  return adjustments.flatMap((adjustment) => [
    ...adjustment.companies.map((company) => ({ owner: 'company' as const, clientId: Number(company.companyId), clientName: company.companyName, lines: company.lines })),
    ...(adjustment.msp.length ? [{ owner: 'msp' as const, clientId: msp.id, clientName: msp.name, lines: adjustment.msp }] : []),
  ]);
}
