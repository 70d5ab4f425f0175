import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, invalid, NATIVE_ERRORS, toAppError } from './errors.ts';
import type { CredentialResolver } from './auth/credentials.ts';
import { principalFromHeaders } from './auth/request-principal.ts';
import { MalformedBody } from './body.ts';
import { invokeMethod, type Runtime } from './invoke.ts';
import type { MethodDefinition, Registry } from './registry.ts';

/** Mounts one REST route per registry method; path, query and body merge into the method's params. */
export function registerRestRoutes(app: FastifyInstance, registry: Registry, runtime: Runtime, resolver: CredentialResolver): void {
  for (const method of registry.all()) {
    app.route({
      method: method.rest.method,
      url: method.rest.path,
      config: { face: 'rest' },
      handler: (request, reply) => handleRest(method, request, reply, runtime, resolver),
    });
  }
}

async function handleRest(method: MethodDefinition, request: FastifyRequest, reply: FastifyReply, runtime: Runtime, resolver: CredentialResolver) {
  const body = request.body;
  if (body instanceof MalformedBody) throw invalid(body.reason);
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    throw invalid('The body must be a JSON object');
  }
  const { principal } = await principalFromHeaders(resolver, request.headers);
  const params = {
    ...(request.query as Record<string, unknown>),
    ...(body as Record<string, unknown> | undefined),
    ...(request.params as Record<string, unknown>),
  };
  const idempotencyKey = request.headers['idempotency-key'];
  const result = await invokeMethod(runtime, method, params, {
    principal,
    face: 'rest',
    idempotencyKey: typeof idempotencyKey === 'string' ? idempotencyKey : undefined,
  });
  return reply.send(result);
}

/** The REST error body: `{"error": {"code", "message", "data"}}` with the status from the native table. */
export function sendRestError(reply: FastifyReply, error: unknown): FastifyReply {
  const appError = toAppError(error);
  const { status, code } = NATIVE_ERRORS[appError.kind];
  setRetryAfter(reply, appError);
  return reply.status(status).send({ error: { code, message: appError.message, ...(appError.data && { data: appError.data }) } });
}

export function setRetryAfter(reply: FastifyReply, error: AppError): void {
  const seconds = error.data?.retry_after;
  if (error.kind === 'rate_limited' && typeof seconds === 'number') reply.header('Retry-After', String(seconds));
}
