import type { PrivacyHooks } from '../../../platform/module-definition.js';

/** Respondents' contact details are removed this long after their assembly finished. */
export const KEEP_AFTER_FINISH_DAYS = 365;

/** What an erased respondent's name becomes (the row stays, without anything that names them). */
export const ERASED_NAME = 'Erased';

/**
 * Respondents to a citizens' assembly's invitation: their name, contact details, address (from
 * the letter), their answers to the assembly's questions (age band, gender, …), access needs,
 * and whether they were selected. Held with their consent, seen only by the officers assigned
 * to the assembly. A person finds their records by their account or the email they gave.
 *
 * On erasure the record keeps only its reference, answers and status (the published, anonymous
 * selection refers to it by reference); someone not yet selected is withdrawn from the pool.
 * A year after the assembly finishes, every respondent's contact details go the same way, and
 * so does the address list the invitations were drawn from.
 */
export const respondentPrivacy: PrivacyHooks = {
  dataUses: [
    {
      dataKey: 'assemblies.recruitment.privacy.data',
      purposeKey: 'assemblies.recruitment.privacy.purpose',
      basis: 'consent',
      retentionKey: 'assemblies.recruitment.privacy.kept',
    },
  ],
  async exportFor(db, person) {
    return {
      assembly_respondents: await db.query(
        `select a.title as assembly, r.reference, r.name, r.email, r.phone, r.address, r.postcode,
           r.features, r.access_needs, r.consent_at, r.registered_by, r.status, r.probability, r.created_at
         from assembly_respondents r join assemblies a on a.id = r.assembly_id
         where r.user_id = $1 or (r.email is not null and lower(r.email) = lower($2))
         order by r.created_at`,
        [person.userId, person.email],
      ),
    };
  },
  async eraseFor(tx, person) {
    const rows = await tx.query(
      `update assembly_respondents set name = $3, email = null, phone = null, address = '', postcode = '',
         household = '', access_needs = '', user_id = null,
         status = case when status = 'registered' then 'withdrawn' else status end
       where user_id = $1 or (email is not null and lower(email) = lower($2)) returning id`,
      [person.userId, person.email, ERASED_NAME],
    );
    return rows.length ? ['assemblies.recruitment.privacy.keptOnErase'] : [];
  },
  async applyRetention(tx, now) {
    const rows = await tx.query(
      `update assembly_respondents set name = $3, email = null, phone = null, address = '', postcode = '',
         household = '', access_needs = '', user_id = null
       where name <> $3 and assembly_id in (
         select id from assemblies where status = 'finished'
           and updated_at < $1::timestamptz - make_interval(days => $2))
       returning id`,
      [now, KEEP_AFTER_FINISH_DAYS, ERASED_NAME],
    );
    // The address list has done its job too (the draw's fingerprint stays published).
    const addresses = await tx.query(
      `delete from assembly_addresses where assembly_id in (
         select id from assemblies where status = 'finished'
           and updated_at < $1::timestamptz - make_interval(days => $2))
       returning id`,
      [now, KEEP_AFTER_FINISH_DAYS],
    );
    return rows.length + addresses.length;
  },
};
