import { and, asc, count, eq, isNull, like, sql } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';
import { apiKeys, users } from '../../db/schema.ts';
import { invalid, notFound } from '../../api/errors.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { generateApiKey } from '../iam/api-key-format.ts';
import { apiKeysInScope, loadApiKeyInScope, presentApiKey } from '../iam/api-key-scope.ts';
import { revokeApiKey } from '../iam/revoke-api-key.ts';
import { loadMspInScope } from './msp-record.ts';

/** License tracker keys read `mlt_live_…` (seed 004); the native API does not take them. */
export const LICENSE_TRACKER_KEY_PREFIX = 'mlt_live_';
export const LICENSE_TRACKER_ROLE = 'LICENSE_TRACKER';
// Read only: the license tracker API has no writes.
const READ_ACCESS = 1;

const serviceLogin = (mspId: number) => `license-tracker:${mspId}`;

/** The user an MSP's license tracker keys act as: limited to the MSP, without a password. */
async function serviceUser(tx: Executor, mspId: number, now: Date): Promise<number> {
  await tx.execute(sql`
    INSERT INTO users (login, name, resellers_id, status, failed_logins, created_at, updated_at)
    VALUES (${serviceLogin(mspId)}, 'License tracker API', ${mspId}, 'active', 0, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)
    ON CONFLICT DO NOTHING`);
  const [user] = await tx.select({ id: users.id }).from(users).where(and(eq(users.login, serviceLogin(mspId)), eq(users.status, 'active')));
  return user.id;
}

/** Creates a license tracker key for an MSP. The key is in this answer only; it is stored hashed. */
export async function createLicenseApiKey(ctx: Context, input: { clients_id: number; name?: string; expires_at?: Date | null }) {
  if (input.expires_at && input.expires_at <= ctx.now()) throw invalid('expires_at must be in the future');
  return ctx.db.orm.transaction(async (tx) => {
    const msp = await loadMspInScope(tx, ctx, input.clients_id);
    const now = ctx.now();
    const usersId = await serviceUser(tx, msp.id, now);
    const generated = generateApiKey(LICENSE_TRACKER_KEY_PREFIX);
    const [row] = await tx
      .insert(apiKeys)
      .values({
        usersId,
        name: input.name ?? null,
        displayPrefix: generated.displayPrefix,
        keyHash: generated.hash,
        roles: [LICENSE_TRACKER_ROLE],
        access: READ_ACCESS,
        expiresAt: input.expires_at ?? null,
        createdAt: now,
      })
      .returning();
    await recordAudit(tx, ctx, { action: 'create', entity: 'api_key', entityId: row.id, scopePath: msp.path, data: { users_id: usersId, display_prefix: row.displayPrefix, face: 'license-tracker' } });
    return { ...presentApiKey(row), clients_id: msp.id, key: generated.key };
  });
}

/** An MSP's license tracker keys, without their secrets. */
export async function searchLicenseApiKeys(ctx: Context, input: { clients_id: number; limit: number; offset: number; revoked?: boolean }) {
  const msp = await loadMspInScope(ctx.db.orm, ctx, input.clients_id);
  const where = and(
    apiKeysInScope(ctx),
    like(apiKeys.displayPrefix, `${LICENSE_TRACKER_KEY_PREFIX}%`),
    sql`${apiKeys.usersId} IN (SELECT ${users.id} FROM ${users} WHERE ${users.login} = ${serviceLogin(msp.id)})`,
    input.revoked === false ? isNull(apiKeys.revokedAt) : input.revoked === true ? sql`${apiKeys.revokedAt} IS NOT NULL` : undefined,
  );
  const [rows, [{ total }]] = await Promise.all([
    ctx.db.orm.select().from(apiKeys).where(where).orderBy(asc(apiKeys.id)).limit(input.limit).offset(input.offset),
    ctx.db.orm.select({ total: count() }).from(apiKeys).where(where),
  ]);
  return { items: rows.map((row) => ({ ...presentApiKey(row), clients_id: msp.id })), total: Number(total) };
}

/** Revokes a license tracker key: it fails on its very next request. Returns the rows changed. */
export async function revokeLicenseApiKey(ctx: Context, id: number): Promise<number> {
  const key = await loadApiKeyInScope(ctx.db.orm, ctx, id);
  if (!key.displayPrefix.startsWith(LICENSE_TRACKER_KEY_PREFIX)) throw notFound(`License tracker API key ${id}`);
  return revokeApiKey(ctx, id);
}
