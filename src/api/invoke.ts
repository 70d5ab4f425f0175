import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { Database } from '../db/connection.ts';
import { enqueueJob } from '../db/jobs.ts';
import { idempotencyKeys } from '../db/schema.ts';
import type { Context, Principal } from '../services/context.ts';
import { AppError, conflict, invalid, toAppError, unauthorized, unprocessable } from './errors.ts';
import { isWrite, type MethodDefinition } from './registry.ts';
import { requestZone } from './request-zone.ts';

/** What every call needs from the running installation. */
export interface Runtime {
  db: Database;
  log: Logger;
  now: () => Date;
  defaultTimeZone: string;
}

/** Where a call came from. */
export interface CallOrigin {
  principal: Principal | null;
  face: string;
  idempotencyKey?: string;
}

const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;

/**
 * Runs one registry method: authentication, `__tz`, validation, idempotency, then the handler,
 * and writes outgoing datetimes in the call's zone. REST, JSON-RPC and the faces all come through here.
 */
export async function invokeMethod(runtime: Runtime, method: MethodDefinition, rawParams: unknown, origin: CallOrigin): Promise<unknown> {
  if (method.auth !== 'public' && !origin.principal) throw unauthorized();
  if (rawParams === undefined || rawParams === null) rawParams = {};
  if (Array.isArray(rawParams)) rawParams = byPosition(method, rawParams);
  if (typeof rawParams !== 'object') throw invalid('params must be an object of named parameters');
  const { __tz, __idempotency_key, ...params } = rawParams as Record<string, unknown>;
  const zone = resolveZone(__tz, origin.principal, runtime.defaultTimeZone);
  const idempotencyKey = origin.idempotencyKey ?? (typeof __idempotency_key === 'string' ? __idempotency_key : undefined);

  const parsed = await requestZone.run(zone, () => method.input.safeParseAsync(params));
  if (!parsed.success) {
    throw invalid(describeIssues(parsed.error.issues), {
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  const ctx: Context = {
    db: runtime.db,
    principal: origin.principal,
    now: runtime.now,
    log: runtime.log,
    face: origin.face,
    method: method.name,
    zone,
    enqueue: (executor, job) => enqueueJob(executor, job, runtime.now()),
  };
  const run = async () => present(await requestZone.run(zone, () => method.run(ctx, parsed.data)), zone);
  if (!idempotencyKey || !isWrite(method) || !origin.principal) return run();
  return runOnce(runtime, origin.principal.usersId, idempotencyKey, method.name, params, run);
}

/** JSON-RPC by-position params map onto the method's parameters in the order its schema declares them. */
function byPosition(method: MethodDefinition, values: unknown[]): Record<string, unknown> {
  const names = method.input instanceof z.ZodObject ? Object.keys(method.input.shape) : [];
  if (values.length > names.length) throw invalid(`${method.name} takes at most ${names.length} positional params`);
  return Object.fromEntries(values.map((value, index) => [names[index], value]));
}

function resolveZone(requested: unknown, principal: Principal | null, fallback: string): string {
  if (requested !== undefined) {
    if (typeof requested !== 'string' || !IANAZone.isValidZone(requested)) {
      throw invalid(`Unknown time zone "${String(requested)}" in __tz`, { issues: [{ path: '__tz', message: 'an IANA time zone' }] });
    }
    return requested;
  }
  return principal?.timeZone ?? fallback;
}

function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  const [first] = issues;
  const where = first.path.length ? `${first.path.map(String).join('.')}: ` : '';
  return `Invalid params: ${where}${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`;
}

/** Writes every Date as ISO 8601 with the offset of the call's zone. */
export function present(value: unknown, zone: string): unknown {
  if (value instanceof Date) return DateTime.fromJSDate(value, { zone }).toISO();
  if (Array.isArray(value)) return value.map((item) => present(item, zone));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = present(item, zone);
    return out;
  }
  return value;
}

type StoredOutcome = { ok: true; result: unknown } | { ok: false; error: { kind: AppError['kind']; message: string; data?: Record<string, unknown> } };

/**
 * Idempotency-Key: the first outcome is stored for 24 hours and replayed for the same request;
 * a different request under the same key is refused, and so is a repeat while the first still runs.
 */
async function runOnce(
  runtime: Runtime,
  usersId: number,
  key: string,
  methodName: string,
  params: Record<string, unknown>,
  run: () => Promise<unknown>,
): Promise<unknown> {
  const { orm } = runtime.db;
  const requestHash = createHash('sha256').update(methodName).update('\0').update(stableJson(params)).digest('hex');
  const now = runtime.now();
  await orm.execute(sql`
    DELETE FROM idempotency_keys WHERE users_id = ${usersId} AND key = ${key}
      AND created_at < ${new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS).toISOString()}::timestamptz`);
  const claimed = await orm
    .insert(idempotencyKeys)
    .values({ usersId, key, method: methodName, requestHash, status: 'in_flight', createdAt: now })
    .onConflictDoNothing()
    .returning({ id: idempotencyKeys.id });
  if (claimed.length === 0) {
    const [existing] = await orm
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.usersId, usersId), eq(idempotencyKeys.key, key)));
    if (!existing) throw conflict('Idempotency-Key is being replaced; retry');
    if (existing.requestHash !== requestHash) {
      throw unprocessable('IdempotencyKeyReused', 'This Idempotency-Key was used with a different request');
    }
    if (existing.status === 'in_flight') throw conflict('A request with this Idempotency-Key is still in progress');
    const stored = existing.responseBody;
    const outcome = (typeof stored === 'string' ? JSON.parse(stored) : stored) as StoredOutcome;
    if (outcome.ok) return outcome.result;
    throw new AppError(outcome.error.kind, outcome.error.message, outcome.error.data);
  }
  const rowId = claimed[0].id;
  let outcome: StoredOutcome;
  try {
    outcome = { ok: true, result: await run() };
  } catch (error) {
    const appError = toAppError(error);
    if (appError.kind === 'internal' || appError.kind === 'rate_limited') {
      // An unexpected failure is not an answer to replay: free the key for a retry.
      await orm.delete(idempotencyKeys).where(eq(idempotencyKeys.id, rowId));
      throw error;
    }
    outcome = { ok: false, error: { kind: appError.kind, message: appError.message, data: appError.data } };
  }
  // NOTE: kept as JSON text inside the jsonb column: jsonb reorders object keys, and a replay must be the body first sent.
  await orm
    .update(idempotencyKeys)
    .set({ status: 'completed', responseStatus: outcome.ok ? 200 : 0, responseBody: JSON.stringify(outcome), completedAt: runtime.now() })
    .where(eq(idempotencyKeys.id, rowId));
  if (outcome.ok) return outcome.result;
  throw new AppError(outcome.error.kind, outcome.error.message, outcome.error.data);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
