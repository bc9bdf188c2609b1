import type { PrivacyHooks } from '../../platform/module-definition.js';

/**
 * A response is personal data while it is linked to the person's account (so they answer once
 * and can change it). On erasure, a response that was sent is unlinked and kept anonymously,
 * as part of the consultation's results; an unsent draft is deleted with its map comments.
 */
export const consultationPrivacy: PrivacyHooks = {
  dataUses: [
    {
      dataKey: 'consultations.privacy.data',
      purposeKey: 'consultations.privacy.purpose',
      basis: 'public-task',
      retentionKey: 'consultations.privacy.retention',
    },
  ],
  async exportFor(db, person) {
    const responses = await db.query(
      `select c.title as consultation, r.answers, to_char(r.submitted_on, 'YYYY-MM-DD') as submitted_on, r.updated_at
       from consultation_responses r join consultations c on c.id = r.consultation_id where r.user_id = $1
       order by r.created_at`,
      [person.userId],
    );
    const comments = await db.query(
      `select c.title as consultation, m.x::text as x, m.y::text as y, m.area, m.place_words, m.comment, m.created_at
       from consultation_map_comments m join consultation_responses r on r.id = m.response_id
       join consultations c on c.id = r.consultation_id where r.user_id = $1 order by m.created_at`,
      [person.userId],
    );
    return { consultation_responses: responses, consultation_map_comments: comments };
  },
  async eraseFor(tx, person) {
    await tx.query('delete from consultation_responses where user_id = $1 and submitted_on is null', [
      person.userId,
    ]);
    const kept = await tx.query<{ id: string }>(
      'update consultation_responses set user_id = null where user_id = $1 returning id',
      [person.userId],
    );
    return kept.length ? ['consultations.privacy.kept'] : [];
  },
};
