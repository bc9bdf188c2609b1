import type { PrivacyHooks } from '../../../platform/module-definition.js';

/** What the directory holds about people: group memberships and organisers' contact details. */
export const groupPrivacy: PrivacyHooks = {
  dataUses: [
    {
      dataKey: 'directory.privacy.membership.data',
      purposeKey: 'directory.privacy.membership.purpose',
      basis: 'consent',
      retentionKey: 'directory.privacy.membership.kept',
    },
    {
      dataKey: 'directory.privacy.contacts.data',
      purposeKey: 'directory.privacy.contacts.purpose',
      basis: 'consent',
      retentionKey: 'directory.privacy.contacts.kept',
    },
  ],

  async exportFor(db, person) {
    return {
      your_groups: await db.query(
        `select g.name, g.slug, m.role, m.joined_at from directory_group_members m
         join directory_groups g on g.id = m.group_id where m.user_id = $1 order by m.joined_at`,
        [person.userId],
      ),
      groups_you_added: await db.query(
        `select name, slug, summary, contact_name, contact_email, contact_phone, contact_visibility, created_at
         from directory_groups where created_by = $1 order by created_at`,
        [person.userId],
      ),
    };
  },

  async eraseFor(tx, person) {
    await tx.query('delete from directory_group_members where user_id = $1', [person.userId]);
    // The group itself is the community's, not the person's: it stays, without their contact details.
    const rows = await tx.query(
      `update directory_groups set contact_email = null, contact_name = '', contact_phone = case when created_by = $1 then null else contact_phone end
       where contact_email = $2 or created_by = $1 returning id`,
      [person.userId, person.email],
    );
    await tx.query('update directory_groups set created_by = null where created_by = $1', [person.userId]);
    return rows.length ? ['directory.privacy.kept.groups'] : [];
  },
};
