/**
 * What a Microsoft 365 license sync costs on top of reading Graph: a 10,000-user, 20-SKU tenant synced
 * from the fake Graph server (token, organization, SKUs, subscriptions, every users page, then the
 * snapshot written in one transaction with the ledger rows and the alert rules), against the bare
 * paging of the same users from the same server (fetch and JSON.parse each page, following
 * @odata.nextLink), measured in the same run, alternating A/B, reporting the median ratio.
 *
 *   npx tsx bench/sync.ts                                                  # embedded PGlite
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/sync.ts
 *
 * Optional: BENCH_USERS (10000), BENCH_SKUS (20), BENCH_ROUNDS (5), BENCH_PAGE (999).
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { pino } from 'pino';
import { createApp } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { USERS_PATH } from '../src/connectors/microsoft-graph/read-tenant.ts';
import type { Principal } from '../src/services/context.ts';
import { FakeGraph, graphUser, type FakeGraphUser } from '../test/support/fake-graph.ts';
import { openBenchDatabase } from './support/bench-database.ts';

const USERS = Number(process.env.BENCH_USERS || 10_000);
const SKUS = Number(process.env.BENCH_SKUS || 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
const PAGE = Number(process.env.BENCH_PAGE || 999);
const TARGET = 3;
const DIRECTORY = 'bench-directory';

/** A tenant of USERS users over SKUS SKUs: most hold one license, some two, a few none; sign-ins spread over a year. */
function benchTenant() {
  const skus = Array.from({ length: SKUS }, (_, index) => ({
    skuId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    skuPartNumber: `BENCH_SKU_${index}`,
    enabled: 0,
    consumed: 0,
  }));
  const users: FakeGraphUser[] = [];
  for (let index = 0; index < USERS; index++) {
    const held = index % 17 === 0 ? [] : index % 5 === 0 ? [skus[index % SKUS], skus[(index + 7) % SKUS]] : [skus[index % SKUS]];
    for (const sku of held) sku.consumed++;
    const lastSignIn = index % 11 === 0 ? null : new Date(Date.UTC(2026, 2, 10) - (index % 365) * 86_400_000).toISOString();
    users.push(
      graphUser(`user-${index}`, held.map((sku) => sku.skuId), {
        accountEnabled: index % 23 !== 0,
        createdDateTime: '2024-01-01T00:00:00Z',
        signInActivity: { lastSignInDateTime: lastSignIn, lastNonInteractiveSignInDateTime: null },
      }),
    );
  }
  for (const sku of skus) sku.enabled = sku.consumed + 5;
  return {
    directoryId: DIRECTORY,
    clientId: 'bench-app',
    clientSecret: 'bench-secret',
    domains: ['bench.example'],
    skus,
    subscriptions: skus.map((sku) => ({ skuId: sku.skuId, skuPartNumber: sku.skuPartNumber, status: 'Enabled', isTrial: false, nextLifecycleDateTime: '2026-09-01T00:00:00Z' })),
    users,
  };
}

/** The baseline: every users page fetched and parsed, nothing else. */
async function barePaging(graph: FakeGraph): Promise<number> {
  const token = await fetch(`${graph.url}/${DIRECTORY}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: 'bench-app', client_secret: 'bench-secret', grant_type: 'client_credentials', scope: 'x' }).toString(),
  }).then((response) => response.json() as Promise<{ access_token: string }>);
  const started = performance.now();
  let next: string | undefined = graph.url + USERS_PATH;
  let count = 0;
  while (next) {
    const page = (await fetch(next, { headers: { Authorization: `Bearer ${token.access_token}` } }).then((response) => response.json())) as { value: unknown[]; '@odata.nextLink'?: string };
    count += page.value.length;
    next = page['@odata.nextLink'];
  }
  if (count !== USERS) throw new Error(`paged ${count} users, expected ${USERS}`);
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const graph = await new FakeGraph().start();
  graph.pageSize = PAGE;
  graph.addTenant(benchTenant());
  const database = await openBenchDatabase();
  const config = readConfig({
    LOG_LEVEL: 'silent',
    DEMO: '0',
    WORKERS: '0',
    SEATLEDGER_ADMIN_KEY: `sl_live_bench-${randomBytes(24).toString('base64url')}`,
    MASTER_KEY: randomBytes(32).toString('base64'),
    GRAPH_BASE_URL: graph.url,
    MS_LOGIN_BASE_URL: graph.url,
  });
  const app = await createApp(config, { db: database.db, logger: pino({ level: 'silent' }) });
  try {
    const admin: Principal = { usersId: 1, login: 'admin', apiKeysId: null, scope: null, timeZone: null, roles: [], access: 2 };
    const call = (method: string, params: Record<string, unknown>) => app.call(admin, method, params);
    const distributor = await call('clients.create', { kind: 'distributor', name: 'Bench Distribution' });
    const msp = await call('clients.create', { kind: 'msp', name: 'Bench MSP', resellers_id: distributor.id, currency: 'USD' });
    const company = await call('clients.create', { kind: 'company', name: 'Bench Company', resellers_id: msp.id });
    await call('licenses.settings.update', { clients_id: msp.id, graph_client_id: 'bench-app', graph_client_secret: 'bench-secret' });
    const tenant = await call('licenses.tenants.connect', { clients_id: company.id, directory_id: DIRECTORY });

    console.log(`sync bench: ${USERS} users, ${SKUS} SKUs, pages of ${PAGE}, ${database.label}`);
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}`);
    const syncOnce = async () => {
      const started = performance.now();
      const synced = await call('licenses.tenants.sync', { id: tenant.id });
      const elapsed = performance.now() - started;
      if (synced.total_users !== USERS) throw new Error(`synced ${synced.total_users} users, expected ${USERS}`);
      return elapsed;
    };
    const first = await syncOnce();
    console.log(`first sync (products, ledger rows, alerts made): ${first.toFixed(0)} ms`);
    await barePaging(graph);
    const ratios: number[] = [];
    const syncs: number[] = [];
    const bares: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const bare = await barePaging(graph);
      const sync = await syncOnce();
      bares.push(bare);
      syncs.push(sync);
      ratios.push(sync / bare);
      console.log(`round ${round}: sync ${sync.toFixed(0)} ms (${((USERS / sync) * 1000).toFixed(0)} users/s), bare paging ${bare.toFixed(0)} ms, ratio ${(sync / bare).toFixed(2)}`);
    }
    const ratio = median(ratios);
    console.log(
      `median: sync ${median(syncs).toFixed(0)} ms = ${((USERS / median(syncs)) * 1000).toFixed(0)} users/s; bare paging ${median(bares).toFixed(0)} ms; ` +
        `ratio ${ratio.toFixed(2)} (target ≤ ${TARGET}): ${ratio <= TARGET ? 'met' : 'NOT met'}`,
    );
  } finally {
    await app.stop();
    await database.drop();
    await graph.close();
  }
}

await main();
