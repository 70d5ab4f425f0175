import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/connection.ts';
import { pino } from 'pino';
import { enqueueJob, runDueJobs } from '../../src/db/jobs.ts';
import { EVENT_JOB, eventHandler, WEBHOOK_DELIVER_JOB, webhookDeliveryHandler } from '../../src/jobs/webhooks.ts';
import { installMasterKey } from '../../src/services/iam/master-key.ts';
import { configureWebhooks } from '../../src/services/webhooks/settings.ts';
import { createApp } from '../../src/app.ts';
import { readConfig } from '../../src/config.ts';
import { ADMIN_KEY, startTestApp, type TestApp } from '../support/app.ts';
import { engine } from '../support/database.ts';
import { licenseFixture, snapshotUser } from '../licenses/support.ts';
import { drainWebhooks, Receiver, verify, verifyStandard } from './support.ts';

const MASTER_KEY = Buffer.alloc(32, 5).toString('base64');

async function webhookSetup(options: { events?: string[] } = {}) {
  const api = await startTestApp({ env: { MASTER_KEY, WEBHOOK_ALLOW_PRIVATE: '1' } });
  api.clock.set('2026-05-22T09:00:00Z');
  const { msp, companies } = await licenseFixture(api);
  const receiver = await new Receiver().start();
  const endpoint = await api.call('webhooks.endpoints.create', { clients_id: msp.id, url: receiver.url, ...(options.events && { events: options.events }) });
  return { api, msp, company: companies['Contoso Ltd'], receiver, endpoint };
}

/** An import that fires one renewal alert (and queues the seats as a ledger change). */
function importRenewal(api: TestApp, companyId: number) {
  return api.call('licenses.tenants.import_snapshot', {
    clients_id: companyId,
    skus: [{ sku_part_number: 'SPE_E3', purchased: 50, assigned: 32, renewal_at: '2026-06-05T00:00:00Z' }],
    users: Array.from({ length: 32 }, (_, index) => snapshotUser(`u${index}`, { last_sign_in_at: '2026-05-21T00:00:00Z' })),
  });
}

const nowSeconds = (api: TestApp) => Math.floor(api.clock.now().getTime() / 1000);
const alertDeliveries = (receiver: Receiver) => receiver.received.filter((request) => JSON.parse(request.body).event === 'alert.created');

test('alert.created arrives with seed 004’s exact body, verified by the seed’s own verify and by Standard Webhooks', async () => {
  const { api, company, receiver, endpoint } = await webhookSetup({ events: ['alert.created'] });
  const tenant = await importRenewal(api, company.id);
  const [alert] = (await api.call('alerts.search', { type: 'renewal_due' })).items;
  await drainWebhooks(api);
  assert.equal(receiver.received.length, 1);
  const [request] = receiver.received;
  assert.equal(
    request.body,
    `{"event":"alert.created","alert":{"id":"${alert.public_id}","type":"renewal_due","severity":"warning","title":"Microsoft 365 E3 renews in 14 days — 18 unused seats",` +
      `"message":${JSON.stringify(alert.message)},"tenant":"Contoso Ltd","createdAt":"2026-05-22T09:00:00.000Z"},"deliveredAt":"2026-05-22T09:00:00.000Z"}`,
  );
  assert.equal(verify(request.body, request.headers['x-mlt-signature'] as string, endpoint.secret), true);
  assert.equal(verifyStandard(endpoint.secret, request.headers, request.body, nowSeconds(api)), true);
  assert.equal(request.headers['content-type'], 'application/json');
  assert.equal(request.headers['user-agent'], 'Seatledger-Webhooks/0.1.0');
  assert.match(request.headers['webhook-id'] as string, /^msg_[A-Za-z0-9_-]{24}$/);
  assert.equal(request.headers['webhook-timestamp'], String(nowSeconds(api)));
  assert.equal(tenant.display_name, 'Contoso Ltd');
});

test('other events carry their data: a ledger change and a closed statement', async () => {
  const { api, msp, company, receiver } = await webhookSetup({ events: ['usage.quantity_changed', 'statement.closed'] });
  const tenant = await importRenewal(api, company.id);
  await api.call('billing.statements.close', { clients_id: msp.id, year: 2026, month: 4 });
  await drainWebhooks(api);
  const bodies = receiver.received.map((request) => JSON.parse(request.body));
  assert.deepEqual(bodies.map((body) => body.event).sort(), ['statement.closed', 'usage.quantity_changed']);
  const usage = bodies.find((body) => body.event === 'usage.quantity_changed');
  assert.deepEqual(usage, {
    event: 'usage.quantity_changed',
    data: { clients_id: company.id, products_id: tenant.skus[0].products_id, quantity: '50', previous_quantity: '0', effective_at: '2026-05-22T09:00:00.000Z', source: 'license-import' },
    deliveredAt: '2026-05-22T09:00:00.000Z',
  });
  assert.deepEqual(Object.keys(bodies.find((body) => body.event === 'statement.closed')), ['event', 'data', 'deliveredAt']);
});

test('an event queued by another feature is delivered to the endpoints of its node and of the node’s ancestors', async () => {
  const { api, msp, receiver, endpoint } = await webhookSetup();
  const elsewhere = await new Receiver().start();
  const sibling = await api.call('clients.create', { kind: 'msp', name: 'Sibling MSP', resellers_id: (await api.call('clients.get', { id: msp.id })).resellers_id });
  await api.call('webhooks.endpoints.create', { clients_id: sibling.id, url: elsewhere.url });
  const data = { clients_id: msp.id, vendor_internal_id: 'v-1', from: 'TRIAL', to: 'ACTIVE', at: '2026-05-22T09:00:00.000Z' };
  await enqueueJob(api.app.db.orm, { kind: 'event', payload: { type: 'account.status_changed', clients_id: msp.id, data } }, api.clock.now());
  await drainWebhooks(api);
  assert.deepEqual(receiver.received.map((request) => JSON.parse(request.body)), [{ event: 'account.status_changed', data, deliveredAt: '2026-05-22T09:00:00.000Z' }]);
  assert.equal(elsewhere.received.length, 0);
  assert.equal(verify(receiver.received[0].body, receiver.received[0].headers['x-mlt-signature'] as string, endpoint.secret), true);
});

test('a receiver down, then answering 500 and 429, then up gets every event, each attempt signed anew', async () => {
  const { api, msp, company, receiver, endpoint } = await webhookSetup();
  const port = receiver.port;
  await receiver.stop();
  await importRenewal(api, company.id);
  await api.call('billing.statements.close', { clients_id: msp.id, year: 2026, month: 4 });
  await drainWebhooks(api, new Date('2026-05-22T09:00:01Z'));
  receiver.replies = [{ status: 500, body: 'oops' }, { status: 500 }, { status: 429, headers: { 'Retry-After': '120' } }, { status: 429, headers: { 'Retry-After': '120' } }];
  await receiver.start(port);
  await drainWebhooks(api);
  const delivered = await api.call('webhooks.deliveries.search', { endpoints_id: endpoint.id });
  assert.deepEqual(delivered.items.map((delivery: any) => delivery.status), ['succeeded', 'succeeded', 'succeeded']);
  assert.deepEqual([...new Set(receiver.received.map((request) => JSON.parse(request.body).event))].sort(), ['alert.created', 'statement.closed', 'usage.quantity_changed']);
  // Four refused attempts while it was up, then one success per event.
  assert.equal(receiver.received.length, 4 + 3);
  for (const request of receiver.received) {
    assert.equal(verify(request.body, request.headers['x-mlt-signature'] as string, endpoint.secret), true);
    assert.equal(verifyStandard(endpoint.secret, request.headers, request.body, Number(request.headers['webhook-timestamp'])), true);
  }
  // Retries keep the webhook-id and carry the time of their own attempt.
  const throttled = delivered.items.find((delivery: any) => delivery.attempt_log.some((attempt: any) => attempt.response_status === 429));
  const log = throttled.attempt_log;
  assert.equal(new Set(log.map((attempt: any) => attempt.request_headers['webhook-id'])).size, 1);
  assert.equal(new Set(log.map((attempt: any) => attempt.request_headers['webhook-timestamp'])).size, log.length);
  const after429 = log.findIndex((attempt: any) => attempt.response_status === 429);
  assert.equal(new Date(log[after429 + 1].attempted_at).getTime() - new Date(log[after429].attempted_at).getTime(), 120_000);
  assert.equal(log[0].error_class, 'network');
});

test('a restart in the middle of the retries loses nothing: a new instance finishes them, the one cut off mid-attempt after its lease', async (t) => {
  const { api, msp, company, receiver, endpoint } = await webhookSetup();
  receiver.replies = [{ status: 500 }, { status: 500 }, { status: 500 }];
  await importRenewal(api, company.id);
  await api.call('billing.statements.close', { clients_id: msp.id, year: 2026, month: 4 });
  await drainWebhooks(api, new Date('2026-05-22T09:00:01Z'));
  assert.equal(receiver.received.length, 3);
  // The process dies having claimed one retry: its job stays running under a lease nobody renews.
  api.clock.set('2026-05-22T09:00:10Z');
  const [cutOff] = await queryRows<{ id: number }>(api.app.db.orm, sql`
    UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = 'instance-that-died', locked_until = '2026-05-22T09:05:10Z'
    WHERE id = (SELECT id FROM jobs WHERE kind = ${WEBHOOK_DELIVER_JOB} AND status = 'queued' ORDER BY id LIMIT 1)
    RETURNING id`);
  assert.ok(cutOff);

  const restarted = await createApp(readConfig({ SEATLEDGER_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'silent', DEMO: '0', WORKERS: '0', MASTER_KEY, WEBHOOK_ALLOW_PRIVATE: '1' }), {
    logger: pino({ level: 'silent' }),
    now: api.clock.now,
    db: api.database.db,
  });
  t.after(() => restarted.stop());
  const afterRestart: TestApp = { ...api, app: restarted };
  await drainWebhooks(afterRestart, new Date('2026-05-22T09:05:09Z'));
  assert.equal(receiver.received.length, 3 + 2, 'the two free retries are made at once, the claimed one waits for its lease');
  await drainWebhooks(afterRestart);
  assert.equal(receiver.received.length, 3 + 3);

  const admin = { usersId: 1, login: 'admin', apiKeysId: null, scope: null, timeZone: null, roles: [], access: 2 };
  const delivered = await restarted.call(admin, 'webhooks.deliveries.search', { endpoints_id: endpoint.id });
  assert.deepEqual(delivered.items.map((delivery: any) => [delivery.status, delivery.attempt_log.length]), [['succeeded', 2], ['succeeded', 2], ['succeeded', 2]]);
  const byMessage = new Map<string, typeof receiver.received>();
  for (const request of receiver.received) byMessage.set(request.headers['webhook-id'] as string, [...(byMessage.get(request.headers['webhook-id'] as string) ?? []), request]);
  assert.equal(byMessage.size, 3);
  for (const attempts of byMessage.values()) {
    assert.equal(attempts.length, 2);
    for (const request of attempts) assert.equal(verify(request.body, request.headers['x-mlt-signature'] as string, endpoint.secret), true);
  }
});

test('the delivery log keeps each attempt’s request, status, truncated answer, latency and error class', async () => {
  const { api, company, receiver, endpoint } = await webhookSetup({ events: ['alert.created'] });
  receiver.replies = [{ status: 503, body: 'x'.repeat(5000) }];
  await importRenewal(api, company.id);
  await drainWebhooks(api);
  const [delivery] = (await api.call('webhooks.deliveries.search', { endpoints_id: endpoint.id })).items;
  assert.deepEqual([delivery.event, delivery.status, delivery.attempts], ['alert.created', 'succeeded', 2]);
  const [failed, succeeded] = delivery.attempt_log;
  assert.deepEqual([failed.response_status, failed.error_class, failed.response_body.length], [503, 'http_5xx', 2048]);
  assert.deepEqual([succeeded.response_status, succeeded.error_class, succeeded.response_body], [200, null, 'ok']);
  assert.equal(typeof succeeded.latency_ms, 'number');
  assert.equal(succeeded.request_body, receiver.received[1].body);
  assert.equal(succeeded.request_headers['X-MLT-Signature'], receiver.received[1].headers['x-mlt-signature']);
});

test('any delivery can be replayed, with the same webhook-id', async () => {
  const { api, company, receiver, endpoint } = await webhookSetup({ events: ['alert.created'] });
  await importRenewal(api, company.id);
  await drainWebhooks(api);
  const [delivery] = (await api.call('webhooks.deliveries.search', { endpoints_id: endpoint.id })).items;
  api.clock.advance(3600);
  const replay = await api.call('webhooks.deliveries.replay', { id: delivery.id });
  assert.deepEqual([replay.replay_of, replay.message_id, replay.status], [delivery.id, delivery.message_id, 'pending']);
  await drainWebhooks(api);
  assert.equal(alertDeliveries(receiver).length, 2);
  const [first, again] = alertDeliveries(receiver);
  assert.equal(again.headers['webhook-id'], first.headers['webhook-id']);
  assert.equal(JSON.parse(again.body).deliveredAt, '2026-05-22T10:00:00.000Z');
  assert.equal(verify(again.body, again.headers['x-mlt-signature'] as string, endpoint.secret), true);
});

test('a 410 disables the endpoint: nothing more is sent', async () => {
  const { api, company, receiver, endpoint } = await webhookSetup();
  receiver.replies = [{ status: 410 }];
  await importRenewal(api, company.id);
  await drainWebhooks(api);
  const [found] = (await api.call('webhooks.endpoints.search', {})).items;
  assert.deepEqual([found.enabled, found.disabled_reason], [false, 'gone']);
  assert.equal(receiver.received.length, 1);
  const statuses = (await api.call('webhooks.deliveries.search', { endpoints_id: endpoint.id })).items.map((delivery: any) => delivery.status);
  // The alert and the ledger change: one got the 410, the other found the endpoint disabled.
  assert.deepEqual(statuses, ['failed', 'failed']);
});

test('a redirect is not followed and counts as a failure', async () => {
  const { api, company, receiver } = await webhookSetup({ events: ['alert.created'] });
  const elsewhere = await new Receiver().start();
  receiver.replies = [{ status: 302, headers: { Location: elsewhere.url } }];
  await importRenewal(api, company.id);
  await drainWebhooks(api);
  const [delivery] = (await api.call('webhooks.deliveries.search', {})).items;
  assert.deepEqual(delivery.attempt_log.map((attempt: any) => attempt.error_class), ['redirect', null]);
  assert.equal(elsewhere.received.length, 0);
});

test('a receiver that does not answer in time is a timeout', async () => {
  const { api, company } = await webhookSetup({ events: ['alert.created'] });
  const { createServer } = await import('node:http');
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const endpoint = await api.call('webhooks.endpoints.create', { clients_id: (await api.call('clients.get', { id: company.id })).resellers_id, url: `http://127.0.0.1:${(silent.address() as { port: number }).port}/`, events: ['alert.created'] });
    configureWebhooks(api.app.db, { allowPrivate: true, timeoutMs: 300, userAgent: 'Seatledger-Webhooks/0.1.0' });
    await importRenewal(api, company.id);
    await drainWebhooks(api, new Date('2026-05-22T09:00:01Z'));
    const [delivery] = (await api.call('webhooks.deliveries.search', { endpoints_id: endpoint.id })).items;
    assert.equal(delivery.attempt_log[0].error_class, 'timeout');
  } finally {
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});

test('during a rotation both secrets sign for 24 hours, then only the new one', async () => {
  const { api, company, receiver, endpoint } = await webhookSetup({ events: ['alert.created'] });
  const rotated = await api.call('webhooks.endpoints.rotate_secret', { id: endpoint.id });
  assert.match(rotated.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.equal(rotated.previous_secret_expires_at, '2026-05-23T09:00:00.000Z');
  await importRenewal(api, company.id);
  await drainWebhooks(api);
  const [during] = receiver.received;
  assert.equal((during.headers['webhook-signature'] as string).split(' ').length, 2);
  assert.equal(verifyStandard(endpoint.secret, during.headers, during.body, nowSeconds(api)), true, 'old secret, Standard Webhooks');
  assert.equal(verifyStandard(rotated.secret, during.headers, during.body, nowSeconds(api)), true, 'new secret, Standard Webhooks');
  assert.equal(verify(during.body, during.headers['x-mlt-signature'] as string, rotated.secret), true, 'new secret, seed verify');
  assert.equal(verify(during.body, during.headers['x-mlt-signature-previous'] as string, endpoint.secret), true, 'old secret, seed verify');
  api.clock.set('2026-05-23T09:00:01Z');
  const [delivery] = (await api.call('webhooks.deliveries.search', { endpoints_id: endpoint.id })).items;
  await api.call('webhooks.deliveries.replay', { id: delivery.id });
  await drainWebhooks(api);
  const afterwards = receiver.received[1];
  assert.equal((afterwards.headers['webhook-signature'] as string).split(' ').length, 1);
  assert.equal(afterwards.headers['x-mlt-signature-previous'], undefined);
  assert.equal(verifyStandard(endpoint.secret, afterwards.headers, afterwards.body, nowSeconds(api)), false);
  assert.equal(verify(afterwards.body, afterwards.headers['x-mlt-signature'] as string, rotated.secret), true);
});

test('three days of failures disable the endpoint and mail the MSP’s admins', async () => {
  const { api, msp, company, receiver } = await webhookSetup({ events: ['alert.created'] });
  await api.call('iam.users.create', { login: 'msp-admin', email: 'admin@best-msp.example', resellers_id: msp.id });
  receiver.replies = Array.from({ length: 100 }, () => ({ status: 500 }));
  await importRenewal(api, company.id);
  await drainWebhooks(api);
  assert.equal((await api.call('webhooks.endpoints.search', {})).items[0].enabled, true, 'one delivery’s retries end within two days');
  api.clock.set('2026-05-25T10:00:00Z');
  await enqueueJob(api.app.db.orm, { kind: 'event', payload: { type: 'alert.created', clients_id: msp.id, data: { id: 'alt_x', type: 'trial_expiring', severity: 'warning', title: 't', message: 'm', tenant: null, createdAt: '2026-05-25T10:00:00.000Z' } } }, api.clock.now());
  await drainWebhooks(api);
  const [found] = (await api.call('webhooks.endpoints.search', {})).items;
  assert.deepEqual([found.enabled, found.disabled_reason, found.failing_since], [false, 'failing', '2026-05-22T09:00:00.000Z']);
  const mail = await queryRows<{ to_address: string; subject: string }>(api.app.db.orm, sql`SELECT to_address, subject FROM mail_outbox`);
  assert.deepEqual(mail, [{ to_address: 'admin@best-msp.example', subject: 'A webhook endpoint was disabled' }]);
});

test('an endpoint only receives the events it asked for', async () => {
  const { api, company, receiver } = await webhookSetup({ events: ['statement.closed'] });
  await importRenewal(api, company.id);
  await drainWebhooks(api);
  assert.equal(receiver.received.length, 0);
});

test('a deleted endpoint receives nothing more', async () => {
  const { api, company, receiver, endpoint } = await webhookSetup();
  assert.equal(await api.call('webhooks.endpoints.delete', { id: endpoint.id }), 1);
  await importRenewal(api, company.id);
  await drainWebhooks(api);
  assert.equal(receiver.received.length, 0);
  assert.deepEqual(await api.call('webhooks.endpoints.search', {}), { items: [], total: 0 });
});

test('two instances working the queue at once deliver each event once', { skip: engine !== 'postgres' && 'needs PostgreSQL' }, async () => {
  const { api, msp, company, receiver } = await webhookSetup();
  const other = await api.database.openAnother();
  await installMasterKey(other, Buffer.from(MASTER_KEY, 'base64'));
  configureWebhooks(other, { allowPrivate: true, userAgent: 'Seatledger-Webhooks/0.1.0' });
  const log = pino({ level: 'silent' });
  const instances = [api.app.db, other].map((db, index) => ({
    db,
    handlers: { [EVENT_JOB]: eventHandler(db, api.clock.now, log), [WEBHOOK_DELIVER_JOB]: webhookDeliveryHandler(db, api.clock.now, log) },
    workerId: `instance-${index}`,
  }));
  await importRenewal(api, company.id);
  await api.call('billing.statements.close', { clients_id: msp.id, year: 2026, month: 4 });
  for (let round = 0; round < 10; round++) {
    const ran = await Promise.all(instances.map((instance) => runDueJobs({ ...instance, log, now: api.clock.now, batchSize: 1 })));
    if (ran.every((count) => count === 0)) break;
  }
  assert.deepEqual(receiver.received.map((request) => JSON.parse(request.body).event).sort(), ['alert.created', 'statement.closed', 'usage.quantity_changed']);
});
