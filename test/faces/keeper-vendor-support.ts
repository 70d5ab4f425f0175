import jwt from 'jsonwebtoken';
import { pino, type Logger } from 'pino';
import { SMTPServer } from 'smtp-server';
import { runDueJobs } from '../../src/db/jobs.ts';
import { startTestApp, type HttpAnswer, type TestApp, type TestClock } from '../support/app.ts';

// Shared by the distributor account-management face tests: an installation with a distributor and its
// vendor credential, tokens made exactly as seed 001's Node.js sample makes them, and a local SMTP server.

export const BASE = '/bi_api/v1/services/mspvendor';
export const VENDOR = 'PARTNER_NAME';
export const TEST_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
/** seed 001's sample body for create-trial-account. */
export const SAMPLE_BODY =
  '{"name":"string","country":"US","zipCode":"98001","email":"test+werworir@keeperdemo.io","vendorInternalId":"89654we7r64ert65","state":"CA","city":"My city","street":"the street","phone":"19191919191"}';

export interface Credential {
  id: number;
  consumer_key: string;
  secret: string;
}

export interface VendorSetup {
  api: TestApp;
  distributorId: number;
  credential: Credential;
}

/** A test installation (no workers) with a distributor and a vendor credential for it. */
export async function startVendorApp(env: Record<string, string> = {}, options: { clock?: TestClock; logger?: Logger } = {}): Promise<VendorSetup> {
  const api = await startTestApp({ env: { MASTER_KEY: TEST_MASTER_KEY, ...env }, ...options });
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind Distribution' });
  const credential = await api.call('iam.vendor_credentials.create', { distributors_id: distributor.id, vendor: VENDOR });
  return { api, distributorId: distributor.id, credential };
}

/** The seed's sample: HS512 over {iat, iss, exp} with iat and exp five minutes apart, at the server's clock. */
export function sampleToken(api: TestApp, credential: Pick<Credential, 'consumer_key' | 'secret'>): string {
  const rightnowTimeStampInSeconds = Math.floor(api.clock.now().getTime() / 1000);
  return jwt.sign({ iat: rightnowTimeStampInSeconds, iss: credential.consumer_key, exp: rightnowTimeStampInSeconds + 60 * 5 }, credential.secret, { algorithm: 'HS512' });
}

/** A request to the face, as the sample sends it: `vendor`, `Authorization: Bearer`, JSON. */
export async function vendorRequest(
  setup: VendorSetup,
  method: 'GET' | 'POST',
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string | undefined> } = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = {
    vendor: VENDOR,
    Authorization: `Bearer ${options.token ?? sampleToken(setup.api, setup.credential)}`,
    'Content-Type': 'application/json',
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  const response = await fetch(setup.api.url + BASE + path, {
    method,
    headers,
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

export const post = (setup: VendorSetup, path: string, body: unknown, headers?: Record<string, string | undefined>) => vendorRequest(setup, 'POST', path, { body, headers });

/**
 * Runs every due job once, at the test clock's time, as a worker would; with `kinds`, only the jobs of
 * those kinds, so a test counts the work it is about and not the events queued beside it.
 */
export function runJobs(api: TestApp, kinds?: string[]): Promise<number> {
  const handlers = kinds ? Object.fromEntries(kinds.map((kind) => [kind, api.app.jobHandlers[kind]])) : api.app.jobHandlers;
  return runDueJobs({ db: api.app.db, handlers, log: pino({ level: 'silent' }), now: api.clock.now, workerId: 'test-worker' });
}

/** A trial body with its own vendorInternalId and address. */
export function trialBody(vendorInternalId: string, extra: Record<string, unknown> = {}) {
  return { name: `MSP ${vendorInternalId}`, country: 'US', email: `${vendorInternalId.toLowerCase()}@msp.example`, vendorInternalId, ...extra };
}

/** The accounts the face lists, by vendorInternalId. */
export async function accountsById(setup: VendorSetup): Promise<Record<string, any>> {
  const answer = await vendorRequest(setup, 'GET', '/accounts');
  if (answer.status !== 200) throw new Error(`accounts: ${answer.text}`);
  return Object.fromEntries(answer.body.accounts.map((account: { vendorInternalId: string }) => [account.vendorInternalId, account]));
}

export interface SmtpCapture {
  url: string;
  messages: string[];
  /** While down, the server refuses every connection with 421. */
  down: boolean;
  close(): Promise<void>;
}

/** A local SMTP server that keeps what it receives. */
export async function startSmtpCapture(): Promise<SmtpCapture> {
  const capture: SmtpCapture = { url: '', messages: [], down: false, close: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onConnect(_session, callback) {
      if (capture.down) return callback(Object.assign(new Error('Service not available'), { responseCode: 421 }));
      callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        capture.messages.push(Buffer.concat(chunks).toString('utf8'));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  capture.url = `smtp://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  capture.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return capture;
}

/** The path of the activation link in a raw (possibly quoted-printable) mail. */
export function activationPathIn(rawMail: string): string {
  const decoded = rawMail.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const link = /https?:\/\/\S+\/activate\/[A-Za-z0-9_-]+/.exec(decoded)?.[0];
  if (!link) throw new Error(`No activation link in:\n${rawMail}`);
  return new URL(link).pathname;
}

/** Posts the activation form as a browser would (form-encoded). */
export function submitActivation(api: TestApp, path: string, fields: Record<string, string>): Promise<HttpAnswer> {
  return fetch(api.url + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  }).then(async (response) => ({ status: response.status, headers: response.headers, body: undefined, text: await response.text() }));
}

export const ACCEPT = { password: 'correct horse battery', password_confirmation: 'correct horse battery', region: 'US', product_type: 'msp' };

/** Runs the queued mail to the capture and accepts the invitation it carries with the given form fields. */
export async function acceptLatestInvitation(setup: VendorSetup, smtp: SmtpCapture, fields: Record<string, string> = ACCEPT): Promise<HttpAnswer> {
  await runJobs(setup.api);
  const mail = smtp.messages.at(-1);
  if (!mail) throw new Error('No invitation was delivered');
  return submitActivation(setup.api, activationPathIn(mail), fields);
}
