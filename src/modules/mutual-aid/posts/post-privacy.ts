import type { PrivacyHooks } from '../../../platform/module-definition.js';

const CLEAR_PRIVATE_AFTER_DAYS = 30;

/**
 * Needs and offers hold contact details given for one purpose: a match. They are the
 * poster's to download and delete, and are cleared 30 days after a post closes or expires.
 */
export const postPrivacy: PrivacyHooks = {
  dataUses: [
    {
      dataKey: 'mutualAid.privacy.posts.data',
      purposeKey: 'mutualAid.privacy.posts.purpose',
      basis: 'consent',
      retentionKey: 'mutualAid.privacy.posts.kept',
    },
  ],
  async exportFor(db, person) {
    return {
      help_you_asked_for_or_offered: await db.query(
        `select kind, categories, title, details, ward_code, private_name, private_address, private_phone, private_email,
           window_to, expires_at, status, created_at
         from aid_posts where author_id = $1 order by created_at`,
        [person.userId],
      ),
    };
  },
  async eraseFor(tx, person) {
    await tx.query(
      `update aid_posts set status = case when status = 'open' then 'withdrawn' else status end,
         private_name = '', private_address = '', private_phone = '', private_email = null, author_id = null
       where author_id = $1 or private_email = $2`,
      [person.userId, person.email],
    );
    return [];
  },
  async applyRetention(tx, now) {
    const rows = await tx.query(
      `update aid_posts set private_name = '', private_address = '', private_phone = '', private_email = null
       where (status <> 'open' or expires_at < $1)
         and greatest(expires_at, updated_at) < $1::timestamptz - make_interval(days => $2)
         and (private_name <> '' or private_address <> '' or private_phone <> '' or private_email is not null)
       returning id`,
      [now, CLEAR_PRIVATE_AFTER_DAYS],
    );
    return rows.length;
  },
};
