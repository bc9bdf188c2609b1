import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import { queueEmail } from '../../../platform/email/outbox.js';
import { enqueue, type JobHandler } from '../../../platform/jobs/jobs.js';
import type { JobSite } from '../../../platform/module-definition.js';
import { type MatchRow, matchRow, tellSide } from './match-service.js';

const HOUR = 3_600_000;
/** A helper who has not answered is reminded once after a day… */
export const REMIND_UNANSWERED_AFTER_MS = 24 * HOUR;
/** …and after three days the request lapses, so the person can ask someone else. */
export const EXPIRE_UNANSWERED_AFTER_MS = 72 * HOUR;
/** Both sides are asked once whether the help happened, three days after the yes. */
export const ASK_IF_DONE_AFTER_MS = 72 * HOUR;

export type TidyResult = {
  postsExpired: number;
  reminded: number;
  requestsLapsed: number;
  askedIfDone: number;
};

/** Each match in its own transaction, locked and re-read, so one failure does not undo the rest. */
async function each(db: Db, ids: string[], fn: (m: MatchRow, tx: Tx) => Promise<void>) {
  for (const id of ids)
    await withTransaction(db, async (tx) => {
      const m = await matchRow(tx, id, true);
      if (m) await fn(m, tx);
    });
}

const system = (action: string, m: { id: string; place_id: string }, after?: unknown) => ({
  placeId: m.place_id,
  actorId: null,
  action: `mutual-aid.match.${action}`,
  targetType: 'aid-match',
  targetId: m.id,
  after,
});

/**
 * The hourly round (SPEC §3.2 "reminders and expiry by jobs"): posts past their date close, an
 * unanswered request is chased once and then lapses, and an accepted match is asked once whether
 * the help happened. Each step is a conditional update, so running twice does nothing twice.
 */
export async function runMatchTidy(db: Db, site: JobSite, now = new Date()): Promise<TidyResult> {
  const expired = await withTransaction(db, async (tx) => {
    const rows = await tx.query<{
      id: string;
      place_id: string;
      kind: string;
      title: string;
      author_id: string | null;
    }>(
      `update aid_posts set status = 'expired', updated_at = $1 where status = 'open' and expires_at <= $1
       returning id, place_id, kind, title, author_id`,
      [now],
    );
    for (const p of rows) {
      // A request still waiting on a helper lapses with the need.
      await tx.query(
        `update aid_matches set status = 'expired', closed_at = $2 where need_id = $1 and status = 'proposed'`,
        [p.id, now],
      );
      const [person] = await tx.query<{
        email: string;
        preferred_language: string;
        slug: string;
        name: string;
      }>(
        `select u.email, u.preferred_language, pl.slug, pl.name from users u, places pl
         where u.id = $1 and u.deleted_at is null and pl.id = $2`,
        [p.author_id, p.place_id],
      );
      if (person)
        await queueEmail(tx, {
          placeId: p.place_id,
          to: person.email,
          template: p.kind === 'need' ? 'aidNeedExpired' : 'aidOfferExpired',
          lang: person.preferred_language,
          vars: {
            title: p.title,
            place: person.name,
            url: `${site.publicUrl}/${person.slug}/help/${p.kind}s/new`,
          },
        });
      await audit(tx, {
        placeId: p.place_id,
        actorId: null,
        action: `mutual-aid.${p.kind}.expire`,
        targetType: `aid-${p.kind}`,
        targetId: p.id,
      });
    }
    return rows.length;
  });

  const ids = async (sql: string, since: number) =>
    (await db.query<{ id: string }>(sql, [new Date(now.getTime() - since)])).map((r) => r.id);

  const toLapse = await ids(
    `select id from aid_matches where status = 'proposed' and proposed_at <= $1`,
    EXPIRE_UNANSWERED_AFTER_MS,
  );
  await each(db, toLapse, async (m, tx) => {
    if (m.status !== 'proposed') return;
    await tx.query(`update aid_matches set status = 'expired', closed_at = $2 where id = $1`, [m.id, now]);
    await tellSide(tx, site, m, 'need', 'aidMatchLapsed');
    await audit(tx, system('lapse', m));
  });

  const toRemind = await ids(
    `select id from aid_matches where status = 'proposed' and reminded_at is null and proposed_at <= $1`,
    REMIND_UNANSWERED_AFTER_MS,
  );
  await each(db, toRemind, async (m, tx) => {
    await tx.query('update aid_matches set reminded_at = $2 where id = $1 and reminded_at is null', [
      m.id,
      now,
    ]);
    await tellSide(tx, site, m, 'offer', 'aidMatchReminder');
    await audit(tx, system('remind', m));
  });

  const toAsk = await ids(
    `select id from aid_matches where status = 'accepted' and reminded_at is null and responded_at <= $1`,
    ASK_IF_DONE_AFTER_MS,
  );
  await each(db, toAsk, async (m, tx) => {
    await tx.query('update aid_matches set reminded_at = $2 where id = $1', [m.id, now]);
    await tellSide(tx, site, m, 'need', 'aidMatchAskIfDone');
    await tellSide(tx, site, m, 'offer', 'aidMatchAskIfDone');
    await audit(tx, system('ask-if-done', m));
  });

  return {
    postsExpired: expired,
    reminded: toRemind.length,
    requestsLapsed: toLapse.length,
    askedIfDone: toAsk.length,
  };
}

/** Runs hourly (needs can be for "today") and books its own next run. */
export function matchTidyJob(site: JobSite): JobHandler {
  return async (_job, db) => {
    await runMatchTidy(db, site);
    await enqueue(db, 'mutual-aid.tidy', {}, { runAt: new Date(Date.now() + HOUR) });
  };
}
