import type { PrivacyHooks } from '../../../platform/module-definition.js';

/** Messages are kept for this long after a match closes (questions about what happened), then deleted. */
export const DELETE_MESSAGES_AFTER_DAYS = 90;

const MY_MATCHES = `select m.id from aid_matches m join aid_posts n on n.id = m.need_id join aid_posts o on o.id = m.offer_id
  where n.author_id = $1 or o.author_id = $1`;

/**
 * Matches and their messages: the person's to download; on account deletion, live matches are
 * called off and what they wrote is deleted; messages go 90 days after a match closes.
 */
export const matchPrivacy: PrivacyHooks = {
  dataUses: [
    {
      dataKey: 'mutualAid.privacy.matches.data',
      purposeKey: 'mutualAid.privacy.matches.purpose',
      basis: 'consent',
      retentionKey: 'mutualAid.privacy.matches.kept',
    },
  ],
  async exportFor(db, person) {
    const [matches, messages, feedback] = await Promise.all([
      db.query(
        `select m.id, m.status, n.title as request, o.title as offer, m.need_shares, m.offer_shares, m.proposed_at,
           m.responded_at, m.completed_at, m.closed_reason
         from aid_matches m join aid_posts n on n.id = m.need_id join aid_posts o on o.id = m.offer_id
         where m.id in (${MY_MATCHES}) or m.proposed_by = $1 order by m.proposed_at`,
        [person.userId],
      ),
      db.query(
        'select match_id, side, body, via, created_at from aid_match_messages where sender_id = $1 order by created_at',
        [person.userId],
      ),
      db.query(
        `select f.match_id, f.side, f.outcome, f.comment, f.created_at from aid_match_feedback f
         join aid_matches m on m.id = f.match_id join aid_posts n on n.id = m.need_id join aid_posts o on o.id = m.offer_id
         where (f.side = 'need' and n.author_id = $1) or (f.side = 'offer' and o.author_id = $1)`,
        [person.userId],
      ),
    ]);
    return { help_matches: matches, help_messages_you_sent: messages, help_feedback_you_gave: feedback };
  },
  // Runs before the posts' own erasure, while the posts still say whose they are.
  async eraseFor(tx, person) {
    await tx.query(
      `update aid_matches set status = 'cancelled', closed_at = now()
       where status in ('proposed', 'accepted') and id in (${MY_MATCHES})`,
      [person.userId],
    );
    await tx.query(
      `update aid_posts set status = 'open' where kind = 'need' and status = 'matched'
         and id in (select need_id from aid_matches where id in (${MY_MATCHES}))
         and not exists (select 1 from aid_matches l where l.need_id = aid_posts.id and l.status = 'accepted')`,
      [person.userId],
    );
    await tx.query('delete from aid_match_messages where sender_id = $1', [person.userId]);
    await tx.query(
      `delete from aid_match_feedback f using aid_matches m, aid_posts n, aid_posts o
       where m.id = f.match_id and n.id = m.need_id and o.id = m.offer_id
         and ((f.side = 'need' and n.author_id = $1) or (f.side = 'offer' and o.author_id = $1))`,
      [person.userId],
    );
    return [];
  },
  async applyRetention(tx, now) {
    const rows = await tx.query(
      `delete from aid_match_messages g using aid_matches m
       where m.id = g.match_id and m.closed_at < $1::timestamptz - make_interval(days => $2)
       returning g.id`,
      [now, DELETE_MESSAGES_AFTER_DAYS],
    );
    return rows.length;
  },
};
