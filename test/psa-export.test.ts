import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Decimal } from 'decimal.js';
import { startTestApp } from './support/app.ts';

test('the PSA export agrees with the statement line by line, and its margin is sell minus cost', async () => {
  const api = await startTestApp();
  api.clock.set('2026-04-02T00:00:00Z');
  await api.call('catalog.products.create', { id: 10001, name: 'Keeper Business Bundle', kind: 'plan', usage_unit: 'bundles', billing_unit: 'user', sku: 'KPR-BUS', service_name: 'Keeper | Business' });
  await api.call('catalog.products.create', { id: 930, name: 'BreachWatch, "Plus"', kind: 'addon', usage_unit: 'licenses', billing_unit: 'user' });
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  const msp = await api.call('clients.create', { kind: 'msp', name: 'Best MSP', resellers_id: distributor.id });
  const cowboys = await api.call('clients.create', { kind: 'company', name: 'Cowboys', resellers_id: msp.id });
  const eagles = await api.call('clients.create', { kind: 'company', name: 'Eagles, Inc.', resellers_id: msp.id });
  const price = (layer: string, products_id: number, unit_price: string, companies_id?: number) =>
    api.call('billing.price_books.create', { layer, clients_id: msp.id, products_id, unit_price, effective_at: '2026-01-01T00:00:00Z', ...(companies_id && { companies_id }) });
  await price('cost', 10001, '2.25');
  await price('cost', 930, '1');
  await price('sell', 10001, '4.5');
  await price('sell', 10001, '4', eagles.id);
  // No sell price for BreachWatch: it is sold at cost.
  const hold = (clients_id: number, products_id: number, quantity: number, effective_at: string) =>
    api.call('billing.quantities.set', { clients_id, products_id, quantity, effective_at });
  await hold(cowboys.id, 10001, 10, '2026-03-01T00:00:00Z');
  await hold(cowboys.id, 930, 10, '2026-03-11T00:00:00Z');
  await hold(eagles.id, 10001, 3, '2026-03-01T00:00:00Z');
  await hold(msp.id, 10001, 1, '2026-03-01T00:00:00Z');

  const exported = await api.call('psa.export', { clients_id: msp.id, year: 2026, month: 3, format: 'csv' });
  const statement = await api.call('billing.statements.get', { clients_id: msp.id, year: 2026, month: 3 });
  const companiesTotal = statement.companies.reduce((sum: Decimal, company: { total: string }) => sum.plus(company.total), new Decimal(0));
  assert.equal(exported.totals.extended_cost, companiesTotal.toFixed(2));
  assert.equal(new Decimal(statement.sub_total).minus(statement.msp_item.total).toFixed(2), exported.totals.extended_cost);
  for (const line of exported.lines) {
    assert.equal(new Decimal(line.extended_price).minus(line.extended_cost).toFixed(2), line.margin);
    const company = statement.companies.find((entry: { clients_id: number }) => entry.clients_id === line.company_id);
    const statementLine = company.lines.find((entry: { products_id: number }) => entry.products_id === line.products_id);
    assert.equal(line.extended_cost, statementLine.avg_monthly_cost);
    assert.equal(line.quantity, statementLine.quantity);
  }
  // BreachWatch from 11 March: 10 × 21/31 = 6.77.
  assert.equal(
    exported.content,
    [
      'company_id,company_name,products_id,service,sku,uom,quantity,unit_price,unit_cost,extended_price,extended_cost,margin,effective_date,end_date,proration,billed_fraction',
      `${cowboys.id},Cowboys,10001,Keeper | Business,KPR-BUS,bundles,10,4.50,2.25,45.00,22.50,22.50,2026-03-01,2026-04-01,quantity,1`,
      `${cowboys.id},Cowboys,930,"BreachWatch, ""Plus""",,licenses,6.77,1.00,1.00,6.77,6.77,0.00,2026-03-11,2026-04-01,quantity,0.677419`,
      `${eagles.id},"Eagles, Inc.",10001,Keeper | Business,KPR-BUS,bundles,3,4.00,2.25,12.00,6.75,5.25,2026-03-01,2026-04-01,quantity,1`,
      '',
    ].join('\r\n'),
  );
  assert.deepEqual(exported.totals, { extended_price: '63.77', extended_cost: '36.02', margin: '27.75' });
  const connectwise = await api.call('psa.export', { clients_id: msp.id, year: 2026, month: 3, format: 'connectwise-additions' });
  const additions = connectwise.content.trim().split('\n').map((text: string) => JSON.parse(text));
  assert.equal(additions.length, 3);
  assert.deepEqual(additions[0].product, { identifier: 'KPR-BUS' });
  assert.equal(additions[2].unitPrice, 4);
  const autotask = await api.call('psa.export', { clients_id: msp.id, year: 2026, month: 3, format: 'autotask-adjustments' });
  assert.equal(autotask.content.trim().split('\n').length, 3);
});

test('a closed month exports as it was billed: a late change or a later sell price moves neither the export nor the reconciliation', async () => {
  const api = await startTestApp();
  api.clock.set('2026-03-01T00:00:00Z');
  await api.call('catalog.products.create', { id: 930, name: 'BreachWatch', kind: 'addon', usage_unit: 'licenses', billing_unit: 'user' });
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  const msp = await api.call('clients.create', { kind: 'msp', name: 'Best MSP', resellers_id: distributor.id });
  const cowboys = await api.call('clients.create', { kind: 'company', name: 'Cowboys', resellers_id: msp.id });
  const price = (layer: string, unit_price: string) =>
    api.call('billing.price_books.create', { layer, clients_id: msp.id, products_id: 930, unit_price, effective_at: '2026-01-01T00:00:00Z' });
  await price('cost', '1');
  await price('sell', '2');
  await api.call('billing.quantities.set', { clients_id: cowboys.id, products_id: 930, quantity: 10, effective_at: '2026-03-01T00:00:00Z' });

  api.clock.set('2026-04-04T00:00:00Z');
  await api.call('billing.statements.close', { clients_id: msp.id, year: 2026, month: 3 });
  const march = { clients_id: msp.id, year: 2026, month: 3 };
  const exported = await api.call('psa.export', { ...march, format: 'csv' });
  const reconciled = await api.call('psa.reconciliation.search', march);
  assert.deepEqual(exported.totals, { extended_price: '20.00', extended_cost: '10.00', margin: '10.00' });

  // Recorded after the close: Cowboys held 12 from 16 March, and the sell price became 3.
  api.clock.set('2026-04-10T00:00:00Z');
  await api.call('billing.quantities.set', { clients_id: cowboys.id, products_id: 930, quantity: 12, effective_at: '2026-03-16T00:00:00Z' });
  await price('sell', '3');
  assert.deepEqual(await api.call('psa.export', { ...march, format: 'csv' }), exported);
  assert.deepEqual(await api.call('psa.reconciliation.search', march), reconciled);
  // April, still open, carries March's correction and today's prices.
  const april = await api.call('psa.export', { clients_id: msp.id, year: 2026, month: 4, format: 'csv' });
  assert.deepEqual(april.totals, { extended_price: '36.00', extended_cost: '12.00', margin: '24.00' });
});
