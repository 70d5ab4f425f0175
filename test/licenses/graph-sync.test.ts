import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { pino } from 'pino';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/connection.ts';
import { runDueJobs } from '../../src/db/jobs.ts';
import { scheduleTenantSyncs, TENANT_SYNC_JOB } from '../../src/jobs/tenant-sync.ts';
import { nextSyncSlot } from '../../src/services/licenses/sync-schedule.ts';
import { syncMinuteOf } from '../../src/services/licenses/tenant-record.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { FakeGraph, graphUser } from '../support/fake-graph.ts';
import { configureGraph } from '../../src/connectors/microsoft-graph/settings.ts';
import { licenseFixture } from './support.ts';

const E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965';
const MASTER_KEY = Buffer.alloc(32, 9).toString('base64');

const fakes: FakeGraph[] = [];
after(async () => {
  for (const fake of fakes) await fake.close();
});

/** An installation pointed at a fake Graph holding Contoso's directory, and an MSP with its app registration. */
async function graphSetup() {
  const fake = await new FakeGraph().start();
  fakes.push(fake);
  fake.pageSize = 2;
  const directory = fake.addTenant({
    directoryId: 'contoso-directory',
    clientId: 'msp-app-id',
    clientSecret: 'msp-app-secret',
    domains: ['contoso.com'],
    skus: [{ skuId: E3, skuPartNumber: 'SPE_E3', enabled: 5, consumed: 4 }],
    subscriptions: [{ skuId: E3, skuPartNumber: 'SPE_E3', status: 'Enabled', isTrial: false, nextLifecycleDateTime: '2026-06-05T00:00:00Z' }],
    users: [graphUser('u1', [E3]), graphUser('u2', [E3]), graphUser('u3', [E3], { accountEnabled: false }), graphUser('u4', [E3]), graphUser('u5', [])],
  });
  const api = await startTestApp({ env: { MASTER_KEY, GRAPH_BASE_URL: fake.url, MS_LOGIN_BASE_URL: fake.url } });
  // The client's waits between retries (a minute of backoff before a sync gives up) are recorded, not slept.
  const waits: number[] = [];
  configureGraph(api.app.db, { graphBaseUrl: fake.url, loginBaseUrl: fake.url, sleep: async (milliseconds) => void waits.push(milliseconds) });
  const { msp, companies } = await licenseFixture(api);
  await api.call('licenses.settings.update', { clients_id: msp.id, graph_client_id: 'msp-app-id', graph_client_secret: 'msp-app-secret' });
  return { api, fake, directory, msp, company: companies['Contoso Ltd'], waits };
}

function runSyncJobs(api: TestApp) {
  return runDueJobs({ db: api.app.db, handlers: { [TENANT_SYNC_JOB]: api.app.jobHandlers[TENANT_SYNC_JOB] }, log: pino({ level: 'silent' }), now: api.clock.now, workerId: 'test-worker' });
}

test('a connected tenant is pending until its first sync, which the connection queued', async () => {
  const { api, company } = await graphSetup();
  const connected = await api.call('licenses.tenants.connect', { clients_id: company.id, directory_id: 'contoso-directory' });
  assert.deepEqual([connected.connection_status, connected.source, connected.directory_id, connected.last_sync_at, connected.total_licenses], ['pending', 'graph', 'contoso-directory', null, 0]);
  assert.equal(await runSyncJobs(api), 1);
  const synced = await api.call('licenses.tenants.get', { id: connected.id });
  assert.deepEqual(
    {
      status: synced.connection_status,
      domain: synced.primary_domain,
      lastSync: synced.last_sync_at,
      licenses: [synced.total_licenses, synced.assigned_licenses, synced.unassigned_licenses, synced.total_users, synced.inactive_user_count],
      skus: synced.skus.map((sku: any) => [sku.sku_part_number, sku.sku_id, sku.name, sku.purchased, sku.assigned, sku.renewal_at]),
    },
    {
      status: 'connected',
      domain: 'contoso.com',
      lastSync: '2026-03-10T12:00:00.000Z',
      licenses: [5, 4, 1, 5, 1],
      skus: [['SPE_E3', E3, 'Microsoft 365 E3', 5, 4, '2026-06-05T00:00:00.000Z']],
    },
  );
});

test('the daily sync runs at the tenant’s minute of the day, once however many instances schedule it', async () => {
  const { api, company } = await graphSetup();
  const connected = await api.call('licenses.tenants.connect', { clients_id: company.id, directory_id: 'contoso-directory' });
  await runSyncJobs(api);
  const slot = nextSyncSlot(syncMinuteOf(connected.public_id), api.clock.now());
  await scheduleTenantSyncs(api.app.db, api.clock.now());
  await scheduleTenantSyncs(api.app.db, api.clock.now());
  const queued = await queryRows<{ run_at: string | Date }>(api.app.db.orm, sql`SELECT run_at FROM jobs WHERE kind = ${TENANT_SYNC_JOB} AND status = 'queued'`);
  assert.deepEqual(queued.map((row) => new Date(row.run_at).toISOString()), [slot.toISOString()]);
  api.clock.set(new Date(slot.getTime() - 1000));
  assert.equal(await runSyncJobs(api), 0);
  api.clock.set(slot);
  assert.equal(await runSyncJobs(api), 1);
  assert.equal((await api.call('licenses.tenants.get', { id: connected.id })).last_sync_at, slot.toISOString());
});

test('sync minutes spread tenants across the day', () => {
  const hours = new Set(Array.from({ length: 48 }, (_, index) => Math.floor(syncMinuteOf(`tnt_${index.toString(36).padStart(10, 'k')}`) / 60)));
  assert.ok(hours.size >= 12, `48 tenants fall in ${hours.size} distinct hours`);
});

test('the next slot is later today or tomorrow at the same minute', () => {
  assert.equal(nextSyncSlot(134, new Date('2026-05-22T01:00:00Z')).toISOString(), '2026-05-22T02:14:00.000Z');
  assert.equal(nextSyncSlot(134, new Date('2026-05-22T02:14:00Z')).toISOString(), '2026-05-23T02:14:00.000Z');
  assert.equal(nextSyncSlot(0, new Date('2026-12-31T23:59:59Z')).toISOString(), '2027-01-01T00:00:00.000Z');
});

test('an on-demand sync goes through Graph throttling and answers the synced tenant', async () => {
  const { api, fake, company } = await graphSetup();
  const connected = await api.call('licenses.tenants.connect', { clients_id: company.id, directory_id: 'contoso-directory' });
  fake.troubleOn('/v1.0/users', 429, 1, '0');
  const synced = await api.call('licenses.tenants.sync', { id: connected.id });
  assert.equal(synced.connection_status, 'connected');
  assert.equal(synced.total_users, 5);
  assert.deepEqual(fake.requests.filter((request) => request.path.startsWith('/v1.0/users')).map((request) => request.status), [429, 200, 200, 200]);
});

test('a failed sync keeps the last good snapshot, shows error, and counts in the summary no more', async () => {
  const { api, fake, msp, company, waits } = await graphSetup();
  const connected = await api.call('licenses.tenants.connect', { clients_id: company.id, directory_id: 'contoso-directory' });
  await api.call('licenses.tenants.sync', { id: connected.id });
  assert.equal((await api.call('licenses.summary.get', { clients_id: msp.id })).tenants, 1);
  fake.troubleOn('/v1.0/subscribedSkus', 500, 100);
  const answer = await api.rest('POST', `/licenses/tenants/${connected.id}/sync`);
  // Six retries with a doubling backoff, then the failure.
  assert.deepEqual(waits, [1000, 2000, 4000, 8000, 16000, 32000]);
  assert.equal(answer.status, 422);
  assert.deepEqual(answer.body.error.data, { name: 'SyncFailed', connection_status: 'error' });
  const kept = await api.call('licenses.tenants.get', { id: connected.id });
  assert.deepEqual([kept.connection_status, kept.last_error, kept.total_licenses, kept.last_sync_at], ['error', 'GET /v1.0/subscribedSkus failed: Please retry', 5, '2026-03-10T12:00:00.000Z']);
  assert.equal((await api.call('licenses.summary.get', { clients_id: msp.id })).tenants, 0);
});

test('a customer that removed the app shows disconnected', async () => {
  const { api, directory, company } = await graphSetup();
  const connected = await api.call('licenses.tenants.connect', { clients_id: company.id, directory_id: 'contoso-directory' });
  directory.consentRevoked = true;
  await runSyncJobs(api);
  const tenant = await api.call('licenses.tenants.get', { id: connected.id });
  assert.equal(tenant.connection_status, 'disconnected');
  assert.match(tenant.last_error, /AADSTS700016/);
});

test('a wrong app secret shows error with the identity platform’s reason', async () => {
  const { api, msp, company } = await graphSetup();
  await api.call('licenses.settings.update', { clients_id: msp.id, graph_client_secret: 'not-the-secret' });
  const connected = await api.call('licenses.tenants.connect', { clients_id: company.id, directory_id: 'contoso-directory' });
  await runSyncJobs(api);
  const tenant = await api.call('licenses.tenants.get', { id: connected.id });
  assert.deepEqual([tenant.connection_status, tenant.last_error], ['error', 'The app registration was refused: AADSTS7000215: Invalid client secret provided.']);
});

test('connecting needs the MSP’s app registration', async () => {
  const { api, msp, company } = await graphSetup();
  await api.call('licenses.settings.update', { clients_id: msp.id, graph_client_id: null, graph_client_secret: null });
  const answer = await api.rest('POST', '/licenses/tenants', { body: { clients_id: company.id, directory_id: 'contoso-directory' } });
  assert.equal(answer.status, 422);
  assert.equal(answer.body.error.data.name, 'GraphAppMissing');
});

test('the app secret is stored sealed and never shown again', async () => {
  const { api, msp } = await graphSetup();
  const settings = await api.call('licenses.settings.get', { clients_id: msp.id });
  assert.deepEqual([settings.graph_client_id, settings.graph_client_secret_set, JSON.stringify(settings).includes('msp-app-secret')], ['msp-app-id', true, false]);
  const [row] = await queryRows<{ sealed: string }>(api.app.db.orm, sql`SELECT graph_client_secret_sealed AS sealed FROM license_settings WHERE clients_id = ${msp.id}`);
  assert.match(row.sealed, /^v1\./);
  assert.equal(row.sealed.includes('msp-app-secret'), false);
});

test('a tenant kept by imports cannot be synced from Graph', async () => {
  const { api, company } = await graphSetup();
  const imported = await api.call('licenses.tenants.import_snapshot', { clients_id: company.id, skus: [], users: [] });
  const answer = await api.rest('POST', `/licenses/tenants/${imported.id}/sync`);
  assert.equal(answer.status, 422);
  assert.equal(answer.body.error.data.name, 'NotSyncedFromGraph');
});

test('two failed syncs in a row fire a critical sync_failed alert, resolved by the next good sync', async () => {
  const { api, fake, company } = await graphSetup();
  const connected = await api.call('licenses.tenants.connect', { clients_id: company.id, directory_id: 'contoso-directory' });
  await api.call('licenses.tenants.sync', { id: connected.id });
  fake.troubleOn('/v1.0/organization', 500, 100);
  await api.rest('POST', `/licenses/tenants/${connected.id}/sync`);
  assert.deepEqual((await api.call('alerts.search', { type: 'sync_failed' })).items, []);
  await api.rest('POST', `/licenses/tenants/${connected.id}/sync`);
  const [failed] = (await api.call('alerts.search', { type: 'sync_failed' })).items;
  assert.deepEqual([failed.severity, failed.status, failed.title], ['critical', 'unread', 'Contoso Ltd failed to sync 2 times in a row']);
  fake.clearTroubles();
  await api.call('licenses.tenants.sync', { id: connected.id });
  assert.equal((await api.call('alerts.search', { type: 'sync_failed' })).items[0].status, 'resolved');
});
