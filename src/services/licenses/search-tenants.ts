import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { clients, tenants } from '../../db/schema.ts';
import type { Context } from '../context.ts';
import { withinScope } from '../scope.ts';
import { presentTenant } from './present-tenant.ts';
import { describeTenants } from './tenant-figures.ts';
import type { ConnectionStatus } from './tenant-record.ts';

export interface SearchTenantsInput {
  limit: number;
  offset: number;
  /** The MSP whose companies' tenants to list. */
  msp_id?: number;
  clients_id?: number;
  connection_status?: ConnectionStatus;
}

/** Tenants of companies the caller may see, with their license figures as of now, by company name. */
export async function searchTenants(ctx: Context, input: SearchTenantsInput) {
  const where = and(
    ne(clients.status, 'deleted'),
    withinScope(ctx, clients.path),
    input.msp_id !== undefined ? eq(clients.resellersId, input.msp_id) : undefined,
    input.clients_id !== undefined ? eq(tenants.clientsId, input.clients_id) : undefined,
    input.connection_status !== undefined ? eq(tenants.connectionStatus, input.connection_status) : undefined,
  );
  const [rows, [{ total }]] = await Promise.all([
    ctx.db.orm
      .select({ tenant: tenants, company: clients })
      .from(tenants)
      .innerJoin(clients, eq(clients.id, tenants.clientsId))
      .where(where)
      .orderBy(sql`lower(${clients.name})`, asc(tenants.id))
      .limit(input.limit)
      .offset(input.offset),
    ctx.db.orm.select({ total: sql<number>`count(*)`.mapWith(Number) }).from(tenants).innerJoin(clients, eq(clients.id, tenants.clientsId)).where(where),
  ]);
  const views = await describeTenants(ctx.db.orm, rows, ctx.now());
  return { items: views.map(presentTenant), total };
}
