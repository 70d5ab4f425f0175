import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { test, type TestContext } from 'node:test';
import { sql } from 'drizzle-orm';
import { decodeProtectedHeader, SignJWT, UnsecuredJWT } from 'jose';
import { pino } from 'pino';
import { createApp } from '../../src/app.ts';
import { readConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/connection.ts';
import { credentialChanges } from '../../src/services/iam/credential-events.ts';
import { ADMIN_KEY, startTestApp, type HttpAnswer, type TestApp, type TestClock } from '../support/app.ts';
import { engine } from '../support/database.ts';

// Authentication on the native API: API keys (sl_live_, hashed, revocable, expiring, last use) and
// the deprecated JWTs (HS512 only, one hour, refresh, throttled logins).

const MASTER_KEY = Buffer.alloc(32, 5).toString('base64');
const PASSWORD = 'correct horse battery';
const HOUR = 3600;

const start = () => startTestApp({ env: { MASTER_KEY } });

async function keyFor(api: TestApp, fields: Record<string, unknown> = {}) {
  const user = await api.call('iam.users.create', { login: `user-${randomBytes(4).toString('hex')}`, password: PASSWORD });
  const created = await api.call('iam.api_keys.create', { users_id: user.id, ...fields });
  return { user, created, key: created.key as string };
}

const getUser = (api: TestApp, id: number, key: string) => api.rest('GET', `/iam/users/${id}`, { key });
const rpcGetUser = (api: TestApp, id: number, key: string) => api.rpc({ jsonrpc: '2.0', id: 1, method: 'iam.users.get', params: { id } }, { key });

/** Another Seatledger instance on the given database, on its own loopback port; closed when the test ends. */
async function startInstance(t: TestContext, db: Database, clock: TestClock) {
  const config = readConfig({ SEATLEDGER_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'silent', DEMO: '0', WORKERS: '0', MASTER_KEY });
  const app = await createApp(config, { logger: pino({ level: 'silent' }), now: clock.now, db });
  await app.server.app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => app.stop());
  const address = app.server.app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    async rest(path: string, key: string): Promise<HttpAnswer> {
      const response = await fetch(url + path, { headers: { 'X-Api-Key': key } });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined, text };
    },
  };
}

// --- API keys ---

test('a key is sl_live_ and 32 random bytes, and its display prefix is its first 12 characters', async () => {
  const api = await start();
  const { key, created } = await keyFor(api);
  assert.match(key, /^sl_live_[A-Za-z0-9_-]{43}$/);
  assert.equal(created.display_prefix, key.slice(0, 12));
});

test('the key is shown only in the create answer: search never shows it', async () => {
  const api = await start();
  const { key, created, user } = await keyFor(api);
  const viaRest = await api.rest('GET', `/iam/api-keys?users_id=${user.id}`);
  const viaRpc = await api.call('iam.api_keys.search', { users_id: user.id });
  assert.equal(viaRest.status, 200);
  assert.deepEqual(viaRest.body.items.map((item: { id: number }) => item.id), [created.id]);
  assert.equal(viaRest.body.items[0].key, undefined);
  assert.equal(viaRest.text.includes(key), false);
  assert.equal(JSON.stringify(viaRpc).includes(key), false);
});

test('the key is stored only as its SHA-256 hash: no row of api_keys holds the key text', async () => {
  const api = await start();
  const { key, created } = await keyFor(api);
  const { rows } = (await api.app.db.orm.execute(sql`SELECT * FROM api_keys`)) as unknown as { rows: Array<Record<string, unknown>> };
  assert.ok(rows.length >= 2);
  for (const row of rows) assert.equal(JSON.stringify(row).includes(key), false, `row ${row.id}`);
  const stored = rows.find((row) => Number(row.id) === created.id)!;
  assert.equal(stored.key_hash, createHash('sha256').update(key).digest('hex'));
});

test('an unknown sl_live_ key → 401 on REST and JSON-RPC', async () => {
  const api = await start();
  const unknown = `sl_live_${randomBytes(32).toString('base64url')}`;
  const viaRest = await api.rest('GET', '/clients', { key: unknown });
  const viaRpc = await api.rpc({ jsonrpc: '2.0', id: 1, method: 'clients.search', params: {} }, { key: unknown });
  assert.deepEqual([viaRest.status, viaRest.body], [401, { error: { code: -32005, message: 'Invalid API key' } }]);
  assert.deepEqual([viaRpc.status, viaRpc.body], [401, { jsonrpc: '2.0', id: 1, error: { code: -32005, message: 'Invalid API key' } }]);
});

test('a revoked key fails on its very next request, on REST and on JSON-RPC', async () => {
  const api = await start();
  const { key, created, user } = await keyFor(api);
  assert.equal((await getUser(api, user.id, key)).status, 200);
  assert.equal((await rpcGetUser(api, user.id, key)).body.result.id, user.id);
  assert.equal(await api.call('iam.api_keys.revoke', { id: created.id }), 1);
  const viaRest = await getUser(api, user.id, key);
  const viaRpc = await rpcGetUser(api, user.id, key);
  assert.deepEqual([viaRest.status, viaRest.body], [401, { error: { code: -32005, message: 'Invalid API key' } }]);
  assert.deepEqual([viaRpc.status, viaRpc.body], [401, { jsonrpc: '2.0', id: 1, error: { code: -32005, message: 'Invalid API key' } }]);
});

test('a key revoked on one instance fails on another that had it cached', { skip: engine !== 'postgres' && 'needs PostgreSQL' }, async (t) => {
  const api = await start();
  const inProcess = credentialChanges.listeners('change');
  const other = await startInstance(t, await api.database.openAnother(), api.clock);
  // NOTE: both instances run in this one process and would share its in-process announcement; the other
  // instance stops hearing it, so that only NOTIFY can tell it, as between two processes.
  for (const listener of credentialChanges.listeners('change')) if (!inProcess.includes(listener)) credentialChanges.off('change', listener as () => void);
  const { key, created, user } = await keyFor(api);
  assert.equal((await other.rest(`/iam/users/${user.id}`, key)).status, 200);
  assert.equal(await api.call('iam.api_keys.revoke', { id: created.id }), 1);
  // NOTE: the revocation reaches the other instance by NOTIFY, delivered asynchronously once the revoking
  // transaction commits; poll for at most 2 s. The test clock stands still, so the cache's own 60 s expiry
  // cannot be what refuses the key.
  let answer = await other.rest(`/iam/users/${user.id}`, key);
  for (const deadline = Date.now() + 2000; answer.status === 200 && Date.now() < deadline; ) {
    await sleep(25);
    answer = await other.rest(`/iam/users/${user.id}`, key);
  }
  assert.deepEqual([answer.status, answer.body], [401, { error: { code: -32005, message: 'Invalid API key' } }]);
});

test('a key made with expires_in 24h works until then and answers 401 from its expiry on', async () => {
  const api = await start();
  const { key, created, user } = await keyFor(api, { expires_in: '24h' });
  assert.equal(created.expires_at, '2026-03-11T12:00:00.000Z');
  api.clock.advance(24 * HOUR - 1);
  assert.equal((await getUser(api, user.id, key)).status, 200);
  api.clock.advance(1);
  const viaRest = await getUser(api, user.id, key);
  const viaRpc = await rpcGetUser(api, user.id, key);
  assert.deepEqual([viaRest.status, viaRest.body], [401, { error: { code: -32005, message: 'API key expired' } }]);
  assert.deepEqual([viaRpc.status, viaRpc.body], [401, { jsonrpc: '2.0', id: 1, error: { code: -32005, message: 'API key expired' } }]);
});

test('a key records its last use, written when the instance stops at the latest', async (t) => {
  const api = await start();
  const { key, created, user } = await keyFor(api);
  const lastUsed = async (search: (params: Record<string, unknown>) => Promise<any>) =>
    (await search({ users_id: user.id })).items.find((item: { id: number }) => item.id === created.id).last_used_at;
  assert.equal(await lastUsed((params) => api.call('iam.api_keys.search', params)), null);
  api.clock.set('2026-03-10T12:34:56Z');
  assert.equal((await getUser(api, user.id, key)).status, 200);
  api.clock.set('2026-03-10T13:00:00Z');
  await api.app.stop();
  const restarted = await startInstance(t, api.database.db, api.clock);
  const answer = await restarted.rest(`/iam/api-keys?users_id=${user.id}`, ADMIN_KEY);
  assert.equal(answer.body.items.find((item: { id: number }) => item.id === created.id).last_used_at, '2026-03-10T12:34:56.000Z');
});

// --- JWT ---

async function userWithPassword(api: TestApp, fields: Record<string, unknown> = {}) {
  return api.call('iam.users.create', { login: `jwt-${randomBytes(4).toString('hex')}`, password: PASSWORD, ...fields });
}

const authenticate = (api: TestApp, login: string, password: string) => api.rest('POST', '/iam/auth/jwt', { key: null, body: { login, password } });
const rpcAuthenticate = (api: TestApp, login: string, password: string) =>
  api.rpc({ jsonrpc: '2.0', id: 1, method: 'iam.auth.jwt.authenticate', params: { login, password } }, { key: null });
const bearer = (token: string) => ({ key: null, headers: { Authorization: `Bearer ${token}` } });

test('authenticate exchanges a login and password for an HS512 token that lives one hour', async () => {
  const api = await start();
  const user = await userWithPassword(api);
  const answer = await authenticate(api, user.login, PASSWORD);
  assert.equal(answer.status, 200);
  assert.deepEqual(Object.keys(answer.body).sort(), ['expires_at', 'token']);
  assert.equal(answer.body.expires_at, '2026-03-10T13:00:00.000Z');
  assert.equal(decodeProtectedHeader(answer.body.token).alg, 'HS512');
});

test('the token works as Authorization: Bearer on REST and JSON-RPC, as its user', async () => {
  const api = await start();
  const user = await userWithPassword(api);
  const { token } = (await authenticate(api, user.login, PASSWORD)).body;
  const viaRest = await api.rest('GET', `/iam/users/${user.id}`, bearer(token));
  const viaRpc = await api.rpc({ jsonrpc: '2.0', id: 1, method: 'iam.api_keys.create', params: {} }, bearer(token));
  assert.deepEqual([viaRest.status, viaRest.body.login], [200, user.login]);
  assert.equal(viaRpc.body.result.users_id, user.id);
});

test('a token carries its user’s reseller limit', async () => {
  const api = await start();
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  const msp = await api.call('clients.create', { kind: 'msp', name: 'Limited MSP', resellers_id: distributor.id });
  await api.call('clients.create', { kind: 'msp', name: 'Sibling MSP', resellers_id: distributor.id });
  const user = await userWithPassword(api, { resellers_id: msp.id });
  const { token } = (await authenticate(api, user.login, PASSWORD)).body;
  const seen = await api.rest('GET', '/clients', bearer(token));
  assert.deepEqual(seen.body.items.map((client: { name: string }) => client.name), ['Limited MSP']);
});

test('refresh answers a fresh token from now, which works', async () => {
  const api = await start();
  const user = await userWithPassword(api);
  const { token } = (await authenticate(api, user.login, PASSWORD)).body;
  api.clock.advance(45 * 60);
  const refreshed = await api.rest('POST', '/iam/auth/jwt/refresh', bearer(token));
  assert.equal(refreshed.status, 200);
  assert.equal(refreshed.body.expires_at, '2026-03-10T13:45:00.000Z');
  assert.notEqual(refreshed.body.token, token);
  api.clock.advance(30 * 60);
  assert.equal((await api.rest('GET', `/iam/users/${user.id}`, bearer(token))).status, 401);
  assert.equal((await api.rest('GET', `/iam/users/${user.id}`, bearer(refreshed.body.token))).status, 200);
});

async function jwtSecret(api: TestApp): Promise<Uint8Array> {
  const { rows } = (await api.app.db.orm.execute(sql`SELECT value FROM settings WHERE key = 'jwt_secret'`)) as unknown as { rows: Array<{ value: string }> };
  return Buffer.from(rows[0].value, 'base64');
}

/** A token shaped like the installation's own, signed as asked. */
function craft(usersId: number, now: Date, alg: 'HS512' | 'HS256', secret: Uint8Array): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({}).setProtectedHeader({ alg, typ: 'JWT' }).setSubject(String(usersId)).setIssuedAt(issuedAt).setExpirationTime(issuedAt + HOUR).setIssuer('seatledger').sign(secret);
}

test('a token crafted like the installation’s own, HS512 with its secret, is accepted', async () => {
  const api = await start();
  const user = await userWithPassword(api);
  const token = await craft(user.id, api.clock.now(), 'HS512', await jwtSecret(api));
  assert.equal((await api.rest('GET', `/iam/users/${user.id}`, bearer(token))).status, 200);
});

const refusedTokens: Array<[string, string, (api: TestApp, usersId: number) => Promise<string>]> = [
  ['signed HS256 with the installation’s secret', 'Invalid token', async (api, usersId) => craft(usersId, api.clock.now(), 'HS256', await jwtSecret(api))],
  [
    'alg none',
    'Invalid token',
    async (api, usersId) => {
      const issuedAt = Math.floor(api.clock.now().getTime() / 1000);
      return new UnsecuredJWT({}).setSubject(String(usersId)).setIssuedAt(issuedAt).setExpirationTime(issuedAt + HOUR).setIssuer('seatledger').encode();
    },
  ],
  [
    'expired (the clock moved past its hour)',
    'Token expired',
    async (api, usersId) => {
      const token = await craft(usersId, api.clock.now(), 'HS512', await jwtSecret(api));
      api.clock.advance(HOUR + 1);
      return token;
    },
  ],
  [
    'with a tampered signature',
    'Invalid token',
    async (api, usersId) => {
      const [header, payload, signature] = (await craft(usersId, api.clock.now(), 'HS512', await jwtSecret(api))).split('.');
      const bytes = Buffer.from(signature, 'base64url');
      bytes[0] ^= 0x01;
      return [header, payload, bytes.toString('base64url')].join('.');
    },
  ],
  ['signed with another secret', 'Invalid token', async (api, usersId) => craft(usersId, api.clock.now(), 'HS512', randomBytes(64))],
];

for (const [name, message, make] of refusedTokens) {
  test(`a token ${name} → REST 401 and JSON-RPC error -32005`, async () => {
    const api = await start();
    const user = await userWithPassword(api);
    const token = await make(api, user.id);
    const viaRest = await api.rest('GET', `/iam/users/${user.id}`, bearer(token));
    const viaRpc = await api.rpc({ jsonrpc: '2.0', id: 1, method: 'iam.users.get', params: { id: user.id } }, bearer(token));
    assert.deepEqual([viaRest.status, viaRest.body], [401, { error: { code: -32005, message } }]);
    assert.deepEqual(viaRpc.body, { jsonrpc: '2.0', id: 1, error: { code: -32005, message } });
  });
}

test('a wrong password → REST 401 and JSON-RPC -32005', async () => {
  const api = await start();
  const user = await userWithPassword(api);
  const viaRest = await authenticate(api, user.login, 'not the password');
  const viaRpc = await rpcAuthenticate(api, user.login, 'not the password');
  const refusal = { code: -32005, message: 'Invalid login or password' };
  assert.deepEqual([viaRest.status, viaRest.body], [401, { error: refusal }]);
  assert.deepEqual([viaRpc.status, viaRpc.body], [401, { jsonrpc: '2.0', id: 1, error: refusal }]);
});

test('an unknown login answers exactly as a wrong password', async () => {
  const api = await start();
  const answer = await authenticate(api, 'nobody-here', PASSWORD);
  assert.deepEqual([answer.status, answer.body], [401, { error: { code: -32005, message: 'Invalid login or password' } }]);
});

test('after 5 failed logins the 6th attempt, even with the right password, gets 429 with Retry-After', async () => {
  const api = await start();
  const user = await userWithPassword(api);
  for (let attempt = 1; attempt <= 5; attempt++) assert.equal((await authenticate(api, user.login, `wrong ${attempt}`)).status, 401);
  const locked = await authenticate(api, user.login, PASSWORD);
  const lockedRpc = await rpcAuthenticate(api, user.login, PASSWORD);
  const refusal = { code: -32029, message: 'Too many failed logins; try again later', data: { retry_after: 30 } };
  assert.deepEqual([locked.status, locked.headers.get('retry-after'), locked.body], [429, '30', { error: refusal }]);
  assert.deepEqual(lockedRpc.body, { jsonrpc: '2.0', id: 1, error: refusal });
});

test('once the lock has passed the right password works again', async () => {
  const api = await start();
  const user = await userWithPassword(api);
  for (let attempt = 1; attempt <= 5; attempt++) await authenticate(api, user.login, `wrong ${attempt}`);
  api.clock.advance(29);
  assert.equal((await authenticate(api, user.login, PASSWORD)).status, 429);
  api.clock.advance(1);
  const answer = await authenticate(api, user.login, PASSWORD);
  assert.equal(answer.status, 200);
  assert.equal(answer.body.expires_at, '2026-03-10T13:00:30.000Z');
});
