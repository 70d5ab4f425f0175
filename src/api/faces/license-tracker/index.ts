import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../../services/context.ts';
import { LICENSE_TRACKER_KEY_PREFIX, LICENSE_TRACKER_ROLE } from '../../../services/licenses/api-keys.ts';
import { toAppError } from '../../errors.ts';
import { invokeMethod } from '../../invoke.ts';
import { mountFaceRoutes, type FaceContext } from '../../server.ts';
import { KeyRateLimiter } from './rate-limit.ts';
import { alertToWire, summaryToWire, tenantToWire } from './wire.ts';

// The license tracker API of seed 004 (spec/license-tracker.md): read-only, `Authorization: Bearer
// mlt_live_…`, success under `data`, and `{"error": "…"}` bodies.

const FACE = 'license-tracker';
const PREFIX = '/api/v1';
// Native search pages hold at most this many; the face lists every tenant.
const PAGE = 1000;
// The alerts endpoint shows the most recent ones only (seed 004).
const RECENT_ALERTS = 100;

class FaceError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

const errors = {
  missingKey: () => new FaceError(401, 'Missing API key'),
  invalidKey: () => new FaceError(401, 'Invalid API key'),
  noApiAccess: () => new FaceError(403, 'Your plan does not include API access'),
  notFound: () => new FaceError(404, 'Not found'),
  tooMany: (retryAfter: number) => new FaceError(429, 'Too many requests', retryAfter),
  internal: () => new FaceError(500, 'Internal server error'),
};

/** The one mapping from native failures to this face's errors. */
function toFaceError(error: unknown): FaceError {
  if (error instanceof FaceError) return error;
  const appError = toAppError(error);
  if (appError.kind === 'unauthorized') return errors.invalidKey();
  if (appError.kind === 'rate_limited') return errors.tooMany(typeof appError.data?.retry_after === 'number' ? appError.data.retry_after : 60);
  if (appError.kind === 'not_found') return errors.notFound();
  if (appError.kind === 'invalid') return new FaceError(400, appError.message);
  return errors.internal();
}

export interface LicenseTrackerOptions {
  rateLimitPerMinute: number;
}

export function mountLicenseTracker(app: FastifyInstance, face: FaceContext, options: LicenseTrackerOptions): void {
  const limiter = new KeyRateLimiter(options.rateLimitPerMinute, face.runtime.now);
  const call = (principal: Principal, method: string, params: Record<string, unknown>) =>
    invokeMethod(face.runtime, face.registry.get(method)!, { ...params, __tz: 'UTC' }, { principal, face: FACE }) as Promise<any>;

  /** The key's MSP, once the key is valid, within its rate limit, and the MSP's plan has API access. */
  async function mspOf(request: FastifyRequest): Promise<{ principal: Principal; mspId: number }> {
    const header = request.headers.authorization;
    if (typeof header !== 'string' || header.trim() === '') throw errors.missingKey();
    const key = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    if (!key || !key.startsWith(LICENSE_TRACKER_KEY_PREFIX)) throw errors.invalidKey();
    const principal = await face.resolver.fromApiKey(key, LICENSE_TRACKER_KEY_PREFIX);
    if (!principal.roles.includes(LICENSE_TRACKER_ROLE) || !principal.scope) throw errors.invalidKey();
    const wait = limiter.take(principal.apiKeysId!);
    if (wait !== null) throw errors.tooMany(wait);
    const settings = await call(principal, 'licenses.settings.get', { clients_id: principal.scope.clientsId });
    if (!settings.api_access) throw errors.noApiAccess();
    return { principal, mspId: principal.scope.clientsId };
  }

  async function answer(reply: FastifyReply, work: () => Promise<unknown>) {
    try {
      return reply.status(200).send({ data: await work() });
    } catch (error) {
      return sendError(reply, error);
    }
  }

  function sendError(reply: FastifyReply, error: unknown) {
    const faceError = toFaceError(error);
    if (faceError.status === 500) face.runtime.log.error({ err: error }, 'license-tracker face failed');
    if (faceError.retryAfter !== undefined) reply.header('Retry-After', String(faceError.retryAfter));
    return reply.status(faceError.status).send({ error: faceError.message });
  }

  mountFaceRoutes(app, { prefix: PREFIX, sendError, notFound: errors.notFound }, (scoped) => {
    scoped.get('/tenants', { config: { face: FACE } }, (request, reply) =>
      answer(reply, async () => {
        const { principal, mspId } = await mspOf(request);
        const tenants = [];
        for (let offset = 0; ; offset += PAGE) {
          const page = await call(principal, 'licenses.tenants.search', { msp_id: mspId, limit: PAGE, offset });
          tenants.push(...page.items.map(tenantToWire));
          if (offset + PAGE >= page.total) break;
        }
        return tenants;
      }),
    );
    scoped.get('/summary', { config: { face: FACE } }, (request, reply) =>
      answer(reply, async () => {
        const { principal, mspId } = await mspOf(request);
        return summaryToWire(await call(principal, 'licenses.summary.get', { clients_id: mspId }));
      }),
    );
    scoped.get('/alerts', { config: { face: FACE } }, (request, reply) =>
      answer(reply, async () => {
        const { principal, mspId } = await mspOf(request);
        const recent = await call(principal, 'alerts.search', { clients_id: mspId, limit: RECENT_ALERTS });
        return recent.items.map(alertToWire);
      }),
    );
  });
}
