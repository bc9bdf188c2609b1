import type { PrivacyHooks } from '../../../platform/module-definition.js';

/** Offers nobody has touched for this long are taken down (people's lives change). */
export const OFFER_KEPT_DAYS = 730;
/** Declined and withdrawn requests, and requests never answered, go after this long. */
export const CLOSED_REQUEST_KEPT_DAYS = 365;
/** Accepted requests (the record of who was put in touch) go after this long. */
export const ACCEPTED_REQUEST_KEPT_DAYS = 730;

/**
 * Skills offers and requests are given with the person's consent (UK GDPR Art. 6(1)(a)): they
 * list themselves and can take their offer down at any time. The person can download their
 * offer and every request they sent or received. On account deletion their offer goes (with
 * the requests made to it) and so do the requests they sent: nothing is kept.
 */
export const skillsPrivacy: PrivacyHooks = {
  dataUses: [
    {
      dataKey: 'ideas.skills.privacy.data',
      purposeKey: 'ideas.skills.privacy.purpose',
      basis: 'consent',
      retentionKey: 'ideas.skills.privacy.kept',
    },
  ],
  async exportFor(db, person) {
    const [offers, sent, received] = await Promise.all([
      db.query(
        `select skills, other_skills, languages, other_languages, time_band, how, ward_code, visibility, created_at,
           updated_at
         from skill_offers where user_id = $1 order by created_at`,
        [person.userId],
      ),
      db.query(
        `select r.id, i.title as idea, r.group_id, r.message, r.status, r.created_at, r.responded_at
         from skill_requests r left join ideas i on i.id = r.idea_id
         where r.from_user_id = $1 order by r.created_at`,
        [person.userId],
      ),
      // The sender is not named here: they are only the person's to know once accepted, and the
      // request page shows that.
      db.query(
        `select r.id, i.title as idea, r.group_id, r.message, r.status, r.created_at, r.responded_at
         from skill_requests r join skill_offers o on o.id = r.offer_id left join ideas i on i.id = r.idea_id
         where o.user_id = $1 order by r.created_at`,
        [person.userId],
      ),
    ]);
    return { skills_offer: offers, skills_requests_sent: sent, skills_requests_received: received };
  },
  async eraseFor(tx, person) {
    await tx.query('delete from skill_requests where from_user_id = $1', [person.userId]);
    await tx.query('delete from skill_offers where user_id = $1', [person.userId]);
    return [];
  },
  async applyRetention(tx, now) {
    const offers = await tx.query(
      `delete from skill_offers where updated_at < $1::timestamptz - make_interval(days => $2) returning id`,
      [now, OFFER_KEPT_DAYS],
    );
    const requests = await tx.query(
      `delete from skill_requests
       where (status in ('declined', 'withdrawn') and responded_at < $1::timestamptz - make_interval(days => $2))
          or (status = 'pending' and created_at < $1::timestamptz - make_interval(days => $2))
          or (status = 'accepted' and responded_at < $1::timestamptz - make_interval(days => $3))
       returning id`,
      [now, CLOSED_REQUEST_KEPT_DAYS, ACCEPTED_REQUEST_KEPT_DAYS],
    );
    return offers.length + requests.length;
  },
};
