import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';

async function holdingFixture(api: TestApp) {
  await api.call('catalog.products.create', { id: 10001, name: 'Keeper Business Bundle', kind: 'plan', usage_unit: 'bundles', billing_unit: 'user' });
  await api.call('catalog.products.create', { id: 930, name: 'BreachWatch', kind: 'addon', usage_unit: 'licenses', billing_unit: 'user' });
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  const msp = await api.call('clients.create', { kind: 'msp', name: 'Best MSP', resellers_id: distributor.id });
  const company = await api.call('clients.create', { kind: 'company', name: 'Cowboys', resellers_id: msp.id });
  return { distributor, msp, company };
}

test('a quantity holds from its effective instant; a repeated event_id writes nothing and answers the first row', async () => {
  const api = await startTestApp();
  const { company } = await holdingFixture(api);
  const first = await api.rest('POST', '/billing/quantities', {
    body: { clients_id: company.id, products_id: 10001, quantity: 5, effective_at: '2026-03-01T00:00:00Z', event_id: 'evt-1', source: 'psa' },
  });
  assert.equal(first.status, 200);
  assert.equal(first.body.quantity, '5');
  assert.equal(first.body.effective_at, '2026-03-01T00:00:00.000Z');
  const repeat = await api.rest('POST', '/billing/quantities', {
    body: { clients_id: company.id, products_id: 10001, quantity: 7, effective_at: '2026-03-02T00:00:00Z', event_id: 'evt-1', source: 'psa' },
  });
  assert.deepEqual(repeat.body, { ...first.body, duplicate: true });
  const history = await api.call('billing.quantities.history', { clients_id: company.id });
  assert.equal(history.total, 1);
});

test('an import is all or nothing and reports every bad row', async () => {
  const api = await startTestApp();
  const { company, distributor } = await holdingFixture(api);
  const answer = await api.rpc({
    jsonrpc: '2.0',
    id: 1,
    method: 'billing.quantities.import',
    params: {
      source: 'psa',
      rows: [
        { clients_id: company.id, products_id: 10001, quantity: '3', event_id: 'a' },
        { clients_id: company.id, products_id: 999, quantity: '1', event_id: 'b' },
        { clients_id: distributor.id, products_id: 930, quantity: '1', event_id: 'c' },
        { clients_id: company.id, products_id: 930, quantity: '1', event_id: 'a' },
      ],
    },
  });
  assert.equal(answer.body.error.code, -32602);
  assert.deepEqual(answer.body.error.data.errors, [
    { row: 1, field: 'products_id', message: 'Product 999 not found' },
    { row: 2, field: 'clients_id', message: 'A distributor holds no products' },
    { row: 3, field: 'event_id', message: 'event_id a appears twice in this import' },
  ]);
  assert.equal((await api.call('billing.quantities.history', { clients_id: company.id })).total, 0);
});

test('a retried import counts each event once', async () => {
  const api = await startTestApp();
  const { company } = await holdingFixture(api);
  const rows = Array.from({ length: 300 }, (_, index) => ({
    clients_id: company.id,
    products_id: index % 2 ? 930 : 10001,
    quantity: String(index),
    effective_at: new Date(Date.UTC(2026, 2, 1) + index * 60_000).toISOString(),
    event_id: `evt-${index}`,
  }));
  assert.deepEqual(await api.call('billing.quantities.import', { source: 'psa', rows }), { received: 300, inserted: 300, duplicates: 0 });
  assert.deepEqual(await api.call('billing.quantities.import', { source: 'psa', rows: rows.slice(0, 150) }), { received: 150, inserted: 0, duplicates: 150 });
  assert.equal((await api.call('billing.quantities.history', { clients_id: company.id, limit: 1 })).total, 300);
});

test('more than 10,000 rows in one import are refused', async () => {
  const api = await startTestApp();
  const { company } = await holdingFixture(api);
  const rows = Array.from({ length: 10_001 }, () => ({ clients_id: company.id, products_id: 930, quantity: '1' }));
  const answer = await api.rest('POST', '/billing/quantities/import', { body: { rows } });
  assert.equal(answer.status, 400);
  assert.equal(answer.body.error.code, -32602);
});

test('history lists a backdated row and a same-instant correction in effective, then recording, order', async () => {
  const api = await startTestApp();
  const { company } = await holdingFixture(api);
  const set = (quantity: number, effective_at: string) => api.call('billing.quantities.set', { clients_id: company.id, products_id: 930, quantity, effective_at });
  await set(10, '2026-03-10T00:00:00Z');
  api.clock.advance(60);
  await set(4, '2026-03-01T00:00:00Z');
  api.clock.advance(60);
  await set(6, '2026-03-10T00:00:00Z');
  const history = await api.call('billing.quantities.history', { clients_id: company.id, products_id: 930 });
  assert.deepEqual(
    history.items.map((row: { quantity: string; effective_at: string }) => [row.effective_at, row.quantity]),
    [
      ['2026-03-01T00:00:00.000Z', '4'],
      ['2026-03-10T00:00:00.000Z', '10'],
      ['2026-03-10T00:00:00.000Z', '6'],
    ],
  );
});

test('a negative quantity is invalid input', async () => {
  const api = await startTestApp();
  const { company } = await holdingFixture(api);
  const answer = await api.rest('POST', '/billing/quantities', { body: { clients_id: company.id, products_id: 930, quantity: -1 } });
  assert.equal(answer.status, 400);
});
