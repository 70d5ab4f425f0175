import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../../services/context.ts';
import { authenticateVendorToken } from '../../../services/iam/vendor-token.ts';
import type { PresentedAccount } from '../../../services/accounts/account-record.ts';
import type { AppliedTransition } from '../../../services/accounts/apply-account-event.ts';
import { MalformedBody } from '../../body.ts';
import { invalid, notFound, toAppError, unauthorized, type ErrorKind } from '../../errors.ts';
import { setRetryAfter } from '../../rest.ts';
import { invokeMethod } from '../../invoke.ts';
import type { MethodDefinition } from '../../registry.ts';
import { mountFaceRoutes, type FaceContext } from '../../server.ts';
import { encodeCompanyId } from '../company-id.ts';
import { currentUsageBody, monthlyUsageBody, type NativeStatement } from '../keeper-usage.ts';
import { mountActivationPage, type ActivationSettings } from './activation-page.ts';
import { vendorFaceMethods, type VendorFaceSettings } from './methods.ts';

// The distributor account-management API of seed 001 (spec/keeper-vendor.md): an HS512 JWT signed with
// the distributor's vendor secret, a `vendor` header, and `{success, message}` bodies.

const FACE = 'keeper-vendor';
/** Whose products `/msp-products` lists: the catalog rows with this vendor. */
const CATALOG_VENDOR = 'Keeper';
const PREFIX = '/bi_api/v1/services/mspvendor';

/** This face's one error table. */
const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
};

function toWire(error: unknown): { status: number; message: string } {
  const appError = toAppError(error);
  if (appError.kind === 'internal') return { status: 500, message: 'Internal error' };
  return { status: STATUS[appError.kind], message: appError.message.replace(/^Invalid params: /, 'Invalid body: ') };
}

function sendFaceError(reply: FastifyReply, face: FaceContext, request: FastifyRequest, error: unknown) {
  const wire = toWire(error);
  if (wire.status === 500) face.runtime.log.error({ err: error, url: request.url }, 'keeper-vendor face failed');
  setRetryAfter(reply, toAppError(error));
  return reply.status(wire.status).send({ success: false, message: wire.message });
}

async function principalOf(face: FaceContext, request: FastifyRequest): Promise<Principal> {
  const header = request.headers.authorization;
  const token = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
  if (!token) throw unauthorized('A bearer token is required');
  const vendor = request.headers.vendor;
  return authenticateVendorToken(face.runtime.db, token, typeof vendor === 'string' ? vendor.trim() : undefined, face.runtime.now());
}

function bodyOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (body instanceof MalformedBody) throw invalid(`Invalid body: ${body.reason}`);
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('Invalid body: a JSON object is expected');
  return body as Record<string, unknown>;
}

/** `/accounts` entry: the dates that matter for the status, and the conflict fields only on a conflict. */
function accountOf(account: PresentedAccount & Record<string, unknown>) {
  const at = (value: unknown) => (value === null || value === undefined ? undefined : String(value));
  return {
    vendorInternalId: account.vendor_internal_id,
    companyId: encodeCompanyId(account.clients_id),
    companyName: account.name,
    email: account.email,
    country: account.country,
    status: account.status,
    createdAt: at(account.created_at),
    ...(account.status === 'TRIAL' && { trialExpiresAt: at(account.trial_expires_at) }),
    ...(account.status === 'ACTIVE' && { expirationDate: at(account.expiration_date) }),
    ...(account.status === 'EXPIRED' && { expiredAt: at(account.expired_at) }),
    ...(account.status === 'REGION_CONFLICT' && { accountRegion: account.account_region }),
    ...(account.status === 'PRODUCT_CONFLICT' && { productType: account.product_type }),
  };
}

export interface VendorSettings extends VendorFaceSettings, ActivationSettings {}

/** Mounts the distributor account-management face and the invitation's activation page. */
export function mountKeeperVendor(app: FastifyInstance, face: FaceContext, settings: VendorSettings): void {
  mountFaceRoutes(
    app,
    {
      prefix: PREFIX,
      sendError: (reply, error, request) => sendFaceError(reply, face, request, error),
      notFound: (request) => notFound(`Endpoint ${request.method} ${request.url.split('?')[0]}`),
    },
    (scoped) => mountRoutes(scoped, face, settings),
  );
  mountActivationPage(app, face, settings);
}

function mountRoutes(app: FastifyInstance, face: FaceContext, settings: VendorSettings): void {
  const methods = vendorFaceMethods(settings);
  const run = (principal: Principal, method: MethodDefinition<any, any>, params: Record<string, unknown>, idempotencyKey?: string) =>
    invokeMethod(face.runtime, method as MethodDefinition, params, { principal, face: FACE, idempotencyKey }) as Promise<any>;

  const route = (method: 'GET' | 'POST', path: string, work: (principal: Principal, body: Record<string, unknown>, request: FastifyRequest) => Promise<Record<string, unknown>>) =>
    app.route({
      method,
      url: path,
      config: { face: FACE },
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        try {
          const principal = await principalOf(face, request);
          const payload = await work(principal, method === 'POST' ? bodyOf(request) : {}, request);
          return reply.status(200).send({ success: true, ...payload });
        } catch (error) {
          return sendFaceError(reply, face, request, error);
        }
      },
    });

  route('POST', '/create-trial-account', async (principal, body, request) => {
    const key = request.headers['idempotency-key'];
    const created = await run(principal, methods.createTrialAccount, body, typeof key === 'string' ? key : undefined);
    return { message: 'Trial account created', companyId: encodeCompanyId(created.clients_id), status: created.status };
  });
  route('POST', '/convert-to-paid', async (principal, body) => {
    await run(principal, methods.convertToPaid, body);
    return { message: 'Converted Trial to Paid' };
  });
  route('POST', '/cancel-paid-account', async (principal, body) => {
    await run(principal, methods.cancelPaidAccount, body);
    return { message: 'Paid account cancelled' };
  });
  route('POST', '/activate-expired', async (principal, body) => {
    const transition: AppliedTransition = await run(principal, methods.activateExpired, body);
    return { message: 'Account activated', status: transition.to };
  });
  route('POST', '/remove-account', async (principal, body) => {
    await run(principal, methods.removeAccount, body);
    return { message: 'Account removed' };
  });
  route('GET', '/accounts', async (principal) => ({ accounts: (await run(principal, methods.accounts, {})).map(accountOf) }));
  route('GET', '/msp-products', async (principal) => {
    // The catalog also holds other vendors' products (backup SKUs, M365 SKUs); this face sells Keeper's.
    const catalog = await run(principal, face.registry.get('catalog.products.search')!, { vendor: CATALOG_VENDOR, limit: 1000 });
    return {
      products: catalog.items.map((product: { id: number; name: string; usage_unit: string; kind: string }) => ({
        productId: product.id,
        productName: product.name,
        unit: product.usage_unit,
        kind: product.kind,
      })),
    };
  });
  route('POST', '/current-usage', async (principal, body) => ({ usage: currentUsageBody(await run(principal, methods.currentUsage, body)) }));
  route('POST', '/monthly-usage', async (principal, body) => ({ usage: monthlyUsageBody((await run(principal, methods.monthlyUsage, body)) as NativeStatement) }));
}
