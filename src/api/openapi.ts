import { z } from 'zod';
import { NATIVE_ERRORS } from './errors.ts';
import type { MethodDefinition, Registry } from './registry.ts';

type JsonSchema = Record<string, unknown>;

const errorBody = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'integer' }, message: { type: 'string' }, data: { type: 'object' } },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
};

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

/** `/clients/:id` → `/clients/{id}` */
const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function operation(method: MethodDefinition): JsonSchema {
  const input = schemaOf(method.input, 'input');
  const properties = (input.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((input.required as string[] | undefined) ?? []);
  const pathNames = [...method.rest.path.matchAll(/:(\w+)/g)].map((match) => match[1]);
  const parameters: JsonSchema[] = pathNames.map((name) => ({ name, in: 'path', required: true, schema: properties[name] ?? { type: 'string' } }));
  parameters.push({ name: '__tz', in: 'query', required: false, schema: { type: 'string' }, description: 'IANA time zone for datetimes in and out' });
  const rest = Object.fromEntries(Object.entries(properties).filter(([name]) => !pathNames.includes(name)));
  let requestBody: JsonSchema | undefined;
  if (method.rest.method === 'GET' || method.rest.method === 'DELETE') {
    for (const [name, schema] of Object.entries(rest)) parameters.push({ name, in: 'query', required: required.has(name), schema });
  } else {
    parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } });
    const bodyRequired = [...required].filter((name) => !pathNames.includes(name));
    requestBody = {
      required: bodyRequired.length > 0,
      content: { 'application/json': { schema: { type: 'object', properties: rest, ...(bodyRequired.length && { required: bodyRequired }) } } },
    };
  }
  const responses: Record<string, unknown> = {
    200: { description: 'Success', content: { 'application/json': { schema: schemaOf(method.output, 'output') } } },
  };
  for (const { status } of Object.values(NATIVE_ERRORS)) {
    if (status === 401 && method.auth === 'public') continue;
    responses[status] = { description: 'Error', content: { 'application/json': { schema: errorBody } } };
  }
  return {
    operationId: method.name,
    summary: method.summary,
    description: `${method.summary}\n\nJSON-RPC 2.0: \`POST /\` with \`{"jsonrpc":"2.0","id":1,"method":"${method.name}","params":{…}}\`.`,
    tags: [method.name.split('.').slice(0, -1).join('.') || method.name],
    ...(method.auth === 'public' ? { security: [] } : {}),
    parameters,
    ...(requestBody && { requestBody }),
    responses,
  };
}

/** The OpenAPI 3.1 document, generated from the registry: one operation per method, operationId = method name. */
export function buildOpenApiDocument(registry: Registry, version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const method of registry.all()) {
    const path = openApiPath(method.rest.path);
    paths[path] ??= {};
    paths[path][method.rest.method.toLowerCase()] = operation(method);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Seatledger native API',
      version,
      description:
        'Every method is reachable as REST (below, also under /api/) and as JSON-RPC 2.0 at POST / and POST /api/ with the operationId as the method name.',
    },
    servers: [{ url: '/' }, { url: '/api' }],
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
    },
    security: [{ apiKey: [] }, { jwt: [] }],
    paths,
  };
}
