import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BACKUP_PRODUCT, KEEPER_CATALOG } from '../src/services/demo/demo-data.ts';
import { startTestApp } from './support/app.ts';

test('the demo installation holds the Keeper catalog in catalog order, a distributor, 3 MSPs and 30 companies', async () => {
  const api = await startTestApp({ env: { DEMO: '1' } });
  const catalog = await api.call('catalog.products.search', { limit: 100 });
  assert.deepEqual(
    catalog.items.map((product: { id: number }) => product.id),
    [...KEEPER_CATALOG.map((product) => product.id), BACKUP_PRODUCT.id],
  );
  const storage = catalog.items.find((product: { id: number }) => product.id === 1012);
  assert.deepEqual(
    { kind: storage.kind, usage_unit: storage.usage_unit, usage_unit_size: storage.usage_unit_size, billing_unit: storage.billing_unit, proration: storage.proration },
    { kind: 'storage', usage_unit: 'GB', usage_unit_size: '10000', billing_unit: null, proration: 'price' },
  );
  const counts = await Promise.all(
    ['distributor', 'msp', 'company'].map(async (kind) => (await api.call('clients.search', { kind, limit: 1 })).total),
  );
  assert.deepEqual(counts, [1, 3, 30]);
  // Last month is billed in full for every MSP, with margins, and its backup usage shows on the PSA face.
  const [msp] = (await api.call('clients.search', { kind: 'msp', name: 'Best MSP' })).items;
  const lastMonth = new Date(Date.UTC(api.clock.now().getUTCFullYear(), api.clock.now().getUTCMonth() - 1, 1));
  const statement = await api.call('billing.statements.get', { clients_id: msp.id, year: lastMonth.getUTCFullYear(), month: lastMonth.getUTCMonth() + 1 });
  assert.equal(statement.companies.length, 12);
  assert.ok(Number(statement.total) > 0);
  const exported = await api.call('psa.export', { clients_id: msp.id, year: lastMonth.getUTCFullYear(), month: lastMonth.getUTCMonth() + 1 });
  assert.ok(Number(exported.totals.margin) > 0);
  const contracts = await api.call('contracts.search', { clients_id: msp.id });
  assert.deepEqual(contracts.items.map((contract: { name: string }) => contract.name), ['Cove Data Protection', 'Keeper Security']);
});

test('a product keeps its vendor id, refuses a duplicate and is retired rather than erased', async () => {
  const api = await startTestApp();
  const backup = {
    id: 50001,
    name: 'Cove Data Protection | Additional Capacity',
    kind: 'storage',
    usage_unit: 'GB',
    proration: 'quantity',
    sku: 'MSPUK-BU-AC',
    uom: 'GB',
    feature_name: '0100_ADDITIONAL_CAPACITY',
    service_name: 'Cove Data Protection | Additional Capacity',
  };
  const created = await api.rest('POST', '/catalog/products', { body: backup });
  assert.equal(created.status, 200);
  assert.equal(created.body.sku, 'MSPUK-BU-AC');
  const duplicate = await api.rest('POST', '/catalog/products', { body: backup });
  assert.equal(duplicate.status, 409);
  assert.equal(duplicate.body.error.code, -32009);
  assert.equal((await api.rest('DELETE', '/catalog/products/50001')).body, 1);
  assert.equal((await api.call('catalog.products.search', {})).total, 0);
  assert.equal((await api.call('catalog.products.get', { id: 50001 })).status, 'retired');
});
