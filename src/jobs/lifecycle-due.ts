import type { Logger } from 'pino';
import type { Database } from '../db/connection.ts';
import { enqueueJob, type JobHandler } from '../db/jobs.ts';
import { applyDueTransitions } from '../services/accounts/apply-due-transitions.ts';
import { systemContext } from '../services/system-context.ts';

export const LIFECYCLE_DUE_JOB = 'accounts.lifecycle_due';
const EVERY_MS = 15 * 60 * 1000;

/** The next lifecycle check: the next quarter hour, one job however many instances schedule it. */
export async function scheduleLifecycleDue(db: Database, now: Date): Promise<void> {
  const runAt = new Date(Math.floor(now.getTime() / EVERY_MS) * EVERY_MS + EVERY_MS);
  await enqueueJob(db.orm, { kind: LIFECYCLE_DUE_JOB, runAt, dedupeKey: `${LIFECYCLE_DUE_JOB}:${runAt.toISOString()}`, maxAttempts: 3 }, now);
}

/** Applies the trial ends, term ends and purges that are due (catching up after downtime), then schedules the next check. */
export function lifecycleDueHandler(db: Database, now: () => Date, log: Logger): JobHandler {
  return async () => {
    const applied = await applyDueTransitions(systemContext({ db, now, log }, { face: 'system', method: LIFECYCLE_DUE_JOB }));
    if (applied) log.info({ applied }, 'account lifecycle transitions applied');
    await scheduleLifecycleDue(db, now());
  };
}
