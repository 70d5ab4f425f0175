import { and, asc, eq, ne, notInArray } from 'drizzle-orm';
import { accounts, clients } from '../../db/schema.ts';
import type { Context } from '../context.ts';
import { accountsWithinScope } from '../scope.ts';
import { ENDED_STATUSES, presentAccount } from './account-record.ts';

/** Every account in the caller's subtree that still exists (not removed or purged), oldest first. */
export async function listAccounts(ctx: Context) {
  const rows = await ctx.db.orm
    .select({ account: accounts, client: clients })
    .from(accounts)
    .innerJoin(clients, eq(clients.id, accounts.clientsId))
    .where(and(accountsWithinScope(ctx, clients.path, accounts.vendor), ne(clients.status, 'deleted'), notInArray(accounts.status, [...ENDED_STATUSES])))
    .orderBy(asc(accounts.createdAt), asc(accounts.clientsId));
  return rows.map(presentAccount);
}
