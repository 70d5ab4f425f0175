import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { queryRows, type Database, type Executor } from './connection.ts';

export interface JobRequest {
  kind: string;
  payload?: Record<string, unknown>;
  runAt?: Date;
  /** Scheduled work names itself, so that two instances scheduling it store one job. */
  dedupeKey?: string;
  maxAttempts?: number;
}

export interface ClaimedJob {
  id: number;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  maxAttempts: number;
}

export type JobHandler = (job: ClaimedJob) => Promise<void>;

/** Enqueues a job on the given executor, so a job caused by a write commits or rolls back with it. */
export async function enqueueJob(executor: Executor, job: JobRequest, now: Date): Promise<void> {
  await executor.execute(sql`
    INSERT INTO jobs (kind, payload, run_at, max_attempts, dedupe_key, created_at)
    VALUES (${job.kind}, ${JSON.stringify(job.payload ?? {})}::jsonb, ${(job.runAt ?? now).toISOString()}::timestamptz,
            ${job.maxAttempts ?? 10}, ${job.dedupeKey ?? null}, ${now.toISOString()}::timestamptz)
    ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING`);
}

/** Delay before attempt n+1: 2^n seconds, capped at one hour, with ±20 % jitter so retries spread out. */
export function backoffSeconds(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(3600, 2 ** attempts);
  return base * (0.8 + 0.4 * random());
}

export interface WorkerOptions {
  db: Database;
  handlers: Record<string, JobHandler>;
  log: Logger;
  now: () => Date;
  workerId: string;
  batchSize?: number;
  /** How long a claimed job may run before another worker may take it over. */
  leaseSeconds?: number;
  pollMilliseconds?: number;
}

/**
 * Claims due jobs with FOR UPDATE SKIP LOCKED, so that workers in several instances never
 * take the same job, then runs them and records success, a retry with backoff, or failure.
 */
export async function runDueJobs(options: WorkerOptions): Promise<number> {
  const { db, handlers, log, now, workerId } = options;
  const at = now();
  const lease = new Date(at.getTime() + (options.leaseSeconds ?? 300) * 1000);
  const kinds = Object.keys(handlers);
  if (kinds.length === 0) return 0;
  const claimed = await queryRows(db.orm, sql`
    UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = ${workerId},
                    locked_until = ${lease.toISOString()}::timestamptz
    WHERE id IN (
      SELECT id FROM jobs
      WHERE kind IN (${sql.join(kinds.map((kind) => sql`${kind}`), sql`, `)})
        AND ((status = 'queued' AND run_at <= ${at.toISOString()}::timestamptz)
          OR (status = 'running' AND locked_until < ${at.toISOString()}::timestamptz))
      ORDER BY run_at, id
      LIMIT ${options.batchSize ?? 10}
      FOR UPDATE SKIP LOCKED)
    RETURNING id, kind, payload, attempts, max_attempts`);
  const jobs = claimed.map((row) => ({
    id: Number(row.id),
    kind: String(row.kind),
    payload: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<string, unknown>,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
  }));
  for (const job of jobs) {
    try {
      await handlers[job.kind](job);
      await db.orm.execute(sql`
        UPDATE jobs SET status = 'done', finished_at = ${now().toISOString()}::timestamptz, locked_by = NULL, locked_until = NULL
        WHERE id = ${job.id} AND locked_by = ${workerId}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const retryAt = error instanceof RetryLater ? error.retryAt : new Date(now().getTime() + backoffSeconds(job.attempts) * 1000);
      const exhausted = job.attempts >= job.maxAttempts;
      log.warn({ jobId: job.id, kind: job.kind, attempts: job.attempts, exhausted, err: message }, 'job failed');
      await db.orm.execute(sql`
        UPDATE jobs SET status = ${exhausted ? 'failed' : 'queued'}, run_at = ${retryAt.toISOString()}::timestamptz,
                        last_error = ${message.slice(0, 2000)}, locked_by = NULL, locked_until = NULL,
                        finished_at = ${exhausted ? now().toISOString() : null}::timestamptz
        WHERE id = ${job.id} AND locked_by = ${workerId}`);
    }
  }
  return jobs.length;
}

/** Thrown by a handler that knows when to try again (e.g. a receiver's Retry-After). */
export class RetryLater extends Error {
  constructor(message: string, readonly retryAt: Date) {
    super(message);
  }
}

/** Polls for due jobs until stopped; returns a function that stops it and waits for the current batch. */
export function startWorker(options: WorkerOptions): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    running = runDueJobs(options)
      .catch((error) => options.log.error({ err: error }, 'job worker failed to poll'))
      .then((count) => {
        if (!stopped) timer = setTimeout(tick, count ? 0 : options.pollMilliseconds ?? 1000);
      });
  };
  timer = setTimeout(tick, 0);
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
