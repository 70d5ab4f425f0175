import type { Logger } from 'pino';
import type { Database } from '../db/connection.ts';
import type { JobHandler } from '../db/jobs.ts';
import { deliverMail, type Mailer } from '../services/mail/deliver-mail.ts';

export { MAIL_SEND_JOB } from '../services/mail/queue-mail.ts';

/** Delivers one outbox mail; a failure is retried by the job queue with backoff. */
export function sendMailHandler(db: Database, now: () => Date, log: Logger, mailer: Mailer | null): JobHandler {
  return async (job) => {
    await deliverMail(db, now, log, mailer, Number(job.payload.mail_outbox_id));
  };
}
