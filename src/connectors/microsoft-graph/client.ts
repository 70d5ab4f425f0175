// A small Microsoft Graph client for the license sync: client-credentials tokens, GETs that follow
// `@odata.nextLink`, and throttling honoured (429 and 503/504 with Retry-After). Base URLs are settings,
// so tests run this client against a fake Graph server on loopback.

export interface GraphSettings {
  /** https://graph.microsoft.com (GRAPH_BASE_URL). */
  graphBaseUrl: string;
  /** https://login.microsoftonline.com (MS_LOGIN_BASE_URL). */
  loginBaseUrl: string;
}

export const DEFAULT_GRAPH_SETTINGS: GraphSettings = Object.freeze({ graphBaseUrl: 'https://graph.microsoft.com', loginBaseUrl: 'https://login.microsoftonline.com' });

/** The MSP's multitenant app registration and the customer's directory it reads. */
export interface GraphCredentials {
  /** The customer's tenant id (a GUID) or one of its domains. */
  directoryId: string;
  clientId: string;
  clientSecret: string;
}

/**
 * Why a Graph call failed: `consent` (the app is not, or no longer, allowed in the customer's
 * directory), `credentials` (the app's id or secret is wrong or expired), `permission` (a Graph
 * permission is missing), `throttled` / `unavailable` (still refused after the retries), `network`,
 * or `response` (an answer this client cannot use).
 */
export type GraphFailure = 'consent' | 'credentials' | 'permission' | 'throttled' | 'unavailable' | 'network' | 'response';

export class GraphError extends Error {
  constructor(
    readonly failure: GraphFailure,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export interface GraphClientOptions extends GraphSettings {
  fetch?: typeof fetch;
  /** How the client waits before a retry (tests record instead of waiting). */
  sleep?: (milliseconds: number) => Promise<void>;
  /** Retries of one request after throttling or a server error. */
  maxRetries?: number;
  /** The longest single wait a Retry-After may ask for. */
  maxWaitSeconds?: number;
  timeoutMilliseconds?: number;
}

// AADSTS codes meaning the customer's directory does not (or no longer does) let the app in.
const CONSENT_ERROR_CODES = new Set([65001, 700016, 90002, 90072, 500011, 7000112]);
const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504]);

export class GraphClient {
  private readonly fetch: typeof fetch;
  private readonly sleep: (milliseconds: number) => Promise<void>;
  private readonly maxRetries: number;
  private readonly maxWaitSeconds: number;
  private readonly timeoutMilliseconds: number;
  private readonly graphOrigin: string;

  constructor(private readonly options: GraphClientOptions) {
    this.fetch = options.fetch ?? fetch;
    this.sleep = options.sleep ?? ((milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)));
    this.maxRetries = options.maxRetries ?? 6;
    this.maxWaitSeconds = options.maxWaitSeconds ?? 300;
    this.timeoutMilliseconds = options.timeoutMilliseconds ?? 60_000;
    this.graphOrigin = new URL(options.graphBaseUrl).origin;
  }

  /** An app-only access token for the customer's directory (OAuth 2.0 client credentials). */
  async token(credentials: GraphCredentials): Promise<string> {
    const url = `${this.options.loginBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(credentials.directoryId)}/oauth2/v2.0/token`;
    const body = new URLSearchParams({
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      scope: `${this.graphOrigin}/.default`,
      grant_type: 'client_credentials',
    });
    const response = await this.send(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: body.toString() });
    const payload = (await readJson(response)) as { access_token?: unknown; error?: unknown; error_description?: unknown; error_codes?: unknown } | undefined;
    if (response.ok && typeof payload?.access_token === 'string') return payload.access_token;
    const codes = Array.isArray(payload?.error_codes) ? payload.error_codes.map(Number) : [];
    const description = typeof payload?.error_description === 'string' ? payload.error_description.split(/\r?\n/)[0] : `HTTP ${response.status}`;
    if (codes.some((code) => CONSENT_ERROR_CODES.has(code))) throw new GraphError('consent', `Sign-in to the customer's directory refused: ${description}`, response.status);
    if (response.status === 400 || response.status === 401) throw new GraphError('credentials', `The app registration was refused: ${description}`, response.status);
    throw failureFor(response.status, `Token request failed: ${description}`);
  }

  /** One GET of a Graph path (`/v1.0/organization`) or of a full URL Graph gave (a next link). */
  async get<T>(accessToken: string, pathOrUrl: string): Promise<T> {
    const url = pathOrUrl.startsWith('/') ? this.options.graphBaseUrl.replace(/\/+$/, '') + pathOrUrl : pathOrUrl;
    // NOTE: a next link elsewhere than Graph would carry the customer's token away: refuse it.
    if (new URL(url).origin !== this.graphOrigin) throw new GraphError('response', `Graph pointed outside ${this.graphOrigin}`);
    const response = await this.send(url, { method: 'GET', headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' } });
    const payload = await readJson(response);
    if (response.ok) {
      if (payload === undefined) throw new GraphError('response', `GET ${new URL(url).pathname} answered no JSON`, response.status);
      return payload as T;
    }
    const error = (payload as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const detail = typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`;
    throw failureFor(response.status, `GET ${new URL(url).pathname} failed: ${detail}`);
  }

  /** Every item of a collection, following `@odata.nextLink` page after page. */
  async list<T>(accessToken: string, path: string, onPage?: (items: T[]) => void): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = path;
    while (next) {
      const page: { value?: T[]; '@odata.nextLink'?: string } = await this.get(accessToken, next);
      if (!Array.isArray(page.value)) throw new GraphError('response', `${path} answered no collection`);
      for (const item of page.value) items.push(item);
      onPage?.(page.value);
      next = page['@odata.nextLink'];
    }
    return items;
  }

  /** One HTTP exchange, retried after throttling and server errors, honouring Retry-After. */
  private async send(url: string, init: RequestInit): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(this.timeoutMilliseconds) });
      } catch (error) {
        if (attempt >= this.maxRetries) throw new GraphError('network', `${new URL(url).host} could not be reached: ${(error as Error).message}`);
        await this.sleep(backoffMilliseconds(attempt));
        continue;
      }
      if (!RETRIED_STATUSES.has(response.status) || attempt >= this.maxRetries) return response;
      const retryAfter = retryAfterMilliseconds(response.headers.get('retry-after'), Date.now());
      await response.arrayBuffer().catch(() => undefined);
      await this.sleep(Math.min(retryAfter ?? backoffMilliseconds(attempt), this.maxWaitSeconds * 1000));
    }
  }
}

function failureFor(status: number, message: string): GraphError {
  if (status === 401) return new GraphError('credentials', message, status);
  if (status === 403) return new GraphError('permission', message, status);
  if (status === 429) return new GraphError('throttled', message, status);
  if (status >= 500) return new GraphError('unavailable', message, status);
  return new GraphError('response', message, status);
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Retry-After as delay seconds or an HTTP date: `retryAfterMilliseconds('7', now)` → 7000. */
export function retryAfterMilliseconds(header: string | null, now: number): number | null {
  if (header === null || header.trim() === '') return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function backoffMilliseconds(attempt: number): number {
  return Math.min(60_000, 1000 * 2 ** attempt);
}
