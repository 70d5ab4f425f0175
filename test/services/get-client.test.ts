import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestApp } from '../support/app.ts';

test('a user limited to an MSP reads clients of its subtree, and a sibling MSP’s client answers exactly as a missing one', async () => {
  const api = await startTestApp();
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  const msp = await api.call('clients.create', { kind: 'msp', name: 'Contoso IT', resellers_id: distributor.id, currency: 'EUR' });
  const company = await api.call('clients.create', { kind: 'company', name: 'Fabrikam', resellers_id: msp.id });
  const sibling = await api.call('clients.create', { kind: 'msp', name: 'Litware', resellers_id: distributor.id });
  const user = await api.call('iam.users.create', { login: 'contoso-desk', resellers_id: msp.id });
  const { key } = await api.call('iam.api_keys.create', { users_id: user.id });

  const own = await api.rest('GET', `/clients/${company.id}`, { key });
  const self = await api.rest('GET', `/clients/${msp.id}`, { key });
  const outside = await api.rest('GET', `/clients/${sibling.id}`, { key });
  const missing = await api.rest('GET', '/clients/999999', { key });

  assert.deepEqual([own.status, own.body.name, own.body.currency], [200, 'Fabrikam', 'EUR']);
  assert.deepEqual([self.status, self.body.name, self.body.currency], [200, 'Contoso IT', 'EUR']);
  assert.deepEqual(
    { status: outside.status, body: outside.body },
    { status: 404, body: { error: { ...missing.body.error, message: `Client ${sibling.id} not found` } } },
  );
  assert.equal(missing.status, 404);
  assert.equal((await api.rest('GET', `/clients/${sibling.id}`)).body.name, 'Litware', 'the unlimited admin still sees it');
});

test('a deleted client is not found, and a client in another currency shows its own', async () => {
  const api = await startTestApp();
  const usd = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  const gbp = await api.call('clients.create', { kind: 'distributor', name: 'Tailspin', currency: 'GBP' });
  await api.call('clients.delete', { id: usd.id });

  const deleted = await api.rest('GET', `/clients/${usd.id}`);
  const other = await api.rest('GET', `/clients/${gbp.id}`);

  assert.deepEqual({ status: deleted.status, message: deleted.body.error.message }, { status: 404, message: `Client ${usd.id} not found` });
  assert.deepEqual([other.status, other.body.currency], [200, 'GBP']);
});
