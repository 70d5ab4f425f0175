import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';
import { clients, users } from '../../db/schema.ts';
import { AppError, notFound } from '../../api/errors.ts';
import type { Context } from '../context.ts';
import { loadClientInScope, requirePrincipal } from '../scope.ts';

export type UserRow = typeof users.$inferSelect;

/** Users the caller may see: its own subtree's users; unlimited users only to unlimited callers. */
export function usersInScope(ctx: Context): SQL | undefined {
  const scope = requirePrincipal(ctx).scope;
  if (!scope) return undefined;
  return sql`${users.resellersId} IN (SELECT ${clients.id} FROM ${clients} WHERE ${clients.path} LIKE ${scope.path + '%'})`;
}

export async function loadUserInScope(executor: Executor, ctx: Context, id: number): Promise<UserRow> {
  const [row] = await executor
    .select()
    .from(users)
    .where(and(eq(users.id, id), eq(users.status, 'active'), usersInScope(ctx)));
  if (!row) throw notFound(`User ${id}`);
  return row;
}

/** A limited caller can only hand out a scope inside its own: never a wider one, never none. */
export async function checkGrantableScope(executor: Executor, ctx: Context, resellersId: number | null | undefined): Promise<void> {
  const scope = requirePrincipal(ctx).scope;
  if (resellersId === null || resellersId === undefined) {
    if (scope) {
      throw new AppError('unprocessable', 'A limited user cannot create a user or key without a reseller limit', {
        name: 'PermissionDenied',
      });
    }
    return;
  }
  await loadClientInScope(executor, ctx, resellersId);
}

export function presentUser(row: UserRow) {
  return {
    id: row.id,
    login: row.login,
    name: row.name,
    email: row.email,
    resellers_id: row.resellersId,
    time_zone: row.timeZone,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

export const activeUsers = () => eq(users.status, 'active');
export const unlimitedUsers = () => isNull(users.resellersId);
