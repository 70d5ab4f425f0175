import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { postWebhook, type PostOutcome } from '../../connectors/webhook-http.ts';
import type { Executor } from '../../db/connection.ts';
import { users, webhookAttempts, webhookDeliveries, webhookEndpoints } from '../../db/schema.ts';
import { nextAttemptDelaySeconds, retryAfterSeconds, WEBHOOK_MAX_ATTEMPTS } from '../../domain/webhook-retry.ts';
import type { Context } from '../context.ts';
import { queueMail } from '../mail/queue-mail.ts';
import { deliveryJob, type DeliveryRow } from './delivery-record.ts';
import { openEndpointSecret, type EndpointRow } from './endpoint-record.ts';
import { webhookBody } from './event-body.ts';
import { webhookSettingsOf } from './settings.ts';
import { signatureHeaders } from './signature.ts';

// Failing for this long in a row disables an endpoint (and its owner's admins are told).
const FAILING_DAYS_LIMIT = 3;
const DAY_MS = 86_400_000;

/**
 * One attempt of a delivery: the body and its signatures are made for this attempt (deliveredAt,
 * webhook-timestamp), posted, and logged. A 2xx succeeds; a 410 disables the endpoint; anything else
 * queues the next attempt per the retry schedule (or the receiver's Retry-After on 429 and 503) until
 * the eighth, and three days of failures disable the endpoint.
 */
export async function attemptDelivery(ctx: Context, deliveryId: number): Promise<void> {
  const [found] = await ctx.db.orm
    .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointsId))
    .where(eq(webhookDeliveries.id, deliveryId));
  if (!found || found.delivery.status !== 'pending') return;
  const { delivery, endpoint } = found;
  const attempt = delivery.attempts + 1;
  const now = ctx.now();
  if (!endpoint.enabled || endpoint.deletedAt) {
    await ctx.db.orm.transaction(async (tx) => {
      await recordAttempt(tx, delivery, attempt, now, {}, '', { status: null, responseBody: null, retryAfter: null, latencyMs: 0, errorClass: null, error: null }, 'endpoint_disabled');
      await tx.update(webhookDeliveries).set({ status: 'failed', attempts: attempt, nextAttemptAt: null, updatedAt: now }).where(eq(webhookDeliveries.id, delivery.id));
    });
    return;
  }
  const settings = webhookSettingsOf(ctx.db);
  const body = webhookBody(delivery.event, delivery.payload, now);
  const previousValid = endpoint.previousSecretSealed && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now;
  const headers = {
    'Content-Type': 'application/json',
    'User-Agent': settings.userAgent,
    ...signatureHeaders({
      messageId: delivery.messageId,
      timestampSeconds: Math.floor(now.getTime() / 1000),
      body,
      secret: openEndpointSecret(ctx.db, endpoint.id, endpoint.secretSealed),
      previousSecret: previousValid ? openEndpointSecret(ctx.db, endpoint.id, endpoint.previousSecretSealed!) : null,
    }),
  };
  const outcome = await postWebhook(endpoint.url, headers, body, { timeoutMs: settings.timeoutMs, allowPrivate: settings.allowPrivate });
  await ctx.db.orm.transaction(async (tx) => {
    const [current] = await tx.select({ status: webhookDeliveries.status, attempts: webhookDeliveries.attempts }).from(webhookDeliveries).where(eq(webhookDeliveries.id, delivery.id)).for('update');
    await recordAttempt(tx, delivery, attempt, now, headers, body, outcome, outcome.errorClass);
    // Another worker recorded this attempt meanwhile (a lease ran out): its outcome stands.
    if (current.status !== 'pending' || current.attempts !== delivery.attempts) return;
    const at = ctx.now();
    if (outcome.errorClass === null) {
      await tx.update(webhookDeliveries).set({ status: 'succeeded', attempts: attempt, nextAttemptAt: null, updatedAt: at }).where(eq(webhookDeliveries.id, delivery.id));
      await tx.update(webhookEndpoints).set({ failingSince: null }).where(eq(webhookEndpoints.id, endpoint.id));
      return;
    }
    if (outcome.status === 410) {
      await tx.update(webhookDeliveries).set({ status: 'failed', attempts: attempt, nextAttemptAt: null, updatedAt: at }).where(eq(webhookDeliveries.id, delivery.id));
      await disableEndpoint(tx, ctx, endpoint, 'gone');
      return;
    }
    const failingSince = endpoint.failingSince ?? now;
    if (!endpoint.failingSince) await tx.update(webhookEndpoints).set({ failingSince }).where(and(eq(webhookEndpoints.id, endpoint.id), sql`${webhookEndpoints.failingSince} IS NULL`));
    if (at.getTime() - failingSince.getTime() >= FAILING_DAYS_LIMIT * DAY_MS) {
      await tx.update(webhookDeliveries).set({ status: 'failed', attempts: attempt, nextAttemptAt: null, updatedAt: at }).where(eq(webhookDeliveries.id, delivery.id));
      await disableEndpoint(tx, ctx, endpoint, 'failing');
      return;
    }
    const honoured = outcome.status === 429 || outcome.status === 503 ? retryAfterSeconds(outcome.retryAfter, at) : null;
    const delay = attempt >= WEBHOOK_MAX_ATTEMPTS ? null : nextAttemptDelaySeconds(attempt, honoured);
    if (delay === null) {
      await tx.update(webhookDeliveries).set({ status: 'failed', attempts: attempt, nextAttemptAt: null, updatedAt: at }).where(eq(webhookDeliveries.id, delivery.id));
      return;
    }
    const next = new Date(at.getTime() + Math.round(delay * 1000));
    await tx.update(webhookDeliveries).set({ attempts: attempt, nextAttemptAt: next, updatedAt: at }).where(eq(webhookDeliveries.id, delivery.id));
    await ctx.enqueue(tx, deliveryJob(delivery.id, attempt + 1, next));
  });
}

async function recordAttempt(tx: Executor, delivery: DeliveryRow, attempt: number, at: Date, headers: Record<string, string>, body: string, outcome: PostOutcome, errorClass: string | null): Promise<void> {
  await tx.insert(webhookAttempts).values({
    deliveriesId: delivery.id,
    attempt,
    requestHeaders: headers,
    requestBody: body,
    responseStatus: outcome.status,
    responseBody: outcome.responseBody ?? outcome.error,
    latencyMs: outcome.latencyMs,
    errorClass,
    attemptedAt: at,
  });
}

/** Disables an endpoint on its own; after days of failures, its owner's admins are mailed. */
async function disableEndpoint(tx: Executor, ctx: Context, endpoint: EndpointRow, reason: 'gone' | 'failing'): Promise<void> {
  await tx.update(webhookEndpoints).set({ enabled: false, disabledReason: reason, updatedAt: ctx.now() }).where(eq(webhookEndpoints.id, endpoint.id));
  if (reason !== 'failing') return;
  const admins = await tx
    .select({ email: users.email })
    .from(users)
    .where(and(eq(users.resellersId, endpoint.clientsId), eq(users.status, 'active'), isNotNull(users.email)));
  for (const admin of admins) {
    await queueMail(tx, ctx, {
      clientsId: endpoint.clientsId,
      to: admin.email!,
      subject: 'A webhook endpoint was disabled',
      text:
        `Deliveries to ${endpoint.url} have failed for ${FAILING_DAYS_LIMIT} days in a row, so the endpoint (id ${endpoint.id}) was disabled.\n` +
        'Fix the receiver, enable the endpoint again with webhooks.endpoints.update, and replay what it missed with webhooks.deliveries.replay.\n',
    });
  }
}
