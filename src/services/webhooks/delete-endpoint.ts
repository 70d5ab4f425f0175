import { eq } from 'drizzle-orm';
import { webhookEndpoints } from '../../db/schema.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { loadEndpointInScope } from './endpoint-record.ts';

/** Deletes an endpoint: nothing more is sent to it, and its delivery log stays searchable. Returns the rows changed. */
export async function deleteEndpoint(ctx: Context, id: number): Promise<number> {
  return ctx.db.orm.transaction(async (tx) => {
    const { endpoint, path } = await loadEndpointInScope(tx, ctx, id, { forUpdate: true });
    const now = ctx.now();
    await tx.update(webhookEndpoints).set({ deletedAt: now, enabled: false, updatedAt: now }).where(eq(webhookEndpoints.id, endpoint.id));
    await recordAudit(tx, ctx, { action: 'delete', entity: 'webhook_endpoint', entityId: endpoint.id, scopePath: path, data: { url: endpoint.url } });
    return 1;
  });
}
