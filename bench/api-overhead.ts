/**
 * What the native API costs on top of the database: requests per second of an authenticated
 * `GET /clients/:id` (REST, X-Api-Key) against a bare Fastify route doing the same single-row
 * query on the same database, measured in the same run, alternating A/B, reporting the median ratio.
 *
 *   npm run bench:api-overhead                                     # embedded PGlite
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:api-overhead
 *
 * Optional: BENCH_SECONDS (5), BENCH_WARMUP_SECONDS (2), BENCH_ROUNDS (5), BENCH_CONNECTIONS (10).
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import autocannon, { type Result } from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { createApp } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { queryRows, type Database } from '../src/db/connection.ts';
import { openBenchDatabase } from './support/bench-database.ts';

const SECONDS = Number(process.env.BENCH_SECONDS || 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS || 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 10);
const TARGET = 0.8;
const ADMIN_KEY = `sl_live_bench-${randomBytes(24).toString('base64url')}`;

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

/** The baseline: Fastify, one route, the same query through the same database handle. */
function bareServer(db: Database): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get<{ Params: { id: string } }>('/clients/:id', async (request, reply) => {
    const [row] = await queryRows(db.orm, sql`
      SELECT id, kind, name, resellers_id, status, email, country, credit, balance, tax_rate, billing_time_zone,
             currencies_id, sfdc_account_id, vendor_internal_id, created_at, updated_at, archived_at
      FROM clients WHERE id = ${Number(request.params.id)}`);
    if (!row) return reply.status(404).send({ error: 'not found' });
    return row;
  });
  return app;
}

async function load(url: string, seconds: number, headers: Record<string, string> = {}): Promise<Result> {
  // One worker thread fires the requests, so the load generator does not share the servers' event loop.
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers, workers: 1 });
  if (result.errors || result.timeouts || result.non2xx) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return result;
}

const perSecond = (result: Result) => result.requests.total / result.duration;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const loadAverage = () => loadavg().map((load) => load.toFixed(2)).join(' ');
const pad = (value: string | number, width: number) => String(value).padStart(width);

async function main(): Promise<void> {
  const database = await openBenchDatabase();
  const config = readConfig({
    SEATLEDGER_ADMIN_KEY: ADMIN_KEY,
    LOG_LEVEL: 'silent',
    DEMO: '0',
    WORKERS: '0',
    RATE_LIMIT_PER_MINUTE: String(1e9),
  });
  const bare = bareServer(database.db);
  let seatledger: Awaited<ReturnType<typeof createApp>> | undefined;
  try {
    seatledger = await createApp(config, { db: database.db, logger: pino({ level: 'silent' }) });
    const apiBase = await listen(seatledger.server.app);
    const bareBase = await listen(bare);
    const auth = { 'X-Api-Key': ADMIN_KEY };

    const created = await fetch(`${apiBase}/clients`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'distributor', name: 'Northwind Distribution' }),
    });
    const client = (await created.json()) as { id: number; name: string };
    if (created.status !== 200) throw new Error(`Could not create the client: ${created.status} ${JSON.stringify(client)}`);
    const apiUrl = `${apiBase}/clients/${client.id}`;
    const bareUrl = `${bareBase}/clients/${client.id}`;
    for (const [url, headers] of [[apiUrl, auth], [bareUrl, {}]] as const) {
      const answer = await fetch(url, { headers });
      const body = (await answer.json()) as { name?: string };
      if (answer.status !== 200 || body.name !== client.name) throw new Error(`${url} answered ${answer.status} ${JSON.stringify(body)}`);
    }

    console.log(`API overhead: GET /clients/:id over REST with X-Api-Key vs a bare Fastify route, same query, same database`);
    console.log(`database: ${database.label}`);
    console.log(
      `node ${process.version}, ${cpus().length} CPU (${cpus()[0]?.model.trim()}), ${CONNECTIONS} connections, ` +
        `${WARMUP_SECONDS} s warm-up each, then ${ROUNDS} rounds of ${SECONDS} s API + ${SECONDS} s bare`,
    );
    console.log(`load average before: ${loadAverage()} (other work on the machine moves single rounds; the median ratio is the figure)`);
    await load(apiUrl, WARMUP_SECONDS, auth);
    await load(bareUrl, WARMUP_SECONDS);

    const rows: Array<{ api: Result; bare: Result }> = [];
    console.log('');
    console.log(`round | API req/s | API p50 ms | API p99 ms | bare req/s | bare p50 ms | bare p99 ms | ratio`);
    console.log(`------|-----------|------------|------------|------------|-------------|-------------|------`);
    for (let round = 1; round <= ROUNDS; round++) {
      const api = await load(apiUrl, SECONDS, auth);
      const baseline = await load(bareUrl, SECONDS);
      rows.push({ api, bare: baseline });
      console.log(
        [
          pad(round, 5),
          pad(perSecond(api).toFixed(0), 9),
          pad(api.latency.p50, 10),
          pad(api.latency.p99, 10),
          pad(perSecond(baseline).toFixed(0), 10),
          pad(baseline.latency.p50, 11),
          pad(baseline.latency.p99, 11),
          pad((perSecond(api) / perSecond(baseline)).toFixed(2), 5),
        ].join(' | '),
      );
    }
    const ratio = median(rows.map(({ api, bare: baseline }) => perSecond(api) / perSecond(baseline)));
    console.log('');
    console.log(
      `median API/bare ratio: ${ratio.toFixed(2)} (target ≥ ${TARGET.toFixed(2)}: ${ratio >= TARGET ? 'met' : 'NOT met'}); ` +
        `median API ${median(rows.map(({ api }) => perSecond(api))).toFixed(0)} req/s, ` +
        `bare ${median(rows.map(({ bare: baseline }) => perSecond(baseline))).toFixed(0)} req/s`,
    );
    console.log(`load average after: ${loadAverage()}`);
  } finally {
    await bare.close();
    await seatledger?.stop();
    await database.drop();
  }
}

await main();
