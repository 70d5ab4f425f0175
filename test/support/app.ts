import { after } from 'node:test';
import { pino } from 'pino';
import { createApp, type App, type AppOptions } from '../../src/app.ts';
import { readConfig } from '../../src/config.ts';
import { closeTemplate, createTestDatabase, type TestDatabase } from './database.ts';

export const ADMIN_KEY = 'sl_live_test-admin-key-0123456789abcdefghijklmnop';

/** A clock tests can move. */
export class TestClock {
  constructor(private current = new Date('2026-03-10T12:00:00Z')) {}
  now = () => new Date(this.current);
  set(at: Date | string) {
    this.current = new Date(at);
  }
  advance(seconds: number) {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

export interface TestApp {
  app: App;
  database: TestDatabase;
  url: string;
  clock: TestClock;
  /** A REST call with a key (the admin's by default); answers status, headers and parsed body. */
  rest(method: string, path: string, options?: { key?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<HttpAnswer>;
  /** A JSON-RPC call (or batch) posted to `/`; `body` is sent as given (a string is sent raw). */
  rpc(body: unknown, options?: { key?: string | null; headers?: Record<string, string>; path?: string }): Promise<HttpAnswer>;
  /** Shortcut: one JSON-RPC call that must succeed; answers the result. */
  call(method: string, params?: Record<string, unknown>, key?: string): Promise<any>;
  close(): Promise<void>;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

async function send(url: string, init: RequestInit): Promise<HttpAnswer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

const openApps: TestApp[] = [];

// Registered while this module loads, so the hook belongs to the file's root: registered from inside a
// test or a `before` hook, it would close every app as soon as that test or hook ended.
after(async () => {
  for (const testApp of openApps.splice(0)) await testApp.close();
  await closeTemplate();
});

/** Starts Seatledger on a fresh database and a loopback port; closed automatically after the file's tests. */
export async function startTestApp(options: Omit<AppOptions, 'db'> & { env?: Record<string, string>; clock?: TestClock } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const clock = options.clock ?? new TestClock();
  const config = readConfig({ SEATLEDGER_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'silent', DEMO: '0', WORKERS: '0', ...options.env });
  const app = await createApp(config, { logger: pino({ level: 'silent' }), now: clock.now, ...options, db: database.db });
  await app.server.app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const headersFor = (key: string | null | undefined, extra?: Record<string, string>) => ({
    ...(key === null ? {} : { 'X-Api-Key': key ?? ADMIN_KEY }),
    ...extra,
  });
  let closed = false;
  const testApp: TestApp = {
    app,
    database,
    url,
    clock,
    rest(method, path, { key, body, headers } = {}) {
      return send(url + path, {
        method,
        headers: { ...headersFor(key, headers), ...(body !== undefined && { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
    rpc(body, { key, headers, path } = {}) {
      return send(url + (path ?? '/'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headersFor(key, headers) },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
    async call(method, params = {}, key) {
      const answer = await testApp.rpc({ jsonrpc: '2.0', id: 1, method, params }, { key });
      if (!answer.body || answer.body.error) throw new Error(`${method} failed: ${answer.text}`);
      return answer.body.result;
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.stop();
      await database.close();
    },
  };
  openApps.push(testApp);
  return testApp;
}
