import type { Logger } from 'pino';
import type { Database } from '../db/connection.ts';
import { enqueueJob, type JobHandler } from '../db/jobs.ts';
import { closeDueStatements } from '../services/statements/close-due-statements.ts';

export const MONTH_CLOSE_JOB = 'statements.close_due';
const EVERY_MS = 15 * 60 * 1000;

/** The next run of the close check: the next quarter hour. Its slot name makes it one job however many instances schedule it. */
export async function scheduleMonthClose(db: Database, now: Date): Promise<void> {
  const runAt = new Date(Math.floor(now.getTime() / EVERY_MS) * EVERY_MS + EVERY_MS);
  await enqueueJob(db.orm, { kind: MONTH_CLOSE_JOB, runAt, dedupeKey: `${MONTH_CLOSE_JOB}:${runAt.toISOString()}`, maxAttempts: 3 }, now);
}

/** Closes what is due (catching up on missed months), then schedules the next check. */
export function monthCloseHandler(db: Database, now: () => Date, log: Logger): JobHandler {
  return async () => {
    const closed = await closeDueStatements(db, now());
    if (closed) log.info({ closed }, 'statements closed');
    await scheduleMonthClose(db, now());
  };
}
