import type { Db, Tx } from '../db/types.js';
import { isLanguage, translator } from '../i18n/i18n.js';
import { enqueue } from '../jobs/jobs.js';

export type EmailRequest = {
  placeId: string | null;
  to: string;
  /** Catalogue entry under `emails.<template>` with `subject` and `body`. */
  template: string;
  lang: string;
  vars: Record<string, string | number>;
  /** An address replies should go to (the mutual-aid relay); SMTP only, Notify ignores it. */
  replyTo?: string | null;
};

/**
 * Puts an email in the outbox and queues its sending, in the caller's transaction: a
 * rolled-back sign-up sends nothing. The text is rendered now, in the person's language.
 */
export async function queueEmail(tx: Tx, e: EmailRequest): Promise<string> {
  const t = translator(isLanguage(e.lang) ? e.lang : 'en');
  const subject = t(`emails.${e.template}.subject`, e.vars);
  const body = t(`emails.${e.template}.body`, e.vars);
  const rows = await tx.query<{ id: string }>(
    `insert into outbox (place_id, to_email, template, lang, subject, body, reply_to)
     values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [e.placeId, e.to, e.template, e.lang, subject, body, e.replyTo ?? null],
  );
  const id = rows[0]?.id as string;
  await enqueue(tx, 'email.send', { outboxId: id }, { placeId: e.placeId });
  return id;
}

export type OutboxMessage = {
  id: string;
  to_email: string;
  template: string;
  subject: string;
  body: string;
  status: string;
  created_at: Date;
};

export async function recentOutbox(db: Pick<Db, 'query'>, limit = 50): Promise<OutboxMessage[]> {
  return db.query<OutboxMessage>(
    'select id, to_email, template, subject, body, status, created_at from outbox order by created_at desc limit $1',
    [limit],
  );
}
