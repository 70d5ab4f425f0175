import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A fake Microsoft Graph and identity platform on loopback, for the license sync's tests and bench:
// client-credentials tokens, organization, subscribedSkus, directory/subscriptions and users paged with
// absolute `@odata.nextLink`s, plus throttling (429 + Retry-After) and failures on demand.

export interface FakeGraphUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  accountEnabled: boolean;
  assignedLicenses: Array<{ skuId: string; disabledPlans: string[] }>;
  createdDateTime: string | null;
  signInActivity: { lastSignInDateTime: string | null; lastNonInteractiveSignInDateTime: string | null } | null;
}

export interface FakeTenant {
  directoryId: string;
  clientId: string;
  clientSecret: string;
  /** The first is the default domain. */
  domains: string[];
  skus: Array<{ skuId: string; skuPartNumber: string; enabled: number; consumed: number }>;
  subscriptions: Array<{ skuId: string; skuPartNumber: string; status: string; isTrial: boolean; nextLifecycleDateTime: string | null }>;
  /** The app lacks the permission to read subscriptions (403). */
  subscriptionsForbidden?: boolean;
  /** The customer removed the app: token requests fail with AADSTS700016. */
  consentRevoked?: boolean;
  users: FakeGraphUser[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
}

interface Trouble {
  status: number;
  remaining: number;
  retryAfter?: string;
}

export class FakeGraph {
  url = '';
  /** Users per page when the caller asks for more. */
  pageSize = 100;
  readonly requests: RecordedRequest[] = [];
  private readonly tenants = new Map<string, FakeTenant>();
  private readonly troubles = new Map<string, Trouble>();
  private server: Server | undefined;

  addTenant(tenant: FakeTenant): FakeTenant {
    this.tenants.set(tenant.directoryId, tenant);
    return tenant;
  }

  /** The next `times` requests whose path starts with `pathPrefix` answer `status` (429/503 with Retry-After when given). */
  troubleOn(pathPrefix: string, status: number, times: number, retryAfter?: string): void {
    this.troubles.set(pathPrefix, { status, remaining: times, retryAfter });
  }

  clearTroubles(): void {
    this.troubles.clear();
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error) => {
        response.statusCode = 500;
        response.end(JSON.stringify({ error: { code: 'fake', message: String(error) } }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const path = url.pathname;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method: request.method ?? 'GET', path: path + url.search, status });
      response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    for (const [prefix, trouble] of this.troubles) {
      if (!path.startsWith(prefix) || trouble.remaining <= 0) continue;
      trouble.remaining--;
      return send(trouble.status, { error: { code: trouble.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', message: 'Please retry' } }, trouble.retryAfter === undefined ? {} : { 'Retry-After': trouble.retryAfter });
    }
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (token && request.method === 'POST') {
      const form = new URLSearchParams(await readBody(request));
      const tenant = this.tenants.get(decodeURIComponent(token[1]));
      if (!tenant) return send(400, { error: 'invalid_request', error_description: 'AADSTS90002: Tenant not found.', error_codes: [90002] });
      if (tenant.consentRevoked) {
        return send(400, { error: 'unauthorized_client', error_description: `AADSTS700016: Application with identifier '${form.get('client_id')}' was not found in the directory.`, error_codes: [700016] });
      }
      if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== tenant.clientId || form.get('client_secret') !== tenant.clientSecret) {
        return send(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] });
      }
      return send(200, { token_type: 'Bearer', expires_in: 3599, access_token: `fake-token.${tenant.directoryId}` });
    }
    const bearer = /^Bearer fake-token\.(.+)$/.exec(request.headers.authorization ?? '');
    const tenant = bearer ? this.tenants.get(bearer[1]) : undefined;
    if (!tenant) return send(401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } });
    if (path === '/v1.0/organization') {
      return send(200, { value: [{ id: tenant.directoryId, verifiedDomains: tenant.domains.map((name, index) => ({ name, isDefault: index === 0, isInitial: name.endsWith('.onmicrosoft.com') })) }] });
    }
    if (path === '/v1.0/subscribedSkus') {
      return send(200, {
        value: tenant.skus.map((sku) => ({ skuId: sku.skuId, skuPartNumber: sku.skuPartNumber, appliesTo: 'User', capabilityStatus: 'Enabled', consumedUnits: sku.consumed, prepaidUnits: { enabled: sku.enabled, suspended: 0, warning: 0, lockedOut: 0 } })),
      });
    }
    if (path === '/v1.0/directory/subscriptions') {
      if (tenant.subscriptionsForbidden) return send(403, { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } });
      return send(200, { value: tenant.subscriptions });
    }
    if (path === '/v1.0/users') {
      const top = Math.min(Number(url.searchParams.get('$top') ?? 100), this.pageSize);
      const offset = Number(url.searchParams.get('$skiptoken') ?? 0);
      const page = tenant.users.slice(offset, offset + top);
      const next = offset + top < tenant.users.length ? `${this.url}/v1.0/users?$select=${encodeURIComponent(url.searchParams.get('$select') ?? '')}&$top=${top}&$skiptoken=${offset + top}` : undefined;
      return send(200, { '@odata.context': `${this.url}/v1.0/$metadata#users`, value: page, ...(next && { '@odata.nextLink': next }) });
    }
    return send(404, { error: { code: 'Request_ResourceNotFound', message: `No ${path}` } });
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

/** A Graph user holding the given SKU ids. */
export function graphUser(id: string, skuIds: string[], fields: Partial<FakeGraphUser> = {}): FakeGraphUser {
  return {
    id,
    displayName: id,
    userPrincipalName: `${id}@contoso.com`,
    accountEnabled: true,
    assignedLicenses: skuIds.map((skuId) => ({ skuId, disabledPlans: [] })),
    createdDateTime: '2025-01-01T00:00:00Z',
    signInActivity: { lastSignInDateTime: '2026-03-09T08:00:00Z', lastNonInteractiveSignInDateTime: null },
    ...fields,
  };
}
