import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { GraphClient, GraphError, retryAfterMilliseconds } from '../../src/connectors/microsoft-graph/client.ts';
import { readTenantSnapshot, USERS_PATH } from '../../src/connectors/microsoft-graph/read-tenant.ts';
import { FakeGraph, graphUser, type FakeTenant } from '../support/fake-graph.ts';

const E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965';
const EXCHANGE = '4b9405b0-7788-4568-add1-99614e613b69';
const NOW = new Date('2026-03-10T12:00:00Z');

const fakes: FakeGraph[] = [];
after(async () => {
  for (const fake of fakes) await fake.close();
});

async function fakeGraph(tenant: Partial<FakeTenant> = {}) {
  const fake = await new FakeGraph().start();
  fakes.push(fake);
  fake.addTenant({
    directoryId: 'contoso-directory',
    clientId: 'app-id',
    clientSecret: 'app-secret',
    domains: ['contoso.com', 'contoso.onmicrosoft.com'],
    skus: [
      { skuId: E3, skuPartNumber: 'SPE_E3', enabled: 5, consumed: 4 },
      { skuId: EXCHANGE, skuPartNumber: 'EXCHANGESTANDARD', enabled: 2, consumed: 1 },
    ],
    subscriptions: [
      { skuId: E3, skuPartNumber: 'SPE_E3', status: 'Enabled', isTrial: false, nextLifecycleDateTime: '2026-06-05T00:00:00Z' },
      { skuId: E3, skuPartNumber: 'SPE_E3', status: 'Enabled', isTrial: false, nextLifecycleDateTime: '2026-04-01T00:00:00Z' },
      { skuId: EXCHANGE, skuPartNumber: 'EXCHANGESTANDARD', status: 'Enabled', isTrial: true, nextLifecycleDateTime: '2026-03-20T00:00:00Z' },
    ],
    users: [
      graphUser('u1', [E3, EXCHANGE]),
      graphUser('u2', [E3], { signInActivity: { lastSignInDateTime: '2026-01-01T00:00:00Z', lastNonInteractiveSignInDateTime: '2026-03-01T00:00:00Z' } }),
      graphUser('u3', [E3], { accountEnabled: false, signInActivity: null }),
      graphUser('u4', [E3], { signInActivity: { lastSignInDateTime: '0001-01-01T00:00:00Z', lastNonInteractiveSignInDateTime: null } }),
      graphUser('u5', ['00000000-0000-0000-0000-000000000000'], { createdDateTime: null }),
    ],
    ...tenant,
  });
  return fake;
}

function clientFor(fake: FakeGraph, waits: number[] = []) {
  return new GraphClient({ graphBaseUrl: fake.url, loginBaseUrl: fake.url, sleep: async (milliseconds) => void waits.push(milliseconds) });
}

const credentials = { directoryId: 'contoso-directory', clientId: 'app-id', clientSecret: 'app-secret' };

test('a snapshot reads domains, SKUs, the earliest paid renewal and every user across pages', async () => {
  const fake = await fakeGraph();
  fake.pageSize = 2;
  const snapshot = await readTenantSnapshot(clientFor(fake), credentials, NOW);
  assert.deepEqual(snapshot, {
    primaryDomain: 'contoso.com',
    skus: [
      { skuPartNumber: 'SPE_E3', skuId: E3, name: null, purchased: 5, assigned: 4, renewalAt: new Date('2026-04-01T00:00:00Z'), term: null },
      { skuPartNumber: 'EXCHANGESTANDARD', skuId: EXCHANGE, name: null, purchased: 2, assigned: 1, renewalAt: null, term: null },
    ],
    users: [
      { externalId: 'u1', displayName: 'u1', userPrincipalName: 'u1@contoso.com', enabled: true, licenses: ['SPE_E3', 'EXCHANGESTANDARD'], createdAt: new Date('2025-01-01T00:00:00Z'), lastSignInAt: new Date('2026-03-09T08:00:00Z') },
      { externalId: 'u2', displayName: 'u2', userPrincipalName: 'u2@contoso.com', enabled: true, licenses: ['SPE_E3'], createdAt: new Date('2025-01-01T00:00:00Z'), lastSignInAt: new Date('2026-03-01T00:00:00Z') },
      { externalId: 'u3', displayName: 'u3', userPrincipalName: 'u3@contoso.com', enabled: false, licenses: ['SPE_E3'], createdAt: new Date('2025-01-01T00:00:00Z'), lastSignInAt: null },
      { externalId: 'u4', displayName: 'u4', userPrincipalName: 'u4@contoso.com', enabled: true, licenses: ['SPE_E3'], createdAt: new Date('2025-01-01T00:00:00Z'), lastSignInAt: null },
      { externalId: 'u5', displayName: 'u5', userPrincipalName: 'u5@contoso.com', enabled: true, licenses: [], createdAt: null, lastSignInAt: new Date('2026-03-09T08:00:00Z') },
    ],
  });
  assert.deepEqual(
    fake.requests.filter((request) => request.path.startsWith('/v1.0/users')).map((request) => request.path.replace(/\$select=[^&]*&/, '')),
    ['/v1.0/users?$top=999', '/v1.0/users?$top=2&$skiptoken=2', '/v1.0/users?$top=2&$skiptoken=4'],
  );
});

test('a 429 is retried after the Retry-After the server asked for', async () => {
  const fake = await fakeGraph();
  fake.troubleOn('/v1.0/subscribedSkus', 429, 2, '7');
  const waits: number[] = [];
  const snapshot = await readTenantSnapshot(clientFor(fake, waits), credentials, NOW);
  assert.equal(snapshot.skus.length, 2);
  assert.deepEqual(waits, [7000, 7000]);
  assert.deepEqual(fake.requests.filter((request) => request.path === '/v1.0/subscribedSkus').map((request) => request.status), [429, 429, 200]);
});

test('a 503 without Retry-After backs off exponentially, then gives up as unavailable', async () => {
  const fake = await fakeGraph();
  fake.troubleOn('/v1.0/organization', 503, 100);
  const waits: number[] = [];
  const client = new GraphClient({ graphBaseUrl: fake.url, loginBaseUrl: fake.url, maxRetries: 3, sleep: async (milliseconds) => void waits.push(milliseconds) });
  await assert.rejects(readTenantSnapshot(client, credentials, NOW), (error: unknown) => error instanceof GraphError && error.failure === 'unavailable' && error.status === 503);
  assert.deepEqual(waits, [1000, 2000, 4000]);
});

test('a wrong client secret is a credentials failure', async () => {
  const fake = await fakeGraph();
  await assert.rejects(readTenantSnapshot(clientFor(fake), { ...credentials, clientSecret: 'wrong' }, NOW), {
    name: 'GraphError',
    failure: 'credentials',
    message: "The app registration was refused: AADSTS7000215: Invalid client secret provided.",
  });
});

test('an app removed from the customer’s directory is a consent failure', async () => {
  const fake = await fakeGraph({ consentRevoked: true });
  await assert.rejects(readTenantSnapshot(clientFor(fake), credentials, NOW), { name: 'GraphError', failure: 'consent' });
});

test('without the permission to read subscriptions the snapshot has no renewal dates', async () => {
  const fake = await fakeGraph({ subscriptionsForbidden: true });
  const snapshot = await readTenantSnapshot(clientFor(fake), credentials, NOW);
  assert.deepEqual(snapshot.skus.map((sku) => sku.renewalAt), [null, null]);
});

test('a missing users permission fails the snapshot', async () => {
  const fake = await fakeGraph();
  fake.troubleOn('/v1.0/users', 403, 1);
  await assert.rejects(readTenantSnapshot(clientFor(fake), credentials, NOW), { name: 'GraphError', failure: 'permission' });
});

test('a next link to another host is refused: the token stays with Graph', async () => {
  const fake = await fakeGraph();
  const client = clientFor(fake);
  const token = await client.token(credentials);
  await assert.rejects(client.get(token, 'http://198.51.100.7/v1.0/users?$skiptoken=2'), { name: 'GraphError', failure: 'response' });
  assert.equal(USERS_PATH.startsWith('/v1.0/users?$select=id,displayName,userPrincipalName,accountEnabled,assignedLicenses,createdDateTime,signInActivity'), true);
});

test('Retry-After is read as seconds or as an HTTP date', () => {
  const now = Date.parse('2026-03-10T12:00:00Z');
  assert.equal(retryAfterMilliseconds('7', now), 7000);
  assert.equal(retryAfterMilliseconds('Tue, 10 Mar 2026 12:00:30 GMT', now), 30_000);
  assert.equal(retryAfterMilliseconds('soon', now), null);
  assert.equal(retryAfterMilliseconds(null, now), null);
});
