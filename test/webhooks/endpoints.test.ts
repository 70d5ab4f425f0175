import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { isForbiddenAddress } from '../../src/connectors/address-guard.ts';
import { queryRows } from '../../src/db/connection.ts';
import { configureWebhooks } from '../../src/services/webhooks/settings.ts';
import { startTestApp } from '../support/app.ts';
import { licenseFixture, snapshotUser } from '../licenses/support.ts';
import { drainWebhooks, Receiver } from './support.ts';

const MASTER_KEY = Buffer.alloc(32, 6).toString('base64');

test('an endpoint is created with a whsec_ secret shown once and stored sealed', async () => {
  const api = await startTestApp({ env: { MASTER_KEY } });
  const { msp } = await licenseFixture(api);
  const created = await api.call('webhooks.endpoints.create', { clients_id: msp.id, url: 'https://93.184.216.34/hooks', events: ['alert.created'], description: 'PSA' });
  assert.match(created.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.equal(Buffer.from(created.secret.slice(6), 'base64').length, 32);
  const { secret, ...shown } = created;
  assert.deepEqual((await api.call('webhooks.endpoints.search', { clients_id: msp.id })).items, [shown]);
  assert.deepEqual(
    [shown.url, shown.events, shown.enabled, shown.disabled_reason, shown.description],
    ['https://93.184.216.34/hooks', ['alert.created'], true, null, 'PSA'],
  );
  const [row] = await queryRows<{ secret_sealed: string }>(api.app.db.orm, sql`SELECT secret_sealed FROM webhook_endpoints WHERE id = ${created.id}`);
  assert.equal(row.secret_sealed.includes(secret.slice(6)), false);
  assert.match(row.secret_sealed, /^v1\./);
});

test('URLs leading to loopback, private, link-local or metadata addresses are refused at creation', async () => {
  const api = await startTestApp({ env: { MASTER_KEY } });
  const { msp } = await licenseFixture(api);
  for (const url of [
    'http://127.0.0.1:8080/hooks',
    'http://localhost/hooks',
    'https://10.1.2.3/hooks',
    'https://192.168.0.10/hooks',
    'https://172.20.0.1/hooks',
    'http://169.254.169.254/latest/meta-data/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://[::1]/hooks',
    'http://[fd00:ec2::254]/hooks',
    'http://[::ffff:10.0.0.1]/hooks',
    'http://0.0.0.0/hooks',
  ]) {
    const answer = await api.rest('POST', '/webhooks/endpoints', { body: { clients_id: msp.id, url } });
    assert.equal(answer.status, 422, url);
    assert.equal(answer.body.error.data.name, 'UnsafeWebhookUrl', url);
  }
  assert.deepEqual(await api.call('webhooks.endpoints.search', {}), { items: [], total: 0 });
});

test('a URL changed to a private address is refused too', async () => {
  const api = await startTestApp({ env: { MASTER_KEY } });
  const { msp } = await licenseFixture(api);
  const created = await api.call('webhooks.endpoints.create', { clients_id: msp.id, url: 'https://93.184.216.34/hooks' });
  const answer = await api.rest('PATCH', `/webhooks/endpoints/${created.id}`, { body: { url: 'http://10.0.0.7/hooks' } });
  assert.equal(answer.status, 422);
  assert.equal((await api.call('webhooks.endpoints.search', {})).items[0].url, 'https://93.184.216.34/hooks');
});

test('a URL with credentials or another scheme is invalid', async () => {
  const api = await startTestApp({ env: { MASTER_KEY } });
  const { msp } = await licenseFixture(api);
  for (const url of ['ftp://93.184.216.34/hooks', 'https://user:pass@93.184.216.34/hooks', 'not a url']) {
    const answer = await api.rest('POST', '/webhooks/endpoints', { body: { clients_id: msp.id, url } });
    assert.equal(answer.status, 400, url);
  }
});

test('the guard is applied again at delivery: nothing reaches a private receiver', async () => {
  const api = await startTestApp({ env: { MASTER_KEY, WEBHOOK_ALLOW_PRIVATE: '1' } });
  const { msp, companies } = await licenseFixture(api);
  const receiver = await new Receiver().start();
  const endpoint = await api.call('webhooks.endpoints.create', { clients_id: msp.id, url: receiver.url, events: ['usage.quantity_changed'] });
  // The installation restarted without WEBHOOK_ALLOW_PRIVATE.
  configureWebhooks(api.app.db, { allowPrivate: false, userAgent: 'Seatledger-Webhooks/0.1.0' });
  await api.call('licenses.tenants.import_snapshot', { clients_id: companies['Contoso Ltd'].id, skus: [{ sku_part_number: 'SPE_E3', purchased: 3, assigned: 1 }], users: [snapshotUser('u1')] });
  await drainWebhooks(api);
  assert.equal(receiver.received.length, 0);
  const [delivery] = (await api.call('webhooks.deliveries.search', { endpoints_id: endpoint.id })).items;
  assert.equal(delivery.status, 'failed');
  assert.equal(delivery.attempts, 8);
  assert.deepEqual([...new Set(delivery.attempt_log.map((attempt: any) => attempt.error_class))], ['refused_address']);
});

test('a caller limited to another MSP neither sees nor changes the endpoint', async () => {
  const api = await startTestApp({ env: { MASTER_KEY } });
  const { distributor, msp } = await licenseFixture(api);
  const created = await api.call('webhooks.endpoints.create', { clients_id: msp.id, url: 'https://93.184.216.34/hooks' });
  const other = await api.call('clients.create', { kind: 'msp', name: 'Other MSP', resellers_id: distributor.id });
  const user = await api.call('iam.users.create', { login: 'other-admin', resellers_id: other.id });
  const key = (await api.call('iam.api_keys.create', { users_id: user.id })).key;
  assert.deepEqual(await api.call('webhooks.endpoints.search', {}, key), { items: [], total: 0 });
  for (const [method, path] of [['PATCH', `/webhooks/endpoints/${created.id}`], ['DELETE', `/webhooks/endpoints/${created.id}`], ['POST', `/webhooks/endpoints/${created.id}/rotate-secret`]] as const) {
    const answer = await api.rest(method, path, { key, body: method === 'PATCH' ? { enabled: false } : undefined });
    assert.equal(answer.status, 404, `${method} ${path}`);
  }
  const creating = await api.rest('POST', '/webhooks/endpoints', { key, body: { clients_id: msp.id, url: 'https://93.184.216.34/hooks' } });
  assert.equal(creating.status, 404);
});

test('enabling an endpoint again clears why it was disabled', async () => {
  const api = await startTestApp({ env: { MASTER_KEY, WEBHOOK_ALLOW_PRIVATE: '1' } });
  const { msp, companies } = await licenseFixture(api);
  const receiver = await new Receiver().start();
  receiver.replies = [{ status: 410 }];
  const endpoint = await api.call('webhooks.endpoints.create', { clients_id: msp.id, url: receiver.url, events: ['usage.quantity_changed'] });
  await api.call('licenses.tenants.import_snapshot', { clients_id: companies['Contoso Ltd'].id, skus: [{ sku_part_number: 'SPE_E3', purchased: 3, assigned: 1 }], users: [] });
  await drainWebhooks(api);
  assert.equal((await api.call('webhooks.endpoints.search', {})).items[0].disabled_reason, 'gone');
  assert.equal(await api.call('webhooks.endpoints.update', { id: endpoint.id, enabled: true }), 1);
  const [found] = (await api.call('webhooks.endpoints.search', {})).items;
  assert.deepEqual([found.enabled, found.disabled_reason, found.failing_since], [true, null, null]);
});

test('isForbiddenAddress knows the public internet from everything else', () => {
  const cases: Array<[string, boolean]> = [
    ['93.184.216.34', false],
    ['8.8.8.8', false],
    ['2606:4700:4700::1111', false],
    ['127.0.0.1', true],
    ['10.255.0.1', true],
    ['100.64.1.1', true],
    ['169.254.169.254', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['::1', true],
    ['fe80::1', true],
    ['fd00:ec2::254', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:8.8.8.8', false],
    ['0:0:0:0:0:ffff:7f00:1', true],
    ['::7f00:1', true],
    ['::127.0.0.1', true],
    ['::ffff:0:7f00:1', true],
    ['64:ff9b::a9fe:a9fe', true],
    ['64:ff9b::8.8.8.8', false],
    ['64:ff9b:1::1', true],
    ['2002:7f00:1::', true],
    ['2002:808:808::1', false],
    ['2001:0:4136:e378::1', true],
    ['2001:db8::1', true],
    ['fec0::1', true],
    ['192.0.2.10', true],
    ['198.51.100.7', true],
    ['203.0.113.9', true],
    ['1:2:3:4:5:6:7:8:9', true],
    ['not-an-ip', true],
  ];
  for (const [address, forbidden] of cases) assert.equal(isForbiddenAddress(address), forbidden, address);
});
