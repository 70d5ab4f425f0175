import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestApp } from './support/app.ts';

test('a fresh installation answers REST and JSON-RPC with the same client', async () => {
  const api = await startTestApp();
  const created = await api.rest('POST', '/clients', { body: { kind: 'distributor', name: 'Northwind' } });
  assert.equal(created.status, 200);
  const viaRest = await api.rest('GET', `/clients/${created.body.id}`);
  const viaRpc = await api.rpc({ jsonrpc: '2.0', id: 7, method: 'clients.get', params: { id: created.body.id } });
  assert.deepEqual(viaRpc.body, { jsonrpc: '2.0', id: 7, result: viaRest.body });
  assert.equal(viaRest.body.name, 'Northwind');
});
