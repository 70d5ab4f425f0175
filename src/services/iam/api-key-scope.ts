import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';
import { apiKeys, users } from '../../db/schema.ts';
import { notFound } from '../../api/errors.ts';
import type { Context } from '../context.ts';
import { usersInScope } from './user-scope.ts';

export type ApiKeyRow = typeof apiKeys.$inferSelect;

/** Keys belonging to users the caller may see. */
export function apiKeysInScope(ctx: Context): SQL {
  const visibleUsers = usersInScope(ctx);
  return sql`${apiKeys.usersId} IN (SELECT ${users.id} FROM ${users} ${visibleUsers ? sql`WHERE ${visibleUsers}` : sql``})`;
}

export async function loadApiKeyInScope(executor: Executor, ctx: Context, id: number): Promise<ApiKeyRow> {
  const [row] = await executor.select().from(apiKeys).where(and(eq(apiKeys.id, id), apiKeysInScope(ctx)));
  if (!row) throw notFound(`API key ${id}`);
  return row;
}

/** What may be shown of a key after its creation: never the key or its hash. */
export function presentApiKey(row: ApiKeyRow) {
  return {
    id: row.id,
    users_id: row.usersId,
    name: row.name,
    display_prefix: row.displayPrefix,
    roles: row.roles,
    access: row.access,
    expires_at: row.expiresAt,
    last_used_at: row.lastUsedAt,
    revoked_at: row.revokedAt,
    created_at: row.createdAt,
  };
}
