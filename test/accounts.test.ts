import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { queryRows } from '../src/db/connection.ts';
import { LIFECYCLE_DUE_JOB, lifecycleDueHandler, scheduleLifecycleDue } from '../src/jobs/lifecycle-due.ts';
import { engine } from './support/database.ts';
import {
  ACCEPT,
  acceptLatestInvitation,
  accountsById,
  post,
  runJobs,
  startSmtpCapture,
  startVendorApp,
  trialBody,
  type SmtpCapture,
  type VendorSetup,
} from './faces/keeper-vendor-support.ts';

// The MSP account lifecycle's own clock: trials and terms end, expired accounts are purged, all by the
// lifecycle job (run here by hand with the test clock); and billing counts only ACTIVE time.

const captures: SmtpCapture[] = [];
after(async () => {
  for (const capture of captures) await capture.close();
});

async function start(at: string) {
  const smtp = await startSmtpCapture();
  captures.push(smtp);
  const setup = await startVendorApp({ SMTP_URL: smtp.url });
  setup.api.clock.set(at);
  return { smtp, setup };
}

const mspIdOf = (companyId: string) => Number(Buffer.from(companyId, 'base64').toString());

/** A new account, activated through its invitation: TRIAL. */
async function trialAccount(setup: VendorSetup, smtp: SmtpCapture, vendorInternalId: string): Promise<number> {
  const created = await post(setup, '/create-trial-account', trialBody(vendorInternalId));
  await acceptLatestInvitation(setup, smtp);
  return mspIdOf(created.body.companyId);
}

/** The lifecycle job, run once at the test clock's time. */
const runLifecycle = (setup: VendorSetup) => setup.api.app.jobHandlers[LIFECYCLE_DUE_JOB]({ id: 0, kind: LIFECYCLE_DUE_JOB, payload: {}, attempts: 1, maxAttempts: 3 });

const statusOf = async (setup: VendorSetup, vendorInternalId: string) => (await accountsById(setup))[vendorInternalId]?.status;

test('a trial expires by itself 14 days after activation, not a second before', async () => {
  const { smtp, setup } = await start('2026-03-10T12:00:00Z');
  await trialAccount(setup, smtp, 'TRIAL-1');
  setup.api.clock.set('2026-03-24T11:59:59Z');
  await runLifecycle(setup);
  assert.equal(await statusOf(setup, 'TRIAL-1'), 'TRIAL');
  setup.api.clock.set('2026-03-24T12:00:00Z');
  await runLifecycle(setup);
  const account = (await accountsById(setup))['TRIAL-1'];
  assert.deepEqual([account.status, account.expiredAt], ['EXPIRED', '2026-03-24T12:00:00.000Z']);
});

test('an expired trial that never paid comes back through activate-expired as a fresh 14-day TRIAL', async () => {
  const { smtp, setup } = await start('2026-03-10T12:00:00Z');
  await trialAccount(setup, smtp, 'AGAIN-1');
  setup.api.clock.set('2026-04-01T00:00:00Z');
  await runLifecycle(setup);
  const answer = await post(setup, '/activate-expired', { vendorInternalId: 'AGAIN-1' });
  assert.deepEqual([answer.status, answer.body], [200, { success: true, message: 'Account activated', status: 'TRIAL' }]);
  assert.equal((await accountsById(setup))['AGAIN-1'].trialExpiresAt, '2026-04-15T00:00:00.000Z');
});

test('an account in REGION_CONFLICT or PRODUCT_CONFLICT can be removed', async () => {
  const { smtp, setup } = await start('2026-03-10T12:00:00Z');
  await post(setup, '/create-trial-account', trialBody('CONFLICT-R'));
  await acceptLatestInvitation(setup, smtp, { ...ACCEPT, region: 'AU' });
  await post(setup, '/create-trial-account', trialBody('CONFLICT-P'));
  await acceptLatestInvitation(setup, smtp, { ...ACCEPT, product_type: 'enterprise' });
  assert.deepEqual(Object.values(await accountsById(setup)).map((account) => account.status), ['REGION_CONFLICT', 'PRODUCT_CONFLICT']);
  for (const vendorInternalId of ['CONFLICT-R', 'CONFLICT-P']) {
    const answer = await post(setup, '/remove-account', { vendorInternalId });
    assert.deepEqual([answer.status, answer.body], [200, { success: true, message: 'Account removed' }]);
  }
  assert.deepEqual(await accountsById(setup), {});
});

test('a paid term ends by itself at its expiration date, even when the job runs late', async () => {
  const { smtp, setup } = await start('2026-03-10T12:00:00Z');
  await trialAccount(setup, smtp, 'TERM-1');
  await post(setup, '/convert-to-paid', { vendorInternalId: 'TERM-1' });
  assert.equal((await accountsById(setup))['TERM-1'].expirationDate, '2027-03-10T12:00:00.000Z');
  setup.api.clock.set('2027-03-12T00:00:00Z');
  await runLifecycle(setup);
  const account = (await accountsById(setup))['TERM-1'];
  assert.deepEqual([account.status, account.expiredAt], ['EXPIRED', '2027-03-10T12:00:00.000Z']);
});

test('an account expired more than 365 days ago cannot be activated again, even before the purge has run', async () => {
  const { smtp, setup } = await start('2026-03-10T12:00:00Z');
  await trialAccount(setup, smtp, 'LATE-1');
  await post(setup, '/convert-to-paid', { vendorInternalId: 'LATE-1' });
  await post(setup, '/cancel-paid-account', { vendorInternalId: 'LATE-1' });
  setup.api.clock.set('2027-03-10T12:00:00Z');
  const answer = await post(setup, '/activate-expired', { vendorInternalId: 'LATE-1' });
  assert.deepEqual([answer.status, answer.body], [
    422,
    { success: false, message: 'Cannot activate-expired from EXPIRED: its data was due for purging at 2027-03-10T12:00:00.000Z' },
  ]);
  assert.equal(await statusOf(setup, 'LATE-1'), 'EXPIRED');
});

test('365 days after expiry the account and all its data are purged; a purge record remains', async () => {
  const { smtp, setup } = await start('2026-03-02T00:00:00Z');
  const { api } = setup;
  const mspId = await trialAccount(setup, smtp, 'PURGE-1');
  await post(setup, '/convert-to-paid', { vendorInternalId: 'PURGE-1' });
  const company = await api.call('clients.create', { kind: 'company', name: 'Cowboys', resellers_id: mspId });
  await api.call('catalog.products.create', { id: 720, name: 'MSP Base License', kind: 'plan', usage_unit: 'licenses', billing_unit: 'user', proration: 'quantity', sort_order: 10 });
  await api.call('billing.price_books.create', { layer: 'cost', clients_id: mspId, products_id: 720, unit_price: '3.4', effective_at: '2026-01-01T00:00:00Z' });
  await api.call('billing.price_books.create', { layer: 'cost', clients_id: mspId, companies_id: company.id, products_id: 720, unit_price: '3', effective_at: '2026-01-01T00:00:00Z' });
  await api.call('billing.quantities.set', { clients_id: company.id, products_id: 720, quantity: '5', effective_at: '2026-03-02T00:00:00Z' });
  const admin = await api.call('iam.users.search', { resellers_id: mspId });
  const adminKey = await api.call('iam.api_keys.create', { users_id: admin.items[0].id });
  api.clock.set('2026-04-05T00:00:00Z');
  await api.call('billing.statements.close', { clients_id: mspId, year: 2026, month: 3 });
  await post(setup, '/cancel-paid-account', { vendorInternalId: 'PURGE-1' });

  api.clock.set('2027-04-04T23:59:59Z');
  await runLifecycle(setup);
  assert.equal(await statusOf(setup, 'PURGE-1'), 'EXPIRED');
  assert.equal((await api.rest('GET', `/clients/${mspId}`)).status, 200);

  api.clock.set('2027-04-05T00:00:00Z');
  await runLifecycle(setup);
  assert.deepEqual(await accountsById(setup), {});
  assert.equal((await api.rest('GET', `/clients/${mspId}`)).status, 404);
  assert.equal((await api.rest('GET', `/clients/${company.id}`)).status, 404);
  assert.equal((await api.rest('GET', `/clients/${mspId}`, { key: adminKey.key })).status, 401);
  assert.equal((await api.rest('GET', `/billing/statements?clients_id=${mspId}&year=2026&month=3`)).status, 404);
  const [record] = await queryRows<{ clients_id: number; vendor_internal_id: string; purged_at: Date; deleted: Record<string, number> }>(
    api.app.db.orm,
    sql`SELECT clients_id, vendor_internal_id, purged_at, deleted FROM purge_records`,
  );
  assert.equal(record.clients_id, mspId);
  assert.equal(record.vendor_internal_id, 'PURGE-1');
  assert.equal(new Date(record.purged_at).toISOString(), '2027-04-05T00:00:00.000Z');
  const deleted = typeof record.deleted === 'string' ? JSON.parse(record.deleted) : record.deleted;
  assert.deepEqual(
    [deleted.clients, deleted.users, deleted.api_keys, deleted.statements, deleted.price_entries, deleted.quantity_ledger, deleted.accounts, deleted.invitations],
    [2, 1, 1, 1, 2, 1, 1, 1],
  );
  const left = await queryRows<{ count: number }>(api.app.db.orm, sql`SELECT count(*)::int AS count FROM account_status_history WHERE clients_id = ${mspId}`);
  assert.equal(left[0].count, 0);
  // The distributor can use its id again.
  assert.equal((await post(setup, '/create-trial-account', trialBody('PURGE-1'))).status, 200);
});

test('after downtime one run catches up: a trial that ended more than a year ago expires and is purged at once', async () => {
  const { smtp, setup } = await start('2026-03-10T12:00:00Z');
  await trialAccount(setup, smtp, 'DOWN-1');
  await trialAccount(setup, smtp, 'DOWN-2');
  await scheduleLifecycleDue(setup.api.app.db, setup.api.clock.now());
  setup.api.clock.set('2027-04-01T00:00:00Z');
  assert.equal(await runJobs(setup.api, [LIFECYCLE_DUE_JOB]), 1);
  assert.deepEqual(await accountsById(setup), {});
  const records = await queryRows<{ count: number }>(setup.api.app.db.orm, sql`SELECT count(*)::int AS count FROM purge_records`);
  assert.equal(records[0].count, 2);
  // The job scheduled its next run.
  const next = await queryRows<{ run_at: Date }>(setup.api.app.db.orm, sql`SELECT run_at FROM jobs WHERE kind = ${LIFECYCLE_DUE_JOB} AND status = 'queued'`);
  assert.deepEqual(next.map((row) => new Date(row.run_at).toISOString()), ['2027-04-01T00:15:00.000Z']);
});

test('each transition writes an audit row and queues an account.status_changed event', async () => {
  const { smtp, setup } = await start('2026-03-10T12:00:00Z');
  const mspId = await trialAccount(setup, smtp, 'AUDIT-1');
  await post(setup, '/convert-to-paid', { vendorInternalId: 'AUDIT-1' });
  await post(setup, '/cancel-paid-account', { vendorInternalId: 'AUDIT-1' });
  const audit = await setup.api.call('audit.search', { entity: 'account', entity_id: String(mspId) });
  assert.deepEqual(
    audit.items.map((entry: { action: string; face: string; data: { from?: string; to?: string } }) => [entry.action, entry.face, entry.data.from, entry.data.to]).reverse(),
    [
      ['create', 'keeper-vendor', undefined, undefined],
      ['status_changed', 'activation', 'PENDING', 'TRIAL'],
      ['status_changed', 'keeper-vendor', 'TRIAL', 'ACTIVE'],
      ['status_changed', 'keeper-vendor', 'ACTIVE', 'EXPIRED'],
    ],
  );
  const events = await queryRows<{ payload: unknown }>(setup.api.app.db.orm, sql`SELECT payload FROM jobs WHERE kind = 'event' ORDER BY id`);
  const payloads = events.map((row) => (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload));
  assert.deepEqual(
    payloads.map((payload) => [payload.type, payload.clients_id, payload.data.from, payload.data.to, payload.data.vendor_internal_id]),
    [
      ['account.status_changed', mspId, null, 'PENDING', 'AUDIT-1'],
      ['account.status_changed', mspId, 'PENDING', 'TRIAL', 'AUDIT-1'],
      ['account.status_changed', mspId, 'TRIAL', 'ACTIVE', 'AUDIT-1'],
      ['account.status_changed', mspId, 'ACTIVE', 'EXPIRED', 'AUDIT-1'],
    ],
  );
});

test('two instances running the lifecycle job together apply each trial end exactly once', { skip: engine !== 'postgres' && 'needs PostgreSQL' }, async () => {
  const { smtp, setup } = await start('2026-03-10T12:00:00Z');
  for (let index = 0; index < 6; index++) await trialAccount(setup, smtp, `RACE-${index}`);
  setup.api.clock.set('2026-03-25T00:00:00Z');
  const other = await setup.api.database.openAnother();
  const log = pino({ level: 'silent' });
  const job = { id: 0, kind: LIFECYCLE_DUE_JOB, payload: {}, attempts: 1, maxAttempts: 3 };
  await Promise.all([
    lifecycleDueHandler(setup.api.app.db, setup.api.clock.now, log)(job),
    lifecycleDueHandler(other, setup.api.clock.now, log)(job),
    lifecycleDueHandler(other, setup.api.clock.now, log)(job),
  ]);
  const statuses = Object.values(await accountsById(setup)).map((account) => account.status);
  assert.deepEqual(statuses, Array(6).fill('EXPIRED'));
  const audit = await setup.api.call('audit.search', { entity: 'account', action: 'status_changed', face: 'system' });
  assert.equal(audit.total, 6);
});

test('billing counts only ACTIVE time: the trial is free and a cancellation stops the count at that instant', async () => {
  const { smtp, setup } = await start('2026-03-25T00:00:00Z');
  const { api } = setup;
  await api.call('catalog.products.create', { id: 720, name: 'MSP Base License', kind: 'plan', usage_unit: 'licenses', billing_unit: 'user', proration: 'quantity', sort_order: 10 });
  await api.call('catalog.products.create', { id: 10001, name: 'Keeper Business Bundle', kind: 'plan', usage_unit: 'bundles', billing_unit: 'user', proration: 'quantity', sort_order: 20 });
  const mspId = await trialAccount(setup, smtp, 'BILL-1');
  const company = await api.call('clients.create', { kind: 'company', name: 'Cowboys', resellers_id: mspId });
  await api.call('billing.price_books.create', { layer: 'cost', clients_id: mspId, products_id: 720, unit_price: '3.4', effective_at: '2026-01-01T00:00:00Z' });
  await api.call('billing.price_books.create', { layer: 'cost', clients_id: mspId, products_id: 10001, unit_price: '2.25', effective_at: '2026-01-01T00:00:00Z' });
  await api.call('billing.quantities.set', { clients_id: mspId, products_id: 720, quantity: '10', effective_at: '2026-03-01T00:00:00Z' });
  await api.call('billing.quantities.set', { clients_id: company.id, products_id: 10001, quantity: '4', effective_at: '2026-03-01T00:00:00Z' });

  api.clock.set('2026-04-01T00:00:00Z');
  await post(setup, '/convert-to-paid', { vendorInternalId: 'BILL-1' });
  api.clock.set('2026-04-16T00:00:00Z');
  assert.equal((await post(setup, '/cancel-paid-account', { vendorInternalId: 'BILL-1' })).status, 200);
  api.clock.set('2026-05-10T00:00:00Z');

  const march = await api.call('billing.statements.get', { clients_id: mspId, year: 2026, month: 3 });
  assert.deepEqual([march.total, march.companies, march.msp_item.lines], ['0.00', [], []]);

  const april = await api.call('billing.statements.get', { clients_id: mspId, year: 2026, month: 4 });
  assert.deepEqual(
    april.msp_item.lines.map((line: any) => [line.products_id, line.quantity, line.avg_monthly_cost, line.breakdown]),
    [[720, '5', '17.00', [{ from: '2026-04-01T00:00:00.000Z', to: '2026-04-16T00:00:00.000Z', quantity: '10', fraction: '0.5' }]]],
  );
  assert.deepEqual(
    april.companies.map((holder: any) => [holder.name, holder.lines.map((line: any) => [line.products_id, line.quantity, line.avg_monthly_cost])]),
    [['Cowboys', [[10001, '2', '4.50']]]],
  );
  assert.equal(april.total, '21.50');
  const may = await api.call('billing.statements.get', { clients_id: mspId, year: 2026, month: 5 });
  assert.equal(may.total, '0.00');
});

test('an MSP created natively, without an account, is billed for the whole month', async () => {
  const { setup } = await start('2026-04-10T00:00:00Z');
  const { api } = setup;
  await api.call('catalog.products.create', { id: 720, name: 'MSP Base License', kind: 'plan', usage_unit: 'licenses', billing_unit: 'user', proration: 'quantity', sort_order: 10 });
  const msp = await api.call('clients.create', { kind: 'msp', name: 'Native MSP', resellers_id: setup.distributorId });
  await api.call('billing.price_books.create', { layer: 'cost', clients_id: msp.id, products_id: 720, unit_price: '3.4', effective_at: '2026-01-01T00:00:00Z' });
  await api.call('billing.quantities.set', { clients_id: msp.id, products_id: 720, quantity: '10', effective_at: '2026-04-01T00:00:00Z' });
  const april = await api.call('billing.statements.get', { clients_id: msp.id, year: 2026, month: 4 });
  assert.deepEqual([april.msp_item.lines[0].quantity, april.total], ['10', '34.00']);
});

