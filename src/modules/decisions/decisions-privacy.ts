import type { PrivacyHooks } from '../../platform/module-definition.js';

/**
 * Comments on decisions are public participation in the council's decisions (UK GDPR Art.
 * 6(1)(e)): on account deletion a comment stays without its author, as part of the record of
 * what residents said; follows are the person's own choice and go.
 */
export const decisionsPrivacy: PrivacyHooks = {
  dataUses: [
    {
      dataKey: 'decisions.privacy.data',
      purposeKey: 'decisions.privacy.purpose',
      basis: 'public-task',
      retentionKey: 'decisions.privacy.kept',
    },
  ],
  async exportFor(db, person) {
    return {
      decision_comments: await db.query(
        `select c.id, c.decision_id, d.title as decision, c.body, c.moderation_status, c.created_at
         from decision_comments c join decisions d on d.id = c.decision_id where c.author_id = $1 order by c.created_at`,
        [person.userId],
      ),
      decision_follows: await db.query(
        `select f.decision_id, d.title as decision, f.created_at from decision_follows f
         join decisions d on d.id = f.decision_id where f.user_id = $1 order by f.created_at`,
        [person.userId],
      ),
    };
  },
  async eraseFor(tx, person) {
    await tx.query('delete from decision_follows where user_id = $1', [person.userId]);
    const comments = await tx.query(
      'update decision_comments set author_id = null where author_id = $1 returning id',
      [person.userId],
    );
    return comments.length ? ['decisions.privacy.keptOnErase'] : [];
  },
};
