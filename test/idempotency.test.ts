import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { defineMethod } from '../src/api/registry.ts';
import { startTestApp, type TestApp } from './support/app.ts';

/** A distributor and, under it, the MSP the money moves for. */
async function newMsp(api: TestApp, fields: Record<string, unknown> = {}) {
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  return api.call('clients.create', { kind: 'msp', name: 'Contoso IT', resellers_id: distributor.id, tax_rate: '0', ...fields });
}

const transactionsOf = async (api: TestApp, clientsId: number) => (await api.rest('GET', `/accounting/transactions?clients_id=${clientsId}`)).body;
const balanceOf = async (api: TestApp, clientsId: number) => (await api.rest('GET', `/clients/${clientsId}`)).body.balance;

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** A write that waits inside its handler until the test lets it go, so "still in flight" is a state, not a race. */
function slowWrite() {
  const entered = deferred();
  const release = deferred();
  const method = defineMethod({
    name: 'test.slow_write',
    summary: 'A write that waits until released',
    rest: { method: 'POST', path: '/test/slow-write' },
    auth: 'user',
    input: z.object({ note: z.string() }),
    output: z.object({ note: z.string() }),
    run: async (_ctx, input) => {
      entered.resolve();
      await release.promise;
      return { note: input.note };
    },
  });
  return { method, entered: entered.promise, release: release.resolve };
}

test('REST: the same Idempotency-Key and request replays the first answer and posts nothing twice', async () => {
  const api = await startTestApp();
  const msp = await newMsp(api);
  const send = () => api.rest('POST', '/accounting/transactions', { body: { clients_id: msp.id, amount: '-25.00' }, headers: { 'Idempotency-Key': 'charge-march-1' } });
  const first = await send();
  api.clock.advance(3600);
  const again = await send();
  assert.equal(first.status, 200);
  assert.equal(again.status, 200);
  assert.deepEqual(again.body, first.body);
  const rows = await transactionsOf(api, msp.id);
  assert.deepEqual({ total: rows.total, ids: rows.items.map((row: { id: number }) => row.id) }, { total: 1, ids: [first.body.id] });
  assert.equal(await balanceOf(api, msp.id), '-25.00');
  assert.equal((await api.rest('GET', '/audit?entity=transaction')).body.total, 1);
});

test('a replayed answer is the very body first sent, byte for byte', async () => {
  const api = await startTestApp();
  const msp = await newMsp(api);
  const send = () => api.rest('POST', '/accounting/transactions', { body: { clients_id: msp.id, amount: '-25.00', notes: 'seats' }, headers: { 'Idempotency-Key': 'k-bytes' } });
  const first = await send();
  const again = await send();
  assert.equal(again.text, first.text);
});

test('JSON-RPC: __idempotency_key replays the first result and posts nothing twice', async () => {
  const api = await startTestApp();
  const msp = await newMsp(api);
  const call = (id: number) =>
    api.rpc({ jsonrpc: '2.0', id, method: 'accounting.transactions.create', params: { clients_id: msp.id, amount: '-25.00', __idempotency_key: 'rpc-1' } });
  const first = await call(1);
  const again = await call(2);
  assert.equal(first.body.result.total, '-25.00');
  assert.deepEqual(again.body, { jsonrpc: '2.0', id: 2, result: first.body.result });
  assert.equal((await transactionsOf(api, msp.id)).total, 1);
  assert.equal(await balanceOf(api, msp.id), '-25.00');
});

test('a key sent with REST is replayed for the same request made over JSON-RPC', async () => {
  const api = await startTestApp();
  const msp = await newMsp(api);
  const viaRest = await api.rest('POST', '/accounting/transactions', { body: { clients_id: msp.id, amount: '-25.00' }, headers: { 'Idempotency-Key': 'both-faces' } });
  const viaRpc = await api.call('accounting.transactions.create', { clients_id: msp.id, amount: '-25.00', __idempotency_key: 'both-faces' });
  assert.deepEqual(viaRpc, viaRest.body);
  assert.equal((await transactionsOf(api, msp.id)).total, 1);
});

test('the same key with a different request is refused with 422 IdempotencyKeyReused and writes nothing', async () => {
  const api = await startTestApp();
  const msp = await newMsp(api);
  const headers = { 'Idempotency-Key': 'charge-march-2' };
  await api.rest('POST', '/accounting/transactions', { body: { clients_id: msp.id, amount: '-25.00' }, headers });
  const refused = await api.rest('POST', '/accounting/transactions', { body: { clients_id: msp.id, amount: '-26.00' }, headers });
  assert.equal(refused.status, 422);
  assert.deepEqual(refused.body, {
    error: { code: -32022, message: 'This Idempotency-Key was used with a different request', data: { name: 'IdempotencyKeyReused' } },
  });
  const otherMethod = await api.rpc({
    jsonrpc: '2.0',
    id: 5,
    method: 'accounting.transactions.create_no_negative',
    params: { clients_id: msp.id, amount: '-25.00', __idempotency_key: 'charge-march-2' },
  });
  assert.deepEqual(otherMethod.body, {
    jsonrpc: '2.0',
    id: 5,
    error: { code: -32022, message: 'This Idempotency-Key was used with a different request', data: { name: 'IdempotencyKeyReused' } },
  });
  assert.equal((await transactionsOf(api, msp.id)).total, 1);
  assert.equal(await balanceOf(api, msp.id), '-25.00');
});

test('the same key while the first request still runs answers 409, and the first answer is replayed once it is done', async () => {
  const slow = slowWrite();
  const api = await startTestApp({ extraMethods: [slow.method] });
  const headers = { 'Idempotency-Key': 'slow-1' };
  const first = api.rest('POST', '/test/slow-write', { body: { note: 'first' }, headers });
  await slow.entered;
  const whileRunning = await api.rest('POST', '/test/slow-write', { body: { note: 'first' }, headers });
  assert.equal(whileRunning.status, 409);
  assert.deepEqual(whileRunning.body, { error: { code: -32009, message: 'A request with this Idempotency-Key is still in progress' } });
  const overRpc = await api.rpc({ jsonrpc: '2.0', id: 9, method: 'test.slow_write', params: { note: 'first', __idempotency_key: 'slow-1' } });
  assert.deepEqual(overRpc.body, { jsonrpc: '2.0', id: 9, error: { code: -32009, message: 'A request with this Idempotency-Key is still in progress' } });
  slow.release();
  assert.deepEqual((await first).body, { note: 'first' });
  const after = await api.rest('POST', '/test/slow-write', { body: { note: 'first' }, headers });
  assert.deepEqual({ status: after.status, body: after.body }, { status: 200, body: { note: 'first' } });
});

test('an unexpected failure is not stored: the same key may be retried', async () => {
  let calls = 0;
  const flaky = defineMethod({
    name: 'test.flaky_write',
    summary: 'Fails unexpectedly the first time',
    rest: { method: 'POST', path: '/test/flaky-write' },
    auth: 'user',
    input: z.object({}),
    output: z.object({ calls: z.number() }),
    run: async () => {
      calls += 1;
      if (calls === 1) throw new Error('connection reset');
      return { calls };
    },
  });
  const api = await startTestApp({ extraMethods: [flaky] });
  const headers = { 'Idempotency-Key': 'flaky-1' };
  const failed = await api.rest('POST', '/test/flaky-write', { body: {}, headers });
  assert.deepEqual({ status: failed.status, body: failed.body }, { status: 500, body: { error: { code: -32603, message: 'Internal error' } } });
  const retried = await api.rest('POST', '/test/flaky-write', { body: {}, headers });
  assert.deepEqual({ status: retried.status, body: retried.body }, { status: 200, body: { calls: 2 } });
});

test('a key is held for 24 hours, then it can be used again, even for another request', async () => {
  const api = await startTestApp();
  const msp = await newMsp(api);
  const headers = { 'Idempotency-Key': 'daily' };
  const first = await api.rest('POST', '/accounting/transactions', { body: { clients_id: msp.id, amount: '-10.00' }, headers });
  api.clock.advance(24 * 3600 - 1);
  const stillHeld = await api.rest('POST', '/accounting/transactions', { body: { clients_id: msp.id, amount: '-10.00' }, headers });
  assert.equal(stillHeld.body.id, first.body.id);
  api.clock.advance(2);
  const reused = await api.rest('POST', '/accounting/transactions', { body: { clients_id: msp.id, amount: '-11.00' }, headers });
  assert.equal(reused.status, 200);
  assert.notEqual(reused.body.id, first.body.id);
  assert.equal(reused.body.balance_after, '-21.00');
  assert.equal((await transactionsOf(api, msp.id)).total, 2);
});

test('an error answer is replayed too: a LowBalanceError stays the answer to its key after a top-up', async () => {
  const api = await startTestApp();
  const msp = await newMsp(api, { credit: '10' });
  const charge = () => api.rest('POST', '/accounting/transactions/prepaid', { body: { clients_id: msp.id, amount: '-50.00' }, headers: { 'Idempotency-Key': 'prepaid-1' } });
  const refused = await charge();
  assert.equal(refused.status, 422);
  assert.equal(refused.body.error.data.name, 'LowBalanceError');
  await api.call('accounting.transactions.create', { clients_id: msp.id, amount: '100.00' });
  const replayed = await charge();
  assert.deepEqual({ status: replayed.status, body: replayed.body }, { status: 422, body: refused.body });
  assert.equal(await balanceOf(api, msp.id), '100.00');
  assert.equal((await api.rest('GET', `/accounting/transactions?clients_id=${msp.id}&kind=prepaid`)).body.total, 0);
});

test('keys belong to their user: another user’s same key is a request of its own', async () => {
  const api = await startTestApp();
  const msp = await newMsp(api);
  const user = await api.call('iam.users.create', { login: 'ops' });
  const { key } = await api.call('iam.api_keys.create', { users_id: user.id });
  const send = (apiKey?: string) =>
    api.rest('POST', '/accounting/transactions', { key: apiKey, body: { clients_id: msp.id, amount: '-5.00' }, headers: { 'Idempotency-Key': 'shared-name' } });
  const mine = await send();
  const theirs = await send(key);
  assert.equal(theirs.status, 200);
  assert.notEqual(theirs.body.id, mine.body.id);
  assert.equal(await balanceOf(api, msp.id), '-10.00');
  assert.equal((await transactionsOf(api, msp.id)).total, 2);
});

test('concurrent requests with one key post exactly once; each answer is that transaction or 409', async () => {
  const api = await startTestApp();
  const msp = await newMsp(api);
  const answers = await Promise.all(
    Array.from({ length: 10 }, () =>
      api.rest('POST', '/accounting/transactions', { body: { clients_id: msp.id, amount: '-3.00' }, headers: { 'Idempotency-Key': 'burst' } }),
    ),
  );
  const rows = await transactionsOf(api, msp.id);
  assert.equal(rows.total, 1);
  for (const answer of answers) {
    if (answer.status === 200) assert.equal(answer.body.id, rows.items[0].id);
    else assert.deepEqual({ status: answer.status, code: answer.body.error.code }, { status: 409, code: -32009 });
  }
  assert.equal(await balanceOf(api, msp.id), '-3.00');
});
