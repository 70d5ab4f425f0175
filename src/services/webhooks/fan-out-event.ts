import { and, eq, isNull, sql } from 'drizzle-orm';
import { clients, webhookDeliveries, webhookEndpoints } from '../../db/schema.ts';
import type { Context } from '../context.ts';
import { deliveryJob, newMessageId } from './delivery-record.ts';

export interface QueuedEvent {
  type: string;
  /** The node the event is about; its endpoints and its ancestors' receive it. */
  clients_id: number;
  data: Record<string, unknown>;
}

/**
 * Turns one queued event into a delivery per enabled endpoint that wants it (the node's own and its
 * ancestors'), each with its first attempt queued, in one transaction. Named after the event's job, a
 * delivery is made once even if the event is handled twice.
 */
export async function fanOutEvent(ctx: Context, eventKey: string, event: QueuedEvent): Promise<number> {
  return ctx.db.orm.transaction(async (tx) => {
    const [subject] = await tx.select({ path: clients.path }).from(clients).where(eq(clients.id, event.clients_id));
    if (!subject) return 0;
    const endpoints = await tx
      .select({ id: webhookEndpoints.id, events: webhookEndpoints.events })
      .from(webhookEndpoints)
      .innerJoin(clients, eq(clients.id, webhookEndpoints.clientsId))
      .where(and(eq(webhookEndpoints.enabled, true), isNull(webhookEndpoints.deletedAt), sql`${subject.path} LIKE ${clients.path} || '%'`));
    const now = ctx.now();
    let queued = 0;
    for (const endpoint of endpoints) {
      if (endpoint.events.length > 0 && !endpoint.events.includes(event.type)) continue;
      const [delivery] = await tx
        .insert(webhookDeliveries)
        .values({ endpointsId: endpoint.id, messageId: newMessageId(), sourceEvent: eventKey, event: event.type, payload: event.data, status: 'pending', attempts: 0, nextAttemptAt: now, createdAt: now, updatedAt: now })
        .onConflictDoNothing()
        .returning({ id: webhookDeliveries.id });
      if (!delivery) continue;
      await ctx.enqueue(tx, deliveryJob(delivery.id, 1, now));
      queued++;
    }
    return queued;
  });
}
