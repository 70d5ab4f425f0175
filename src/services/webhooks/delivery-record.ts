import { randomBytes } from 'node:crypto';
import type { JobRequest } from '../../db/jobs.ts';
import { webhookAttempts, webhookDeliveries } from '../../db/schema.ts';

export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;

export const WEBHOOK_DELIVER_JOB = 'webhooks.deliver';

/** A webhook-id: `msg_` + 24 random characters, the same on every attempt of a delivery. */
export function newMessageId(): string {
  return 'msg_' + randomBytes(18).toString('base64url');
}

/** Attempt n of a delivery as a job; its name makes it one job whoever queues it. */
export function deliveryJob(deliveryId: number, attempt: number, runAt: Date): JobRequest {
  return { kind: WEBHOOK_DELIVER_JOB, payload: { deliveries_id: deliveryId }, runAt, dedupeKey: `${WEBHOOK_DELIVER_JOB}:${deliveryId}:${attempt}`, maxAttempts: 5 };
}

/** A delivery with its attempts, as the native API shows it. */
export function presentDelivery(row: DeliveryRow, attempts: AttemptRow[]) {
  return {
    id: row.id,
    endpoints_id: row.endpointsId,
    message_id: row.messageId,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.nextAttemptAt,
    replay_of: row.replayOf,
    payload: row.payload,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    attempt_log: attempts.map((attempt) => ({
      attempt: attempt.attempt,
      attempted_at: attempt.attemptedAt,
      request_headers: attempt.requestHeaders,
      request_body: attempt.requestBody,
      response_status: attempt.responseStatus,
      response_body: attempt.responseBody,
      latency_ms: attempt.latencyMs,
      error_class: attempt.errorClass,
    })),
  };
}
