import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { TRANSITIONS, type AccountStatus } from '../../src/domain/lifecycle.ts';
import { KEEPER_CATALOG } from '../../src/services/demo/demo-data.ts';
import {
  ACCEPT,
  acceptLatestInvitation,
  accountsById,
  activationPathIn,
  post,
  runJobs,
  SAMPLE_BODY,
  startSmtpCapture,
  startVendorApp,
  submitActivation,
  trialBody,
  vendorRequest,
  type SmtpCapture,
  type VendorSetup,
} from './keeper-vendor-support.ts';
import { MAIL_SEND_JOB } from '../../src/services/mail/queue-mail.ts';

// The distributor account-management face (spec/keeper-vendor.md, seed 001) on the wire.

const captures: SmtpCapture[] = [];
after(async () => {
  for (const capture of captures) await capture.close();
});

async function withSmtp(env: Record<string, string> = {}) {
  const smtp = await startSmtpCapture();
  captures.push(smtp);
  return { smtp, setup: await startVendorApp({ SMTP_URL: smtp.url, ...env }) };
}

test('seed 001 sample flow: create → PENDING, invitation link → TRIAL, convert → ACTIVE, cancel → EXPIRED, activate-expired → ACTIVE', async () => {
  const { smtp, setup } = await withSmtp({ PUBLIC_URL: 'https://billing.example' });

  const created = await post(setup, '/create-trial-account', SAMPLE_BODY);
  assert.equal(created.status, 200);
  const companyId = created.body.companyId;
  assert.deepEqual(created.body, { success: true, message: 'Trial account created', companyId, status: 'PENDING' });
  assert.equal((await accountsById(setup))['89654we7r64ert65'].status, 'PENDING');

  assert.equal(await runJobs(setup.api, [MAIL_SEND_JOB]), 1);
  assert.equal(smtp.messages.length, 1);
  assert.match(smtp.messages[0], /^To: test\+werworir@keeperdemo\.io\r?$/m);
  const link = activationPathIn(smtp.messages[0]);
  assert.match(smtp.messages[0].replace(/=\r?\n/g, ''), /https:\/\/billing\.example\/activate\//);
  const page = await fetch(setup.api.url + link);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<form method="post" action="\/activate\//);

  const activated = await submitActivation(setup.api, link, ACCEPT);
  assert.equal(activated.status, 200);
  assert.match(activated.text, /Status: <strong>TRIAL<\/strong>/);
  assert.equal((await accountsById(setup))['89654we7r64ert65'].status, 'TRIAL');

  const converted = await post(setup, '/convert-to-paid', { vendorInternalId: '89654we7r64ert65' });
  assert.deepEqual([converted.status, converted.body], [200, { success: true, message: 'Converted Trial to Paid' }]);
  assert.equal((await accountsById(setup))['89654we7r64ert65'].status, 'ACTIVE');

  setup.api.clock.advance(86_400);
  const cancelled = await post(setup, '/cancel-paid-account', { vendorInternalId: '89654we7r64ert65' });
  assert.deepEqual([cancelled.status, cancelled.body], [200, { success: true, message: 'Paid account cancelled' }]);
  assert.equal((await accountsById(setup))['89654we7r64ert65'].status, 'EXPIRED');

  const reactivated = await post(setup, '/activate-expired', { companyId });
  assert.deepEqual([reactivated.status, reactivated.body], [200, { success: true, message: 'Account activated', status: 'ACTIVE' }]);
  assert.equal((await accountsById(setup))['89654we7r64ert65'].status, 'ACTIVE');
});

test('/accounts lists every account with the dates of its status and the conflict fields only on conflicts', async () => {
  const { smtp, setup } = await withSmtp();
  setup.api.clock.set('2026-03-10T12:00:00Z');
  const pending = await post(setup, '/create-trial-account', trialBody('A-PENDING', { name: 'Harbor IT' }));
  const trial = await post(setup, '/create-trial-account', trialBody('A-TRIAL'));
  await acceptLatestInvitation(setup, smtp);
  const region = await post(setup, '/create-trial-account', trialBody('A-REGION'));
  await acceptLatestInvitation(setup, smtp, { ...ACCEPT, region: 'EU' });
  const product = await post(setup, '/create-trial-account', trialBody('A-PRODUCT'));
  await acceptLatestInvitation(setup, smtp, { ...ACCEPT, product_type: 'enterprise' });
  const paid = await post(setup, '/create-trial-account', trialBody('A-PAID'));
  await acceptLatestInvitation(setup, smtp);
  await post(setup, '/convert-to-paid', { vendorInternalId: 'A-PAID' });
  const expired = await post(setup, '/create-trial-account', trialBody('A-EXPIRED'));
  await acceptLatestInvitation(setup, smtp);
  await post(setup, '/convert-to-paid', { vendorInternalId: 'A-EXPIRED' });
  setup.api.clock.set('2026-03-12T08:30:00Z');
  await post(setup, '/cancel-paid-account', { vendorInternalId: 'A-EXPIRED' });

  const answer = await vendorRequest(setup, 'GET', '/accounts');
  assert.equal(answer.status, 200);
  const common = (vendorInternalId: string, companyId: string) => ({
    vendorInternalId,
    companyId,
    companyName: `MSP ${vendorInternalId}`,
    email: `${vendorInternalId.toLowerCase()}@msp.example`,
    country: 'US',
    createdAt: '2026-03-10T12:00:00.000Z',
  });
  assert.deepEqual(answer.body, {
    success: true,
    accounts: [
      { ...common('A-PENDING', pending.body.companyId), companyName: 'Harbor IT', status: 'PENDING' },
      { ...common('A-TRIAL', trial.body.companyId), status: 'TRIAL', trialExpiresAt: '2026-03-24T12:00:00.000Z' },
      { ...common('A-REGION', region.body.companyId), status: 'REGION_CONFLICT', accountRegion: 'EU' },
      { ...common('A-PRODUCT', product.body.companyId), status: 'PRODUCT_CONFLICT', productType: 'enterprise' },
      { ...common('A-PAID', paid.body.companyId), status: 'ACTIVE', expirationDate: '2027-03-10T12:00:00.000Z' },
      { ...common('A-EXPIRED', expired.body.companyId), status: 'EXPIRED', expiredAt: '2026-03-12T08:30:00.000Z' },
    ],
  });
});

test('/msp-products serves the Keeper catalog: the product ids of seed 001’s table, with names, units and kinds', async () => {
  const setup = await startVendorApp();
  for (const [index, product] of KEEPER_CATALOG.entries()) await setup.api.call('catalog.products.create', { ...product, vendor: 'Keeper', sort_order: (index + 1) * 10 });
  // Another vendor's product in the same catalog is not Keeper's to sell.
  await setup.api.call('catalog.products.create', { id: 50001, name: 'Cove Data Protection | Additional Capacity', kind: 'storage', usage_unit: 'GB', vendor: 'N-able', sort_order: 5 });
  const answer = await vendorRequest(setup, 'GET', '/msp-products');
  assert.equal(answer.status, 200);
  assert.equal(answer.body.success, true);
  assert.deepEqual(
    answer.body.products,
    KEEPER_CATALOG.map((product) => ({ productId: product.id, productName: product.name, unit: product.usage_unit, kind: product.kind })),
  );
  const seedDir = new URL('../../../shared/seeds/', import.meta.url);
  const seedText = readFileSync(new URL(readdirSync(seedDir).find((name) => name.startsWith('001_'))!, seedDir), 'utf8');
  const table = seedText.slice(seedText.indexOf('#### Product ID to SKU mapping'));
  const seedIds = [...table.matchAll(/<tr><td>(\d+)<\/td>/g)].map((match) => Number(match[1]));
  assert.equal(seedIds.length, 16);
  assert.deepEqual(answer.body.products.map((product: { productId: number }) => product.productId).sort((a: number, b: number) => a - b), seedIds.sort((a, b) => a - b));
});

test('create-trial-account accepts "first name" and "last name" in place of name, and the other documented fields', async () => {
  const setup = await startVendorApp();
  const created = await post(setup, '/create-trial-account', {
    'first name': 'Ada',
    'last name': 'Lovelace',
    country: 'gb',
    email: 'ada@analytical.example',
    vendorInternalId: 'P-77',
    partnerId: 'partner-9',
    trail: true,
    showPricingInMSPConsole: false,
  });
  assert.equal(created.status, 200);
  const account = (await accountsById(setup))['P-77'];
  assert.deepEqual([account.companyName, account.country, account.status], ['Ada Lovelace', 'GB', 'PENDING']);
});

test('create-trial-account refuses an invalid body with 400 and a message naming the field', async (t) => {
  const setup = await startVendorApp();
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['no name and no first/last name', { country: 'US', email: 'a@b.example', vendorInternalId: 'X1' }, /\bname\b/],
    ['no country', { name: 'N', email: 'a@b.example', vendorInternalId: 'X1' }, /\bcountry\b/],
    ['a country that is not ISO-2', { name: 'N', country: 'USA', email: 'a@b.example', vendorInternalId: 'X1' }, /\bcountry\b/],
    ['two letters that name no country', { name: 'N', country: 'ZZ', email: 'a@b.example', vendorInternalId: 'X1' }, /\bcountry\b/],
    ['an invalid email', { name: 'N', country: 'US', email: 'not-an-email', vendorInternalId: 'X1' }, /\bemail\b/],
    ['no vendorInternalId', { name: 'N', country: 'US', email: 'a@b.example' }, /\bvendorInternalId\b/],
    ['a name over 255 characters', { name: 'N'.repeat(256), country: 'US', email: 'a@b.example', vendorInternalId: 'X1' }, /\bname\b/],
  ];
  for (const [label, body, field] of cases) {
    await t.test(label, async () => {
      const answer = await post(setup, '/create-trial-account', body);
      assert.equal(answer.status, 400);
      assert.equal(answer.body.success, false);
      assert.match(answer.body.message, field);
      assert.deepEqual(Object.keys(answer.body), ['success', 'message']);
    });
  }
  assert.deepEqual(await accountsById(setup), {});
});

test('a vendorInternalId used twice without Idempotency-Key is a 409, and the second create queues no mail', async () => {
  const setup = await startVendorApp();
  assert.equal((await post(setup, '/create-trial-account', trialBody('DUP-1'))).status, 200);
  const again = await post(setup, '/create-trial-account', trialBody('DUP-1', { email: 'other@msp.example' }));
  assert.deepEqual([again.status, again.body], [409, { success: false, message: 'An account with vendorInternalId "DUP-1" already exists' }]);
  assert.equal(await runJobs(setup.api, [MAIL_SEND_JOB]), 1);
  assert.deepEqual(Object.keys(await accountsById(setup)), ['DUP-1']);
});

test('create-trial-account with the same Idempotency-Key answers the first result again and creates one account', async () => {
  const setup = await startVendorApp();
  const first = await post(setup, '/create-trial-account', trialBody('IDEM-1'), { 'Idempotency-Key': 'create-IDEM-1' });
  const replay = await post(setup, '/create-trial-account', trialBody('IDEM-1'), { 'Idempotency-Key': 'create-IDEM-1' });
  assert.equal(first.status, 200);
  assert.deepEqual([replay.status, replay.body], [200, first.body]);
  assert.equal(await runJobs(setup.api, [MAIL_SEND_JOB]), 1);
  assert.deepEqual(Object.keys(await accountsById(setup)), ['IDEM-1']);
});

test('an unknown vendorInternalId or companyId is a 404 on every account endpoint', async (t) => {
  const setup = await startVendorApp();
  const other = await startVendorApp();
  // An account of another distributor is unknown here too.
  const foreign = await post(other, '/create-trial-account', trialBody('FOREIGN'));
  for (const path of ['/convert-to-paid', '/cancel-paid-account', '/activate-expired', '/remove-account', '/current-usage']) {
    await t.test(path, async () => {
      const byId = await post(setup, path, { vendorInternalId: 'NOPE' });
      assert.deepEqual([byId.status, byId.body], [404, { success: false, message: 'Account with vendorInternalId "NOPE" not found' }]);
      const byCompany = await post(setup, path, { companyId: foreign.body.companyId });
      assert.deepEqual([byCompany.status, byCompany.body.success], [404, false]);
    });
  }
  const monthly = await post(setup, '/monthly-usage', { vendorInternalId: 'NOPE', month: 3, year: 2026 });
  assert.equal(monthly.status, 404);
});

test('an unknown endpoint or method under the base path answers in the face’s envelope', async () => {
  const setup = await startVendorApp();
  const unknown = await vendorRequest(setup, 'GET', '/no-such-endpoint');
  assert.deepEqual([unknown.status, unknown.body], [404, { success: false, message: 'Endpoint GET /bi_api/v1/services/mspvendor/no-such-endpoint not found' }]);
  const wrongMethod = await vendorRequest(setup, 'GET', '/convert-to-paid');
  assert.deepEqual([wrongMethod.status, wrongMethod.body.success], [404, false]);
});

test('a distributor selling under two vendor names: each credential sees and changes only its own vendor’s accounts', async () => {
  const setup = await startVendorApp();
  const second = await setup.api.call('iam.vendor_credentials.create', { distributors_id: setup.distributorId, vendor: 'SECOND_BRAND' });
  const asSecond = { ...setup, credential: second };
  const headers = { vendor: 'SECOND_BRAND' };
  const created = await post(setup, '/create-trial-account', trialBody('BRAND-1'));
  assert.equal(created.status, 200);
  const listed = await vendorRequest(asSecond, 'GET', '/accounts', { headers });
  assert.deepEqual([listed.status, listed.body], [200, { success: true, accounts: [] }]);
  for (const reference of [{ vendorInternalId: 'BRAND-1' }, { companyId: created.body.companyId }]) {
    const removed = await post(asSecond, '/remove-account', reference, headers);
    assert.deepEqual([removed.status, removed.body.success], [404, false]);
    assert.equal((await post(asSecond, '/current-usage', reference, headers)).status, 404);
  }
  assert.equal((await accountsById(setup))['BRAND-1'].status, 'PENDING');
});

test('remove-account deletes a PENDING account; it is no longer listed and its vendorInternalId can be used again', async () => {
  const setup = await startVendorApp();
  const created = await post(setup, '/create-trial-account', trialBody('RM-1'));
  const removed = await post(setup, '/remove-account', { companyId: created.body.companyId });
  assert.deepEqual([removed.status, removed.body], [200, { success: true, message: 'Account removed' }]);
  assert.deepEqual(await accountsById(setup), {});
  assert.equal((await setup.api.rest('GET', `/clients/${Buffer.from(created.body.companyId, 'base64').toString()}`)).status, 404);
  assert.equal((await post(setup, '/convert-to-paid', { vendorInternalId: 'RM-1' })).status, 404);
  const again = await post(setup, '/create-trial-account', trialBody('RM-1'));
  assert.equal(again.status, 200);
  assert.notEqual(again.body.companyId, created.body.companyId);
});

/** Accounts in every status the face can reach, named by status. */
async function accountInEveryStatus(setup: VendorSetup, smtp: SmtpCapture): Promise<Record<string, string>> {
  const make = async (status: AccountStatus, fields?: Record<string, string>) => {
    await post(setup, '/create-trial-account', trialBody(status));
    if (fields) await acceptLatestInvitation(setup, smtp, fields);
    return status;
  };
  await make('PENDING');
  await make('TRIAL', ACCEPT);
  await make('REGION_CONFLICT', { ...ACCEPT, region: 'EU' });
  await make('PRODUCT_CONFLICT', { ...ACCEPT, product_type: 'consumer' });
  await make('ACTIVE', ACCEPT);
  await post(setup, '/convert-to-paid', { vendorInternalId: 'ACTIVE' });
  await make('EXPIRED', ACCEPT);
  await post(setup, '/convert-to-paid', { vendorInternalId: 'EXPIRED' });
  await post(setup, '/cancel-paid-account', { vendorInternalId: 'EXPIRED' });
  const accounts = await accountsById(setup);
  return Object.fromEntries(Object.entries(accounts).map(([id, account]) => [id, account.status]));
}

test('every transition the lifecycle does not allow is refused with 422 naming the status, and changes nothing', async (t) => {
  const { smtp, setup } = await withSmtp();
  const before = await accountInEveryStatus(setup, smtp);
  assert.deepEqual(before, {
    PENDING: 'PENDING',
    TRIAL: 'TRIAL',
    REGION_CONFLICT: 'REGION_CONFLICT',
    PRODUCT_CONFLICT: 'PRODUCT_CONFLICT',
    ACTIVE: 'ACTIVE',
    EXPIRED: 'EXPIRED',
  });
  const snapshot = await vendorRequest(setup, 'GET', '/accounts');
  const endpoints = ['convert-to-paid', 'cancel-paid-account', 'activate-expired', 'remove-account'] as const;
  let refused = 0;
  for (const endpoint of endpoints) {
    for (const status of Object.keys(before) as AccountStatus[]) {
      if (TRANSITIONS[endpoint][status]) continue;
      refused++;
      await t.test(`${endpoint} from ${status}`, async () => {
        const answer = await post(setup, `/${endpoint}`, { vendorInternalId: status });
        assert.equal(answer.status, 422);
        assert.deepEqual(answer.body, { success: false, message: `Cannot ${endpoint} from ${status}` });
      });
    }
  }
  assert.equal(refused, 18);
  assert.deepEqual((await vendorRequest(setup, 'GET', '/accounts')).body, snapshot.body);
});

test('current-usage and monthly-usage answer what the MSP Billing face and the native statement answer for the same MSP', async () => {
  const { smtp, setup } = await withSmtp();
  const { api } = setup;
  api.clock.set('2026-03-01T00:00:00Z');
  for (const [index, product] of KEEPER_CATALOG.entries()) await api.call('catalog.products.create', { ...product, sort_order: (index + 1) * 10 });
  const created = await post(setup, '/create-trial-account', trialBody('USAGE-1', { name: 'Usage MSP' }));
  await acceptLatestInvitation(setup, smtp);
  const mspId = Number(Buffer.from(created.body.companyId, 'base64').toString());
  const cowboys = await api.call('clients.create', { kind: 'company', name: 'Cowboys', resellers_id: mspId });
  const eagles = await api.call('clients.create', { kind: 'company', name: 'Eagles', resellers_id: mspId });
  for (const [product, price] of [[720, '3.4'], [10001, '2.25'], [10011, '4.8'], [1011, '25']] as const) {
    await api.call('billing.price_books.create', { layer: 'cost', clients_id: mspId, products_id: product, unit_price: price, effective_at: '2026-01-01T00:00:00Z' });
  }
  await api.call('billing.quantities.import', {
    source: 'test',
    rows: [
      { clients_id: mspId, products_id: 720, quantity: '31', effective_at: '2026-03-01T00:00:00Z' },
      { clients_id: cowboys.id, products_id: 10001, quantity: '5', effective_at: '2026-03-01T00:00:00Z' },
      { clients_id: eagles.id, products_id: 10011, quantity: '30', effective_at: '2026-03-01T00:00:00Z' },
      { clients_id: eagles.id, products_id: 1011, quantity: '1', effective_at: '2026-03-01T00:00:00Z' },
    ],
  });
  api.clock.set('2026-03-11T00:00:00Z');
  await post(setup, '/convert-to-paid', { vendorInternalId: 'USAGE-1' });
  api.clock.set('2026-03-20T00:00:00Z');

  const billingKey = await api.call('iam.api_keys.create', { roles: ['BILLING'] });
  const billingFace = (path: string) => api.rest('GET', `/bi_api/rest/public/msp/${path}`, { key: null, headers: { 'x-api-token': `Bearer ${billingKey.key}` } });

  const current = await post(setup, '/current-usage', { vendorInternalId: 'USAGE-1' });
  assert.equal(current.status, 200);
  const currentThere = await billingFace(`current-usage?companyId=${created.body.companyId}`);
  assert.equal(currentThere.status, 200);
  assert.deepEqual(current.body, currentThere.body);
  assert.deepEqual(current.body.usage.mcItems.map((company: { companyName: string }) => company.companyName), ['Cowboys', 'Eagles']);

  const monthly = await post(setup, '/monthly-usage', { companyId: created.body.companyId, month: '3', year: '2026' });
  assert.equal(monthly.status, 200);
  const monthlyThere = await billingFace(`billing-usage?companyId=${created.body.companyId}&month=3&year=2026`);
  assert.deepEqual(monthly.body, monthlyThere.body);
  const native = await api.call('billing.statements.get', { clients_id: mspId, year: 2026, month: 3 });
  assert.equal(monthly.body.usage.total, Number(native.total));
  // ACTIVE from March 11 00:00 to the month's end: 21 of 31 days are billed, the trial before is free.
  const msp = native.msp_item.lines[0];
  assert.deepEqual([msp.quantity, msp.breakdown[0].from], ['21', '2026-03-11T00:00:00.000Z']);
  assert.deepEqual(monthly.body.usage.mspItem.products[0], { unitPrice: 3.4, unit: 'user', quantity: 21, productId: 720, productName: 'MSP Base License', avgMonthlyCost: 71.4 });
});

test('monthly-usage refuses a month or year that is not a number with 400', async () => {
  const setup = await startVendorApp();
  await post(setup, '/create-trial-account', trialBody('M-1'));
  const answer = await post(setup, '/monthly-usage', { vendorInternalId: 'M-1', month: 'March', year: 2026 });
  assert.equal(answer.status, 400);
  assert.match(answer.body.message, /\bmonth\b/);
});
