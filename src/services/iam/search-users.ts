import { and, asc, count, eq, type SQL } from 'drizzle-orm';
import { users } from '../../db/schema.ts';
import type { Context } from '../context.ts';
import { activeUsers, presentUser, usersInScope } from './user-scope.ts';

export interface SearchUsersInput {
  limit: number;
  offset: number;
  login?: string;
  resellers_id?: number;
}

/** Users in the caller's subtree, filtered by equality on the given fields. */
export async function searchUsers(ctx: Context, input: SearchUsersInput) {
  const filters: (SQL | undefined)[] = [activeUsers(), usersInScope(ctx)];
  if (input.login !== undefined) filters.push(eq(users.login, input.login));
  if (input.resellers_id !== undefined) filters.push(eq(users.resellersId, input.resellers_id));
  const where = and(...filters);
  const [rows, [{ total }]] = await Promise.all([
    ctx.db.orm.select().from(users).where(where).orderBy(asc(users.id)).limit(input.limit).offset(input.offset),
    ctx.db.orm.select({ total: count() }).from(users).where(where),
  ]);
  return { items: rows.map(presentUser), total: Number(total) };
}
