import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { z } from 'zod';
import { defineMethod } from '../../src/api/registry.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

// The methods the JSON-RPC 2.0 specification's examples call (https://www.jsonrpc.org/specification, section 7).
// `foobar` and `foo.get` are left out on purpose: the examples use them as methods that do not exist.
const SECRET = 'password=hunter2 host=db.internal';
const updates: unknown[] = [];
const hellos: unknown[] = [];

const specificationMethods = [
  defineMethod({
    name: 'subtract',
    summary: 'minuend − subtrahend',
    rest: { method: 'POST', path: '/examples/subtract' },
    auth: 'user',
    input: z.object({ minuend: z.number(), subtrahend: z.number() }),
    output: z.number(),
    run: async (_ctx, input) => input.minuend - input.subtrahend,
  }),
  defineMethod({
    name: 'sum',
    summary: 'a + b + c',
    rest: { method: 'POST', path: '/examples/sum' },
    auth: 'user',
    input: z.object({ a: z.number(), b: z.number().default(0), c: z.number().default(0) }),
    output: z.number(),
    run: async (_ctx, input) => input.a + input.b + input.c,
  }),
  defineMethod({
    name: 'update',
    summary: 'Takes five numbers',
    rest: { method: 'POST', path: '/examples/update' },
    auth: 'user',
    input: z.object({ a: z.number(), b: z.number(), c: z.number(), d: z.number(), e: z.number() }),
    output: z.number(),
    run: async (_ctx, input) => updates.push(input),
  }),
  defineMethod({
    name: 'notify_hello',
    summary: 'Says hello',
    rest: { method: 'POST', path: '/examples/notify-hello' },
    auth: 'user',
    input: z.object({ value: z.number() }),
    output: z.number(),
    run: async (_ctx, input) => hellos.push(input.value),
  }),
  defineMethod({
    name: 'notify_sum',
    summary: 'a + b + c, for nobody',
    rest: { method: 'POST', path: '/examples/notify-sum' },
    auth: 'user',
    input: z.object({ a: z.number(), b: z.number(), c: z.number() }),
    output: z.number(),
    run: async (_ctx, input) => input.a + input.b + input.c,
  }),
  defineMethod({
    name: 'get_data',
    summary: 'Some data',
    rest: { method: 'GET', path: '/examples/data' },
    auth: 'user',
    input: z.object({}),
    output: z.tuple([z.string(), z.number()]),
    run: async () => ['hello', 5],
  }),
  defineMethod({
    name: 'examples.explode',
    summary: 'Fails the way a bug would',
    rest: { method: 'POST', path: '/examples/explode' },
    auth: 'user',
    input: z.object({}),
    output: z.number(),
    run: async () => {
      throw new Error(`connection refused: ${SECRET}`);
    },
  }),
];

let api: TestApp;
before(async () => {
  api = await startTestApp({ extraMethods: specificationMethods });
});

const parseError = { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null };
const invalidRequest = { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null };

test('rpc call with positional parameters', async () => {
  const first = await api.rpc({ jsonrpc: '2.0', method: 'subtract', params: [42, 23], id: 1 });
  const second = await api.rpc({ jsonrpc: '2.0', method: 'subtract', params: [23, 42], id: 2 });
  assert.equal(first.status, 200);
  assert.deepEqual(first.body, { jsonrpc: '2.0', result: 19, id: 1 });
  assert.deepEqual(second.body, { jsonrpc: '2.0', result: -19, id: 2 });
});

test('rpc call with named parameters, in any order', async () => {
  const first = await api.rpc({ jsonrpc: '2.0', method: 'subtract', params: { subtrahend: 23, minuend: 42 }, id: 3 });
  const second = await api.rpc({ jsonrpc: '2.0', method: 'subtract', params: { minuend: 42, subtrahend: 23 }, id: 4 });
  assert.deepEqual(first.body, { jsonrpc: '2.0', result: 19, id: 3 });
  assert.deepEqual(second.body, { jsonrpc: '2.0', result: 19, id: 4 });
});

test('a notification runs and answers HTTP 204 with an empty body', async () => {
  const before = updates.length;
  const answer = await api.rpc({ jsonrpc: '2.0', method: 'update', params: [1, 2, 3, 4, 5] });
  assert.equal(answer.status, 204);
  assert.equal(answer.text, '');
  assert.deepEqual(updates.slice(before), [{ a: 1, b: 2, c: 3, d: 4, e: 5 }]);
});

test('a notification to a method that does not exist answers nothing', async () => {
  const answer = await api.rpc({ jsonrpc: '2.0', method: 'foobar' });
  assert.equal(answer.status, 204);
  assert.equal(answer.text, '');
});

test('rpc call of a non-existent method → -32601', async () => {
  const answer = await api.rpc({ jsonrpc: '2.0', method: 'foobar', id: '1' });
  assert.deepEqual(answer.body, { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '1' });
});

test('rpc call with invalid JSON → -32700 with id null', async () => {
  const answer = await api.rpc('{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]');
  assert.deepEqual(answer.body, parseError);
});

test('rpc call with an invalid Request object → -32600 with id null', async () => {
  const answer = await api.rpc({ jsonrpc: '2.0', method: 1, params: 'bar' });
  assert.deepEqual(answer.body, invalidRequest);
});

test('rpc call batch with invalid JSON → a single -32700', async () => {
  const answer = await api.rpc(`[
    {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
    {"jsonrpc": "2.0", "method"
  ]`);
  assert.deepEqual(answer.body, parseError);
});

test('rpc call with an empty array → a single -32600', async () => {
  const answer = await api.rpc([]);
  assert.deepEqual(answer.body, invalidRequest);
});

test('rpc call with an invalid batch of one → an array of one -32600', async () => {
  const answer = await api.rpc([1]);
  assert.deepEqual(answer.body, [invalidRequest]);
});

test('rpc call with an invalid batch of three → an array of three -32600', async () => {
  const answer = await api.rpc([1, 2, 3]);
  assert.deepEqual(answer.body, [invalidRequest, invalidRequest, invalidRequest]);
});

test('rpc call batch: results, errors and a silent notification', async () => {
  const answer = await api.rpc([
    { jsonrpc: '2.0', method: 'sum', params: [1, 2, 4], id: '1' },
    { jsonrpc: '2.0', method: 'notify_hello', params: [7] },
    { jsonrpc: '2.0', method: 'subtract', params: [42, 23], id: '2' },
    { foo: 'boo' },
    { jsonrpc: '2.0', method: 'foo.get', params: { name: 'myself' }, id: '5' },
    { jsonrpc: '2.0', method: 'get_data', id: '9' },
  ]);
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body, [
    { jsonrpc: '2.0', result: 7, id: '1' },
    { jsonrpc: '2.0', result: 19, id: '2' },
    invalidRequest,
    { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '5' },
    { jsonrpc: '2.0', result: ['hello', 5], id: '9' },
  ]);
});

test('rpc call batch of only notifications → HTTP 204 and an empty body', async () => {
  const before = hellos.length;
  const answer = await api.rpc([
    { jsonrpc: '2.0', method: 'notify_sum', params: [1, 2, 4] },
    { jsonrpc: '2.0', method: 'notify_hello', params: [7] },
  ]);
  assert.equal(answer.status, 204);
  assert.equal(answer.text, '');
  assert.deepEqual(hellos.slice(before), [7]);
});

const batchOf = (size: number) =>
  Array.from({ length: size }, (_, index) => ({ jsonrpc: '2.0', method: 'subtract', params: [index, 1], id: index }));

test('a batch of 100 calls is answered call by call', async () => {
  const answer = await api.rpc(batchOf(100));
  assert.equal(answer.status, 200);
  assert.deepEqual(
    answer.body,
    batchOf(100).map((call) => ({ jsonrpc: '2.0', result: call.id - 1, id: call.id })),
  );
});

test('a batch of 101 calls is refused whole with a single -32600', async () => {
  const answer = await api.rpc(batchOf(101));
  assert.deepEqual(answer.body, {
    jsonrpc: '2.0',
    error: { code: -32600, message: 'Invalid Request: a batch holds at most 100 calls' },
    id: null,
  });
});

test('invalid params → -32602 with the issues in data', async () => {
  const answer = await api.rpc({ jsonrpc: '2.0', method: 'subtract', params: { minuend: 42, subtrahend: 'x' }, id: 8 });
  assert.deepEqual(answer.body, {
    jsonrpc: '2.0',
    error: {
      code: -32602,
      message: 'Invalid params: subtrahend: Invalid input: expected number, received string',
      data: { issues: [{ path: 'subtrahend', message: 'Invalid input: expected number, received string' }] },
    },
    id: 8,
  });
});

test('more positional params than the method takes → -32602', async () => {
  const answer = await api.rpc({ jsonrpc: '2.0', method: 'subtract', params: [1, 2, 3], id: 9 });
  assert.deepEqual(answer.body, {
    jsonrpc: '2.0',
    error: { code: -32602, message: 'subtract takes at most 2 positional params' },
    id: 9,
  });
});

test('an unexpected failure → -32603 "Internal error", with no message or stack leaked', async () => {
  const answer = await api.rpc({ jsonrpc: '2.0', method: 'examples.explode', id: 10 });
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body, { jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: 10 });
  assert.doesNotMatch(answer.text, /hunter2|connection refused|\.ts:\d+/);
});

test('an unexpected failure inside a batch leaves the other calls answered', async () => {
  const answer = await api.rpc([
    { jsonrpc: '2.0', method: 'subtract', params: [42, 23], id: 1 },
    { jsonrpc: '2.0', method: 'examples.explode', id: 2 },
    { jsonrpc: '2.0', method: 'examples.explode' },
    { jsonrpc: '2.0', method: 'sum', params: [1, 2], id: 3 },
  ]);
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body, [
    { jsonrpc: '2.0', result: 19, id: 1 },
    { jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: 2 },
    { jsonrpc: '2.0', result: 3, id: 3 },
  ]);
});

test('the REST form of an unexpected failure → 500 with the bare internal error', async () => {
  const answer = await api.rest('POST', '/examples/explode', { body: {} });
  assert.equal(answer.status, 500);
  assert.deepEqual(answer.body, { error: { code: -32603, message: 'Internal error' } });
  assert.doesNotMatch(answer.text, /hunter2|connection refused|\.ts:\d+/);
});
