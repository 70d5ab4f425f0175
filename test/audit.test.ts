import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';

/** A user (limited to `resellers_id` when given) and a fresh key of its own. */
async function userWithKey(api: TestApp, login: string, resellers_id?: number) {
  const user = await api.call('iam.users.create', { login, ...(resellers_id && { resellers_id }) });
  const key = await api.call('iam.api_keys.create', { users_id: user.id });
  return { user, keyId: key.id as number, key: key.key as string };
}

/**
 * Northwind (distributor) with two MSPs, each with one managed company:
 * Contoso IT → Fabrikam, and Litware → Tailspin.
 */
async function twoSubtrees(api: TestApp) {
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  const contoso = await api.call('clients.create', { kind: 'msp', name: 'Contoso IT', resellers_id: distributor.id, tax_rate: '0' });
  const fabrikam = await api.call('clients.create', { kind: 'company', name: 'Fabrikam', resellers_id: contoso.id, tax_rate: '0' });
  const litware = await api.call('clients.create', { kind: 'msp', name: 'Litware', resellers_id: distributor.id, tax_rate: '0' });
  const tailspin = await api.call('clients.create', { kind: 'company', name: 'Tailspin', resellers_id: litware.id, tax_rate: '0' });
  return { distributor, contoso, fabrikam, litware, tailspin };
}

const entries = async (api: TestApp, query = '', key?: string) => (await api.rest('GET', `/audit${query}`, { key })).body;
const what = (items: Array<{ entity: string; entity_id: string | null; action: string }>) => items.map((item) => `${item.action} ${item.entity} ${item.entity_id}`);

test('a REST write records who, through which face and method, what and when', async () => {
  const api = await startTestApp();
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  const ops = await userWithKey(api, 'ops');
  api.clock.set('2026-03-11T09:30:00Z');
  const created = await api.rest('POST', '/clients', { key: ops.key, body: { kind: 'msp', name: 'Contoso IT', resellers_id: distributor.id } });
  assert.equal(created.status, 200);
  const [latest] = (await entries(api, '?limit=1')).items;
  assert.deepEqual(latest, {
    id: latest.id,
    at: '2026-03-11T09:30:00.000Z',
    users_id: ops.user.id,
    api_keys_id: ops.keyId,
    face: 'rest',
    method: 'clients.create',
    action: 'create',
    entity: 'client',
    entity_id: String(created.body.id),
    data: { kind: 'msp', name: 'Contoso IT' },
  });
});

test('a JSON-RPC write records the json-rpc face and the method name called', async () => {
  const api = await startTestApp();
  const { contoso } = await twoSubtrees(api);
  api.clock.advance(90);
  await api.call('clients.update', { id: contoso.id, credit: '250' });
  const [latest] = (await entries(api, '?limit=1')).items;
  assert.deepEqual(
    { at: latest.at, users_id: latest.users_id, face: latest.face, method: latest.method, what: what([latest]), data: latest.data },
    { at: '2026-03-10T12:01:30.000Z', users_id: 1, face: 'json-rpc', method: 'clients.update', what: [`update client ${contoso.id}`], data: { credit: '250' } },
  );
});

test('a money movement is audited with its client, total and the balance after', async () => {
  const api = await startTestApp();
  const { fabrikam } = await twoSubtrees(api);
  const posted = await api.rest('POST', '/accounting/transactions/prepaid', { body: { clients_id: fabrikam.id, amount: '40.00' } });
  const [latest] = (await entries(api, '?entity=transaction')).items;
  assert.deepEqual(
    { face: latest.face, method: latest.method, what: what([latest]), data: latest.data },
    {
      face: 'rest',
      method: 'accounting.transactions.create_no_negative',
      what: [`create transaction ${posted.body.id}`],
      data: { clients_id: fabrikam.id, kind: 'prepaid', total: '40.00', balance_after: '40.00' },
    },
  );
});

test('audit.search lists newest first, with the datetimes in the zone asked', async () => {
  const api = await startTestApp();
  await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  api.clock.advance(60);
  await api.call('clients.create', { kind: 'distributor', name: 'Adatum' });
  const listed = await entries(api, '?__tz=America/New_York');
  assert.equal(listed.total, 2);
  assert.deepEqual(
    listed.items.map((item: { at: string; data: { name: string } }) => [item.at, item.data.name]),
    [
      ['2026-03-10T08:01:00.000-04:00', 'Adatum'],
      ['2026-03-10T08:00:00.000-04:00', 'Northwind'],
    ],
  );
});

test('audit.search narrows by entity, entity_id, users_id, action, face and time', async () => {
  const api = await startTestApp();
  const { contoso } = await twoSubtrees(api); // 12:00, json-rpc, admin
  const ops = await userWithKey(api, 'ops'); // user and key created at 12:00
  api.clock.set('2026-03-10T13:00:00Z');
  await api.rest('PATCH', `/clients/${contoso.id}`, { key: ops.key, body: { credit: '10' } });
  api.clock.set('2026-03-10T14:00:00Z');
  await api.rest('POST', `/clients/${contoso.id}/archive`);
  const total = async (query: string) => (await entries(api, query)).total;
  assert.equal(await total(''), 9);
  assert.equal(await total('?entity=client'), 7);
  assert.deepEqual(what((await entries(api, `?entity=client&entity_id=${contoso.id}`)).items), [
    `archive client ${contoso.id}`,
    `update client ${contoso.id}`,
    `create client ${contoso.id}`,
  ]);
  assert.deepEqual(what((await entries(api, `?users_id=${ops.user.id}`)).items), [`update client ${contoso.id}`]);
  assert.deepEqual(what((await entries(api, '?action=archive')).items), [`archive client ${contoso.id}`]);
  assert.equal(await total('?face=rest'), 2);
  assert.equal(await total('?face=json-rpc'), 7);
  assert.deepEqual(what((await entries(api, '?from=2026-03-10T13:00:00Z&to=2026-03-10T14:00:00Z')).items), [`update client ${contoso.id}`]);
  const viaRpc = await api.call('audit.search', { entity: 'client', action: 'update' });
  assert.deepEqual(viaRpc, await entries(api, '?entity=client&action=update'));
});

test('a user limited to an MSP sees only the entries of its subtree', async () => {
  const api = await startTestApp();
  const { contoso, fabrikam, tailspin } = await twoSubtrees(api);
  await api.call('accounting.currencies.rates.create', { from: 'EUR', to: 'USD', rate: '1.085' });
  const limited = await userWithKey(api, 'contoso-ops', contoso.id);
  await api.call('accounting.transactions.create', { clients_id: tailspin.id, amount: '-5.00' });
  const own = await api.rest('POST', '/accounting/transactions', { key: limited.key, body: { clients_id: fabrikam.id, amount: '-7.00' } });
  const seen = await entries(api, '', limited.key);
  assert.deepEqual(what(seen.items), [
    `create transaction ${own.body.id}`,
    `create api_key ${limited.keyId}`,
    `create user ${limited.user.id}`,
    `create client ${fabrikam.id}`,
    `create client ${contoso.id}`,
  ]);
  assert.equal(seen.total, 5);
  const outside = await entries(api, `?entity=client&entity_id=${tailspin.id}`, limited.key);
  assert.deepEqual(outside, { items: [], total: 0 });
});

test('a limited user sees the revocation of a key in its own subtree', async () => {
  const api = await startTestApp();
  const { contoso } = await twoSubtrees(api);
  const limited = await userWithKey(api, 'contoso-ops', contoso.id);
  const spare = await api.call('iam.api_keys.create', {}, limited.key);
  const revoked = await api.rest('POST', `/iam/api-keys/${spare.id}/revoke`, { key: limited.key });
  assert.equal(revoked.status, 200);
  const seen = await entries(api, `?entity=api_key&entity_id=${spare.id}`, limited.key);
  assert.deepEqual(what(seen.items), [`revoke api_key ${spare.id}`, `create api_key ${spare.id}`]);
  assert.deepEqual({ users_id: seen.items[0].users_id, api_keys_id: seen.items[0].api_keys_id }, { users_id: limited.user.id, api_keys_id: limited.keyId });
});

test('a failed write leaves no audit row', async () => {
  const api = await startTestApp();
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  await api.call('clients.create', { kind: 'msp', name: 'Contoso IT', resellers_id: distributor.id, sfdc_account_id: '001-CONTOSO' });
  const before = await entries(api);
  const duplicate = await api.rest('POST', '/clients', { body: { kind: 'msp', name: 'Contoso again', resellers_id: distributor.id, sfdc_account_id: '001-CONTOSO' } });
  assert.equal(duplicate.status, 409);
  const refused = await api.rest('POST', '/accounting/transactions/prepaid', { body: { clients_id: distributor.id, amount: '-1.00' } });
  assert.equal(refused.status, 422);
  assert.deepEqual(await entries(api), before);
});

test('a write replayed for its Idempotency-Key is audited once', async () => {
  const api = await startTestApp();
  const send = () => api.rest('POST', '/clients', { body: { kind: 'distributor', name: 'Northwind' }, headers: { 'Idempotency-Key': 'new-distributor' } });
  const first = await send();
  await send();
  assert.deepEqual(what((await entries(api)).items), [`create client ${first.body.id}`]);
});
