import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import jwt from 'jsonwebtoken';
import { sampleToken, startVendorApp, trialBody, vendorRequest, VENDOR, type VendorSetup } from './keeper-vendor-support.ts';

// keeper-vendor.md's refusal list, one case per test: each answers 401 with the face's envelope.

let setup: VendorSetup;
before(async () => {
  setup = await startVendorApp();
});

const now = () => Math.floor(setup.api.clock.now().getTime() / 1000);
const sign = (payload: Record<string, unknown>, options: jwt.SignOptions = {}, secret = setup.credential.secret) =>
  jwt.sign(payload, secret, { algorithm: 'HS512', ...options });
const claims = (overrides: Record<string, unknown> = {}) => ({ iat: now(), iss: setup.credential.consumer_key, exp: now() + 300, ...overrides });

async function assertRefused(options: { token?: string; headers?: Record<string, string | undefined> }) {
  const answer = await vendorRequest(setup, 'GET', '/accounts', options);
  assert.equal(answer.status, 401);
  assert.equal(answer.body.success, false);
  assert.equal(typeof answer.body.message, 'string');
  assert.deepEqual(Object.keys(answer.body), ['success', 'message']);
  return answer.body.message as string;
}

test('the seed’s own token (jsonwebtoken, HS512, iat and exp five minutes apart, vendor header) is accepted', async () => {
  const answer = await vendorRequest(setup, 'GET', '/accounts', { token: sampleToken(setup.api, setup.credential) });
  assert.deepEqual([answer.status, answer.body], [200, { success: true, accounts: [] }]);
});

test('a token with alg "none" is refused', async () => {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  assert.match(await assertRefused({ token: `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims())}.` }), /HS512/);
});

test('a token signed with HS256 instead of HS512 is refused, even with the right secret', async () => {
  assert.match(await assertRefused({ token: sign(claims(), { algorithm: 'HS256' }) }), /HS512/);
});

test('a token whose signature does not verify is refused', async () => {
  await assertRefused({ token: sign(claims(), {}, 'another secret that is long enough to be a real one, but not this credential’s') });
});

test('a token whose iss is unknown is refused', async () => {
  assert.equal(await assertRefused({ token: sign(claims({ iss: 'ck_nobody' })) }), 'Unknown or revoked issuer');
});

test('a token of a revoked credential is refused on its very next request', async () => {
  const spare = await setup.api.call('iam.vendor_credentials.create', { distributors_id: setup.distributorId, vendor: VENDOR });
  const token = sign(claims({ iss: spare.consumer_key }), {}, spare.secret);
  assert.equal((await vendorRequest(setup, 'GET', '/accounts', { token })).status, 200);
  assert.equal(await setup.api.call('iam.vendor_credentials.revoke', { id: spare.id }), 1);
  assert.equal(await assertRefused({ token }), 'Unknown or revoked issuer');
});

test('a token whose exp has passed is refused', async () => {
  await assertRefused({ token: sign(claims({ iat: now() - 301, exp: now() - 1 })) });
});

test('a token issued more than 60 s in the future is refused', async () => {
  assert.equal(await assertRefused({ token: sign(claims({ iat: now() + 61, exp: now() + 61 + 300 })) }), 'The token was issued in the future');
});

test('a token issued up to 60 s in the future is accepted (clock skew)', async () => {
  const answer = await vendorRequest(setup, 'GET', '/accounts', { token: sign(claims({ iat: now() + 60, exp: now() + 60 + 300 })) });
  assert.equal(answer.status, 200);
});

test('a token living longer than 300 s (exp − iat > 300) is refused', async () => {
  assert.equal(await assertRefused({ token: sign(claims({ exp: now() + 301 })) }), 'The token lives longer than 300 seconds');
});

test('a token without exp is refused', async () => {
  assert.equal(await assertRefused({ token: sign({ iat: now(), iss: setup.credential.consumer_key }) }), 'The token must carry iat and exp');
});

test('a token without iat is refused', async () => {
  assert.equal(await assertRefused({ token: sign({ iss: setup.credential.consumer_key, exp: now() + 300 }, { noTimestamp: true }) }), 'The token must carry iat and exp');
});

test('a request without the vendor header is refused', async () => {
  assert.equal(await assertRefused({ headers: { vendor: undefined } }), 'The vendor header is missing');
});

test('a request whose vendor header names another vendor is refused', async () => {
  assert.equal(await assertRefused({ headers: { vendor: 'SOMEONE_ELSE' } }), 'The vendor header does not match the credential');
});

test('a request without a bearer token is refused', async () => {
  assert.equal(await assertRefused({ headers: { Authorization: undefined } }), 'A bearer token is required');
});

test('authentication is checked before the body: a bad token with a bad body is a 401, and nothing is created', async () => {
  const answer = await vendorRequest(setup, 'POST', '/create-trial-account', { body: { ...trialBody('AUTH-1'), country: 'nowhere' }, headers: { vendor: 'SOMEONE_ELSE' } });
  assert.equal(answer.status, 401);
  const listed = await vendorRequest(setup, 'GET', '/accounts');
  assert.deepEqual(listed.body.accounts, []);
});
