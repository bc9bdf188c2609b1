import type { PrivacyHooks } from '../../../platform/module-definition.js';

/** Letter codes, register entries and in-person codes are deleted this long after a process's results. */
export const DELETE_CREDENTIALS_AFTER_DAYS = 90;

/**
 * The voter register: for each budget a person verified for, how (method), their ward and age
 * band if known, the day, and whether they have voted. Never their ballot: nothing links a
 * ballot to a voter. On account deletion the register row stays without the account, so the
 * same person (by code or identity hash) still cannot vote twice; codes and register entries
 * go 90 days after the results.
 */
export const verificationPrivacy: PrivacyHooks = {
  dataUses: [
    {
      dataKey: 'budgeting.verification.privacy.data',
      purposeKey: 'budgeting.verification.privacy.purpose',
      basis: 'public-task',
      retentionKey: 'budgeting.verification.privacy.kept',
    },
  ],
  async exportFor(db, person) {
    const voters = await db.query(
      `select p.title as budget, v.method, v.ward_code, v.age_band, v.verified_on::text as verified_on, v.voted, v.channel
       from pb_voters v join pb_processes p on p.id = v.process_id where v.user_id = $1 order by v.verified_on`,
      [person.userId],
    );
    return { participatory_budget_voter_register: voters };
  },
  async eraseFor(tx, person) {
    const rows = await tx.query('update pb_voters set user_id = null where user_id = $1 returning id', [
      person.userId,
    ]);
    return rows.length ? ['budgeting.verification.privacy.keptOnErase'] : [];
  },
  async applyRetention(tx, now) {
    const expired = `select p.id from pb_processes p
      where p.phase in ('results', 'delivery')
        and (select max(r.counted_at) from pb_results r where r.process_id = p.id and r.official)
          < $1::timestamptz - make_interval(days => $2)`;
    let n = 0;
    for (const table of ['pb_letter_codes', 'pb_register_entries', 'pb_in_person_codes'])
      n += (
        await tx.query(`delete from ${table} where process_id in (${expired}) returning id`, [
          now,
          DELETE_CREDENTIALS_AFTER_DAYS,
        ])
      ).length;
    return n;
  },
};
