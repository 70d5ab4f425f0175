import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { collectDefaultMetrics, Histogram, Registry as MetricsRegistry } from 'prom-client';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { AppError, NATIVE_ERRORS, toAppError } from './errors.ts';
import { CredentialResolver } from './auth/credentials.ts';
import { registerBodyParser } from './body.ts';
import { createJsonRpcServer, registerJsonRpcRoute } from './json-rpc.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { registerRestRoutes, sendRestError, setRetryAfter } from './rest.ts';
import type { Runtime } from './invoke.ts';
import type { Registry } from './registry.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    face?: string;
  }
}

export interface ServerOptions {
  runtime: Runtime;
  registry: Registry;
  logger: Logger;
  rateLimitPerMinute: number;
  version: string;
  /** Vendor faces mount their own routes, sharing the registry, the runtime and the credential resolver. */
  faces?: Array<(app: FastifyInstance, face: FaceContext) => void>;
}

export interface FaceContext {
  runtime: Runtime;
  registry: Registry;
  resolver: CredentialResolver;
}

/**
 * Mounts a face's routes under its base path, where everything, not only its handlers' answers,
 * speaks the face's error shape: unknown routes and other methods (`notFound`), the installation-wide
 * rate limit, a body the framework refused.
 */
export function mountFaceRoutes(
  app: FastifyInstance,
  options: { prefix: string; sendError: (reply: FastifyReply, error: unknown, request: FastifyRequest) => FastifyReply; notFound: (request: FastifyRequest) => unknown },
  routes: (scoped: FastifyInstance) => void,
): void {
  app.register(
    async (scoped) => {
      // Fastify's own refusals (a body too large, a bad content type) keep their 4xx meaning here too.
      scoped.setErrorHandler((error, request, reply) => options.sendError(reply, fromFrameworkError(error), request));
      scoped.setNotFoundHandler((request, reply) => options.sendError(reply, options.notFound(request), request));
      routes(scoped);
    },
    { prefix: options.prefix },
  );
}

export interface Server {
  app: FastifyInstance;
  resolver: CredentialResolver;
}

// The product's name in the docs page's top bar, where Swagger UI would show its framework's logo.
const DOCS_LOGO = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="150" height="40" viewBox="0 0 150 40"><text x="0" y="28" font-family="system-ui, sans-serif" font-size="24" font-weight="700" fill="#ffffff">Seatledger</text></svg>',
);

/** Builds the HTTP server: the native API (REST at / and /api/, JSON-RPC at POST / and /api/), docs and operations endpoints. */
export async function buildServer(options: ServerOptions): Promise<Server> {
  const { runtime, registry } = options;
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 16 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
    return503OnClosing: true,
  });
  const resolver = new CredentialResolver(runtime.db, runtime.now, options.logger);
  await resolver.start();
  app.addHook('onClose', () => resolver.stop());

  registerBodyParser(app);
  registerMetrics(app);
  app.setErrorHandler((error, request, reply) => {
    const appError = fromFrameworkError(error);
    if (appError.kind === 'internal') request.log.error({ err: error, url: request.url }, 'unexpected error');
    if (request.routeOptions.config?.face === 'json-rpc') {
      setRetryAfter(reply, appError);
      const { status, code } = NATIVE_ERRORS[appError.kind];
      const message = appError.kind === 'internal' ? 'Internal error' : appError.message;
      return reply.status(status).send({ jsonrpc: '2.0', id: null, error: { code, message, ...(appError.data && { data: appError.data }) } });
    }
    return sendRestError(reply, appError.kind === 'internal' ? new AppError('internal', 'Internal error') : appError);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: -32601, message: `No route ${request.method} ${request.url.split('?')[0]}` } }),
  );

  await app.register(rateLimit, {
    max: options.rateLimitPerMinute,
    timeWindow: 60_000,
    // Made-up keys must not each get a fresh allowance: an unknown credential counts against its address.
    keyGenerator: async (request) => {
      const key = request.headers['x-api-key'];
      if (typeof key !== 'string') return `ip:${request.ip}`;
      // The same cached lookup the handler makes next: no extra database round trip.
      return resolver.fromApiKey(key.trim()).then(
        (principal) => `key:${principal.apiKeysId}`,
        () => `ip:${request.ip}`,
      );
    },
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', `Rate limit exceeded: ${context.max} requests per minute`, {
        retry_after: Math.max(1, Math.ceil(context.ttl / 1000)),
      }),
  });

  const document = buildOpenApiDocument(registry, options.version);
  await app.register(swagger, { mode: 'static', specification: { document: document as never } });
  await app.register(swaggerUi, { routePrefix: '/docs', logo: { type: 'image/svg+xml', content: DOCS_LOGO, href: '/docs', target: '_self' }, theme: { title: 'Seatledger API' } });
  app.get('/openapi.json', { config: { rateLimit: false } }, async () => document);
  app.get('/healthz', { config: { rateLimit: false } }, async (_request, reply) => {
    await runtime.db.orm.execute(sql`SELECT 1`);
    return reply.send({ status: 'ok' });
  });

  const jsonRpc = createJsonRpcServer(registry, runtime);
  for (const prefix of ['', '/api']) {
    await app.register(
      async (scoped) => {
        registerJsonRpcRoute(scoped, jsonRpc, resolver);
        registerRestRoutes(scoped, registry, runtime, resolver);
      },
      { prefix },
    );
  }
  for (const mountFace of options.faces ?? []) mountFace(app, { runtime, registry, resolver });
  return { app, resolver };
}

/** Fastify's own errors (body too large, bad content) keep their 4xx meaning; anything else is internal. */
function fromFrameworkError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const statusCode = (error as { statusCode?: number }).statusCode;
  if (statusCode === 429) return new AppError('rate_limited', 'Rate limit exceeded');
  if (statusCode && statusCode >= 400 && statusCode < 500) return new AppError('invalid', (error as Error).message);
  return toAppError(error);
}

function registerMetrics(app: FastifyInstance): void {
  const metrics = new MetricsRegistry();
  collectDefaultMetrics({ register: metrics });
  const duration = new Histogram({
    name: 'seatledger_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [metrics],
  });
  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { config: { rateLimit: false } }, async (_request, reply) =>
    reply.header('Content-Type', metrics.contentType).send(await metrics.metrics()),
  );
}
