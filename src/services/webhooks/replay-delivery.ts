import { and, eq } from 'drizzle-orm';
import { clients, webhookDeliveries, webhookEndpoints } from '../../db/schema.ts';
import { notFound, unprocessable } from '../../api/errors.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { withinScope } from '../scope.ts';
import { deliveryJob, presentDelivery } from './delivery-record.ts';

/**
 * Sends a delivery again, failed or not: a new delivery of the same message (same webhook-id, so a
 * receiver that processed it can tell) with a fresh retry schedule, its first attempt queued now.
 */
export async function replayDelivery(ctx: Context, id: number) {
  return ctx.db.orm.transaction(async (tx) => {
    const [found] = await tx
      .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints, path: clients.path })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointsId))
      .innerJoin(clients, eq(clients.id, webhookEndpoints.clientsId))
      .where(and(eq(webhookDeliveries.id, id), withinScope(ctx, clients.path)));
    if (!found) throw notFound(`Webhook delivery ${id}`);
    if (!found.endpoint.enabled || found.endpoint.deletedAt) throw unprocessable('EndpointDisabled', `Webhook endpoint ${found.endpoint.id} is disabled: enable it before replaying`);
    const now = ctx.now();
    const [replay] = await tx
      .insert(webhookDeliveries)
      .values({ endpointsId: found.endpoint.id, messageId: found.delivery.messageId, sourceEvent: null, event: found.delivery.event, payload: found.delivery.payload, status: 'pending', attempts: 0, nextAttemptAt: now, replayOf: found.delivery.id, createdAt: now, updatedAt: now })
      .returning();
    await ctx.enqueue(tx, deliveryJob(replay.id, 1, now));
    await recordAudit(tx, ctx, { action: 'replay', entity: 'webhook_delivery', entityId: replay.id, scopePath: found.path, data: { replay_of: found.delivery.id } });
    return presentDelivery(replay, []);
  });
}
