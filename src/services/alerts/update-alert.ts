import { and, eq, ne } from 'drizzle-orm';
import { alerts, clients } from '../../db/schema.ts';
import { notFound, unprocessable } from '../../api/errors.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { withinScope } from '../scope.ts';
import type { AlertRow } from './alert-record.ts';

/**
 * Moves an alert to read, dismissed or resolved (or back to unread). A dismissed alert stays dismissed
 * until its condition clears; a resolved alert is closed for good, and a new one fires if its condition
 * comes back. Returns the rows changed.
 */
export async function updateAlert(ctx: Context, input: { id: number; status: AlertRow['status'] }): Promise<number> {
  return ctx.db.orm.transaction(async (tx) => {
    const [found] = await tx
      .select({ alert: alerts, path: clients.path })
      .from(alerts)
      .innerJoin(clients, eq(clients.id, alerts.clientsId))
      .where(and(eq(alerts.id, input.id), ne(clients.status, 'deleted'), withinScope(ctx, clients.path)))
      .for('update', { of: alerts });
    if (!found) throw notFound(`Alert ${input.id}`);
    if (found.alert.status === input.status) return 0;
    if (found.alert.status === 'resolved') throw unprocessable('InvalidTransition', `Alert ${input.id} is resolved: it does not reopen`, { status: 'resolved' });
    const now = ctx.now();
    await tx
      .update(alerts)
      .set({ status: input.status, updatedAt: now, resolvedAt: input.status === 'resolved' ? now : null })
      .where(eq(alerts.id, input.id));
    await recordAudit(tx, ctx, { action: 'update', entity: 'alert', entityId: input.id, scopePath: found.path, data: { from: found.alert.status, to: input.status } });
    return 1;
  });
}
