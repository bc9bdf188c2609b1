import type { PrivacyHooks } from '../../../platform/module-definition.js';

/**
 * Proposals are part of a public decision about public money (UK GDPR Art. 6(1)(e)): the
 * author's to download. On account deletion the proposal stays (people voted on it, and the
 * record must show what they voted on) but no longer names its author, and their answers to
 * suggested merges go.
 */
export const proposalPrivacy: PrivacyHooks = {
  dataUses: [
    {
      dataKey: 'budgeting.proposals.privacy.data',
      purposeKey: 'budgeting.proposals.privacy.purpose',
      basis: 'public-task',
      retentionKey: 'budgeting.proposals.privacy.kept',
    },
  ],
  async exportFor(db, person) {
    return {
      pb_proposals: await db.query(
        `select pr.title as budget, p.number, p.title, p.summary, p.description, p.category, p.location,
           p.ward_code, p.status, p.feasibility_reason, p.cost_pence::text as cost_pence, p.image_alt,
           p.created_at, p.updated_at
         from pb_proposals p join pb_processes pr on pr.id = p.process_id
         where p.author_id = $1 order by p.created_at`,
        [person.userId],
      ),
      pb_merge_answers: await db.query(
        `select f.number as from_number, i.number as into_number, a.agreed, a.answered_at
         from pb_merge_answers a join pb_merges g on g.id = a.merge_id
         join pb_proposals f on f.id = g.from_id join pb_proposals i on i.id = g.into_id
         where a.author_id = $1 order by a.answered_at`,
        [person.userId],
      ),
    };
  },
  async eraseFor(tx, person) {
    await tx.query('delete from pb_merge_answers where author_id = $1', [person.userId]);
    const rows = await tx.query(
      'update pb_proposals set author_id = null where author_id = $1 returning id',
      [person.userId],
    );
    return rows.length ? ['budgeting.proposals.privacy.keptOnErase'] : [];
  },
};
