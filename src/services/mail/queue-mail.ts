import type { Executor } from '../../db/connection.ts';
import { mailOutbox } from '../../db/schema.ts';
import type { Context } from '../context.ts';

export const MAIL_SEND_JOB = 'mail.send';
// Exponential backoff capped at an hour: 25 attempts keep trying for about a day of SMTP outage.
const MAIL_ATTEMPTS = 25;

export interface OutgoingMail {
  clientsId: number | null;
  to: string;
  subject: string;
  text: string;
}

/** Puts a mail in the outbox and queues its delivery, both in the caller's transaction: an outage delays mail, never loses it. */
export async function queueMail(executor: Executor, ctx: Context, mail: OutgoingMail): Promise<number> {
  const [row] = await executor
    .insert(mailOutbox)
    .values({ clientsId: mail.clientsId, toAddress: mail.to, subject: mail.subject, textBody: mail.text, createdAt: ctx.now(), attempts: 0 })
    .returning({ id: mailOutbox.id });
  await ctx.enqueue(executor, { kind: MAIL_SEND_JOB, payload: { mail_outbox_id: row.id }, dedupeKey: `${MAIL_SEND_JOB}:${row.id}`, maxAttempts: MAIL_ATTEMPTS });
  return row.id;
}
