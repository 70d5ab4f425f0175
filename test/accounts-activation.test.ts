import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { queryRows } from '../src/db/connection.ts';
import {
  ACCEPT,
  accountsById,
  activationPathIn,
  post,
  runJobs,
  startSmtpCapture,
  startVendorApp,
  submitActivation,
  trialBody,
  type SmtpCapture,
  type VendorSetup,
} from './faces/keeper-vendor-support.ts';
import { MAIL_SEND_JOB } from '../src/services/mail/queue-mail.ts';

// The invitation: mail queued with the account and delivered by the job queue, and the activation
// page behind its link (single use, 30 days, every value escaped).

const captures: SmtpCapture[] = [];
after(async () => {
  for (const capture of captures) await capture.close();
});

async function start(env: Record<string, string> = {}) {
  const smtp = await startSmtpCapture();
  captures.push(smtp);
  return { smtp, setup: await startVendorApp({ SMTP_URL: smtp.url, ...env }) };
}

/** Creates an account and answers the path of the link its invitation carries. */
async function invite(setup: VendorSetup, smtp: SmtpCapture, body: Record<string, unknown>): Promise<string> {
  assert.equal((await post(setup, '/create-trial-account', body)).status, 200);
  await runJobs(setup.api);
  return activationPathIn(smtp.messages.at(-1)!);
}

const getPage = (setup: VendorSetup, path: string) => fetch(setup.api.url + path).then(async (response) => ({ status: response.status, type: response.headers.get('content-type'), text: await response.text() }));

test('the activation link works once: afterwards the page and the form answer 410 and nothing changes', async () => {
  const { smtp, setup } = await start();
  const link = await invite(setup, smtp, trialBody('ONCE-1'));
  assert.equal((await submitActivation(setup.api, link, ACCEPT)).status, 200);
  const page = await getPage(setup, link);
  assert.equal(page.status, 410);
  assert.match(page.text, /already been used/);
  const again = await submitActivation(setup.api, link, { ...ACCEPT, region: 'EU' });
  assert.equal(again.status, 410);
  assert.equal((await accountsById(setup))['ONCE-1'].status, 'TRIAL');
});

test('the activation link expires 30 days after the invitation', async () => {
  const { smtp, setup } = await start();
  setup.api.clock.set('2026-03-10T12:00:00Z');
  const link = await invite(setup, smtp, trialBody('EXP-1'));
  setup.api.clock.set('2026-04-09T11:59:59Z');
  assert.equal((await getPage(setup, link)).status, 200);
  setup.api.clock.set('2026-04-09T12:00:00Z');
  const page = await getPage(setup, link);
  assert.equal(page.status, 410);
  assert.match(page.text, /expired/);
  assert.equal((await submitActivation(setup.api, link, ACCEPT)).status, 410);
  assert.equal((await accountsById(setup))['EXP-1'].status, 'PENDING');
});

test('an unknown activation link is a 404 page', async () => {
  const { setup } = await start();
  const page = await getPage(setup, '/activate/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  assert.equal(page.status, 404);
  assert.equal(page.type, 'text/html; charset=utf-8');
});

test('every value written into the activation page is HTML-escaped', async () => {
  const { smtp, setup } = await start();
  const link = await invite(setup, smtp, trialBody('XSS-1', { name: '<script>alert("owned")</script> & Sons' }));
  const page = await getPage(setup, link);
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.text, /<script>/);
  assert.match(page.text, /<title>Activate &#60;script&#62;alert\(&#34;owned&#34;\)&#60;\/script&#62; &#38; Sons<\/title>/);
  const refused = await submitActivation(setup.api, link, { ...ACCEPT, password: 'short', password_confirmation: 'short', region: '"><img src=x onerror=alert(1)>' });
  assert.equal(refused.status, 400);
  assert.doesNotMatch(refused.text, /<img/);
});

test('a password under 10 characters shows the form again with the reason; the link stays usable', async () => {
  const { smtp, setup } = await start();
  const link = await invite(setup, smtp, trialBody('PW-1'));
  const refused = await submitActivation(setup.api, link, { ...ACCEPT, password: 'short', password_confirmation: 'short' });
  assert.equal(refused.status, 400);
  assert.match(refused.text, /at least 10 characters/);
  assert.match(refused.text, /<form method="post"/);
  assert.equal((await accountsById(setup))['PW-1'].status, 'PENDING');
  assert.equal((await submitActivation(setup.api, link, ACCEPT)).status, 200);
  assert.equal((await accountsById(setup))['PW-1'].status, 'TRIAL');
});

test('an installation serving several regions (REGIONS=US,EU) starts the trial for any of them', async () => {
  const { smtp, setup } = await start({ REGIONS: 'US,EU' });
  const link = await invite(setup, smtp, trialBody('EU-1'));
  assert.match((await getPage(setup, link)).text, /<option value="US" selected>US<\/option><option value="EU">EU<\/option>/);
  assert.equal((await submitActivation(setup.api, link, { ...ACCEPT, region: 'EU' })).status, 200);
  assert.equal((await accountsById(setup))['EU-1'].status, 'TRIAL');
});

test('the administrator set on the activation page signs in, limited to the MSP', async () => {
  const { smtp, setup } = await start();
  const link = await invite(setup, smtp, trialBody('ADMIN-1'));
  const activated = await submitActivation(setup.api, link, ACCEPT);
  assert.match(activated.text, /Sign in as <strong>admin-1@msp\.example<\/strong>/);
  const token = await setup.api.call('iam.auth.jwt.authenticate', { login: 'admin-1@msp.example', password: ACCEPT.password }, undefined);
  const headers = { Authorization: `Bearer ${token.token}` };
  const own = await setup.api.rest('GET', '/clients', { key: null, headers });
  assert.deepEqual(own.body.items.map((client: { vendor_internal_id: string }) => client.vendor_internal_id), ['ADMIN-1']);
  assert.equal((await setup.api.rest('GET', `/clients/${setup.distributorId}`, { key: null, headers })).status, 404);
});

test('without SMTP_URL the invitation is written to the log and kept in the outbox as delivered to the log; its link works', async () => {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
  const logged = await startVendorApp({}, { logger });
  const { api } = logged;
  assert.equal((await post(logged, '/create-trial-account', trialBody('LOG-1'))).status, 200);
  assert.equal(await runJobs(api, [MAIL_SEND_JOB]), 1);
  const entry = lines.map((line) => JSON.parse(line)).find((record) => record.msg === 'mail written to the log (no SMTP_URL)');
  assert.equal(entry.to, 'log-1@msp.example');
  const [outbox] = await queryRows<{ delivered_via: string; sent_at: Date | null; attempts: number }>(api.app.db.orm, sql`SELECT delivered_via, sent_at, attempts FROM mail_outbox`);
  assert.deepEqual([outbox.delivered_via, outbox.sent_at !== null, outbox.attempts], ['log', true, 1]);
  assert.equal((await submitActivation(api, activationPathIn(entry.text), ACCEPT)).status, 200);
  assert.equal((await accountsById(logged))['LOG-1'].status, 'TRIAL');
});

test('while the SMTP server is down the invitation waits in the queue, and it arrives once the server is back', async () => {
  const { smtp, setup } = await start();
  setup.api.clock.set('2026-03-10T12:00:00Z');
  smtp.down = true;
  assert.equal((await post(setup, '/create-trial-account', trialBody('SMTP-1'))).status, 200);
  assert.equal(await runJobs(setup.api, [MAIL_SEND_JOB]), 1);
  assert.equal(smtp.messages.length, 0);
  const [waiting] = await queryRows<{ attempts: number; sent_at: Date | null; last_error: string }>(setup.api.app.db.orm, sql`SELECT attempts, sent_at, last_error FROM mail_outbox`);
  assert.deepEqual([waiting.attempts, waiting.sent_at], [1, null]);
  assert.match(waiting.last_error, /421|not available/i);
  // The retry waits for its backoff: nothing is due at once.
  assert.equal(await runJobs(setup.api, [MAIL_SEND_JOB]), 0);

  smtp.down = false;
  setup.api.clock.advance(3600);
  assert.equal(await runJobs(setup.api, [MAIL_SEND_JOB]), 1);
  assert.equal(smtp.messages.length, 1);
  assert.equal((await submitActivation(setup.api, activationPathIn(smtp.messages[0]), ACCEPT)).status, 200);
  assert.equal((await accountsById(setup))['SMTP-1'].status, 'TRIAL');
});
