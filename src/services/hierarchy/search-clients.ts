import { and, asc, count, eq, ilike, ne, type SQL } from 'drizzle-orm';
import { clients, currencies } from '../../db/schema.ts';
import type { Context } from '../context.ts';
import { withinScope } from '../scope.ts';
import { presentClient, type ClientKind } from './client-record.ts';

export interface SearchClientsInput {
  limit: number;
  offset: number;
  kind?: ClientKind;
  resellers_id?: number;
  status?: 'active' | 'archived';
  name?: string;
  sfdc_account_id?: string;
  vendor_internal_id?: string;
}

/** Clients in the caller's subtree; `name` matches case-insensitively anywhere in the name. */
export async function searchClients(ctx: Context, input: SearchClientsInput) {
  const filters: (SQL | undefined)[] = [ne(clients.status, 'deleted'), withinScope(ctx, clients.path)];
  if (input.kind !== undefined) filters.push(eq(clients.kind, input.kind));
  if (input.resellers_id !== undefined) filters.push(eq(clients.resellersId, input.resellers_id));
  if (input.status !== undefined) filters.push(eq(clients.status, input.status));
  if (input.name !== undefined) filters.push(ilike(clients.name, `%${input.name.replace(/[\\%_]/g, '\\$&')}%`));
  if (input.sfdc_account_id !== undefined) filters.push(eq(clients.sfdcAccountId, input.sfdc_account_id));
  if (input.vendor_internal_id !== undefined) filters.push(eq(clients.vendorInternalId, input.vendor_internal_id));
  const where = and(...filters);
  const [rows, [{ total }]] = await Promise.all([
    ctx.db.orm
      .select({ client: clients, code: currencies.code })
      .from(clients)
      .innerJoin(currencies, eq(currencies.id, clients.currenciesId))
      .where(where)
      .orderBy(asc(clients.id))
      .limit(input.limit)
      .offset(input.offset),
    ctx.db.orm.select({ total: count() }).from(clients).where(where),
  ]);
  return { items: rows.map(({ client, code }) => presentClient(client, code)), total: Number(total) };
}
