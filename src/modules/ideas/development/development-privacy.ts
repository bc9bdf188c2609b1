import type { PrivacyHooks } from '../../../platform/module-definition.js';

/**
 * Joining an idea's team is the person's own choice (consent): their name and role are shown,
 * and the team's leads see their email address to organise. Updates, trials and outcomes are
 * the idea's public record: on account deletion they stay but no longer name who wrote them,
 * and the person leaves every team.
 */
export const developmentPrivacy: PrivacyHooks = {
  dataUses: [
    {
      dataKey: 'ideas.development.privacy.teamData',
      purposeKey: 'ideas.development.privacy.teamPurpose',
      basis: 'consent',
      retentionKey: 'ideas.development.privacy.teamKept',
    },
    {
      dataKey: 'ideas.development.privacy.updatesData',
      purposeKey: 'ideas.development.privacy.updatesPurpose',
      basis: 'legitimate-interests',
      retentionKey: 'ideas.development.privacy.updatesKept',
    },
  ],
  async exportFor(db, person) {
    return {
      idea_team_members: await db.query(
        `select i.title as idea, m.role, m.is_lead, m.joined_at from idea_team_members m
         join ideas i on i.id = m.idea_id where m.user_id = $1 order by m.joined_at`,
        [person.userId],
      ),
      idea_updates: await db.query(
        `select i.title as idea, d.kind, d.from_stage, d.to_stage, d.body, d.created_at from idea_updates d
         join ideas i on i.id = d.idea_id where d.created_by = $1 order by d.created_at`,
        [person.userId],
      ),
      idea_trials: await db.query(
        `select i.title as idea, t.starts_on::text as starts_on, t.ends_on::text as ends_on, t.measure, t.booking_id,
           t.grant_pence::text as grant_pence, t.grant_from, t.created_at
         from idea_trials t join ideas i on i.id = t.idea_id where t.created_by = $1 or t.booked_by = $1
         order by t.created_at`,
        [person.userId],
      ),
      idea_outcomes: await db.query(
        `select i.title as idea, o.ending, o.what_happened, o.evidence, o.carried_on_by, o.photo_alt, o.created_at
         from idea_outcomes o join ideas i on i.id = o.idea_id where o.created_by = $1 order by o.created_at`,
        [person.userId],
      ),
      idea_pb_proposals: await db.query(
        `select i.title as idea, l.process_id, l.proposal_number, l.created_at from idea_pb_proposals l
         join ideas i on i.id = l.idea_id where l.created_by = $1 order by l.created_at`,
        [person.userId],
      ),
    };
  },
  async eraseFor(tx, person) {
    await tx.query('delete from idea_team_members where user_id = $1', [person.userId]);
    let kept = 0;
    for (const [table, column] of [
      ['idea_updates', 'created_by'],
      ['idea_trials', 'created_by'],
      ['idea_trials', 'booked_by'],
      ['idea_outcomes', 'created_by'],
      ['idea_pb_proposals', 'created_by'],
    ] as const) {
      const rows = await tx.query(`update ${table} set ${column} = null where ${column} = $1 returning 1`, [
        person.userId,
      ]);
      kept += rows.length;
    }
    return kept ? ['ideas.development.privacy.keptOnErase'] : [];
  },
};
