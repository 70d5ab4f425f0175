import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { clients, webhookEndpoints } from '../../db/schema.ts';
import type { Context } from '../context.ts';
import { withinScope } from '../scope.ts';
import { presentEndpoint } from './endpoint-record.ts';

/** Webhook endpoints of the nodes the caller may see. */
export async function searchEndpoints(ctx: Context, input: { limit: number; offset: number; clients_id?: number; enabled?: boolean }) {
  const where = and(
    isNull(webhookEndpoints.deletedAt),
    withinScope(ctx, clients.path),
    input.clients_id !== undefined ? eq(webhookEndpoints.clientsId, input.clients_id) : undefined,
    input.enabled !== undefined ? eq(webhookEndpoints.enabled, input.enabled) : undefined,
  );
  const [rows, [{ total }]] = await Promise.all([
    ctx.db.orm.select({ endpoint: webhookEndpoints }).from(webhookEndpoints).innerJoin(clients, eq(clients.id, webhookEndpoints.clientsId)).where(where).orderBy(asc(webhookEndpoints.id)).limit(input.limit).offset(input.offset),
    ctx.db.orm.select({ total: sql<number>`count(*)`.mapWith(Number) }).from(webhookEndpoints).innerJoin(clients, eq(clients.id, webhookEndpoints.clientsId)).where(where),
  ]);
  return { items: rows.map((row) => presentEndpoint(row.endpoint)), total };
}
