import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { createApp } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { queryRows } from '../src/db/connection.ts';
import { resolveMasterKey } from '../src/services/iam/master-key.ts';
import { ADMIN_KEY } from './support/app.ts';
import { createTestDatabase } from './support/database.ts';
import { startVendorApp, TEST_MASTER_KEY, vendorRequest, VENDOR } from './faces/keeper-vendor-support.ts';

// iam.vendor_credentials.*: the distributors' credentials for the account-management face.

test('create answers the secret once (64 random bytes, base64url); search never shows it', async () => {
  const { api, distributorId, credential } = await startVendorApp();
  assert.match(credential.consumer_key, /^ck_[A-Za-z0-9_-]{32}$/);
  assert.match(credential.secret, /^[A-Za-z0-9_-]+$/);
  assert.equal(Buffer.from(credential.secret, 'base64url').length, 64);
  const listed = await api.call('iam.vendor_credentials.search', { distributors_id: distributorId });
  assert.equal(listed.total, 1);
  assert.deepEqual(Object.keys(listed.items[0]).sort(), ['consumer_key', 'created_at', 'distributors_id', 'id', 'revoked_at', 'rotated_at', 'status', 'users_id', 'vendor']);
  assert.equal(JSON.stringify(listed).includes(credential.secret), false);
});

test('the secret is stored sealed with AES-256-GCM, never in clear', async () => {
  const { api, credential } = await startVendorApp();
  const rows = await queryRows<Record<string, unknown>>(api.app.db.orm, sql`SELECT * FROM vendor_credentials`);
  assert.equal(JSON.stringify(rows).includes(credential.secret), false);
  assert.match(String(rows[0].secret_sealed), /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
});

test('rotate keeps the consumer key and replaces the secret: tokens signed with the old one are refused', async () => {
  const setup = await startVendorApp();
  const rotated = await setup.api.call('iam.vendor_credentials.rotate', { id: setup.credential.id });
  assert.equal(rotated.consumer_key, setup.credential.consumer_key);
  assert.notEqual(rotated.secret, setup.credential.secret);
  assert.ok(rotated.rotated_at);
  assert.equal((await vendorRequest(setup, 'GET', '/accounts')).status, 401);
  assert.equal((await vendorRequest({ ...setup, credential: rotated }, 'GET', '/accounts')).status, 200);
});

test('revoke answers 1 then 0, and a revoked credential cannot be rotated', async () => {
  const { api, credential } = await startVendorApp();
  assert.equal(await api.call('iam.vendor_credentials.revoke', { id: credential.id }), 1);
  assert.equal(await api.call('iam.vendor_credentials.revoke', { id: credential.id }), 0);
  const rotate = await api.rest('POST', `/iam/vendor-credentials/${credential.id}/rotate`);
  assert.equal(rotate.status, 422);
  assert.equal(rotate.body.error.data.name, 'CredentialRevoked');
  const listed = await api.call('iam.vendor_credentials.search', { status: 'revoked' });
  assert.equal(listed.items[0].status, 'revoked');
});

test('a user limited to a distributor manages the credentials of its own distributor only', async () => {
  const { api, distributorId } = await startVendorApp();
  const other = await api.call('clients.create', { kind: 'distributor', name: 'Southwind' });
  const msp = await api.call('clients.create', { kind: 'msp', name: 'An MSP', resellers_id: distributorId });
  const limited = await api.call('iam.users.create', { login: 'northwind-ops', resellers_id: distributorId });
  const limitedKey = (await api.call('iam.api_keys.create', { users_id: limited.id })).key;
  const mspUser = await api.call('iam.users.create', { login: 'msp-ops', resellers_id: msp.id });
  const mspKey = (await api.call('iam.api_keys.create', { users_id: mspUser.id })).key;

  const own = await api.rest('POST', '/iam/vendor-credentials', { key: limitedKey, body: { distributors_id: distributorId, vendor: 'NORTHWIND' } });
  assert.equal(own.status, 200);
  const foreign = await api.rest('POST', '/iam/vendor-credentials', { key: limitedKey, body: { distributors_id: other.id, vendor: 'NORTHWIND' } });
  assert.equal(foreign.status, 404);
  const fromMsp = await api.rest('POST', '/iam/vendor-credentials', { key: mspKey, body: { distributors_id: distributorId, vendor: 'NORTHWIND' } });
  assert.equal(fromMsp.status, 404);

  const southwind = await api.call('iam.vendor_credentials.create', { distributors_id: other.id, vendor: 'SOUTHWIND' });
  assert.equal((await api.rest('POST', `/iam/vendor-credentials/${southwind.id}/revoke`, { key: limitedKey })).status, 404);
  assert.equal((await api.rest('POST', `/iam/vendor-credentials/${southwind.id}/rotate`, { key: limitedKey })).status, 404);
  const seen = await api.rest('GET', '/iam/vendor-credentials', { key: limitedKey });
  assert.deepEqual(seen.body.items.map((item: { distributors_id: number }) => item.distributors_id), [distributorId, distributorId]);
});

test('only a distributor can hold vendor credentials', async () => {
  const { api, distributorId } = await startVendorApp();
  const msp = await api.call('clients.create', { kind: 'msp', name: 'An MSP', resellers_id: distributorId });
  const answer = await api.rest('POST', '/iam/vendor-credentials', { body: { distributors_id: msp.id, vendor: VENDOR } });
  assert.equal(answer.status, 400);
  assert.match(answer.body.error.message, /belong to distributors/);
});

test('without MASTER_KEY a master key is made once in DATA_DIR/master.key (mode 0600) and used again', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'seatledger-master-key-'));
  try {
    const first = resolveMasterKey(undefined, dataDir);
    const file = join(dataDir, 'master.key');
    assert.equal(first.length, 32);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'), first);
    assert.deepEqual(resolveMasterKey(undefined, dataDir), first);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('MASTER_KEY must be 32 bytes in base64', () => {
  assert.throws(() => readConfig({ MASTER_KEY: Buffer.alloc(16).toString('base64') }), /MASTER_KEY must be 32 bytes/);
  assert.equal(readConfig({ MASTER_KEY: TEST_MASTER_KEY }).masterKey?.length, 32);
});

test('an instance started with another master key than the database was set up with refuses to start', async () => {
  const database = await createTestDatabase();
  try {
    const start = (key: string) =>
      createApp(readConfig({ SEATLEDGER_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'silent', WORKERS: '0', MASTER_KEY: key }), { db: database.db, logger: pino({ level: 'silent' }) });
    const first = await start(TEST_MASTER_KEY);
    await first.stop();
    await assert.rejects(start(Buffer.alloc(32, 9).toString('base64')), /not the one this database was set up with/);
  } finally {
    await database.close();
  }
});

test('seatledger vendor-credentials create prints the consumer key and the secret once', async () => {
  const { api, distributorId } = await startVendorApp();
  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', '--url', api.url, '--key', ADMIN_KEY, 'vendor-credentials', ...args], {
      cwd: new URL('..', import.meta.url).pathname,
    });
  const { stdout } = await run('create', '--distributor', String(distributorId), '--vendor', 'CLI_VENDOR');
  const consumerKey = /Consumer key \(the JWT iss\): (ck_\S+)/.exec(stdout)?.[1];
  const secret = /store it now\):\n(\S+)/.exec(stdout)?.[1];
  assert.ok(consumerKey && secret);
  assert.equal(Buffer.from(secret, 'base64url').length, 64);
  const listed = await api.call('iam.vendor_credentials.search', { vendor: 'CLI_VENDOR' });
  assert.equal(listed.items[0].consumer_key, consumerKey);
  const revoked = await run('revoke', String(listed.items[0].id));
  assert.match(revoked.stdout, /revoked/);
});
