import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { queryRows } from '../../src/db/connection.ts';
import { runDueJobs } from '../../src/db/jobs.ts';
import { EVENT_JOB, WEBHOOK_DELIVER_JOB } from '../../src/jobs/webhooks.ts';
import type { TestApp } from '../support/app.ts';

/** Seed 004's own verification sample, as published. */
export function verify(rawBody: string | Buffer, signatureHeader: string, signingSecret: string): boolean {
  const expected = 'sha256=' + createHmac('sha256', signingSecret).update(rawBody).digest('hex');
  const a = Buffer.from(signatureHeader);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Standard Webhooks verification, as its reference library does it, with the clock given. */
export function verifyStandard(secret: string, headers: IncomingHttpHeaders, body: string, nowSeconds: number): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = Buffer.from(createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64'));
  return signatures.split(' ').some((versioned) => {
    const [version, signature] = versioned.split(',');
    const given = Buffer.from(signature ?? '');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  path: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

const receivers: Receiver[] = [];
after(async () => {
  for (const receiver of receivers) await receiver.stop();
});

/** A webhook receiver on loopback: records every request and answers from a script (200 once the script runs out). */
export class Receiver {
  readonly received: Received[] = [];
  replies: Reply[] = [];
  port = 0;
  private server: Server | undefined;

  constructor() {
    receivers.push(this);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async start(port = this.port): Promise<this> {
    this.server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        this.received.push({ headers: request.headers, body, path: request.url ?? '' });
        const reply = this.replies.shift() ?? { status: 200, body: 'ok' };
        response.writeHead(reply.status, reply.headers);
        response.end(reply.body ?? '');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Runs event fan-out and delivery jobs as workers would, moving the test clock to each next due
 * attempt (or expired lease), until none is left or the clock would pass `until`.
 */
export async function drainWebhooks(api: TestApp, until?: Date): Promise<void> {
  const handlers = { [EVENT_JOB]: api.app.jobHandlers[EVENT_JOB], [WEBHOOK_DELIVER_JOB]: api.app.jobHandlers[WEBHOOK_DELIVER_JOB] };
  for (let round = 0; round < 500; round++) {
    const ran = await runDueJobs({ db: api.app.db, handlers, log: pino({ level: 'silent' }), now: api.clock.now, workerId: 'test-worker' });
    if (ran > 0) continue;
    const [next] = await queryRows<{ run_at: string | Date }>(
      api.app.db.orm,
      // A job left running by an instance that died is due again once its lease has passed.
      sql`SELECT min(CASE WHEN status = 'queued' THEN run_at ELSE locked_until + interval '1 millisecond' END) AS run_at
          FROM jobs WHERE status IN ('queued', 'running') AND kind IN (${EVENT_JOB}, ${WEBHOOK_DELIVER_JOB})`,
    );
    if (!next?.run_at) return;
    const at = new Date(next.run_at);
    if (until && at > until) return;
    if (at > api.clock.now()) api.clock.set(at);
  }
  throw new Error('webhook jobs did not settle');
}
