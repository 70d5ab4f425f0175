import { eq } from 'drizzle-orm';
import { webhookEndpoints } from '../../db/schema.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { loadEndpointInScope, sealEndpointSecret } from './endpoint-record.ts';
import { generateSigningSecret } from './signature.ts';

// Receivers get a day to switch: deliveries carry signatures by both secrets meanwhile.
const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/** Gives an endpoint a new signing secret (in this answer only); the old one also signs for 24 hours. */
export async function rotateEndpointSecret(ctx: Context, id: number) {
  return ctx.db.orm.transaction(async (tx) => {
    const { endpoint, path } = await loadEndpointInScope(tx, ctx, id, { forUpdate: true });
    const now = ctx.now();
    const secret = generateSigningSecret();
    const expiresAt = new Date(now.getTime() + ROTATION_OVERLAP_MS);
    await tx
      .update(webhookEndpoints)
      .set({ secretSealed: sealEndpointSecret(ctx.db, endpoint.id, secret), previousSecretSealed: endpoint.secretSealed, previousSecretExpiresAt: expiresAt, updatedAt: now })
      .where(eq(webhookEndpoints.id, endpoint.id));
    await recordAudit(tx, ctx, { action: 'rotate_secret', entity: 'webhook_endpoint', entityId: endpoint.id, scopePath: path, data: { previous_secret_expires_at: expiresAt.toISOString() } });
    return { id: endpoint.id, secret, previous_secret_expires_at: expiresAt };
  });
}
