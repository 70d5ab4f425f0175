import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { clients, webhookAttempts, webhookDeliveries, webhookEndpoints } from '../../db/schema.ts';
import type { Context } from '../context.ts';
import { withinScope } from '../scope.ts';
import { presentDelivery, type DeliveryRow } from './delivery-record.ts';

export interface SearchDeliveriesInput {
  limit: number;
  offset: number;
  endpoints_id?: number;
  clients_id?: number;
  status?: DeliveryRow['status'];
  event?: string;
  message_id?: string;
}

/** The delivery log of the endpoints the caller may see, newest first, each with every attempt. */
export async function searchDeliveries(ctx: Context, input: SearchDeliveriesInput) {
  const where = and(
    withinScope(ctx, clients.path),
    input.endpoints_id !== undefined ? eq(webhookDeliveries.endpointsId, input.endpoints_id) : undefined,
    input.clients_id !== undefined ? eq(webhookEndpoints.clientsId, input.clients_id) : undefined,
    input.status !== undefined ? eq(webhookDeliveries.status, input.status) : undefined,
    input.event !== undefined ? eq(webhookDeliveries.event, input.event) : undefined,
    input.message_id !== undefined ? eq(webhookDeliveries.messageId, input.message_id) : undefined,
  );
  const base = () =>
    ctx.db.orm
      .select({ delivery: webhookDeliveries })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointsId))
      .innerJoin(clients, eq(clients.id, webhookEndpoints.clientsId))
      .where(where);
  const [rows, [{ total }]] = await Promise.all([
    base().orderBy(desc(webhookDeliveries.id)).limit(input.limit).offset(input.offset),
    ctx.db.orm
      .select({ total: sql<number>`count(*)`.mapWith(Number) })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointsId))
      .innerJoin(clients, eq(clients.id, webhookEndpoints.clientsId))
      .where(where),
  ]);
  const ids = rows.map((row) => row.delivery.id);
  const attempts = ids.length === 0 ? [] : await ctx.db.orm.select().from(webhookAttempts).where(inArray(webhookAttempts.deliveriesId, ids)).orderBy(asc(webhookAttempts.attempt), asc(webhookAttempts.id));
  return { items: rows.map((row) => presentDelivery(row.delivery, attempts.filter((attempt) => attempt.deliveriesId === row.delivery.id))), total };
}
