import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Settings } from 'luxon';
import { z } from 'zod';
import { AppError, type ErrorKind } from '../../src/api/errors.ts';
import { defineMethod } from '../../src/api/registry.ts';
import { ADMIN_KEY, startTestApp, type TestApp } from '../support/app.ts';

/** Fails with the kind asked for, so each row of the native error table can be seen on the wire. */
const failWith = defineMethod({
  name: 'examples.fail',
  summary: 'Fails with the given kind',
  rest: { method: 'POST', path: '/examples/fail' },
  auth: 'user',
  input: z.object({ kind: z.enum(['invalid', 'unauthorized', 'not_found', 'conflict', 'unprocessable', 'rate_limited']) }),
  output: z.number(),
  run: async (_ctx, input) => {
    throw new AppError(input.kind, `failed as ${input.kind}`, { name: 'ExampleFailure' });
  },
});

let api: TestApp;
before(async () => {
  api = await startTestApp({ extraMethods: [failWith] });
});

const createClient = async (fields: Record<string, unknown> = {}) => {
  const answer = await api.rest('POST', '/clients', { body: { kind: 'distributor', name: 'Northwind', ...fields } });
  assert.equal(answer.status, 200, answer.text);
  return answer.body as { id: number; created_at: string };
};

// REST errors

const nativeTable: Array<[Exclude<ErrorKind, 'internal'>, number, number]> = [
  ['invalid', 400, -32602],
  ['unauthorized', 401, -32005],
  ['not_found', 404, -32004],
  ['conflict', 409, -32009],
  ['unprocessable', 422, -32022],
  ['rate_limited', 429, -32029],
];
for (const [kind, status, code] of nativeTable) {
  test(`the ${kind} kind answers REST ${status} and JSON-RPC ${code} with the same message and data`, async () => {
    const viaRest = await api.rest('POST', '/examples/fail', { body: { kind } });
    const viaRpc = await api.rpc({ jsonrpc: '2.0', id: 1, method: 'examples.fail', params: { kind } });
    const error = { code, message: `failed as ${kind}`, data: { name: 'ExampleFailure' } };
    assert.equal(viaRest.status, status);
    assert.deepEqual(viaRest.body, { error });
    assert.deepEqual(viaRpc.body, { jsonrpc: '2.0', id: 1, error });
  });
}

test('REST invalid input → 400 with the issues in data', async () => {
  const answer = await api.rest('POST', '/clients', { body: { kind: 'reseller', name: 'Northwind' } });
  assert.equal(answer.status, 400);
  assert.deepEqual(answer.body, {
    error: {
      code: -32602,
      message: 'Invalid params: kind: Invalid option: expected one of "distributor"|"msp"|"company"',
      data: { issues: [{ path: 'kind', message: 'Invalid option: expected one of "distributor"|"msp"|"company"' }] },
    },
  });
});

test('an id, integer or decimal of the wrong type is named in words, on REST and JSON-RPC alike', async () => {
  const client = await createClient();
  const rest = await api.rest('GET', '/clients/forty-two');
  assert.deepEqual([rest.status, rest.body], [400, { error: { code: -32602, message: 'Invalid params: id: a positive integer id', data: { issues: [{ path: 'id', message: 'a positive integer id' }] } } }]);
  const rpc = await api.rpc({ jsonrpc: '2.0', id: 1, method: 'clients.get', params: { id: 'forty-two' } });
  assert.deepEqual(rpc.body.error, { code: -32602, message: 'Invalid params: id: a positive integer id', data: { issues: [{ path: 'id', message: 'a positive integer id' }] } });
  const paging = await api.rest('GET', '/clients?limit=many');
  assert.deepEqual(paging.body.error.data.issues, [{ path: 'limit', message: 'an integer' }]);
  const credit = await api.rest('PATCH', `/clients/${client.id}`, { body: { credit: true } });
  assert.deepEqual(credit.body.error.data.issues, [{ path: 'credit', message: 'a decimal number' }]);
});

test('REST without a key → 401', async () => {
  const answer = await api.rest('GET', '/clients', { key: null });
  assert.equal(answer.status, 401);
  assert.deepEqual(answer.body, { error: { code: -32005, message: 'Not authorized' } });
});

test('REST get of a missing client → 404', async () => {
  const answer = await api.rest('GET', '/clients/999999');
  assert.equal(answer.status, 404);
  assert.deepEqual(answer.body, { error: { code: -32004, message: 'Client 999999 not found' } });
});

test('REST create with a taken external id → 409', async () => {
  await createClient({ sfdc_account_id: '001-DUPLICATE' });
  const answer = await api.rest('POST', '/clients', { body: { kind: 'distributor', name: 'Other', sfdc_account_id: '001-DUPLICATE' } });
  assert.equal(answer.status, 409);
  assert.deepEqual(answer.body, {
    error: {
      code: -32009,
      message: 'A client with this external id already exists',
      data: { fields: ['sfdc_account_id', 'vendor_internal_id'] },
    },
  });
});

test('REST prepaid charge beyond balance and credit → 422 LowBalanceError', async () => {
  const client = await createClient({ credit: '10' });
  const answer = await api.rest('POST', '/accounting/transactions/prepaid', { body: { clients_id: client.id, amount: '-25' } });
  assert.equal(answer.status, 422);
  assert.deepEqual(answer.body, {
    error: {
      code: -32022,
      message: 'Balance 0.00 plus credit 10.00 does not cover 25.00',
      data: { name: 'LowBalanceError', balance: '0.00', credit: '10.00', required: '25.00' },
    },
  });
});

test('an unknown route → 404 in the REST error shape', async () => {
  const answer = await api.rest('GET', '/nothing/here?x=1');
  assert.equal(answer.status, 404);
  assert.deepEqual(answer.body, { error: { code: -32601, message: 'No route GET /nothing/here' } });
});

test('a REST body that is not JSON → 400', async () => {
  const answer = await api.rest('POST', '/clients', { body: '{"kind": "distributor", "name": ' });
  assert.equal(answer.status, 400);
  assert.deepEqual(answer.body, { error: { code: -32602, message: 'The body is not valid JSON' } });
});

// The CoreAPI seed's curl examples, sent as curl sends them

test('curl -X GET /clients/42 with only X-Api-Key answers the client', async () => {
  const client = await createClient();
  const response = await fetch(`${api.url}/clients/${client.id}`, { method: 'GET', headers: { 'X-Api-Key': ADMIN_KEY } });
  assert.equal(response.status, 200);
  assert.equal((await response.json()).id, client.id);
});

test('curl -X PATCH -d \'{"credit": 1000}\' (form content type) sets the credit', async () => {
  const client = await createClient();
  const response = await fetch(`${api.url}/clients/${client.id}`, {
    method: 'PATCH',
    headers: { 'X-Api-Key': ADMIN_KEY, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: '{"credit": 1000}',
  });
  assert.equal(response.status, 200);
  assert.equal(await response.text(), '1');
  assert.equal((await api.call('clients.get', { id: client.id })).credit, '1000.00');
});

test('curl -X POST / -d clients.get (form content type) answers the JSON-RPC result', async () => {
  const client = await createClient();
  const response = await fetch(`${api.url}`, {
    method: 'POST',
    headers: { 'X-Api-Key': ADMIN_KEY, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `{"jsonrpc": "2.0", "id": 1, "method": "clients.get", "params": {"id": ${client.id}}}`,
  });
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.deepEqual([body.jsonrpc, body.id, body.result.id], ['2.0', 1, client.id]);
});

test('curl -X POST / -d clients.update (form content type) sets the credit', async () => {
  const client = await createClient();
  const response = await fetch(`${api.url}`, {
    method: 'POST',
    headers: { 'X-Api-Key': ADMIN_KEY, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `{"jsonrpc": "2.0", "id": 1, "method": "clients.update", "params": {"id": ${client.id}, "credit": 1000}}`,
  });
  assert.deepEqual(await response.json(), { jsonrpc: '2.0', id: 1, result: 1 });
  assert.equal((await api.call('clients.get', { id: client.id })).credit, '1000.00');
});

test('POST / without a content type is read as JSON-RPC', async () => {
  const client = await createClient();
  // A byte body makes fetch send no Content-Type at all.
  const body = new TextEncoder().encode(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'clients.get', params: { id: client.id } }));
  const response = await fetch(`${api.url}/`, { method: 'POST', headers: { 'X-Api-Key': ADMIN_KEY }, body });
  assert.equal(response.status, 200);
  assert.equal((await response.json()).result.id, client.id);
});

// Both mounts

test('every registry method answers the same under /api/ as at /', async () => {
  for (const method of api.app.registry.all()) {
    const path = method.rest.path.replace(/:\w+/g, '1');
    const atRoot = await api.rest(method.rest.method, path, { key: null, body: method.rest.method === 'GET' ? undefined : {} });
    const underApi = await api.rest(method.rest.method, `/api${path}`, { key: null, body: method.rest.method === 'GET' ? undefined : {} });
    assert.notEqual(atRoot.status, 404, `${method.name} at ${path}`);
    assert.deepEqual([underApi.status, underApi.body], [atRoot.status, atRoot.body], `${method.name} under /api${path}`);
  }
});

test('a REST call under /api/ reads the same client as at /', async () => {
  const client = await createClient();
  const atRoot = await api.rest('GET', `/clients/${client.id}`);
  const underApi = await api.rest('GET', `/api/clients/${client.id}`);
  assert.equal(underApi.status, 200);
  assert.deepEqual(underApi.body, atRoot.body);
});

test('JSON-RPC at POST /api/ answers as at POST /', async () => {
  const client = await createClient();
  const call = { jsonrpc: '2.0', id: 3, method: 'clients.get', params: { id: client.id } };
  const atRoot = await api.rpc(call);
  const underApi = await api.rpc(call, { path: '/api/' });
  assert.equal(underApi.status, 200);
  assert.deepEqual(underApi.body, atRoot.body);
  assert.equal(underApi.body.result.id, client.id);
});

// OpenAPI and docs

test('GET /openapi.json is OpenAPI 3.1 with one operation per registry method, named after it', async () => {
  const answer = await api.rest('GET', '/openapi.json', { key: null });
  assert.equal(answer.status, 200);
  assert.match(answer.body.openapi, /^3\.1\./);
  for (const method of api.app.registry.all()) {
    const path = method.rest.path.replace(/:(\w+)/g, '{$1}');
    assert.equal(answer.body.paths[path]?.[method.rest.method.toLowerCase()]?.operationId, method.name, `${method.rest.method} ${path}`);
  }
});

test('GET /docs answers the interactive page as HTML', async () => {
  const response = await fetch(`${api.url}/docs`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(await response.text(), /<html/i);
});

// Time zones

test('without __tz, datetimes come out in UTC', async () => {
  const client = await createClient();
  const answer = await api.rest('GET', `/clients/${client.id}`);
  assert.equal(answer.body.created_at, '2026-03-10T12:00:00.000Z');
});

test('REST __tz in the query string writes datetimes in that zone with its offset', async () => {
  const client = await createClient();
  const answer = await api.rest('GET', `/clients/${client.id}?__tz=America/New_York`);
  assert.equal(answer.status, 200);
  assert.equal(answer.body.created_at, '2026-03-10T08:00:00.000-04:00');
});

test('REST __tz in the JSON body writes datetimes in that zone with its offset', async () => {
  const answer = await api.rest('POST', '/clients', { body: { kind: 'distributor', name: 'Fabrikam', __tz: 'Asia/Kolkata' } });
  assert.equal(answer.status, 200);
  assert.equal(answer.body.created_at, '2026-03-10T17:30:00.000+05:30');
});

test('JSON-RPC __tz in params writes datetimes in that zone with its offset', async () => {
  const client = await createClient();
  const result = await api.call('clients.get', { id: client.id, __tz: 'America/New_York' });
  assert.equal(result.created_at, '2026-03-10T08:00:00.000-04:00');
});

test('an incoming datetime without offset is read in __tz, a DST gap resolving forward', async () => {
  const created = await api.call('accounting.currencies.rates.create', {
    from: 'USD',
    to: 'NZD',
    rate: '1.7',
    effective_at: '2026-03-08 02:30:00',
    __tz: 'America/New_York',
  });
  // 02:30 does not exist in New York that night; luxon moves it to 03:30 EDT.
  assert.equal(created.effective_at, '2026-03-08T03:30:00.000-04:00');
  const rate = await api.call('accounting.currencies.get_rate', { from: 'USD', to: 'NZD', date: '2026-03-08T07:30:00Z' });
  assert.equal(rate.effective_at, '2026-03-08T07:30:00.000Z');
  const before = await api.rest('GET', '/accounting/currencies/exchange-rate?from=USD&to=NZD&date=2026-03-08T07:29:59Z');
  assert.equal(before.status, 404);
});

for (const [season, processStartedAt] of [['summer', '2026-07-01T00:00:00Z'], ['winter', '2026-12-01T00:00:00Z']]) {
  test(`an incoming datetime in a DST overlap is read at the earlier instant (process started in ${season})`, async () => {
    // luxon guesses an offset from the first time it meets a zone; pretend that was in this season.
    const realNow = Settings.now;
    Settings.now = () => Date.parse(processStartedAt);
    Settings.resetCaches();
    try {
      const created = await api.call('accounting.currencies.rates.create', {
        from: 'CAD',
        to: season === 'summer' ? 'AUD' : 'NZD',
        rate: '1.1',
        effective_at: '2026-11-01 01:30:00',
        __tz: 'America/New_York',
      });
      // 01:30 happens twice in New York that night: first in EDT, then in EST.
      assert.equal(created.effective_at, '2026-11-01T01:30:00.000-04:00');
    } finally {
      Settings.now = realNow;
      Settings.resetCaches();
    }
  });
}

test('an incoming datetime with an offset ignores __tz', async () => {
  await api.call('accounting.currencies.rates.create', {
    from: 'USD',
    to: 'CHF',
    rate: '0.88',
    effective_at: '2026-03-08T02:30:00+01:00',
    __tz: 'America/New_York',
  });
  const rate = await api.call('accounting.currencies.get_rate', { from: 'USD', to: 'CHF', date: '2026-03-08T01:30:00Z' });
  assert.equal(rate.effective_at, '2026-03-08T01:30:00.000Z');
});

test('REST query datetimes without offset are read in __tz too', async () => {
  await api.call('accounting.currencies.rates.create', { from: 'USD', to: 'SEK', rate: '10.5', effective_at: '2026-03-09T12:00:00Z' });
  // 07:59 in New York is 11:59Z, before the rate; 08:00 is exactly when it takes effect.
  const early = await api.rest('GET', '/accounting/currencies/exchange-rate?from=USD&to=SEK&date=2026-03-09T07:59:00&__tz=America/New_York');
  const onTime = await api.rest('GET', '/accounting/currencies/exchange-rate?from=USD&to=SEK&date=2026-03-09T08:00:00&__tz=America/New_York');
  assert.equal(early.status, 404);
  assert.equal(onTime.status, 200);
  assert.equal(onTime.body.effective_at, '2026-03-09T08:00:00.000-04:00');
});

test("the user's own time zone is the default, and __tz overrides it", async () => {
  const client = await createClient();
  const user = await api.call('iam.users.create', { login: 'tokyo-desk', time_zone: 'Asia/Tokyo' });
  const { key } = await api.call('iam.api_keys.create', { users_id: user.id });
  const inUserZone = await api.rest('GET', `/clients/${client.id}`, { key });
  const overridden = await api.rest('GET', `/clients/${client.id}?__tz=Europe/Berlin`, { key });
  assert.equal(inUserZone.body.created_at, '2026-03-10T21:00:00.000+09:00');
  assert.equal(overridden.body.created_at, '2026-03-10T13:00:00.000+01:00');
});

test('an unknown zone in the REST query → 400', async () => {
  const answer = await api.rest('GET', '/clients?__tz=Mars/Olympus_Mons');
  assert.equal(answer.status, 400);
  assert.deepEqual(answer.body, {
    error: {
      code: -32602,
      message: 'Unknown time zone "Mars/Olympus_Mons" in __tz',
      data: { issues: [{ path: '__tz', message: 'an IANA time zone' }] },
    },
  });
});

test('an unknown zone in JSON-RPC params → -32602', async () => {
  const answer = await api.rpc({ jsonrpc: '2.0', id: 4, method: 'clients.search', params: { __tz: 'Mars/Olympus_Mons' } });
  assert.deepEqual(answer.body, {
    jsonrpc: '2.0',
    id: 4,
    error: {
      code: -32602,
      message: 'Unknown time zone "Mars/Olympus_Mons" in __tz',
      data: { issues: [{ path: '__tz', message: 'an IANA time zone' }] },
    },
  });
});

// Operations

test('GET /healthz answers ok', async () => {
  const answer = await api.rest('GET', '/healthz', { key: null });
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body, { status: 'ok' });
});

test('GET /metrics answers Prometheus text with the request duration histogram', async () => {
  await api.rest('GET', '/healthz', { key: null });
  const answer = await api.rest('GET', '/metrics', { key: null });
  assert.equal(answer.status, 200);
  assert.match(answer.headers.get('content-type') ?? '', /^text\/plain/);
  assert.match(answer.text, /^# TYPE seatledger_http_request_duration_seconds histogram$/m);
  assert.match(answer.text, /^seatledger_http_request_duration_seconds_count\{[^}]*route="\/healthz"[^}]*\} \d+$/m);
});

test('REST beyond the rate limit → 429 with Retry-After and code -32029', async () => {
  const limited = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
  for (let call = 1; call <= 3; call++) assert.equal((await limited.rest('GET', '/clients')).status, 200);
  const refused = await limited.rest('GET', '/clients');
  assert.equal(refused.status, 429);
  const retryAfter = refused.headers.get('retry-after') ?? '';
  assert.match(retryAfter, /^[1-9]\d*$/);
  assert.deepEqual(refused.body, {
    error: { code: -32029, message: 'Rate limit exceeded: 3 requests per minute', data: { retry_after: Number(retryAfter) } },
  });
});

test('JSON-RPC beyond the rate limit → 429 with Retry-After and a JSON-RPC error -32029', async () => {
  const limited = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
  const call = { jsonrpc: '2.0', id: 5, method: 'clients.search', params: {} };
  for (let attempt = 1; attempt <= 3; attempt++) assert.equal((await limited.rpc(call)).status, 200);
  const refused = await limited.rpc(call);
  assert.equal(refused.status, 429);
  const retryAfter = refused.headers.get('retry-after') ?? '';
  assert.match(retryAfter, /^[1-9]\d*$/);
  // The limit is checked before the body is read, so the call's id is not known yet.
  assert.deepEqual(refused.body, {
    jsonrpc: '2.0',
    id: null,
    error: { code: -32029, message: 'Rate limit exceeded: 3 requests per minute', data: { retry_after: Number(retryAfter) } },
  });
});

test('made-up keys share their address’s allowance instead of each getting a fresh one', async () => {
  const limited = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
  const statuses = [];
  for (let attempt = 1; attempt <= 4; attempt++) {
    statuses.push((await limited.rest('GET', '/clients', { key: `sl_live_made-up-${attempt}` })).status);
  }
  assert.deepEqual(statuses, [401, 401, 401, 429]);
  // A real key has its own allowance.
  assert.equal((await limited.rest('GET', '/clients')).status, 200);
});
