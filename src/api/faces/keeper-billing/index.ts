import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import type { Principal } from '../../../services/context.ts';
import { toAppError } from '../../errors.ts';
import { setRetryAfter } from '../../rest.ts';
import { invokeMethod } from '../../invoke.ts';
import { mountFaceRoutes, type FaceContext } from '../../server.ts';
import { decodeCompanyId } from '../company-id.ts';
import { currentUsageBody, monthlyUsageBody, type NativeStatement } from '../keeper-usage.ts';

// The MSP Billing usage API of seed 000 (spec/keeper-billing.md): `x-api-token: Bearer <key>` with the
// BILLING role, and `{success:false, error, message}` bodies.

const FACE = 'keeper-billing';
const PREFIXES = ['/bi_api/rest/public/msp', '/api/rest/public/msp'];

/** A refusal in this face's own words. */
class FaceError extends Error {
  constructor(
    readonly status: number,
    readonly label: string,
    message: string,
  ) {
    super(message);
  }
}

const errors = {
  month: () => new FaceError(400, 'Missing/Invalid month', 'Month is invalid.'),
  year: () => new FaceError(400, 'Missing/Invalid year', 'Year is invalid.'),
  companyRequired: () => new FaceError(400, 'Missing/Invalid companyId', 'companyId is required for distributor tokens.'),
  companyInvalid: () => new FaceError(400, 'Missing/Invalid companyId', 'companyId is invalid.'),
  unauthorized: () => new FaceError(401, 'Unauthorized', 'Invalid or missing token.'),
  managedCompany: () => new FaceError(403, 'Forbidden', 'MC trying to access api.'),
  noBillingRole: () => new FaceError(403, 'Forbidden', 'Token lacks the BILLING role.'),
  notFound: () => new FaceError(404, 'Not Found', 'No such endpoint.'),
  tooMany: () => new FaceError(429, 'Too Many Requests', 'Rate limit exceeded.'),
  internal: () => new FaceError(500, 'Internal Server Error', 'Unexpected error occurred.'),
};

/** The one mapping from native failures to this face's table. */
function toFaceError(error: unknown): FaceError {
  if (error instanceof FaceError) return error;
  const appError = toAppError(error);
  if (appError.kind === 'unauthorized') return errors.unauthorized();
  if (appError.kind === 'not_found') return errors.companyInvalid();
  if (appError.kind === 'rate_limited') return errors.tooMany();
  if (appError.kind === 'invalid') return new FaceError(400, 'Bad Request', appError.message);
  return errors.internal();
}

function sendFaceError(reply: FastifyReply, face: FaceContext, error: unknown) {
  const faceError = toFaceError(error);
  if (faceError.status === 500) face.runtime.log.error({ err: error }, 'keeper-billing face failed');
  setRetryAfter(reply, toAppError(error));
  return reply.status(faceError.status).send({ success: false, error: faceError.label, message: faceError.message });
}

async function principalOf(face: FaceContext, request: FastifyRequest): Promise<Principal> {
  const header = request.headers['x-api-token'];
  const token = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
  if (!token) throw errors.unauthorized();
  const principal = await face.resolver.fromApiKey(token);
  if (!principal.roles.includes('BILLING')) throw errors.noBillingRole();
  return principal;
}

/** The MSP a token speaks for: its own, or (distributor and installation tokens) the one named by companyId. */
async function mspOf(face: FaceContext, principal: Principal, query: Record<string, unknown>): Promise<{ id: number; zone: string }> {
  let id: number | undefined;
  const named = typeof query.companyId === 'string' ? query.companyId : undefined;
  if (principal.scope) {
    const own = (await invokeMethod(face.runtime, face.registry.get('clients.get')!, { id: principal.scope.clientsId }, { principal, face: FACE })) as { kind: string; id: number };
    if (own.kind === 'company') throw errors.managedCompany();
    if (own.kind === 'msp') id = own.id;
  }
  if (id === undefined) {
    if (named === undefined) throw errors.companyRequired();
    id = decodeCompanyId(named);
    if (id === undefined) throw errors.companyInvalid();
  }
  const msp = (await invokeMethod(face.runtime, face.registry.get('clients.get')!, { id }, { principal, face: FACE })) as { kind: string; id: number; billing_time_zone: string };
  if (msp.kind !== 'msp') throw errors.companyInvalid();
  return { id: msp.id, zone: msp.billing_time_zone };
}

/** month: 1–12 without a leading zero; year: four digits; a month after the current one is invalid. */
function monthOf(query: Record<string, unknown>, zone: string, now: Date): { year: number; month: number } {
  const month = typeof query.month === 'string' && /^([1-9]|1[0-2])$/.test(query.month) ? Number(query.month) : undefined;
  // NOTE: statements start in 2000 (the native range); an earlier four-digit year is refused, not a 500.
  const year = typeof query.year === 'string' && /^[2-9]\d{3}$/.test(query.year) ? Number(query.year) : undefined;
  if (month === undefined) throw errors.month();
  if (year === undefined) throw errors.year();
  const current = DateTime.fromJSDate(now, { zone });
  if (year > current.year || (year === current.year && month > current.month)) throw errors.month();
  return { year, month };
}

async function answer(reply: FastifyReply, face: FaceContext, work: () => Promise<unknown>) {
  try {
    return reply.status(200).send({ success: true, usage: await work() });
  } catch (error) {
    return sendFaceError(reply, face, error);
  }
}

export function mountKeeperBilling(app: FastifyInstance, face: FaceContext): void {
  for (const prefix of PREFIXES) {
    mountFaceRoutes(app, { prefix, sendError: (reply, error) => sendFaceError(reply, face, error), notFound: errors.notFound }, (scoped) => mountRoutes(scoped, face));
  }
}

function mountRoutes(app: FastifyInstance, face: FaceContext): void {
  app.get('/billing-usage', { config: { face: FACE } }, (request, reply) =>
    answer(reply, face, async () => {
      const principal = await principalOf(face, request);
      const query = request.query as Record<string, unknown>;
      const msp = await mspOf(face, principal, query);
      const { year, month } = monthOf(query, msp.zone, face.runtime.now());
      const statement = await invokeMethod(face.runtime, face.registry.get('billing.statements.get')!, { clients_id: msp.id, year, month }, { principal, face: FACE });
      return monthlyUsageBody(statement as NativeStatement);
    }),
  );
  app.get('/current-usage', { config: { face: FACE } }, (request, reply) =>
    answer(reply, face, async () => {
      const principal = await principalOf(face, request);
      const msp = await mspOf(face, principal, request.query as Record<string, unknown>);
      const usage = await invokeMethod(face.runtime, face.registry.get('billing.usage.current')!, { clients_id: msp.id }, { principal, face: FACE });
      return currentUsageBody(usage as Parameters<typeof currentUsageBody>[0]);
    }),
  );
}

