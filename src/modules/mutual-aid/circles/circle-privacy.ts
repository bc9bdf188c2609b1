import type { PrivacyHooks } from '../../../platform/module-definition.js';
import { clearCircle } from './circle-service.js';

const DAYS_KEPT = 30;

/**
 * A care circle holds what neighbours write about someone who needs care: the least public
 * data in the product. Members download what they wrote and joined; deleting an account
 * closes the circles that were theirs, and the rest is deleted when nothing needs it.
 */
export const circlePrivacy: PrivacyHooks = {
  dataUses: [
    {
      dataKey: 'mutualAid.privacy.circles.data',
      purposeKey: 'mutualAid.privacy.circles.purpose',
      basis: 'consent',
      retentionKey: 'mutualAid.privacy.circles.kept',
    },
  ],
  async exportFor(db, person) {
    return {
      care_circles_you_are_in: await db.query(
        `select c.name, c.person_name, c.status, c.created_at, c.closed_at, m.role, m.joined_at
         from aid_circle_members m join aid_circles c on c.id = m.circle_id where m.user_id = $1 order by m.joined_at`,
        [person.userId],
      ),
      care_circle_rota_slots_you_took: await db.query(
        `select c.name as circle, r.starts_at, r.ends_at, r.task
         from aid_circle_rota r join aid_circles c on c.id = r.circle_id where r.volunteer_id = $1 order by r.starts_at`,
        [person.userId],
      ),
      care_circle_notes_you_wrote: await db.query(
        `select c.name as circle, n.body, n.created_at
         from aid_circle_notes n join aid_circles c on c.id = n.circle_id where n.author_id = $1 order by n.created_at`,
        [person.userId],
      ),
      care_circle_invitations_to_you: await db.query(
        `select c.name as circle, i.created_at, i.expires_at, i.accepted_at
         from aid_circle_invitations i join aid_circles c on c.id = i.circle_id where i.email = $1 order by i.created_at`,
        [person.email],
      ),
    };
  },
  async eraseFor(tx, person) {
    const now = new Date();
    // Circles the person controlled close: nobody is left to control them.
    const controlled = await tx.query<{ circle_id: string }>(
      `select m.circle_id from aid_circle_members m where m.user_id = $1 and m.role <> 'helper'
         and not exists (select 1 from aid_circle_members o where o.circle_id = m.circle_id
                         and o.user_id <> $1 and o.role <> 'helper')`,
      [person.userId],
    );
    for (const { circle_id } of controlled) {
      await clearCircle(tx, circle_id, now);
      await tx.query('delete from aid_circles where id = $1', [circle_id]);
    }
    // In other people's circles: what they wrote goes, the slots they took are free again.
    await tx.query('delete from aid_circle_notes where author_id = $1', [person.userId]);
    await tx.query('update aid_circle_rota set volunteer_id = null where volunteer_id = $1', [person.userId]);
    await tx.query('delete from aid_circle_members where user_id = $1', [person.userId]);
    await tx.query('delete from aid_circle_invitations where email = $1', [person.email]);
    return [];
  },
  async applyRetention(tx, now) {
    const before = new Date(now.getTime() - DAYS_KEPT * 86_400_000);
    let n = 0;
    n += (await tx.query('delete from aid_circles where closed_at < $1 returning 1', [before])).length;
    n += (
      await tx.query(
        'delete from aid_circle_invitations where coalesce(accepted_at, expires_at) < $1 returning 1',
        [before],
      )
    ).length;
    n += (await tx.query('delete from aid_circle_rota where ends_at < $1 returning 1', [before])).length;
    return n;
  },
};
