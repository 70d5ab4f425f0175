import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accounts } from '../../src/db/schema.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { daysBefore, licenseFixture, snapshotUser } from '../licenses/support.ts';
import { trackerGet, trackerKey } from './license-tracker-support.ts';

const SYNCED_AT = '2026-05-22T02:14:00.000Z';

/**
 * Contoso as seed 004's example shows it: 320 licenses, 298 assigned, 305 users, 14 inactive,
 * 8420 a month, 1180 of it leaking. Business Premium 280 bought (262 assigned) at 18, E5 40 (36) at 84.5;
 * 10 Premium holders and 4 E5 holders inactive: (18 + 10) × 18 + (4 + 4) × 84.5 = 1180.
 */
async function seedContoso(api: TestApp) {
  api.clock.set(SYNCED_AT);
  const { msp, companies } = await licenseFixture(api);
  const users = [];
  for (let index = 0; index < 262; index++) {
    users.push(snapshotUser(`premium-${index}`, { licenses: ['SPB'], last_sign_in_at: index < 6 ? daysBefore(SYNCED_AT, 45) : daysBefore(SYNCED_AT, 2), enabled: !(index >= 6 && index < 10) }));
  }
  for (let index = 0; index < 36; index++) {
    users.push(snapshotUser(`e5-${index}`, { licenses: ['SPE_E5'], last_sign_in_at: index < 4 ? null : daysBefore(SYNCED_AT, 1), created_at: '2025-06-01T00:00:00Z' }));
  }
  for (let index = 0; index < 7; index++) users.push(snapshotUser(`shared-mailbox-${index}`, { licenses: [], last_sign_in_at: null }));
  const tenant = await api.call('licenses.tenants.import_snapshot', {
    clients_id: companies['Contoso Ltd'].id,
    primary_domain: 'contoso.com',
    skus: [
      { sku_part_number: 'SPB', purchased: 280, assigned: 262 },
      { sku_part_number: 'SPE_E5', purchased: 40, assigned: 36 },
    ],
    users,
  });
  const productOf = Object.fromEntries(tenant.skus.map((sku: any) => [sku.sku_part_number, sku.products_id]));
  await api.call('billing.price_books.create', { layer: 'sell', clients_id: msp.id, products_id: productOf.SPB, unit_price: '18', effective_at: '2026-01-01T00:00:00Z' });
  await api.call('billing.price_books.create', { layer: 'sell', clients_id: msp.id, products_id: productOf.SPE_E5, unit_price: '84.5', effective_at: '2026-01-01T00:00:00Z' });
  return { msp, companies, tenant, key: await trackerKey(api, msp.id) };
}

test('GET /api/v1/tenants answers seed 004’s example for the same tenant', async () => {
  const api = await startTestApp();
  const { tenant, key } = await seedContoso(api);
  const answer = await trackerGet(api, '/api/v1/tenants', key);
  assert.equal(answer.status, 200);
  assert.match(answer.headers.get('content-type')!, /^application\/json/);
  assert.equal(
    answer.text,
    `{"data":[{"id":"${tenant.public_id}","displayName":"Contoso Ltd","primaryDomain":"contoso.com","provider":"microsoft","connectionStatus":"connected",` +
      '"totalLicenses":320,"assignedLicenses":298,"unassignedLicenses":22,"totalUsers":305,"inactiveUserCount":14,' +
      '"estimatedMonthlyCost":8420,"estimatedMonthlyLeakage":1180,"lastSyncAt":"2026-05-22T02:14:00.000Z"}]}',
  );
});

test('GET /api/v1/summary adds up the connected tenants', async () => {
  const api = await startTestApp();
  const { msp, key } = await seedContoso(api);
  const fabrikam = await api.call('clients.create', { kind: 'company', name: 'Fabrikam', resellers_id: msp.id });
  await api.call('licenses.tenants.import_snapshot', {
    clients_id: fabrikam.id,
    skus: [{ sku_part_number: 'SPB', purchased: 10, assigned: 9 }],
    users: [snapshotUser('f-1', { licenses: ['SPB'], enabled: false })],
  });
  const answer = await trackerGet(api, '/api/v1/summary', key);
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body, {
    data: { tenants: 2, totalLicenses: 330, assignedLicenses: 307, unassignedLicenses: 23, inactiveUsers: 15, estimatedMonthlyCost: 8600, estimatedMonthlyLeakage: 1216 },
  });
});

test('amounts are JSON numbers rounded HALF_UP to cents', async () => {
  const api = await startTestApp();
  const { msp, companies } = await licenseFixture(api);
  const tenant = await api.call('licenses.tenants.import_snapshot', { clients_id: companies['Contoso Ltd'].id, skus: [{ sku_part_number: 'SPB', purchased: 3, assigned: 2 }], users: [] });
  await api.call('billing.price_books.create', { layer: 'cost', clients_id: msp.id, products_id: tenant.skus[0].products_id, unit_price: '0.125', effective_at: '2026-01-01T00:00:00Z' });
  const answer = await trackerGet(api, '/api/v1/tenants', await trackerKey(api, msp.id));
  // 3 × 0.125 = 0.375 → 0.38; 1 × 0.125 = 0.125 → 0.13 (a float or banker's rounding gives 0.12).
  assert.equal(answer.body.data[0].estimatedMonthlyCost, 0.38);
  assert.equal(answer.body.data[0].estimatedMonthlyLeakage, 0.13);
});

test('a request without a key gets 401 with an error body', async () => {
  const api = await startTestApp();
  const answer = await trackerGet(api, '/api/v1/tenants', null);
  assert.equal(answer.status, 401);
  assert.deepEqual(answer.body, { error: 'Missing API key' });
});

test('a malformed, unknown or native key gets 401', async () => {
  const api = await startTestApp();
  for (const authorization of ['Basic abc', 'Bearer', `Bearer mlt_live_${'x'.repeat(43)}`, 'Bearer sl_live_test-admin-key-0123456789abcdefghijklmnop']) {
    const answer = await trackerGet(api, '/api/v1/tenants', null, { Authorization: authorization });
    assert.equal(answer.status, 401, authorization);
    assert.deepEqual(answer.body, { error: 'Invalid API key' }, authorization);
  }
});

test('a revoked key fails on its next request', async () => {
  const api = await startTestApp();
  const { msp } = await licenseFixture(api);
  const created = await api.call('licenses.api_keys.create', { clients_id: msp.id });
  assert.equal((await trackerGet(api, '/api/v1/summary', created.key)).status, 200);
  assert.equal(await api.call('licenses.api_keys.revoke', { id: created.id }), 1);
  const answer = await trackerGet(api, '/api/v1/summary', created.key);
  assert.equal(answer.status, 401);
  assert.deepEqual(answer.body, { error: 'Invalid API key' });
});

test('a key is shown once: the search lists it by prefix only', async () => {
  const api = await startTestApp();
  const { msp } = await licenseFixture(api);
  const created = await api.call('licenses.api_keys.create', { clients_id: msp.id, name: 'PSA sync' });
  assert.match(created.key, /^mlt_live_[A-Za-z0-9_-]{43}$/);
  const listed = await api.call('licenses.api_keys.search', { clients_id: msp.id });
  assert.equal(listed.total, 1);
  assert.equal(listed.items[0].display_prefix, created.key.slice(0, 13));
  assert.equal(JSON.stringify(listed).includes(created.key), false);
});

test('a license tracker key does not open the native API', async () => {
  const api = await startTestApp();
  const { msp } = await licenseFixture(api);
  const key = await trackerKey(api, msp.id);
  const answer = await api.rest('GET', `/clients/${msp.id}`, { key });
  assert.equal(answer.status, 401);
  assert.equal(answer.body.error.code, -32005);
});

test('an MSP whose plan lacks API access gets 403', async () => {
  const api = await startTestApp();
  const { msp } = await licenseFixture(api);
  const key = await trackerKey(api, msp.id);
  await api.call('licenses.settings.update', { clients_id: msp.id, api_access: false });
  const answer = await trackerGet(api, '/api/v1/tenants', key);
  assert.equal(answer.status, 403);
  assert.deepEqual(answer.body, { error: 'Your plan does not include API access' });
});

test('an MSP in its trial has no API access unless it is turned on', async () => {
  const api = await startTestApp();
  const { distributor, msp } = await licenseFixture(api);
  const now = api.clock.now();
  await api.app.db.orm.insert(accounts).values({
    clientsId: msp.id,
    distributorsId: distributor.id,
    vendor: 'PARTNER_NAME',
    status: 'TRIAL',
    createdAt: now,
    trialExpiresAt: new Date(now.getTime() + 14 * 86_400_000),
    everPaid: false,
    details: {},
    updatedAt: now,
  });
  const key = await trackerKey(api, msp.id);
  assert.equal((await trackerGet(api, '/api/v1/summary', key)).status, 403);
  await api.call('licenses.settings.update', { clients_id: msp.id, api_access: true });
  assert.equal((await trackerGet(api, '/api/v1/summary', key)).status, 200);
});

test('the 121st request within a minute gets 429 with Retry-After, and the next minute is served', async () => {
  const api = await startTestApp();
  const { msp } = await licenseFixture(api);
  const key = await trackerKey(api, msp.id);
  const other = await trackerKey(api, msp.id);
  for (let request = 1; request <= 120; request++) assert.equal((await trackerGet(api, '/api/v1/summary', key)).status, 200, `request ${request}`);
  api.clock.advance(20);
  const refused = await trackerGet(api, '/api/v1/summary', key);
  assert.equal(refused.status, 429);
  assert.deepEqual(refused.body, { error: 'Too many requests' });
  assert.equal(refused.headers.get('retry-after'), '40');
  assert.equal((await trackerGet(api, '/api/v1/summary', other)).status, 200, 'another key has its own allowance');
  api.clock.advance(40);
  assert.equal((await trackerGet(api, '/api/v1/summary', key)).status, 200);
});

test('an unknown path under /api/v1 is this face’s 404, and the native API still answers under /api', async () => {
  const api = await startTestApp();
  const { msp } = await licenseFixture(api);
  const key = await trackerKey(api, msp.id);
  const missing = await trackerGet(api, '/api/v1/nothing-here', key);
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.body, { error: 'Not found' });
  const native = await api.rest('GET', `/api/clients/${msp.id}`);
  assert.equal(native.status, 200);
  assert.equal(native.body.name, 'Best MSP');
});

test('no native method lives under /api/v1', async () => {
  const api = await startTestApp();
  const clashing = api.app.registry.all().filter((method) => method.rest.path === '/v1' || method.rest.path.startsWith('/v1/'));
  assert.deepEqual(clashing.map((method) => method.name), []);
});
