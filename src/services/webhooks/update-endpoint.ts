import { eq } from 'drizzle-orm';
import { webhookEndpoints } from '../../db/schema.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { checkReceiverUrl, loadEndpointInScope } from './endpoint-record.ts';

export interface UpdateEndpointInput {
  id: number;
  url?: string;
  events?: string[];
  description?: string | null;
  enabled?: boolean;
}

/** Changes an endpoint; enabling it again clears why it was disabled and its run of failures. Returns the rows changed. */
export async function updateEndpoint(ctx: Context, input: UpdateEndpointInput): Promise<number> {
  const url = input.url === undefined ? undefined : await checkReceiverUrl(ctx.db, input.url);
  return ctx.db.orm.transaction(async (tx) => {
    const { endpoint, path } = await loadEndpointInScope(tx, ctx, input.id, { forUpdate: true });
    await tx
      .update(webhookEndpoints)
      .set({
        ...(url !== undefined && { url }),
        ...(input.events !== undefined && { events: [...new Set(input.events)] }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.enabled !== undefined && { enabled: input.enabled }),
        ...(input.enabled === true && { disabledReason: null, failingSince: null }),
        updatedAt: ctx.now(),
      })
      .where(eq(webhookEndpoints.id, endpoint.id));
    await recordAudit(tx, ctx, { action: 'update', entity: 'webhook_endpoint', entityId: endpoint.id, scopePath: path, data: { ...input } });
    return 1;
  });
}
