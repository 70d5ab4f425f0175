/**
 * Month-end close at scale: COMPANIES managed companies (under MSPS MSPs in different time zones)
 * each holding 6 Keeper products with 4 ledger rows per product and month (one carried in from
 * February, three changes in March), then the month-close job (`closeDueStatements`) freezes
 * March for every MSP; February was closed before, as in a running installation. The baseline,
 * measured in the same run over the same rows, is one bare SQL statement computing
 * Σ quantity × seconds ÷ month seconds per (company, product): the arithmetic the statements rest
 * on, without presentation, rounding rules, prices or storage. The load itself (bulk SQL) and the
 * February close are not measured; every statement quantity is checked against the bare SQL's.
 *
 *   npx tsx bench/month-end.ts                                                 # embedded PGlite
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/month-end.ts
 *   COMPANIES=2500 DATABASE_URL=… npx tsx bench/month-end.ts                    # memory against size
 *
 * Optional: COMPANIES (10000), MSPS (4), BENCH_ROUNDS (3). With NODE_OPTIONS=--expose-gc the heap
 * is collected before each close, so the heap peak is the close's own.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { createApp } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { queryRows, type Database } from '../src/db/connection.ts';
import { billingPeriod } from '../src/domain/billing-period.ts';
import type { Principal } from '../src/services/context.ts';
import { KEEPER_CATALOG } from '../src/services/demo/demo-data.ts';
import { closeDueStatements } from '../src/services/statements/close-due-statements.ts';
import { openBenchDatabase } from './support/bench-database.ts';

const COMPANIES = Number(process.env.COMPANIES || 10_000);
const MSPS = Number(process.env.MSPS || 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const TARGET_RATIO = 2;
const TARGET_SECONDS = 5;
const ZONES = ['UTC', 'America/New_York', 'Europe/London', 'America/Denver', 'Asia/Tokyo', 'Australia/Sydney'];
// A plan, three add-ons, storage (prorated on price) and a flat service (not prorated).
const PRODUCT_IDS = [10011, 930, 940, 920, 1012, 730];
const COST: Record<number, string> = { 10011: '4.8', 930: '1', 940: '0.5', 920: '0.5', 1012: '100', 730: '64' };
const CHANGES_IN_MONTH = 3;
const YEAR = 2026;
const MONTH = 3;
const ADMIN: Principal = { usersId: 1, login: 'admin', apiKeysId: null, scope: null, timeZone: null, roles: [], access: 2 };

interface Msp {
  id: number;
  zone: string;
  start: Date;
  end: Date;
  seconds: number;
}

/** The catalog, a distributor and the MSPs through the API; the companies and their ledger by bulk SQL. */
async function load(db: Database, call: (method: string, params: Record<string, unknown>) => Promise<any>): Promise<Msp[]> {
  for (const product of KEEPER_CATALOG.filter((entry) => PRODUCT_IDS.includes(entry.id))) {
    await call('catalog.products.create', { ...product, sort_order: (KEEPER_CATALOG.indexOf(product) + 1) * 10 });
  }
  const distributor = await call('clients.create', { kind: 'distributor', name: 'Northwind Distribution' });
  const msps: Msp[] = [];
  for (let index = 0; index < MSPS; index++) {
    const zone = ZONES[index % ZONES.length];
    const msp = await call('clients.create', { kind: 'msp', name: `MSP ${index + 1}`, resellers_id: distributor.id, billing_time_zone: zone });
    for (const productId of PRODUCT_IDS) {
      await call('billing.price_books.create', { layer: 'cost', clients_id: msp.id, products_id: productId, unit_price: COST[productId], effective_at: '2026-01-01T00:00:00Z' });
    }
    const period = billingPeriod(YEAR, MONTH, zone);
    msps.push({ id: msp.id, zone, start: period.start, end: period.end, seconds: period.seconds });
  }
  const mspValues = sql.join(
    msps.map((msp, index) => sql`(${index}::int, ${msp.id}::bigint, ${msp.start.toISOString()}::timestamptz, ${msp.seconds}::bigint)`),
    sql`, `,
  );
  // Companies spread evenly over the MSPs; the path is the MSP's plus the company's own id.
  await db.orm.execute(sql`
    INSERT INTO clients (kind, name, resellers_id, path, currencies_id, billing_time_zone, created_at, updated_at)
    SELECT 'company', 'Company ' || lpad(g::text, 6, '0'), m.id, '', p.currencies_id, 'UTC', now(), now()
    FROM generate_series(1, ${COMPANIES}::int) g
    JOIN (VALUES ${mspValues}) m(idx, id, start_at, seconds) ON m.idx = g % ${MSPS}::int
    JOIN clients p ON p.id = m.id`);
  await db.orm.execute(sql`
    UPDATE clients c SET path = p.path || c.id || '/' FROM clients p WHERE c.path = '' AND p.id = c.resellers_id`);
  // Per (company, product): a row from mid-February carried into March, then three changes, one in
  // each third of March at a pseudo-random second; about one row in eleven drops to zero.
  await db.orm.execute(sql`
    INSERT INTO quantity_ledger (clients_id, products_id, effective_at, quantity, recorded_at, source)
    SELECT c.id, pr.id, at, quantity, at + interval '1 minute', 'bench'
    FROM clients c
    JOIN (VALUES ${mspValues}) m(idx, id, start_at, seconds) ON m.id = c.resellers_id
    CROSS JOIN (VALUES ${sql.join(PRODUCT_IDS.map((id) => sql`(${id}::int)`), sql`, `)}) pr(id)
    CROSS JOIN generate_series(0, ${CHANGES_IN_MONTH}::int) k
    CROSS JOIN LATERAL (SELECT abs(hashtext(c.id || ':' || pr.id || ':' || k)) AS h) hash
    CROSS JOIN LATERAL (
      SELECT CASE WHEN k = 0 THEN m.start_at - interval '14 days'
                  ELSE m.start_at + make_interval(secs => (k - 1) * (m.seconds / ${CHANGES_IN_MONTH}::int) + h % (m.seconds / ${CHANGES_IN_MONTH}::int))
             END AS at,
             CASE WHEN h % 11 = 0 AND k > 0 THEN 0
                  WHEN pr.id IN (1012, 730) THEN 1 + h % 3
                  ELSE 1 + h % 50 END AS quantity
    ) row
    WHERE c.kind = 'company'`);
  // A month's ledger was written over the month, and autovacuum has long passed over it by the
  // close; a bulk load gets the same state (visibility map, statistics) from one VACUUM.
  await db.orm.execute(sql`VACUUM ANALYZE`);
  return msps;
}

/** The baseline: Σ quantity × seconds ÷ month seconds per (company, product) over March, in one statement. */
function baselineQuery(msps: Msp[]) {
  const bounds = sql.join(
    msps.map((msp) => sql`(${msp.id}::bigint, ${msp.start.toISOString()}::timestamptz, ${msp.end.toISOString()}::timestamptz, ${msp.seconds}::numeric)`),
    sql`, `,
  );
  return sql`
    WITH bounds(msp, s, e, seconds) AS (VALUES ${bounds}),
    steps AS (
      SELECT l.clients_id, l.products_id, l.quantity, b.s, b.e, b.seconds,
             greatest(l.effective_at, b.s) AS from_at,
             least(coalesce(lead(l.effective_at) OVER (PARTITION BY l.clients_id, l.products_id ORDER BY l.effective_at), b.e), b.e) AS to_at
      FROM quantity_ledger l
      JOIN clients c ON c.id = l.clients_id
      JOIN bounds b ON b.msp = c.resellers_id
      WHERE l.effective_at < b.e
    )
    SELECT clients_id, products_id,
           round(sum(quantity * extract(epoch FROM to_at - from_at)) / min(seconds), 2)::text AS quantity
    FROM steps
    WHERE to_at > from_at
    GROUP BY clients_id, products_id`;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const loadAverage = () => loadavg().map((value) => value.toFixed(2)).join(' ');

/** Peak RSS and heap while `work` runs, sampled every few milliseconds (and at the end). */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; rss: number; heap: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    rss = Math.max(rss, usage.rss);
    heap = Math.max(heap, usage.heapUsed);
  };
  sample();
  const timer = setInterval(sample, 5);
  const started = performance.now();
  try {
    const result = await work();
    const ms = performance.now() - started;
    sample();
    return { result, ms, rss, heap };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  const database = await openBenchDatabase();
  // The MSPs start in February; February is closed (not measured) before March is, as in a running installation.
  let current = new Date('2026-02-05T12:00:00Z');
  const config = readConfig({ SEATLEDGER_ADMIN_KEY: `sl_live_bench-${randomBytes(24).toString('base64url')}`, LOG_LEVEL: 'silent', DEMO: '0', WORKERS: '0' });
  const app = await createApp(config, { db: database.db, logger: pino({ level: 'silent' }), now: () => new Date(current) });
  const db = database.db;
  try {
    console.log(`Month-end close: ${COMPANIES} companies under ${MSPS} MSPs × ${PRODUCT_IDS.length} products × ${CHANGES_IN_MONTH + 1} ledger rows, March ${YEAR}`);
    console.log(`database: ${database.label}`);
    console.log(`node ${process.version}, ${cpus().length} CPU (${cpus()[0]?.model.trim()}), ${ROUNDS} rounds, load average before: ${loadAverage()}`);
    const loadStarted = performance.now();
    const msps = await load(db, (method, params) => app.call(ADMIN, method, params));
    const [{ rows }] = await queryRows<{ rows: number }>(db.orm, sql`SELECT count(*)::int AS rows FROM quantity_ledger`);
    current = new Date('2026-03-05T12:00:00Z');
    const february = await closeDueStatements(db, current);
    if (february !== MSPS) throw new Error(`closed ${february} February statements, expected ${MSPS}`);
    console.log(`loaded ${rows} ledger rows and closed February in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s (not measured)`);
    current = new Date('2026-04-05T12:00:00Z');

    const baseline = baselineQuery(msps);
    const results: Array<{ baseMs: number; closeMs: number; rss: number; heap: number }> = [];
    console.log('');
    console.log('round | bare SQL ms | close ms | ratio | peak RSS | peak heap');
    console.log('------|-------------|----------|-------|----------|----------');
    for (let round = 1; round <= ROUNDS; round++) {
      await db.orm.execute(sql`DELETE FROM statements WHERE year = ${YEAR} AND month = ${MONTH}`);
      await db.orm.execute(sql`DELETE FROM jobs WHERE kind = 'event' AND dedupe_key LIKE ${`statement.closed:%:${YEAR}-${MONTH}`}`);
      const started = performance.now();
      // Only timed here: the rows are read again for the check, so that none are held during the close.
      await queryRows(db.orm, baseline);
      const baseMs = performance.now() - started;
      const close = await measured(() => closeDueStatements(db, current));
      if (close.result !== MSPS) throw new Error(`closed ${close.result} statements, expected ${MSPS}`);
      results.push({ baseMs, closeMs: close.ms, rss: close.rss, heap: close.heap });
      console.log(
        [
          String(round).padStart(5),
          baseMs.toFixed(0).padStart(11),
          close.ms.toFixed(0).padStart(8),
          (close.ms / baseMs).toFixed(2).padStart(5),
          mb(close.rss).padStart(8),
          mb(close.heap).padStart(9),
        ].join(' | '),
      );
    }

    // The statements must say what the bare query says, for every line prorated on quantity.
    const expected = new Map(
      (await queryRows<{ clients_id: number; products_id: number; quantity: string }>(db.orm, baseline)).map((row) => [`${row.clients_id}:${row.products_id}`, row.quantity]),
    );
    const quantityProducts = new Set(KEEPER_CATALOG.filter((product) => PRODUCT_IDS.includes(product.id) && product.proration === 'quantity').map((product) => product.id));
    let compared = 0;
    for (const msp of msps) {
      const statement = await app.call(ADMIN, 'billing.statements.get', { clients_id: msp.id, year: YEAR, month: MONTH });
      if (statement.status !== 'closed') throw new Error(`MSP ${msp.id}: statement is ${statement.status}`);
      for (const company of statement.companies) {
        for (const line of company.lines) {
          if (!quantityProducts.has(line.products_id)) continue;
          const bare = expected.get(`${company.clients_id}:${line.products_id}`);
          if (bare === undefined || Number(bare) !== Number(line.quantity)) {
            throw new Error(`company ${company.clients_id}, product ${line.products_id}: statement ${line.quantity}, bare SQL ${bare}`);
          }
          compared++;
        }
      }
    }

    const ratio = median(results.map((result) => result.closeMs / result.baseMs));
    const closeSeconds = median(results.map((result) => result.closeMs)) / 1000;
    console.log('');
    console.log(`checked: ${compared} statement quantities equal the bare SQL's`);
    console.log(
      `median close ${closeSeconds.toFixed(2)} s (target < ${TARGET_SECONDS} s on PostgreSQL: ${closeSeconds < TARGET_SECONDS ? 'met' : 'NOT met'}), ` +
        `median bare SQL ${(median(results.map((result) => result.baseMs)) / 1000).toFixed(2)} s, ` +
        `median close/bare ratio ${ratio.toFixed(2)} (target ≤ ${TARGET_RATIO.toFixed(1)} on PostgreSQL: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'})`,
    );
    console.log(
      `peak during a close: RSS ${mb(Math.max(...results.map((result) => result.rss)))}, heap ${mb(Math.max(...results.map((result) => result.heap)))} ` +
        `(${(COMPANIES / MSPS).toFixed(0)} companies per MSP)`,
    );
    console.log(`load average after: ${loadAverage()}`);
  } finally {
    await app.stop();
    await database.drop();
  }
}

await main();
