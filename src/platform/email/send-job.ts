import nodemailer from 'nodemailer';
import type { Db } from '../db/types.js';
import type { JobHandler } from '../jobs/jobs.js';
import { type NotifyConfig, sendNotifyEmail } from './notify-client.js';

export type MailConfig = {
  smtpUrl: string | null;
  from: string;
  production: boolean;
  notify?: NotifyConfig | null;
};

/**
 * Delivers one outbox message, by GOV.UK Notify or SMTP when configured; in development
 * without it, the message is only shown at /dev/outbox. Production without a way to send
 * fails the job, so the jobs page shows the problem instead of mail vanishing.
 */
export function emailSendJob(config: MailConfig): JobHandler {
  const transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : null;
  return async (job, db: Db) => {
    const id = String(job.payload.outboxId ?? '');
    const rows = await db.query<{
      to_email: string;
      subject: string;
      body: string;
      status: string;
      reply_to: string | null;
    }>('select to_email, subject, body, status, reply_to from outbox where id = $1', [id]);
    const message = rows[0];
    if (!message || message.status === 'sent') return;
    if (!transport && !config.notify && config.production)
      throw new Error('No email transport: set SMTP_URL or NOTIFY_API_KEY');
    try {
      if (config.notify) {
        await sendNotifyEmail(config.notify, {
          to: message.to_email,
          subject: message.subject,
          body: message.body,
          reference: id,
        });
      } else if (transport) {
        await transport.sendMail({
          from: config.from,
          to: message.to_email,
          subject: message.subject,
          text: message.body,
          ...(message.reply_to ? { replyTo: message.reply_to } : {}),
        });
      }
      await db.query(
        "update outbox set status = 'sent', sent_at = now(), attempts = attempts + 1 where id = $1",
        [id],
      );
    } catch (error) {
      await db.query('update outbox set attempts = attempts + 1, last_error = $2 where id = $1', [
        id,
        error instanceof Error ? error.message : String(error),
      ]);
      throw error;
    }
  };
}
