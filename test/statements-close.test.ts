import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/db/connection.ts';
import { closeDueStatements } from '../src/services/statements/close-due-statements.ts';
import { engine } from './support/database.ts';
import { startTestApp, type TestApp } from './support/app.ts';

// March 2026 in UTC (31 days); the MSP exists from 1 March and holds 10 BreachWatch at 1.00 all month.
async function marchFixture(api: TestApp) {
  api.clock.set('2026-03-01T00:00:00Z');
  await api.call('catalog.products.create', { id: 930, name: 'BreachWatch', kind: 'addon', usage_unit: 'licenses', billing_unit: 'user' });
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  const msp = await api.call('clients.create', { kind: 'msp', name: 'Best MSP', resellers_id: distributor.id });
  const company = await api.call('clients.create', { kind: 'company', name: 'Cowboys', resellers_id: msp.id });
  await api.call('billing.price_books.create', { layer: 'cost', clients_id: msp.id, products_id: 930, unit_price: '1', effective_at: '2026-01-01T00:00:00Z' });
  await api.call('billing.quantities.set', { clients_id: company.id, products_id: 930, quantity: 10, effective_at: '2026-03-01T00:00:00Z' });
  return { msp, company };
}

test('a month closes only once it is over, and closing it again changes nothing', async () => {
  const api = await startTestApp();
  const { msp } = await marchFixture(api);
  api.clock.set('2026-03-20T00:00:00Z');
  const early = await api.rest('POST', '/billing/statements/close', { body: { clients_id: msp.id, year: 2026, month: 3 } });
  assert.equal(early.status, 422);
  assert.equal(early.body.error.data.name, 'MonthNotOver');

  api.clock.set('2026-04-02T00:00:00Z');
  const first = await api.call('billing.statements.close', { clients_id: msp.id, year: 2026, month: 3 });
  assert.deepEqual(
    first.items.map((item: Record<string, unknown>) => [item.total, item.closed_now]),
    [['10.00', true]],
  );
  const again = await api.call('billing.statements.close', { clients_id: msp.id, year: 2026, month: 3 });
  assert.equal(again.items[0].closed_now, false);
  assert.equal(again.items[0].statements_id, first.items[0].statements_id);
  const statement = await api.call('billing.statements.get', { clients_id: msp.id, year: 2026, month: 3 });
  assert.equal(statement.status, 'closed');
  assert.equal(statement.total, '10.00');
  const events = await queryRows(api.app.db.orm, sql`SELECT payload FROM jobs WHERE kind = 'event'`);
  assert.equal(events.length, 1);
  const payload = typeof events[0].payload === 'string' ? JSON.parse(events[0].payload) : events[0].payload;
  assert.equal(payload.type, 'statement.closed');
  assert.equal(payload.data.total, '10.00');
});

test('a late change leaves the closed month as it was, adjusts the next open month and shows in the re-rating preview', async () => {
  const api = await startTestApp();
  const { msp, company } = await marchFixture(api);
  api.clock.set('2026-04-04T00:00:00Z');
  await api.call('billing.statements.close', { clients_id: msp.id, year: 2026, month: 3 });

  // Recorded in April: Cowboys actually held 12 from 16 March (16 of 31 days).
  api.clock.set('2026-04-10T00:00:00Z');
  await api.call('billing.quantities.set', { clients_id: company.id, products_id: 930, quantity: 12, effective_at: '2026-03-16T00:00:00Z' });

  const march = await api.call('billing.statements.get', { clients_id: msp.id, year: 2026, month: 3 });
  assert.equal(march.total, '10.00');
  // 10 × 15/31 + 12 × 16/31 = 342/31 = 11.0322… → 11.03, so +1.03.
  const preview = await api.call('billing.statements.rerate_preview', { clients_id: msp.id, year: 2026, month: 3 });
  assert.deepEqual(preview.lines, [
    {
      owner: 'company',
      clients_id: company.id,
      name: 'Cowboys',
      products_id: 930,
      product_name: 'BreachWatch',
      change: 'changed',
      before: { quantity: '10', unit_price: '1.00', avg_monthly_cost: '10.00' },
      after: { quantity: '11.03', unit_price: '1.00', avg_monthly_cost: '11.03' },
      difference: '1.03',
    },
  ]);
  assert.deepEqual(preview.total, { before: '10.00', after: '11.03', difference: '1.03' });

  const april = await api.call('billing.statements.get', { clients_id: msp.id, year: 2026, month: 4 });
  const lines = april.companies[0].lines.map((line: Record<string, any>) => [line.product_name, line.quantity, line.avg_monthly_cost, line.adjusts?.month]);
  assert.deepEqual(lines, [
    ['BreachWatch', '12', '12.00', undefined],
    ['BreachWatch (adjustment 2026-03)', '1', '1.03', '2026-03'],
  ]);
  assert.equal(april.total, '13.03');

  // Once April closes with the adjustment in it, May does not charge it again.
  api.clock.set('2026-05-04T00:00:00Z');
  await api.call('billing.statements.close', { clients_id: msp.id, year: 2026, month: 4 });
  const may = await api.call('billing.statements.get', { clients_id: msp.id, year: 2026, month: 5 });
  assert.deepEqual(
    may.companies[0].lines.map((line: Record<string, string>) => line.product_name),
    ['BreachWatch'],
  );
});

test('the close job closes every due month once, catching up after downtime', async () => {
  const api = await startTestApp();
  const { msp } = await marchFixture(api);
  // Nothing ran from March to mid-June: March, April and May are due (each closes on the 4th).
  assert.equal(await closeDueStatements(api.app.db, new Date('2026-06-15T00:00:00Z')), 3);
  assert.equal(await closeDueStatements(api.app.db, new Date('2026-06-16T00:00:00Z')), 0);
  for (const month of [3, 4, 5]) {
    assert.equal((await api.call('billing.statements.get', { clients_id: msp.id, year: 2026, month })).status, 'closed');
  }
  assert.equal((await api.call('billing.statements.get', { clients_id: msp.id, year: 2026, month: 6 })).status, 'draft');
});

test('several instances closing at once close each month exactly once', { skip: engine !== 'postgres' && 'needs PostgreSQL' }, async () => {
  const api = await startTestApp();
  await marchFixture(api);
  const others = await Promise.all([1, 2, 3].map(() => api.database.openAnother()));
  const at = new Date('2026-05-10T00:00:00Z');
  const counts = await Promise.allSettled([api.app.db, ...others].map((db) => closeDueStatements(db, at)));
  const closed = counts.map((result) => (result.status === 'fulfilled' ? result.value : 0)).reduce((a, b) => a + b, 0);
  const [{ count }] = await queryRows<{ count: number }>(api.app.db.orm, sql`SELECT count(*)::int AS count FROM statements`);
  assert.equal(count, 2);
  assert.equal(closed, 2);
  const events = await queryRows(api.app.db.orm, sql`SELECT id FROM jobs WHERE kind = 'event'`);
  assert.equal(events.length, 2);
});
