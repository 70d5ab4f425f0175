/**
 * Ledger ingestion over HTTP: batches of `billing.quantities.import` (REST, X-Api-Key) from a few
 * concurrent clients against Seatledger on loopback, each row with its own event_id, so every row
 * is written. Prints durable rows per second: rows the server answered as inserted (each import is
 * one committed transaction), checked against a count of the ledger at the end.
 *
 * The clients run in a worker thread with their request bodies prepared before the clock starts,
 * so the load generator neither shares the server's event loop nor is measured.
 *
 *   npx tsx bench/ingest.ts                                                    # embedded PGlite
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/ingest.ts
 *
 * Optional: BENCH_ROWS (200000), BENCH_BATCH (10000), BENCH_CLIENTS (4), BENCH_COMPANIES (1000),
 * BENCH_ROUNDS (3; each round imports BENCH_ROWS new rows, the median is the figure).
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { createApp } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { queryRows } from '../src/db/connection.ts';
import type { Principal } from '../src/services/context.ts';
import { KEEPER_CATALOG } from '../src/services/demo/demo-data.ts';
import { openBenchDatabase } from './support/bench-database.ts';

const ROWS = Number(process.env.BENCH_ROWS || 200_000);
const BATCH = Number(process.env.BENCH_BATCH || 10_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS || 4);
const COMPANIES = Number(process.env.BENCH_COMPANIES || 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const TARGET = 20_000;
const ADMIN_KEY = `sl_live_bench-${randomBytes(24).toString('base64url')}`;
const ADMIN: Principal = { usersId: 1, login: 'admin', apiKeysId: null, scope: null, timeZone: null, roles: [], access: 2 };
const PRODUCT_IDS = [10011, 930, 940, 920, 1012, 730];

// The load generator: `clients` loops, each taking the next prepared body and posting it, until
// none are left. Answers per batch: status, inserted, and the time it took.
const LOAD_GENERATOR = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, key, bodies, clients } = workerData;
parentPort.once('message', async () => {
  let next = 0;
  const answers = [];
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const sent = performance.now();
      const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Api-Key': key }, body });
      const text = await response.text();
      let inserted = 0;
      try { inserted = JSON.parse(text).inserted ?? 0; } catch {}
      answers.push({ status: response.status, inserted, ms: performance.now() - sent, text: response.status === 200 ? '' : text.slice(0, 500) });
    }
  }));
  parentPort.postMessage({ ms: performance.now() - started, answers });
});
parentPort.postMessage('ready');
`;

interface Answer {
  status: number;
  inserted: number;
  ms: number;
  text: string;
}

async function runRound(url: string, bodies: string[]): Promise<{ ms: number; answers: Answer[] }> {
  const worker = new Worker(LOAD_GENERATOR, { eval: true, workerData: { url, key: ADMIN_KEY, bodies, clients: CLIENTS } });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    const done = new Promise<{ ms: number; answers: Answer[] }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    worker.postMessage('go');
    return await done;
  } finally {
    await worker.terminate();
  }
}

/** BENCH_ROWS rows in batches: companies round-robin, the 6 products, a quantity and a fresh event_id each. */
function prepareBodies(round: number, companyIds: number[]): string[] {
  const bodies: string[] = [];
  const start = Date.UTC(2026, 2, 1);
  for (let first = 0; first < ROWS; first += BATCH) {
    const rows = [];
    for (let index = first; index < Math.min(first + BATCH, ROWS); index++) {
      rows.push({
        clients_id: companyIds[index % companyIds.length],
        products_id: PRODUCT_IDS[Math.floor(index / companyIds.length) % PRODUCT_IDS.length],
        quantity: String(1 + (index % 97)),
        effective_at: new Date(start + index * 1000).toISOString(),
        event_id: `r${round}-${index}`,
        detail: `user${index % 50}@example.com`,
      });
    }
    bodies.push(JSON.stringify({ source: 'psa', rows }));
  }
  return bodies;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const loadAverage = () => loadavg().map((value) => value.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const database = await openBenchDatabase();
  const config = readConfig({ SEATLEDGER_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'silent', DEMO: '0', WORKERS: '0', RATE_LIMIT_PER_MINUTE: String(1e9) });
  const app = await createApp(config, { db: database.db, logger: pino({ level: 'silent' }) });
  const db = database.db;
  try {
    await app.server.app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/billing/quantities/import`;
    const call = (method: string, params: Record<string, unknown>) => app.call(ADMIN, method, params);
    for (const product of KEEPER_CATALOG.filter((entry) => PRODUCT_IDS.includes(entry.id))) {
      await call('catalog.products.create', { ...product, sort_order: (KEEPER_CATALOG.indexOf(product) + 1) * 10 });
    }
    const distributor = await call('clients.create', { kind: 'distributor', name: 'Northwind Distribution' });
    const msp = await call('clients.create', { kind: 'msp', name: 'Best MSP', resellers_id: distributor.id });
    await db.orm.execute(sql`
      INSERT INTO clients (kind, name, resellers_id, path, currencies_id, billing_time_zone, created_at, updated_at)
      SELECT 'company', 'Company ' || lpad(g::text, 6, '0'), m.id, '', m.currencies_id, 'UTC', now(), now()
      FROM generate_series(1, ${COMPANIES}::int) g CROSS JOIN clients m WHERE m.id = ${msp.id}`);
    await db.orm.execute(sql`UPDATE clients c SET path = p.path || c.id || '/' FROM clients p WHERE c.path = '' AND p.id = c.resellers_id`);
    await db.orm.execute(sql`ANALYZE`);
    const companyIds = (await queryRows<{ id: number }>(db.orm, sql`SELECT id FROM clients WHERE kind = 'company' ORDER BY id`)).map((row) => row.id);

    console.log(`Ingest: billing.quantities.import over REST (X-Api-Key), ${ROWS} rows a round in batches of ${BATCH}, ${CLIENTS} concurrent clients, ${COMPANIES} companies`);
    console.log(`database: ${database.label}`);
    console.log(`node ${process.version}, ${cpus().length} CPU (${cpus()[0]?.model.trim()}), load average before: ${loadAverage()}`);
    console.log('');
    console.log('round | rows/s | seconds | batch p50 ms | batch max ms');
    console.log('------|--------|---------|--------------|-------------');
    const rates: number[] = [];
    let expected = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const bodies = prepareBodies(round, companyIds);
      const { ms, answers } = await runRound(url, bodies);
      const failed = answers.find((answer) => answer.status !== 200);
      if (failed) throw new Error(`an import answered ${failed.status}: ${failed.text}`);
      const inserted = answers.reduce((sum, answer) => sum + answer.inserted, 0);
      if (inserted !== ROWS) throw new Error(`${inserted} rows inserted, expected ${ROWS}`);
      expected += inserted;
      const rate = inserted / (ms / 1000);
      rates.push(rate);
      console.log(
        [
          String(round).padStart(5),
          rate.toFixed(0).padStart(6),
          (ms / 1000).toFixed(2).padStart(7),
          median(answers.map((answer) => answer.ms)).toFixed(0).padStart(12),
          Math.max(...answers.map((answer) => answer.ms)).toFixed(0).padStart(12),
        ].join(' | '),
      );
    }
    const [{ count }] = await queryRows<{ count: number }>(db.orm, sql`SELECT count(*)::int AS count FROM quantity_ledger`);
    if (count !== expected) throw new Error(`the ledger holds ${count} rows, the imports answered ${expected}`);
    const rate = median(rates);
    console.log('');
    console.log(`ledger holds ${count} rows, as answered`);
    console.log(`median ${rate.toFixed(0)} durable rows/s (target ≥ ${TARGET} on PostgreSQL: ${rate >= TARGET ? 'met' : 'NOT met'})`);
    console.log(`load average after: ${loadAverage()}`);
  } finally {
    await app.stop();
    await database.drop();
  }
}

await main();
