import type { Logger } from 'pino';
import type { Database } from '../db/connection.ts';
import { enqueueJob } from '../db/jobs.ts';
import type { Context } from './context.ts';

/**
 * The context of work no user credential stands behind (a job, an invitee holding an activation
 * link): no principal, so reseller-scoped reads refuse it, and audited under the given face and method.
 */
export function systemContext(runtime: { db: Database; now: () => Date; log: Logger }, origin: { face: string; method: string }): Context {
  return {
    db: runtime.db,
    principal: null,
    now: runtime.now,
    log: runtime.log,
    face: origin.face,
    method: origin.method,
    zone: 'UTC',
    enqueue: (executor, job) => enqueueJob(executor, job, runtime.now()),
  };
}
