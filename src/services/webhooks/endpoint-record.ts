import { and, eq, isNull } from 'drizzle-orm';
import type { Database, Executor } from '../../db/connection.ts';
import { clients, webhookEndpoints } from '../../db/schema.ts';
import { invalid, notFound, unprocessable } from '../../api/errors.ts';
import { checkHost, RefusedAddress } from '../../connectors/address-guard.ts';
import type { Context } from '../context.ts';
import { masterKeyOf } from '../iam/master-key.ts';
import { openSecret, sealSecret } from '../iam/secret-box.ts';
import { withinScope } from '../scope.ts';
import { webhookSettingsOf } from './settings.ts';

export type EndpointRow = typeof webhookEndpoints.$inferSelect;

/** An endpoint as the native API shows it: never its secret. */
export function presentEndpoint(row: EndpointRow) {
  return {
    id: row.id,
    clients_id: row.clientsId,
    url: row.url,
    description: row.description,
    events: row.events,
    enabled: row.enabled,
    disabled_reason: row.disabledReason,
    failing_since: row.failingSince,
    previous_secret_expires_at: row.previousSecretExpiresAt,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

/** Loads an endpoint (not deleted) whose owner the caller may see, with the owner's hierarchy path. */
export async function loadEndpointInScope(executor: Executor, ctx: Context, id: number, options: { forUpdate?: boolean } = {}): Promise<{ endpoint: EndpointRow; path: string }> {
  const query = executor
    .select({ endpoint: webhookEndpoints, path: clients.path })
    .from(webhookEndpoints)
    .innerJoin(clients, eq(clients.id, webhookEndpoints.clientsId))
    .where(and(eq(webhookEndpoints.id, id), isNull(webhookEndpoints.deletedAt), withinScope(ctx, clients.path)));
  const [row] = options.forUpdate ? await query.for('update', { of: webhookEndpoints }) : await query;
  if (!row) throw notFound(`Webhook endpoint ${id}`);
  return row;
}

// The associated data binds a sealed secret to its endpoint: copied onto another row, it does not open.
const secretOwner = (endpointId: number) => `webhook-endpoint:${endpointId}`;

export function sealEndpointSecret(db: Database, endpointId: number, secret: string): string {
  return sealSecret(masterKeyOf(db), secret, secretOwner(endpointId));
}

export function openEndpointSecret(db: Database, endpointId: number, sealed: string): string {
  return openSecret(masterKeyOf(db), sealed, secretOwner(endpointId));
}

/**
 * A receiver URL the installation may post to: http(s), no credentials in it, and (unless
 * WEBHOOK_ALLOW_PRIVATE) a host that resolves to public addresses only.
 */
export async function checkReceiverUrl(db: Database, url: string): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`"${url}" is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw invalid('A webhook URL starts with https:// (or http://)');
  if (parsed.username || parsed.password) throw invalid('A webhook URL carries no user name or password: the signature authenticates deliveries');
  if (!webhookSettingsOf(db).allowPrivate) {
    try {
      await checkHost(parsed.hostname);
    } catch (error) {
      if (error instanceof RefusedAddress) throw unprocessable('UnsafeWebhookUrl', `Webhooks are not sent to ${parsed.hostname}: ${error.message}`);
      throw error;
    }
  }
  return parsed.toString();
}
