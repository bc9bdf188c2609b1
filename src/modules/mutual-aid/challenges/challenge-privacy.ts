import type { PrivacyHooks } from '../../../platform/module-definition.js';

/**
 * Answers to council challenges are public actions the person chose to take; they are theirs
 * to download, and go with their account.
 */
export const challengePrivacy: PrivacyHooks = {
  dataUses: [
    {
      dataKey: 'mutualAid.challenges.privacy.data',
      purposeKey: 'mutualAid.challenges.privacy.purpose',
      basis: 'consent',
      retentionKey: 'mutualAid.challenges.privacy.kept',
    },
  ],
  async exportFor(db, person) {
    return {
      answers_to_council_challenges: await db.query(
        `select c.title as challenge, r.kind, r.body, r.show_name, r.created_at
         from aid_challenge_responses r join aid_challenges c on c.id = r.challenge_id
         where r.user_id = $1 order by r.created_at`,
        [person.userId],
      ),
    };
  },
  async eraseFor(tx, person) {
    await tx.query('delete from aid_challenge_responses where user_id = $1', [person.userId]);
    return [];
  },
};
