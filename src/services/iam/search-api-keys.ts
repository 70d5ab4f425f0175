import { and, asc, count, eq, isNull, type SQL } from 'drizzle-orm';
import { apiKeys } from '../../db/schema.ts';
import type { Context } from '../context.ts';
import { apiKeysInScope, presentApiKey } from './api-key-scope.ts';

export interface SearchApiKeysInput {
  limit: number;
  offset: number;
  users_id?: number;
  revoked?: boolean;
}

/** Keys of the users the caller may see, without their secrets. */
export async function searchApiKeys(ctx: Context, input: SearchApiKeysInput) {
  const filters: (SQL | undefined)[] = [apiKeysInScope(ctx)];
  if (input.users_id !== undefined) filters.push(eq(apiKeys.usersId, input.users_id));
  if (input.revoked === false) filters.push(isNull(apiKeys.revokedAt));
  const where = and(...filters);
  const [rows, [{ total }]] = await Promise.all([
    ctx.db.orm.select().from(apiKeys).where(where).orderBy(asc(apiKeys.id)).limit(input.limit).offset(input.offset),
    ctx.db.orm.select({ total: count() }).from(apiKeys).where(where),
  ]);
  return { items: rows.map(presentApiKey), total: Number(total) };
}
