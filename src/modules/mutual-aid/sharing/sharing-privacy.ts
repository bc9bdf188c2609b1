import type { PrivacyHooks } from '../../../platform/module-definition.js';

/**
 * Referrals carry a person's details to a group for one purpose; they are the person's to
 * download and delete, and go when the agreement's (or consent's) retention period ends.
 * Signatures on agreements are kept: they are the record that sharing was lawful.
 */
export const sharingPrivacy: PrivacyHooks = {
  dataUses: [
    {
      dataKey: 'mutualAid.privacy.referrals.data',
      purposeKey: 'mutualAid.privacy.referrals.purpose',
      basis: 'public-task',
      retentionKey: 'mutualAid.privacy.referrals.kept',
    },
    {
      dataKey: 'mutualAid.privacy.agreements.data',
      purposeKey: 'mutualAid.privacy.agreements.purpose',
      basis: 'public-task',
      retentionKey: 'mutualAid.privacy.agreements.kept',
    },
  ],
  async exportFor(db, person) {
    return {
      referrals_about_you: await db.query(
        `select r.created_at, r.fields, r.person_name, r.person_phone, r.person_email, r.person_address, r.needs, r.health,
           r.status, r.responded_at, r.clear_after, r.agreement_id, r.consent_id
         from aid_referrals r where r.person_email = $1 order by r.created_at`,
        [person.email],
      ),
      // What you referred, but not the details of the people you referred.
      referrals_you_made: await db.query(
        'select created_at, to_group_id, fields, status, agreement_id, consent_id from aid_referrals where referred_by = $1 order by created_at',
        [person.userId],
      ),
      agreements_you_signed: await db.query(
        `select id, group_id, group_signatory_name, group_signed_at, council_signatory_name, council_signatory_role, council_signed_at
         from aid_sharing_agreements where group_signatory_id = $1 or council_signatory_id = $1 order by created_at`,
        [person.userId],
      ),
    };
  },
  async eraseFor(tx, person) {
    await tx.query(
      `update aid_referrals set status = case when status = 'sent' then 'withdrawn' else status end,
         person_name = '', person_phone = '', person_email = null, person_address = '', needs = '', health = '',
         cleared_at = now()
       where person_email = $1`,
      [person.email],
    );
    await tx.query('update aid_referrals set referred_by = null where referred_by = $1', [person.userId]);
    await tx.query('update aid_referrals set responded_by = null where responded_by = $1', [person.userId]);
    await tx.query('update aid_consents set recorded_by = null where recorded_by = $1', [person.userId]);
    const signed = await tx.query(
      `update aid_sharing_agreements set
         group_signatory_id = case when group_signatory_id = $1 then null else group_signatory_id end,
         council_signatory_id = case when council_signatory_id = $1 then null else council_signatory_id end
       where group_signatory_id = $1 or council_signatory_id = $1 returning id`,
      [person.userId],
    );
    return signed.length ? ['mutualAid.privacy.agreements.keptOnErase'] : [];
  },
  async applyRetention(tx, now) {
    const rows = await tx.query(
      `update aid_referrals set person_name = '', person_phone = '', person_email = null, person_address = '',
         needs = '', health = '', cleared_at = $1
       where clear_after < $1 and cleared_at is null returning id`,
      [now],
    );
    return rows.length;
  },
};
