import { eq } from 'drizzle-orm';
import { webhookEndpoints } from '../../db/schema.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { loadClientInScope } from '../scope.ts';
import { checkReceiverUrl, presentEndpoint, sealEndpointSecret } from './endpoint-record.ts';
import { generateSigningSecret } from './signature.ts';

export interface CreateEndpointInput {
  clients_id: number;
  url: string;
  events?: string[];
  description?: string | null;
  enabled?: boolean;
}

/**
 * Adds a webhook endpoint for a node's events (and its descendants'). The signing secret is in this
 * answer only; it is stored sealed. The URL is refused when it leads to a private or internal address.
 */
export async function createEndpoint(ctx: Context, input: CreateEndpointInput) {
  const url = await checkReceiverUrl(ctx.db, input.url);
  return ctx.db.orm.transaction(async (tx) => {
    const owner = await loadClientInScope(tx, ctx, input.clients_id);
    const now = ctx.now();
    const secret = generateSigningSecret();
    const [created] = await tx
      .insert(webhookEndpoints)
      .values({ clientsId: owner.id, url, description: input.description ?? null, events: [...new Set(input.events ?? [])], enabled: input.enabled ?? true, secretSealed: '', createdAt: now, updatedAt: now })
      .returning({ id: webhookEndpoints.id });
    const [row] = await tx.update(webhookEndpoints).set({ secretSealed: sealEndpointSecret(ctx.db, created.id, secret) }).where(eq(webhookEndpoints.id, created.id)).returning();
    await recordAudit(tx, ctx, { action: 'create', entity: 'webhook_endpoint', entityId: row.id, scopePath: owner.path, data: { url, events: row.events } });
    return { ...presentEndpoint(row), secret };
  });
}
