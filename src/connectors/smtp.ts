import nodemailer from 'nodemailer';
import type { Mailer } from '../services/mail/deliver-mail.ts';

/** An SMTP mailer for `SMTP_URL` (smtp://user:pass@host:587, smtps://…); timeouts keep a dead server from holding a job. */
export function smtpMailer(url: string, from: string): Mailer & { close(): void } {
  const transport = nodemailer.createTransport({ url, connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 60_000 } as never, { from });
  return {
    async send(mail) {
      await transport.sendMail({ to: mail.to, subject: mail.subject, text: mail.text });
    },
    close: () => transport.close(),
  };
}
