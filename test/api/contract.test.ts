import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRegistry } from '../../src/api/methods/index.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import type { FakeGraph } from '../support/fake-graph.ts';
import {
  buildContractFixture,
  callRest,
  callRpc,
  checkCredentialRequired,
  checkInvalidInput,
  checkOpenApi,
  checkSiblingScope,
  checkTransportsAgree,
  METHOD_CONTRACTS,
  startContractGraph,
  type CallContext,
  type ContractFixture,
} from './contract.ts';

// The shared contract, run for every registry method: the list of methods comes from the registry
// itself, so a method added without an entry in METHOD_CONTRACTS fails here instead of skipping the checks.

const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
const methods = createRegistry().all();

let api: TestApp;
let graph: FakeGraph;
let fixture: ContractFixture;
let openApi: any;
let counter = 0;
const context = (): CallContext => ({ api, fixture, unique: (label) => `${label}-${++counter}` });

before(async () => {
  graph = await startContractGraph();
  api = await startTestApp({ env: { MASTER_KEY, GRAPH_BASE_URL: graph.url, MS_LOGIN_BASE_URL: graph.url } });
  fixture = await buildContractFixture(api);
  openApi = (await api.rest('GET', '/openapi.json', { key: null })).body;
});
after(() => graph?.close());

test('every registry method has an entry in the contract table, and the table names no other method', () => {
  const registered = methods.map((method) => method.name).sort();
  assert.deepEqual(registered.filter((name) => !(name in METHOD_CONTRACTS)), []);
  assert.deepEqual(Object.keys(METHOD_CONTRACTS).filter((name) => !registered.includes(name)), []);
});

for (const method of methods) {
  describe(method.name, () => {
    test(method.auth === 'public' ? 'answers without a credential (the one public method)' : 'without a credential: 401 on REST and on JSON-RPC', () =>
      checkCredentialRequired(context(), method));
    test('a user limited to a sibling MSP cannot reach what lies outside its subtree', () => checkSiblingScope(context(), method));
    test('invalid input: 400 on REST, -32602 on JSON-RPC', () => checkInvalidInput(context(), method));
    test('the REST and JSON-RPC forms answer the same', () => checkTransportsAgree(context(), method));
    test('appears in /openapi.json with its name as operationId', () => checkOpenApi(openApi, method));
  });
}

// A limited user cannot hand out more than it holds.

const methodNamed = (name: string) => methods.find((candidate) => candidate.name === name)!;
const refusedAsWider = {
  code: -32022,
  message: 'A limited user cannot create a user or key without a reseller limit',
  data: { name: 'PermissionDenied' },
};

test('a limited user cannot create an unlimited user', async () => {
  const viaRest = await callRest(api, methodNamed('iam.users.create'), { login: 'wider-unlimited' }, fixture.keyB);
  const viaRpc = await callRpc(api, methodNamed('iam.users.create'), { login: 'wider-unlimited', resellers_id: null }, fixture.keyB);
  assert.deepEqual([viaRest.status, viaRest.body], [422, { error: refusedAsWider }]);
  assert.deepEqual(viaRpc.body, { jsonrpc: '2.0', id: 1, error: refusedAsWider });
  assert.equal((await api.call('iam.users.search', { login: 'wider-unlimited' })).total, 0);
});

test('a limited user cannot create a user limited to its parent distributor: the distributor answers as missing', async () => {
  const answer = await callRest(api, methodNamed('iam.users.create'), { login: 'wider-distributor', resellers_id: fixture.distributor }, fixture.keyB);
  assert.deepEqual([answer.status, answer.body], [404, { error: { code: -32004, message: `Client ${fixture.distributor} not found` } }]);
  assert.equal((await api.call('iam.users.search', { login: 'wider-distributor' })).total, 0);
});

test('a limited user can create a user inside its own subtree', async () => {
  const created = await api.call('iam.users.create', { login: 'narrower-b1', resellers_id: fixture.companyB1 }, fixture.keyB);
  assert.equal(created.resellers_id, fixture.companyB1);
});

test('a limited user cannot lift or widen its own limit', async () => {
  const lifted = await callRest(api, methodNamed('iam.users.update'), { id: fixture.userB, resellers_id: null }, fixture.keyB);
  const widened = await callRest(api, methodNamed('iam.users.update'), { id: fixture.userB, resellers_id: fixture.distributor }, fixture.keyB);
  assert.deepEqual([lifted.status, lifted.body], [422, { error: refusedAsWider }]);
  assert.deepEqual([widened.status, widened.body], [404, { error: { code: -32004, message: `Client ${fixture.distributor} not found` } }]);
  assert.equal((await api.call('iam.users.get', { id: fixture.userB })).resellers_id, fixture.mspB);
});

test('a limited user cannot create a key for an unlimited user', async () => {
  const [adminUser] = (await api.call('iam.users.search', { login: 'admin' })).items;
  const answer = await callRest(api, methodNamed('iam.api_keys.create'), { users_id: adminUser.id }, fixture.keyB);
  assert.deepEqual([answer.status, answer.body], [404, { error: { code: -32004, message: `User ${adminUser.id} not found` } }]);
  assert.equal((await api.call('iam.api_keys.search', { users_id: adminUser.id })).total, 1);
});

test('a key a limited user creates for itself carries its own limit', async () => {
  const created = await api.call('iam.api_keys.create', { name: 'own' }, fixture.keyB);
  assert.equal(created.users_id, fixture.userB);
  const seen = await api.call('clients.search', { limit: 1000 }, created.key);
  assert.deepEqual(seen.items.map((client: { id: number }) => client.id).sort(), [fixture.mspB, fixture.companyB1].sort());
});

test('a limited user cannot create a distributor', async () => {
  const answer = await callRest(api, methodNamed('clients.create'), { kind: 'distributor', name: 'Breakaway Distribution' }, fixture.keyB);
  assert.deepEqual([answer.status, answer.body], [
    422,
    { error: { code: -32022, message: 'Only a user not limited to a reseller may change installation-wide data', data: { name: 'PermissionDenied' } } },
  ]);
  assert.equal((await api.call('clients.search', { name: 'Breakaway Distribution' })).total, 0);
});
