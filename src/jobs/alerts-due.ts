import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../db/connection.ts';
import { enqueueJob, type JobHandler } from '../db/jobs.ts';
import { accounts, alerts, clients, tenants } from '../db/schema.ts';
import { TIMED_ALERT_TYPES } from '../domain/license-alerts.ts';
import { evaluateMspAlerts } from '../services/alerts/evaluate-msp-alerts.ts';
import { evaluateTenantAlerts } from '../services/alerts/evaluate-tenant-alerts.ts';
import { systemContext } from '../services/system-context.ts';

export const ALERTS_DUE_JOB = 'alerts.evaluate_due';
// Renewal windows and inactivity move by the day: four looks a day catch them between syncs.
const EVERY_MS = 6 * 3600 * 1000;

/** The next evaluation of the time-driven alert rules; its slot name makes it one job however many instances schedule it. */
export async function scheduleAlertsDue(db: Database, now: Date): Promise<void> {
  const runAt = new Date(Math.floor(now.getTime() / EVERY_MS) * EVERY_MS + EVERY_MS);
  await enqueueJob(db.orm, { kind: ALERTS_DUE_JOB, runAt, dedupeKey: `${ALERTS_DUE_JOB}:${runAt.toISOString()}`, maxAttempts: 3 }, now);
}

/**
 * Evaluates the rules that move with the clock alone (renewals coming into their window, users turning
 * inactive, trials ending) for every tenant and every MSP in a trial or with a trial alert open, then
 * schedules the next evaluation. Each tenant is its own transaction.
 */
export function alertsDueHandler(db: Database, now: () => Date, log: Logger): JobHandler {
  return async () => {
    const ctx = systemContext({ db, now, log }, { face: 'system', method: ALERTS_DUE_JOB });
    const tenantIds = await db.orm.select({ id: tenants.id }).from(tenants).innerJoin(clients, eq(clients.id, tenants.clientsId)).where(ne(clients.status, 'deleted'));
    for (const { id } of tenantIds) await db.orm.transaction((tx) => evaluateTenantAlerts(tx, ctx, id, { types: TIMED_ALERT_TYPES }));
    const mspIds = new Set<number>();
    for (const row of await db.orm.select({ id: accounts.clientsId }).from(accounts).where(eq(accounts.status, 'TRIAL'))) mspIds.add(row.id);
    for (const row of await db.orm.select({ id: alerts.clientsId }).from(alerts).where(and(eq(alerts.type, 'trial_expiring'), inArray(alerts.status, ['unread', 'read', 'dismissed'])))) mspIds.add(row.id);
    for (const id of mspIds) await db.orm.transaction((tx) => evaluateMspAlerts(tx, ctx, id));
    await scheduleAlertsDue(db, now());
  };
}

