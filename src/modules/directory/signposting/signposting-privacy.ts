import type { PrivacyHooks } from '../../../platform/module-definition.js';

const KEEP_CONNECTOR_DAYS = 730;

/**
 * Signposting holds nothing about the people helped; the only personal data is which
 * connector recorded it. That link goes after two years or when the connector leaves, and
 * the anonymous record stays, because demand over time is what it is for.
 */
export const signpostingPrivacy: PrivacyHooks = {
  dataUses: [
    {
      dataKey: 'directory.signposting.privacy.data',
      purposeKey: 'directory.signposting.privacy.purpose',
      basis: 'public-task',
      retentionKey: 'directory.signposting.privacy.kept',
    },
  ],

  async exportFor(db, person) {
    return {
      signposting_you_recorded: await db.query(
        `select p.name as place, s.category, s.ward_code, s.destination_kind, s.destination_ref,
                s.destination_text, s.note, s.created_at
         from directory_signpostings s join places p on p.id = s.place_id
         where s.created_by = $1 order by s.created_at`,
        [person.userId],
      ),
    };
  },

  async eraseFor(tx, person) {
    await tx.query('update directory_signpostings set created_by = null where created_by = $1', [
      person.userId,
    ]);
    return ['directory.signposting.privacy.erased'];
  },

  async applyRetention(tx, now) {
    const before = new Date(now.getTime() - KEEP_CONNECTOR_DAYS * 24 * 3600 * 1000);
    const rows = await tx.query(
      'update directory_signpostings set created_by = null where created_by is not null and created_at < $1 returning 1',
      [before],
    );
    return rows.length;
  },
};
