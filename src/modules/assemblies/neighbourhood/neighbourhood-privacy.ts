import type { PrivacyHooks } from '../../../platform/module-definition.js';

/**
 * Stories are given to a public story book with the author's consent (UK GDPR Art. 6(1)(a)).
 * The author can download them. On account deletion a published story stays in the story book
 * but loses its author and the name they chose (it then reads "A resident of <ward>");
 * stories that were never published are deleted.
 */
export const neighbourhoodPrivacy: PrivacyHooks = {
  dataUses: [
    {
      dataKey: 'assemblies.neighbourhood.privacy.data',
      purposeKey: 'assemblies.neighbourhood.privacy.purpose',
      basis: 'consent',
      retentionKey: 'assemblies.neighbourhood.privacy.kept',
    },
  ],
  async exportFor(db, person) {
    return {
      neighbourhood_stories: await db.query(
        `select a.ward_code, s.mattered, s.keep, s.display_name, s.photo_alt, s.photo_key is not null as has_photo,
           s.audio_key is not null as has_recording, s.status, s.hidden_reason, s.created_at
         from neighbourhood_stories s join neighbourhood_assemblies a on a.id = s.assembly_id
         where s.author_id = $1 order by s.created_at`,
        [person.userId],
      ),
    };
  },
  async eraseFor(tx, person) {
    await tx.query(`delete from neighbourhood_stories where author_id = $1 and status <> 'published'`, [
      person.userId,
    ]);
    const kept = await tx.query(
      'update neighbourhood_stories set author_id = null, display_name = null where author_id = $1 returning id',
      [person.userId],
    );
    return kept.length ? ['assemblies.neighbourhood.privacy.keptOnErase'] : [];
  },
};
