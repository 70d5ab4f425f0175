import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  createJSONRPCErrorResponse,
  JSONRPCErrorCode,
  JSONRPCServer,
  type JSONRPCErrorResponse,
  type JSONRPCRequest,
  type JSONRPCResponse,
} from 'json-rpc-2.0';
import type { Principal } from '../services/context.ts';
import type { CredentialResolver } from './auth/credentials.ts';
import { principalFromHeaders } from './auth/request-principal.ts';
import { MalformedBody } from './body.ts';
import { AppError, NATIVE_ERRORS, toAppError } from './errors.ts';
import { invokeMethod, type Runtime } from './invoke.ts';
import type { Registry } from './registry.ts';

/** Decision (spec/coreapi.md): a batch of more than 100 calls is refused whole. */
export const MAX_BATCH = 100;

interface CallParams {
  principal: Principal | null;
  idempotencyKey: string | undefined;
  unauthorized: boolean;
}

/** Builds the JSON-RPC 2.0 dispatcher over the registry: every method is reachable by its dotted name. */
export function createJsonRpcServer(registry: Registry, runtime: Runtime): JSONRPCServer<CallParams> {
  const server = new JSONRPCServer<CallParams>({
    errorListener: (message, error) => {
      const appError = toAppError(error);
      if (appError.kind === 'internal') runtime.log.error({ err: error }, message);
    },
  });
  server.mapErrorToJSONRPCErrorResponse = (id, error) => {
    const appError = toAppError(error);
    const { code } = NATIVE_ERRORS[appError.kind];
    return createJSONRPCErrorResponse(id, code, appError.kind === 'internal' ? 'Internal error' : appError.message, appError.data);
  };
  for (const method of registry.all()) {
    server.addMethod(method.name, async (params, call) => {
      try {
        return await invokeMethod(runtime, method, params, { principal: call.principal, face: 'json-rpc', idempotencyKey: call.idempotencyKey });
      } catch (error) {
        if (error instanceof AppError && error.kind === 'unauthorized') call.unauthorized = true;
        throw error;
      }
    });
  }
  return server;
}

const errorResponse = (id: JSONRPCRequest['id'] | null, code: number, message: string, data?: unknown): JSONRPCErrorResponse =>
  createJSONRPCErrorResponse(id ?? null, code, message, data);

/** A request object is valid only as the specification says; anything else is -32600 (with its id when that is valid). */
function invalidRequest(candidate: unknown): JSONRPCErrorResponse | undefined {
  const request = candidate as Record<string, unknown> | null;
  const hasValidId = (value: unknown) => value === undefined || value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
  if (
    request !== null &&
    typeof request === 'object' &&
    !Array.isArray(request) &&
    request.jsonrpc === '2.0' &&
    typeof request.method === 'string' &&
    (request.params === undefined || (typeof request.params === 'object' && request.params !== null)) &&
    hasValidId(request.id)
  ) {
    return undefined;
  }
  const id = request && typeof request === 'object' && hasValidId(request.id) && request.id !== undefined ? (request.id as string | number | null) : null;
  return errorResponse(id, JSONRPCErrorCode.InvalidRequest, 'Invalid Request');
}

/** Handles `POST /` and `POST /api/`. */
export async function handleJsonRpc(
  server: JSONRPCServer<CallParams>,
  resolver: CredentialResolver,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const body = request.body;
  if (body === undefined || body instanceof MalformedBody) {
    return reply.send(errorResponse(null, JSONRPCErrorCode.ParseError, 'Parse error'));
  }
  const batch = Array.isArray(body);
  const calls: unknown[] = batch ? body : [body];
  if (batch && calls.length === 0) return reply.send(errorResponse(null, JSONRPCErrorCode.InvalidRequest, 'Invalid Request'));
  if (calls.length > MAX_BATCH) {
    return reply.send(errorResponse(null, JSONRPCErrorCode.InvalidRequest, `Invalid Request: a batch holds at most ${MAX_BATCH} calls`));
  }

  let principal: Principal | null = null;
  try {
    principal = (await principalFromHeaders(resolver, request.headers)).principal;
  } catch (error) {
    const appError = toAppError(error);
    if (appError.kind !== 'unauthorized') throw error;
    // A bad API key is refused with HTTP 401 (seed 003); a bad JWT answers -32005 per call.
    const responses = calls.map((call) => errorResponse(callId(call), NATIVE_ERRORS.unauthorized.code, appError.message));
    const status = typeof request.headers['x-api-key'] === 'string' ? 401 : 200;
    return reply.status(status).send(batch ? responses : responses[0]);
  }

  const header = request.headers['idempotency-key'];
  const callParams: CallParams = {
    principal,
    idempotencyKey: !batch && typeof header === 'string' ? header : undefined,
    unauthorized: false,
  };
  const responses: JSONRPCResponse[] = [];
  // Calls in a batch run in order, so a batch that creates then reads behaves predictably.
  for (const call of calls) {
    const refusal = invalidRequest(call);
    const response = refusal ?? (await server.receive(call as JSONRPCRequest, callParams));
    if (response) responses.push(response);
  }
  if (responses.length === 0) return reply.status(204).send();
  // A call that needed a credential and had none: HTTP 401, as for REST.
  if (callParams.unauthorized && !principal) reply.status(401);
  return reply.send(batch ? responses : responses[0]);
}

function callId(call: unknown): string | number | null {
  const id = (call as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

export function registerJsonRpcRoute(app: FastifyInstance, server: JSONRPCServer<CallParams>, resolver: CredentialResolver): void {
  app.post('/', { config: { face: 'json-rpc' } }, (request, reply) => handleJsonRpc(server, resolver, request, reply));
}
