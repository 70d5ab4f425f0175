import type { JobRequest } from '../../db/jobs.ts';

export const TENANT_SYNC_JOB = 'licenses.tenant_sync';
const DAY_MILLISECONDS = 86_400_000;

/** The first instant after `after` at a tenant's minute of the UTC day: minute 134 after 2026-05-22T03:00Z → 2026-05-23T02:14Z. */
export function nextSyncSlot(syncMinute: number, after: Date): Date {
  const dayStart = Math.floor(after.getTime() / DAY_MILLISECONDS) * DAY_MILLISECONDS;
  const slot = dayStart + syncMinute * 60_000;
  return new Date(slot > after.getTime() ? slot : slot + DAY_MILLISECONDS);
}

/** A tenant's sync at a given instant; its name makes it one job however many instances schedule it. */
export function tenantSyncJob(tenantId: number, runAt: Date): JobRequest {
  return { kind: TENANT_SYNC_JOB, payload: { tenants_id: tenantId }, runAt, dedupeKey: `${TENANT_SYNC_JOB}:${tenantId}:${runAt.toISOString()}`, maxAttempts: 3 };
}
