import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../db/connection.ts';
import { mailOutbox } from '../../db/schema.ts';

/** Whatever sends mail (the SMTP connector); it throws when the mail was not accepted. */
export interface Mailer {
  send(mail: { to: string; subject: string; text: string }): Promise<void>;
}

/**
 * Delivers one outbox mail: through the mailer, or without one (no SMTP_URL) into the log. Sent mail
 * is never sent again; a failure is recorded on the row and thrown, so the job retries with backoff.
 */
export async function deliverMail(db: Database, now: () => Date, log: Logger, mailer: Mailer | null, outboxId: number): Promise<'smtp' | 'log' | 'already sent' | 'gone'> {
  const [mail] = await db.orm.select().from(mailOutbox).where(eq(mailOutbox.id, outboxId));
  if (!mail) return 'gone';
  if (mail.sentAt) return 'already sent';
  if (!mailer) {
    log.info({ mail_outbox_id: mail.id, to: mail.toAddress, subject: mail.subject, text: mail.textBody }, 'mail written to the log (no SMTP_URL)');
    await db.orm.update(mailOutbox).set({ sentAt: now(), deliveredVia: 'log', attempts: mail.attempts + 1, lastError: null }).where(eq(mailOutbox.id, mail.id));
    return 'log';
  }
  try {
    await mailer.send({ to: mail.toAddress, subject: mail.subject, text: mail.textBody });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db.orm.update(mailOutbox).set({ attempts: mail.attempts + 1, lastError: message.slice(0, 2000) }).where(eq(mailOutbox.id, mail.id));
    throw error;
  }
  await db.orm.update(mailOutbox).set({ sentAt: now(), deliveredVia: 'smtp', attempts: mail.attempts + 1, lastError: null }).where(eq(mailOutbox.id, mail.id));
  return 'smtp';
}
