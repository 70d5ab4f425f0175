import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { daysBefore, licenseFixture, snapshotUser } from './support.ts';

const NOW = '2026-03-10T12:00:00.000Z';

async function importContoso(api: TestApp, companyId: number, overrides: Record<string, unknown> = {}) {
  return api.call('licenses.tenants.import_snapshot', {
    clients_id: companyId,
    primary_domain: 'contoso.com',
    skus: [
      { sku_part_number: 'SPE_E3', purchased: 50, assigned: 40, renewal_at: '2026-06-05T00:00:00Z', term: 'annual' },
      { sku_part_number: 'EXCHANGESTANDARD', purchased: 5, assigned: 5, term: 'monthly' },
    ],
    users: [
      snapshotUser('u-active'),
      snapshotUser('u-stale', { last_sign_in_at: daysBefore(NOW, 31) }),
      snapshotUser('u-30-days', { last_sign_in_at: daysBefore(NOW, 30) }),
      snapshotUser('u-never-old', { last_sign_in_at: null, created_at: daysBefore(NOW, 40) }),
      snapshotUser('u-never-new', { last_sign_in_at: null, created_at: daysBefore(NOW, 10) }),
      snapshotUser('u-disabled', { enabled: false, licenses: ['SPE_E3', 'EXCHANGESTANDARD'] }),
      snapshotUser('u-disabled-unlicensed', { enabled: false, licenses: [] }),
      snapshotUser('u-unlicensed-stale', { licenses: [], last_sign_in_at: daysBefore(NOW, 200) }),
    ],
    ...overrides,
  });
}

async function priceBooks(api: TestApp, mspId: number, tenant: any) {
  const productOf = Object.fromEntries(tenant.skus.map((sku: any) => [sku.sku_part_number, sku.products_id]));
  await api.call('billing.price_books.create', { layer: 'cost', clients_id: mspId, products_id: productOf.SPE_E3, unit_price: '33.6', effective_at: '2026-01-01T00:00:00Z' });
  await api.call('billing.price_books.create', { layer: 'sell', clients_id: mspId, products_id: productOf.SPE_E3, unit_price: '36', effective_at: '2026-01-01T00:00:00Z' });
  // Exchange has no sell price: its cost price is used.
  await api.call('billing.price_books.create', { layer: 'cost', clients_id: mspId, products_id: productOf.EXCHANGESTANDARD, unit_price: '4.125', effective_at: '2026-01-01T00:00:00Z' });
  return productOf;
}

test('an imported snapshot becomes a connected tenant with its figures, priced from the sell book then the cost book', async () => {
  const api = await startTestApp();
  const { msp, companies } = await licenseFixture(api);
  const imported = await importContoso(api, companies['Contoso Ltd'].id);
  const productOf = await priceBooks(api, msp.id, imported);
  const tenant = await api.call('licenses.tenants.get', { id: imported.id });
  assert.match(tenant.public_id, /^tnt_[a-z0-9]{10}$/);
  assert.deepEqual(tenant, {
    id: imported.id,
    public_id: tenant.public_id,
    clients_id: companies['Contoso Ltd'].id,
    display_name: 'Contoso Ltd',
    provider: 'microsoft',
    source: 'import',
    directory_id: null,
    primary_domain: 'contoso.com',
    connection_status: 'connected',
    last_sync_at: '2026-03-10T12:00:00.000Z',
    last_error: null,
    total_licenses: 55,
    assigned_licenses: 45,
    unassigned_licenses: 10,
    total_users: 8,
    // u-stale, u-never-old and u-disabled.
    inactive_user_count: 3,
    // 50 × 36 + 5 × 4.125 = 1820.625 → 1820.63 (HALF_UP).
    estimated_monthly_cost: '1820.63',
    // E3 (10 unassigned + 3 inactive holders) × 36 = 468; Exchange (0 + 1) × 4.125 = 4.125 → 472.125 → 472.13.
    estimated_monthly_leakage: '472.13',
    currency: 'USD',
    inactive_after_days: 30,
    skus: [
      {
        sku_part_number: 'SPE_E3',
        sku_id: null,
        name: 'Microsoft 365 E3',
        products_id: productOf.SPE_E3,
        purchased: 50,
        assigned: 40,
        unassigned: 10,
        inactive_holders: 3,
        renewal_at: '2026-06-05T00:00:00.000Z',
        term: 'annual',
        monthly_price: '36',
        monthly_cost: '1800.00',
        monthly_leakage: '468.00',
      },
      {
        sku_part_number: 'EXCHANGESTANDARD',
        sku_id: null,
        name: 'Exchange Online (Plan 1)',
        products_id: productOf.EXCHANGESTANDARD,
        purchased: 5,
        assigned: 5,
        unassigned: 0,
        inactive_holders: 1,
        renewal_at: null,
        term: 'monthly',
        monthly_price: '4.125',
        monthly_cost: '20.63',
        monthly_leakage: '4.13',
      },
    ],
    created_at: '2026-03-10T12:00:00.000Z',
    updated_at: '2026-03-10T12:00:00.000Z',
  });
});

test('a SKU seen for the first time becomes a Microsoft add-on in the catalog, reused by every tenant', async () => {
  const api = await startTestApp();
  const { companies } = await licenseFixture(api, ['Contoso Ltd', 'Fabrikam']);
  const contoso = await importContoso(api, companies['Contoso Ltd'].id);
  const fabrikam = await api.call('licenses.tenants.import_snapshot', {
    clients_id: companies.Fabrikam.id,
    skus: [{ sku_part_number: 'SPE_E3', purchased: 3, assigned: 3 }, { sku_part_number: 'CUSTOM_SKU_X', name: 'Contoso Backup', purchased: 1, assigned: 0 }],
    users: [],
  });
  assert.equal(fabrikam.skus[0].products_id, contoso.skus[0].products_id);
  const product = await api.call('catalog.products.get', { id: contoso.skus[0].products_id });
  assert.deepEqual(
    { name: product.name, kind: product.kind, sku: product.sku, vendor: product.vendor, usage_unit: product.usage_unit, billing_unit: product.billing_unit, proration: product.proration },
    { name: 'Microsoft 365 E3', kind: 'addon', sku: 'SPE_E3', vendor: 'Microsoft', usage_unit: 'licenses', billing_unit: 'user', proration: 'quantity' },
  );
  assert.equal((await api.call('catalog.products.get', { id: fabrikam.skus[1].products_id })).name, 'Contoso Backup');
});

test('a Microsoft product already in the catalog with the SKU bills it', async () => {
  const api = await startTestApp();
  const { companies } = await licenseFixture(api);
  await api.call('catalog.products.create', { id: 4242, name: 'M365 E3 (ours)', kind: 'plan', sku: 'SPE_E3', vendor: 'Microsoft' });
  const tenant = await importContoso(api, companies['Contoso Ltd'].id);
  assert.equal(tenant.skus.find((sku: any) => sku.sku_part_number === 'SPE_E3').products_id, 4242);
});

test('purchased counts go into the quantity ledger, and only changes are written', async () => {
  const api = await startTestApp();
  const { companies } = await licenseFixture(api);
  const company = companies['Contoso Ltd'].id;
  const tenant = await importContoso(api, company);
  const e3 = tenant.skus[0].products_id;
  const exchange = tenant.skus[1].products_id;
  api.clock.set('2026-03-11T12:00:00Z');
  await importContoso(api, company);
  api.clock.set('2026-03-12T12:00:00Z');
  await importContoso(api, company, { skus: [{ sku_part_number: 'SPE_E3', purchased: 55, assigned: 41 }] });
  const history = await api.call('billing.quantities.history', { clients_id: company });
  const byProductThenTime = (a: unknown[], b: unknown[]) => Number(a[0]) - Number(b[0]) || String(a[2]).localeCompare(String(b[2]));
  assert.deepEqual(
    history.items.map((row: any) => [row.products_id, row.quantity, row.effective_at, row.source]).sort(byProductThenTime),
    [
      [e3, '50', '2026-03-10T12:00:00.000Z', 'license-import'],
      [exchange, '5', '2026-03-10T12:00:00.000Z', 'license-import'],
      [e3, '55', '2026-03-12T12:00:00.000Z', 'license-import'],
      [exchange, '0', '2026-03-12T12:00:00.000Z', 'license-import'],
    ].sort(byProductThenTime),
  );
});

test('the inactivity threshold is the MSP’s setting', async () => {
  const api = await startTestApp();
  const { msp, companies } = await licenseFixture(api);
  const tenant = await importContoso(api, companies['Contoso Ltd'].id);
  assert.equal(await api.call('licenses.settings.update', { clients_id: msp.id, inactive_after_days: 14 }), 1);
  const stricter = await api.call('licenses.tenants.get', { id: tenant.id });
  // u-30-days joins u-stale, u-never-old and u-disabled; u-never-new, created 10 days ago, is still new.
  assert.equal(stricter.inactive_user_count, 4);
  await api.call('licenses.settings.update', { clients_id: msp.id, inactive_after_days: 90 });
  const lenient = await api.call('licenses.tenants.get', { id: tenant.id });
  // Only the disabled user: the others signed in, or were created, within 90 days.
  assert.equal(lenient.inactive_user_count, 1);
  assert.equal(lenient.inactive_after_days, 90);
});

test('the inactivity threshold takes only 14, 30, 60 or 90 days', async () => {
  const api = await startTestApp();
  const { msp } = await licenseFixture(api);
  const answer = await api.rest('PATCH', `/licenses/settings/${msp.id}`, { body: { inactive_after_days: 45 } });
  assert.equal(answer.status, 400);
  assert.equal(answer.body.error.code, -32602);
  assert.deepEqual(answer.body.error.data.issues, [{ path: 'inactive_after_days', message: 'one of 14, 30, 60, 90' }]);
});

test('settings start at their defaults, with API access on for an MSP created natively', async () => {
  const api = await startTestApp();
  const { msp } = await licenseFixture(api);
  assert.deepEqual(await api.call('licenses.settings.get', { clients_id: msp.id }), {
    clients_id: msp.id,
    inactive_after_days: 30,
    api_access: true,
    api_access_setting: null,
    renewal_window_days: 14,
    urgent_window_days: 3,
    graph_client_id: null,
    graph_client_secret_set: false,
  });
});

test('the summary adds up the MSP’s connected tenants', async () => {
  const api = await startTestApp();
  const { msp, companies } = await licenseFixture(api, ['Contoso Ltd', 'Fabrikam']);
  const contoso = await importContoso(api, companies['Contoso Ltd'].id);
  await priceBooks(api, msp.id, contoso);
  await api.call('licenses.tenants.import_snapshot', {
    clients_id: companies.Fabrikam.id,
    skus: [{ sku_part_number: 'SPE_E3', purchased: 3, assigned: 2 }],
    users: [snapshotUser('f-1'), snapshotUser('f-2', { enabled: false })],
  });
  assert.deepEqual(await api.call('licenses.summary.get', { clients_id: msp.id }), {
    clients_id: msp.id,
    tenants: 2,
    total_licenses: 58,
    assigned_licenses: 47,
    unassigned_licenses: 11,
    inactive_users: 4,
    // 1820.625 + 3 × 36 = 1928.625 → 1928.63
    estimated_monthly_cost: '1928.63',
    // 472.125 + (1 + 1) × 36 = 544.125 → 544.13
    estimated_monthly_leakage: '544.13',
    currency: 'USD',
  });
});

test('a caller limited to another MSP sees no tenant of this one', async () => {
  const api = await startTestApp();
  const { distributor, companies } = await licenseFixture(api);
  const tenant = await importContoso(api, companies['Contoso Ltd'].id);
  const other = await api.call('clients.create', { kind: 'msp', name: 'Other MSP', resellers_id: distributor.id });
  const user = await api.call('iam.users.create', { login: 'other-msp-admin', resellers_id: other.id });
  const key = (await api.call('iam.api_keys.create', { users_id: user.id })).key;
  const answer = await api.rest('GET', `/licenses/tenants/${tenant.id}`, { key });
  assert.equal(answer.status, 404);
  assert.deepEqual(answer.body, { error: { code: -32004, message: `Tenant ${tenant.id} not found` } });
  assert.deepEqual(await api.call('licenses.tenants.search', {}, key), { items: [], total: 0 });
});

test('a snapshot goes to a managed company, not to an MSP', async () => {
  const api = await startTestApp();
  const { msp } = await licenseFixture(api);
  const answer = await api.rest('POST', '/licenses/tenants/import-snapshot', { body: { clients_id: msp.id, skus: [], users: [] } });
  assert.equal(answer.status, 400);
  assert.equal(answer.body.error.message, `Client ${msp.id} is a msp: a tenant belongs to a managed company`);
});

test('a snapshot naming a SKU twice is refused and changes nothing', async () => {
  const api = await startTestApp();
  const { companies } = await licenseFixture(api);
  const answer = await api.rest('POST', '/licenses/tenants/import-snapshot', {
    body: { clients_id: companies['Contoso Ltd'].id, skus: [{ sku_part_number: 'SPE_E3', purchased: 1, assigned: 1 }, { sku_part_number: 'SPE_E3', purchased: 2, assigned: 1 }], users: [] },
  });
  assert.equal(answer.status, 400);
  assert.equal(answer.body.error.message, 'SKU SPE_E3 appears twice');
  assert.deepEqual(await api.call('licenses.tenants.search', {}), { items: [], total: 0 });
});
