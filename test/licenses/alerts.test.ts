import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { runDueJobs } from '../../src/db/jobs.ts';
import { accounts, alerts } from '../../src/db/schema.ts';
import { ALERTS_DUE_JOB, scheduleAlertsDue } from '../../src/jobs/alerts-due.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { trackerGet, trackerKey } from '../faces/license-tracker-support.ts';
import { daysBefore, licenseFixture } from './support.ts';

const SEED_NOW = '2026-05-22T09:00:00.000Z';
const E3_PRODUCT = 9001;

/** Contoso with E3 renewing June 5 at 36 a seat: by default 50 bought, 38 assigned, 6 holders inactive → 18 unused. */
async function renewalSetup(api: TestApp, at = SEED_NOW) {
  api.clock.set(at);
  const { msp, companies } = await licenseFixture(api);
  await api.call('catalog.products.create', { id: E3_PRODUCT, name: 'Microsoft 365 E3', kind: 'addon', sku: 'SPE_E3', vendor: 'Microsoft' });
  await api.call('billing.price_books.create', { layer: 'sell', clients_id: msp.id, products_id: E3_PRODUCT, unit_price: '36', effective_at: '2026-01-01T00:00:00Z' });
  const importE3 = (fields: { purchased?: number; assigned?: number; inactive?: number; renewal?: string } = {}) =>
    api.call('licenses.tenants.import_snapshot', {
      clients_id: companies['Contoso Ltd'].id,
      skus: [{ sku_part_number: 'SPE_E3', purchased: fields.purchased ?? 50, assigned: fields.assigned ?? 38, renewal_at: fields.renewal ?? '2026-06-05T00:00:00Z', term: 'annual' }],
      users: Array.from({ length: fields.assigned ?? 38 }, (_, index) => ({
        id: `u${index}`,
        enabled: true,
        licenses: ['SPE_E3'],
        created_at: '2025-01-01T00:00:00Z',
        last_sign_in_at: index < (fields.inactive ?? 6) ? daysBefore(api.clock.now(), 60) : daysBefore(api.clock.now(), 1),
      })),
    });
  const tenant = await importE3();
  return { msp, company: companies['Contoso Ltd'], tenant, importE3 };
}

/** Schedules the alert evaluation as a starting instance does, and runs it at its slot. */
async function runAlertsDue(api: TestApp, slot: string) {
  await scheduleAlertsDue(api.app.db, api.clock.now());
  api.clock.set(slot);
  return runDueJobs({ db: api.app.db, handlers: { [ALERTS_DUE_JOB]: api.app.jobHandlers[ALERTS_DUE_JOB] }, log: pino({ level: 'silent' }), now: api.clock.now, workerId: 'test-worker' });
}

const ofType = async (api: TestApp, type: string) => (await api.call('alerts.search', { type })).items;

test('a renewal due with unused seats fires unread alerts, shown by /api/v1/alerts newest first as in seed 004', async () => {
  const api = await startTestApp();
  const { msp, tenant } = await renewalSetup(api);
  const [renewal] = await ofType(api, 'renewal_due');
  const [inactive] = await ofType(api, 'inactive_users');
  const answer = await trackerGet(api, '/api/v1/alerts', await trackerKey(api, msp.id));
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body, {
    data: [
      {
        id: renewal.public_id,
        type: 'renewal_due',
        severity: 'warning',
        title: 'Microsoft 365 E3 renews in 14 days — 18 unused seats',
        message:
          'Microsoft 365 E3 renews on June 5, 2026. 18 of 50 seats are unused (12 unassigned, 6 held by inactive users). ' +
          'Reducing to 32 seats at renewal recovers 648.00 USD a month (7,776.00 USD over the annual term).',
        status: 'unread',
        createdAt: '2026-05-22T09:00:00.000Z',
        tenant: { id: tenant.public_id, displayName: 'Contoso Ltd' },
      },
      {
        id: inactive.public_id,
        type: 'inactive_users',
        severity: 'warning',
        title: '6 inactive licensed users at Contoso Ltd',
        message: '6 licensed users at Contoso Ltd have not signed in for 30 days or are disabled; their licenses cost 216.00 USD a month.',
        status: 'unread',
        createdAt: '2026-05-22T09:00:00.000Z',
        tenant: { id: tenant.public_id, displayName: 'Contoso Ltd' },
      },
    ],
  });
  assert.match(renewal.public_id, /^alt_[a-z0-9]{10}$/);
  assert.deepEqual([renewal.data.recoverable_at_renewal, renewal.data.recoverable_per_term], ['648.00', '7776.00']);
});

test('no duplicate fires while an alert is unread or read, and a dismissed one stays dismissed', async () => {
  const api = await startTestApp();
  const { importE3 } = await renewalSetup(api);
  const [first] = await ofType(api, 'renewal_due');
  api.clock.advance(3600);
  await importE3();
  assert.equal((await ofType(api, 'renewal_due')).length, 1);
  assert.equal(await api.call('alerts.update', { id: first.id, status: 'read' }), 1);
  await importE3();
  assert.equal(await api.call('alerts.update', { id: first.id, status: 'dismissed' }), 1);
  await importE3();
  assert.deepEqual((await ofType(api, 'renewal_due')).map((alert: any) => [alert.id, alert.status]), [[first.id, 'dismissed']]);
});

test('an alert resolves itself when its condition clears, and a new one fires when it comes back', async () => {
  const api = await startTestApp();
  const { importE3 } = await renewalSetup(api);
  const [first] = await ofType(api, 'renewal_due');
  await api.call('alerts.update', { id: first.id, status: 'dismissed' });
  api.clock.advance(3600);
  await importE3({ assigned: 50, inactive: 0 });
  assert.deepEqual((await ofType(api, 'renewal_due')).map((alert: any) => [alert.id, alert.status, alert.resolved_at]), [[first.id, 'resolved', '2026-05-22T10:00:00.000Z']]);
  assert.equal((await ofType(api, 'inactive_users'))[0].status, 'resolved');
  api.clock.advance(3600);
  await importE3();
  const renewals = await ofType(api, 'renewal_due');
  assert.deepEqual(renewals.map((alert: any) => alert.status), ['unread', 'resolved']);
});

test('inside the urgent window the warning resolves and a critical alert fires', async () => {
  const api = await startTestApp();
  const { importE3 } = await renewalSetup(api);
  api.clock.set('2026-06-02T09:00:00Z');
  await importE3();
  const renewals = await ofType(api, 'renewal_due');
  assert.deepEqual(
    renewals.map((alert: any) => [alert.severity, alert.status, alert.title]),
    [
      ['critical', 'unread', 'Microsoft 365 E3 renews in 3 days — 18 unused seats'],
      ['warning', 'resolved', 'Microsoft 365 E3 renews in 14 days — 18 unused seats'],
    ],
  );
});

test('seat increases and decreases between snapshots fire, and a change back resolves', async () => {
  const api = await startTestApp();
  const { importE3 } = await renewalSetup(api);
  await importE3({ purchased: 55 });
  const [increase] = await ofType(api, 'seat_increase');
  assert.deepEqual([increase.severity, increase.title, increase.status], ['info', 'Microsoft 365 E3: 5 seats added (50 → 55)', 'unread']);
  await importE3({ purchased: 48 });
  const [decrease] = await ofType(api, 'seat_decrease');
  assert.deepEqual([decrease.severity, decrease.title], ['warning', 'Microsoft 365 E3: 7 seats removed (55 → 48)']);
  assert.equal((await ofType(api, 'seat_increase'))[0].status, 'resolved');
});

test('a second increase while the first alert is still unread fires its own alert', async () => {
  const api = await startTestApp();
  const { importE3 } = await renewalSetup(api);
  await importE3({ purchased: 55 });
  await importE3({ purchased: 55 });
  await importE3({ purchased: 60 });
  const increases = await ofType(api, 'seat_increase');
  assert.deepEqual(
    increases.map((alert: { title: string; status: string }) => [alert.title, alert.status]).sort(),
    [
      ['Microsoft 365 E3: 5 seats added (50 → 55)', 'unread'],
      ['Microsoft 365 E3: 5 seats added (55 → 60)', 'unread'],
    ],
  );
});

test('a rise in inactive users fires a new alert over the open one', async () => {
  const api = await startTestApp();
  const { importE3 } = await renewalSetup(api);
  await importE3({ inactive: 4 });
  assert.deepEqual((await ofType(api, 'inactive_users')).map((alert: any) => [alert.data.count, alert.status]), [[6, 'unread']]);
  await importE3({ inactive: 9 });
  assert.deepEqual((await ofType(api, 'inactive_users')).map((alert: any) => [alert.data.count, alert.status]), [[9, 'unread'], [6, 'resolved']]);
});

test('a renewal coming into its window between syncs fires from the scheduled evaluation', async () => {
  const api = await startTestApp();
  await renewalSetup(api, '2026-05-10T09:00:00.000Z');
  assert.deepEqual(await ofType(api, 'renewal_due'), []);
  api.clock.set('2026-05-22T07:00:00Z');
  assert.equal(await runAlertsDue(api, '2026-05-22T12:00:00Z'), 1);
  assert.deepEqual((await ofType(api, 'renewal_due')).map((alert: any) => alert.title), ['Microsoft 365 E3 renews in 14 days — 18 unused seats']);
});

test('an MSP whose trial ends within 3 days gets a trial_expiring alert with no tenant', async () => {
  const api = await startTestApp();
  const { distributor, msp } = await licenseFixture(api);
  const now = api.clock.now();
  await api.app.db.orm.insert(accounts).values({ clientsId: msp.id, distributorsId: distributor.id, vendor: 'PARTNER_NAME', status: 'TRIAL', createdAt: now, trialExpiresAt: new Date(now.getTime() + 2 * 86_400_000), everPaid: false, details: {}, updatedAt: now });
  assert.equal(await runAlertsDue(api, '2026-03-10T18:00:00Z'), 1);
  await api.call('licenses.settings.update', { clients_id: msp.id, api_access: true });
  const answer = await trackerGet(api, '/api/v1/alerts', await trackerKey(api, msp.id));
  assert.deepEqual(
    answer.body.data.map((alert: any) => [alert.type, alert.severity, alert.title, alert.tenant]),
    [['trial_expiring', 'warning', 'Your trial ends in 2 days', null]],
  );
});

test('a resolved alert does not reopen', async () => {
  const api = await startTestApp();
  await renewalSetup(api);
  const [renewal] = await ofType(api, 'renewal_due');
  assert.equal(await api.call('alerts.update', { id: renewal.id, status: 'resolved' }), 1);
  const answer = await api.rest('PATCH', `/alerts/${renewal.id}`, { body: { status: 'unread' } });
  assert.equal(answer.status, 422);
  assert.deepEqual(answer.body.error.data, { name: 'InvalidTransition', status: 'resolved' });
});

test('another MSP’s user neither sees nor changes these alerts', async () => {
  const api = await startTestApp();
  const { msp } = await renewalSetup(api);
  const [renewal] = await ofType(api, 'renewal_due');
  const other = await api.call('clients.create', { kind: 'msp', name: 'Other MSP', resellers_id: (await api.call('clients.get', { id: msp.id })).resellers_id });
  const user = await api.call('iam.users.create', { login: 'other-admin', resellers_id: other.id });
  const key = (await api.call('iam.api_keys.create', { users_id: user.id })).key;
  assert.deepEqual(await api.call('alerts.search', {}, key), { items: [], total: 0 });
  const answer = await api.rest('PATCH', `/alerts/${renewal.id}`, { key, body: { status: 'read' } });
  assert.equal(answer.status, 404);
});

test('/api/v1/alerts shows the 100 most recent alerts, newest first', async () => {
  const api = await startTestApp();
  const { msp } = await licenseFixture(api);
  const start = api.clock.now().getTime();
  await api.app.db.orm.insert(alerts).values(
    Array.from({ length: 105 }, (_, index) => ({
      publicId: `alt_${String(index).padStart(10, '0')}`,
      clientsId: msp.id,
      type: 'trial_expiring' as const,
      subject: `trial:${index}`,
      severity: 'warning' as const,
      title: `Alert ${index}`,
      message: '',
      status: 'resolved' as const,
      data: {},
      createdAt: new Date(start + index * 60_000),
      updatedAt: new Date(start + index * 60_000),
    })),
  );
  const answer = await trackerGet(api, '/api/v1/alerts', await trackerKey(api, msp.id));
  assert.equal(answer.body.data.length, 100);
  assert.deepEqual([answer.body.data[0].title, answer.body.data[99].title], ['Alert 104', 'Alert 5']);
});
