import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';

/** A distributor and, under it, the MSP the money moves for. */
async function newMsp(api: TestApp, fields: Record<string, unknown> = {}) {
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  return api.call('clients.create', { kind: 'msp', name: 'Contoso IT', resellers_id: distributor.id, ...fields });
}

const balanceOf = async (api: TestApp, clientsId: number) => (await api.rest('GET', `/clients/${clientsId}`)).body.balance;

test('accounting.currencies.search lists the ISO currencies by code as {items, total}', async () => {
  const api = await startTestApp();
  const page = await api.rest('GET', '/accounting/currencies?limit=3&offset=1');
  assert.equal(page.status, 200);
  assert.deepEqual(
    page.body.items.map((currency: { code: string }) => currency.code),
    ['BRL', 'CAD', 'CHF'],
  );
  assert.equal(page.body.total, 17);
});

test('accounting.currencies.search filters by code, whatever its case', async () => {
  const api = await startTestApp();
  const yen = await api.rest('GET', '/accounting/currencies?code=jpy');
  assert.equal(yen.status, 200);
  assert.deepEqual(yen.body, { items: [{ id: yen.body.items[0].id, code: 'JPY', name: 'Yen', decimals: 0 }], total: 1 });
  const viaRpc = await api.call('accounting.currencies.search', { code: 'JPY' });
  assert.deepEqual(viaRpc, yen.body);
});

test('accounting.currencies.rates.create stores the rate and its reverse 1/rate to 12 places HALF_UP', async () => {
  const api = await startTestApp();
  const created = await api.rest('POST', '/accounting/currencies/rates', { body: { from: 'EUR', to: 'USD', rate: '1.085' } });
  assert.equal(created.status, 200);
  assert.deepEqual(created.body, {
    id: created.body.id,
    from: 'EUR',
    to: 'USD',
    rate: '1.085000000000',
    effective_at: '2026-03-10T12:00:00.000Z',
    reverse: { id: created.body.reverse.id, from: 'USD', to: 'EUR', rate: '0.921658986175' },
  });
  const reverse = await api.rest('GET', '/accounting/currencies/exchange-rate?from=USD&to=EUR');
  assert.deepEqual(reverse.body, {
    from: 'USD',
    to: 'EUR',
    rate: '0.921658986175',
    effective_at: '2026-03-10T12:00:00.000Z',
    date: '2026-03-10T12:00:00.000Z',
  });
});

test('accounting.currencies.rates.create rounds a reverse rate whose 13th place is 5 or more upwards', async () => {
  const api = await startTestApp();
  // 1/0.92 = 1.0869565217391…: the 13th place is 3, kept down; 1/3 = 0.3333… kept down; 1/1.1 = 0.909090909090909… rounds up.
  const cases = [
    { from: 'GBP', rate: '0.92', reverse: '1.086956521739' },
    { from: 'CHF', rate: '3', reverse: '0.333333333333' },
    { from: 'CAD', rate: '1.1', reverse: '0.909090909091' },
  ];
  for (const { from, rate, reverse } of cases) {
    const created = await api.call('accounting.currencies.rates.create', { from, to: 'USD', rate });
    assert.equal(created.reverse.rate, reverse, `1/${rate}`);
  }
});

test('accounting.currencies.get_rate answers the rate in force at the date asked', async () => {
  const api = await startTestApp();
  await api.call('accounting.currencies.rates.create', { from: 'EUR', to: 'USD', rate: '1.085', effective_at: '2026-03-01T00:00:00Z' });
  await api.call('accounting.currencies.rates.create', { from: 'EUR', to: 'USD', rate: '1.1', effective_at: '2026-03-15T00:00:00Z' });
  const at = async (query: string) => (await api.rest('GET', `/accounting/currencies/exchange-rate?from=EUR&to=USD${query}`)).body;
  assert.deepEqual(await at(''), {
    from: 'EUR',
    to: 'USD',
    rate: '1.085000000000',
    effective_at: '2026-03-01T00:00:00.000Z',
    date: '2026-03-10T12:00:00.000Z',
  });
  assert.equal((await at('&date=2026-03-14T23:59:59Z')).rate, '1.085000000000');
  assert.deepEqual(await at('&date=2026-03-15T00:00:00Z'), {
    from: 'EUR',
    to: 'USD',
    rate: '1.100000000000',
    effective_at: '2026-03-15T00:00:00.000Z',
    date: '2026-03-15T00:00:00.000Z',
  });
  const viaRpc = await api.call('accounting.currencies.get_rate', { from: 'USD', to: 'EUR', date: '2026-03-20T00:00:00Z' });
  assert.equal(viaRpc.rate, '0.909090909091');
});

test('accounting.currencies.get_rate answers 404 for a pair without a rate, or before its first rate', async () => {
  const api = await startTestApp();
  const none = await api.rest('GET', '/accounting/currencies/exchange-rate?from=USD&to=GBP');
  assert.equal(none.status, 404);
  assert.deepEqual(none.body, { error: { code: -32004, message: 'Exchange rate from USD to GBP not found' } });
  await api.call('accounting.currencies.rates.create', { from: 'EUR', to: 'USD', rate: '1.085', effective_at: '2026-03-01T00:00:00Z' });
  const before = await api.rpc({ jsonrpc: '2.0', id: 3, method: 'accounting.currencies.get_rate', params: { from: 'EUR', to: 'USD', date: '2026-02-28T23:59:59Z' } });
  assert.deepEqual(before.body, { jsonrpc: '2.0', id: 3, error: { code: -32004, message: 'Exchange rate from EUR to USD not found' } });
});

test('a charge with taxes excluded adds the client tax on top and moves the balance', async () => {
  const api = await startTestApp();
  const msp = await newMsp(api, { tax_rate: '0.2' });
  const charged = await api.rest('POST', '/accounting/transactions', { body: { clients_id: msp.id, amount: '-100', taxes_state: 'excluded' } });
  assert.equal(charged.status, 200);
  assert.deepEqual(charged.body, {
    id: charged.body.id,
    clients_id: msp.id,
    kind: 'postpaid',
    amount: '-100.00',
    currency: 'USD',
    exchange_rate: '1',
    taxes_state: 'excluded',
    tax_rate: '0.2',
    net_amount: '-100.00',
    tax_amount: '-20.00',
    total: '-120.00',
    balance_currency: 'USD',
    balance_after: '-120.00',
    notes: null,
    created_at: '2026-03-10T12:00:00.000Z',
  });
  assert.equal(await balanceOf(api, msp.id), '-120.00');
});

test('a charge with taxes included keeps its total and splits out the tax', async () => {
  const api = await startTestApp();
  const msp = await newMsp(api, { tax_rate: '0.2' });
  const charged = await api.call('accounting.transactions.create', { clients_id: msp.id, amount: '-120', taxes_state: 'included' });
  assert.deepEqual(
    { net: charged.net_amount, tax: charged.tax_amount, total: charged.total, balance_after: charged.balance_after },
    { net: '-100.00', tax: '-20.00', total: '-120.00', balance_after: '-120.00' },
  );
  assert.equal(await balanceOf(api, msp.id), '-120.00');
});

test('a payment is positive and raises the balance', async () => {
  const api = await startTestApp();
  const msp = await newMsp(api, { tax_rate: '0' });
  await api.call('accounting.transactions.create', { clients_id: msp.id, amount: '-40.00' });
  const paid = await api.call('accounting.transactions.create', { clients_id: msp.id, amount: '250.50', notes: 'wire 2026-03' });
  assert.deepEqual(
    { amount: paid.amount, total: paid.total, balance_after: paid.balance_after, notes: paid.notes },
    { amount: '250.50', total: '250.50', balance_after: '210.50', notes: 'wire 2026-03' },
  );
  assert.equal(await balanceOf(api, msp.id), '210.50');
});

test('tax on top is rounded to the cent HALF_UP, exactly where floats go wrong', async () => {
  const api = await startTestApp();
  // Worked by hand: 1.00 × 0.075 = 0.075 → 0.08 (a float gives 0.07); 10.50 × 0.15 = 1.575 → 1.58; 2.50 × 0.19 = 0.475 → 0.48.
  const cases = [
    { tax_rate: '0.075', amount: '-1.00', tax: '-0.08', total: '-1.08' },
    { tax_rate: '0.075', amount: '-1.10', tax: '-0.08', total: '-1.18' },
    { tax_rate: '0.15', amount: '-10.50', tax: '-1.58', total: '-12.08' },
    { tax_rate: '0.19', amount: '-2.50', tax: '-0.48', total: '-2.98' },
    { tax_rate: '0.075', amount: '0.70', tax: '0.05', total: '0.75' },
    { tax_rate: '0.21', amount: '-0.05', tax: '-0.01', total: '-0.06' },
  ];
  for (const { tax_rate, amount, tax, total } of cases) {
    const msp = await newMsp(api, { tax_rate });
    const posted = await api.call('accounting.transactions.create', { clients_id: msp.id, amount, taxes_state: 'excluded' });
    assert.deepEqual(
      { net: posted.net_amount, tax: posted.tax_amount, total: posted.total, balance: await balanceOf(api, msp.id) },
      { net: amount, tax, total, balance: total },
      `${amount} at ${tax_rate}`,
    );
  }
});

test('tax included is split out to the cent HALF_UP, and net plus tax is always the total', async () => {
  const api = await startTestApp();
  // Worked by hand: 1.44 / 1.28 = 1.125 → 1.13 (a float gives 1.12); 0.12 / 1.6 = 0.075 → 0.08; 100 / 1.075 = 93.0232… → 93.02.
  const cases = [
    { tax_rate: '0.28', amount: '-1.44', net: '-1.13', tax: '-0.31' },
    { tax_rate: '0.28', amount: '0.16', net: '0.13', tax: '0.03' },
    { tax_rate: '0.6', amount: '0.12', net: '0.08', tax: '0.04' },
    { tax_rate: '0.075', amount: '-100.00', net: '-93.02', tax: '-6.98' },
  ];
  for (const { tax_rate, amount, net, tax } of cases) {
    const msp = await newMsp(api, { tax_rate });
    const posted = await api.call('accounting.transactions.create', { clients_id: msp.id, amount, taxes_state: 'included' });
    assert.deepEqual({ net: posted.net_amount, tax: posted.tax_amount, total: posted.total }, { net, tax, total: amount }, `${amount} at ${tax_rate}`);
  }
});

test('a postpaid charge is posted even when it takes the balance below balance + credit', async () => {
  const api = await startTestApp();
  const msp = await newMsp(api, { tax_rate: '0', credit: '10' });
  const charged = await api.rest('POST', '/accounting/transactions', { body: { clients_id: msp.id, amount: '-500' } });
  assert.equal(charged.status, 200);
  assert.equal(charged.body.balance_after, '-500.00');
  assert.equal(await balanceOf(api, msp.id), '-500.00');
});

test('a prepaid charge may use the balance and the credit down to exactly zero', async () => {
  const api = await startTestApp();
  const msp = await newMsp(api, { tax_rate: '0.2', credit: '50' });
  await api.call('accounting.transactions.create', { clients_id: msp.id, amount: '70', taxes_state: 'included' });
  const charged = await api.rest('POST', '/accounting/transactions/prepaid', { body: { clients_id: msp.id, amount: '-100' } });
  assert.equal(charged.status, 200);
  assert.deepEqual({ kind: charged.body.kind, total: charged.body.total, balance_after: charged.body.balance_after }, { kind: 'prepaid', total: '-120.00', balance_after: '-50.00' });
});

test('a prepaid charge that balance + credit does not cover is refused with LowBalanceError and writes nothing', async () => {
  const api = await startTestApp();
  const msp = await newMsp(api, { tax_rate: '0.2', credit: '50' });
  await api.call('accounting.transactions.create', { clients_id: msp.id, amount: '69.99', taxes_state: 'included' });
  const auditBefore = (await api.rest('GET', '/audit')).body.total;
  const refused = await api.rest('POST', '/accounting/transactions/prepaid', { body: { clients_id: msp.id, amount: '-100' } });
  assert.equal(refused.status, 422);
  assert.deepEqual(refused.body, {
    error: {
      code: -32022,
      message: 'Balance 69.99 plus credit 50.00 does not cover 120.00',
      data: { name: 'LowBalanceError', balance: '69.99', credit: '50.00', required: '120.00' },
    },
  });
  assert.equal(await balanceOf(api, msp.id), '69.99');
  const rows = (await api.rest('GET', `/accounting/transactions?clients_id=${msp.id}`)).body;
  assert.equal(rows.total, 1);
  assert.equal(rows.items[0].amount, '69.99');
  assert.equal((await api.rest('GET', '/audit')).body.total, auditBefore);
});

test('a transaction in another currency converts to the client currency at the rate in force', async () => {
  const api = await startTestApp();
  await api.call('accounting.currencies.rates.create', { from: 'EUR', to: 'USD', rate: '1.085', effective_at: '2026-03-01T00:00:00Z' });
  await api.call('accounting.currencies.rates.create', { from: 'EUR', to: 'USD', rate: '1.1', effective_at: '2026-03-15T00:00:00Z' });
  const msp = await newMsp(api, { tax_rate: '0.2', currency: 'USD' });
  // 1.00 EUR × 1.085 = 1.085 → 1.09 USD (a float gives 1.08); 0.218 tax → 0.22.
  const first = await api.call('accounting.transactions.create', { clients_id: msp.id, amount: '-1.00', currency: 'EUR' });
  assert.deepEqual(
    { amount: first.amount, currency: first.currency, exchange_rate: first.exchange_rate, net: first.net_amount, tax: first.tax_amount, total: first.total, balance_currency: first.balance_currency },
    { amount: '-1.00', currency: 'EUR', exchange_rate: '1.085', net: '-1.09', tax: '-0.22', total: '-1.31', balance_currency: 'USD' },
  );
  api.clock.set('2026-03-16T00:00:00Z');
  const second = await api.call('accounting.transactions.create', { clients_id: msp.id, amount: '-1.00', currency: 'EUR' });
  assert.deepEqual({ exchange_rate: second.exchange_rate, total: second.total, balance_after: second.balance_after }, { exchange_rate: '1.1', total: '-1.32', balance_after: '-2.63' });
  assert.equal(await balanceOf(api, msp.id), '-2.63');
});

test('accounting.transactions.search lists a client’s transactions newest first', async () => {
  const api = await startTestApp();
  const msp = await newMsp(api, { tax_rate: '0' });
  const other = await newMsp(api, { tax_rate: '0' });
  for (const amount of ['-1.00', '-2.00', '3.00']) {
    await api.call('accounting.transactions.create', { clients_id: msp.id, amount });
    api.clock.advance(60);
  }
  await api.call('accounting.transactions.create', { clients_id: other.id, amount: '-9.00' });
  const found = await api.rest('GET', `/accounting/transactions?clients_id=${msp.id}`);
  assert.equal(found.status, 200);
  assert.equal(found.body.total, 3);
  assert.deepEqual(
    found.body.items.map((row: { amount: string; balance_after: string; created_at: string }) => [row.amount, row.balance_after, row.created_at]),
    [
      ['3.00', '0.00', '2026-03-10T12:02:00.000Z'],
      ['-2.00', '-3.00', '2026-03-10T12:01:00.000Z'],
      ['-1.00', '-1.00', '2026-03-10T12:00:00.000Z'],
    ],
  );
  const paged = await api.call('accounting.transactions.search', { clients_id: msp.id, limit: 1, offset: 1 });
  assert.deepEqual({ amounts: paged.items.map((row: { amount: string }) => row.amount), total: paged.total }, { amounts: ['-2.00'], total: 3 });
});

test('50 prepaid charges at once never overdraw: exactly those balance + credit covers succeed', async () => {
  const api = await startTestApp();
  const msp = await newMsp(api, { tax_rate: '0', credit: '100' });
  await api.call('accounting.transactions.create', { clients_id: msp.id, amount: '5.00' });
  // balance + credit = 105.00 covers floor(105 / 7) = 15 charges of 7.00.
  const answers = await Promise.all(
    Array.from({ length: 50 }, () => api.rest('POST', '/accounting/transactions/prepaid', { body: { clients_id: msp.id, amount: '-7.00' } })),
  );
  const succeeded = answers.filter((answer) => answer.status === 200);
  const refused = answers.filter((answer) => answer.status === 422);
  assert.equal(succeeded.length, 15);
  assert.equal(refused.length, 35);
  for (const answer of refused) assert.equal(answer.body.error.data.name, 'LowBalanceError');
  assert.deepEqual(
    succeeded.map((answer) => answer.body.balance_after).sort(),
    Array.from({ length: 15 }, (_, index) => (5 - 7 * (index + 1)).toFixed(2)).sort(),
  );
  assert.equal(await balanceOf(api, msp.id), '-100.00');
  assert.equal((await api.call('accounting.transactions.search', { clients_id: msp.id, kind: 'prepaid' })).total, 15);
});
