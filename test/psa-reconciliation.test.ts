import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestApp } from './support/app.ts';

test('reconciliation shows unbilled usage, takes a PSA CSV (even our own export) and records who decided', async () => {
  const api = await startTestApp();
  api.clock.set('2026-04-02T00:00:00Z');
  await api.call('catalog.products.create', { id: 10001, name: 'Keeper Business Bundle', kind: 'plan', usage_unit: 'bundles', billing_unit: 'user', sku: 'KPR-BUS' });
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  const msp = await api.call('clients.create', { kind: 'msp', name: 'Best MSP', resellers_id: distributor.id });
  const cowboys = await api.call('clients.create', { kind: 'company', name: 'Cowboys', resellers_id: msp.id });
  const eagles = await api.call('clients.create', { kind: 'company', name: 'Eagles', resellers_id: msp.id });
  await api.call('billing.price_books.create', { layer: 'cost', clients_id: msp.id, products_id: 10001, unit_price: '2.25', effective_at: '2026-01-01T00:00:00Z' });
  await api.call('billing.price_books.create', { layer: 'sell', clients_id: msp.id, products_id: 10001, unit_price: '4.5', effective_at: '2026-01-01T00:00:00Z' });
  await api.call('billing.quantities.set', { clients_id: cowboys.id, products_id: 10001, quantity: 10, effective_at: '2026-03-01T00:00:00Z' });
  await api.call('billing.quantities.set', { clients_id: eagles.id, products_id: 10001, quantity: 3, effective_at: '2026-03-01T00:00:00Z' });

  const before = await api.call('psa.reconciliation.search', { clients_id: msp.id, year: 2026, month: 3 });
  assert.deepEqual(
    before.items.map((item: Record<string, unknown>) => [item.company_name, item.vendor_quantity, item.psa_quantity, item.delta, item.cost, item.price, item.status]),
    [
      ['Cowboys', '10', null, '-10', '22.50', '0.00', 'pending'],
      ['Eagles', '3', null, '-3', '6.75', '0.00', 'pending'],
    ],
  );

  // The PSA billed Cowboys 8 (two seats unbilled) and Eagles by name and SKU at its own price.
  const csv = 'company_id,products_id,quantity\r\n' + `${cowboys.id},10001,8\r\n`;
  assert.deepEqual(await api.call('psa.reconciliation.import', { clients_id: msp.id, year: 2026, month: 3, csv }), { imported: 1 });
  await api.call('psa.reconciliation.import', { clients_id: msp.id, year: 2026, month: 3, csv: 'company_name,sku,quantity,unit_price\neagles,KPR-BUS,3,5.00\n' });
  const after = await api.call('psa.reconciliation.search', { clients_id: msp.id, year: 2026, month: 3 });
  assert.deepEqual(
    after.items.map((item: Record<string, unknown>) => [item.company_name, item.psa_quantity, item.delta, item.unit_price, item.price, item.margin]),
    [
      ['Cowboys', '8', '-2', '4.50', '36.00', '13.50'],
      ['Eagles', '3', '0', '5.00', '15.00', '8.25'],
    ],
  );
  const mismatched = await api.call('psa.reconciliation.search', { clients_id: msp.id, year: 2026, month: 3, mismatched_only: true });
  assert.deepEqual(mismatched.items.map((item: { company_name: string }) => item.company_name), ['Cowboys']);

  api.clock.set('2026-04-03T09:00:00Z');
  await api.call('psa.reconciliation.set', { clients_id: cowboys.id, products_id: 10001, year: 2026, month: 3, status: 'approved', note: 'two seats are internal' });
  const decided = (await api.call('psa.reconciliation.search', { clients_id: msp.id, year: 2026, month: 3, status: 'approved' })).items;
  assert.equal(decided.length, 1);
  assert.equal(decided[0].decided_at, '2026-04-03T09:00:00.000Z');
  assert.equal(decided[0].note, 'two seats are internal');
  assert.equal(typeof decided[0].decided_by, 'number');

  // Our own export reads back as a PSA file: every line then reconciles.
  const exported = await api.call('psa.export', { clients_id: msp.id, year: 2026, month: 3, format: 'csv' });
  await api.call('psa.reconciliation.import', { clients_id: msp.id, year: 2026, month: 3, csv: exported.content });
  const reconciled = await api.call('psa.reconciliation.search', { clients_id: msp.id, year: 2026, month: 3 });
  assert.deepEqual(reconciled.items.map((item: { delta: string; status: string }) => [item.delta, item.status]), [['0', 'pending'], ['0', 'pending']]);

  const bad = await api.rpc({ jsonrpc: '2.0', id: 1, method: 'psa.reconciliation.import', params: { clients_id: msp.id, year: 2026, month: 3, csv: 'company_id,products_id,quantity\n999,10001,1\n' } });
  assert.equal(bad.body.error.code, -32602);
  assert.deepEqual(bad.body.error.data.errors, [{ row: 2, message: `No company 999 under MSP ${msp.id}` }]);
});
