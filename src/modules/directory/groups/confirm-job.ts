import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db } from '../../../platform/db/types.js';
import { queueEmail } from '../../../platform/email/outbox.js';
import { enqueue, type JobHandler } from '../../../platform/jobs/jobs.js';
import type { JobSite } from '../../../platform/module-definition.js';
import { reindexGroup } from './group-service.js';

const DAY = 86_400_000;
/** Organisers are asked once a year whether their group's details are still right… */
export const CONFIRM_AFTER_DAYS = 365;
/** …and the page says "may be out of date" if nobody answers within this many days. */
export const STALE_AFTER_DAYS = 30;

type Due = {
  id: string;
  place_id: string;
  place_slug: string;
  place_name: string;
  name: string;
  slug: string;
};

/**
 * The yearly nudge: ask the organisers of every group not confirmed for a year, and mark
 * groups whose organisers did not answer within 30 days as possibly out of date.
 */
export async function runGroupConfirmation(
  db: Db,
  site: JobSite,
  now = new Date(),
): Promise<{ asked: number; markedStale: number }> {
  const due = await db.query<Due>(
    `select g.id, g.place_id, p.slug as place_slug, p.name as place_name, g.name, g.slug
     from directory_groups g join places p on p.id = g.place_id
     where g.status <> 'closed' and g.merged_into is null and g.confirm_requested_at is null
       and g.last_confirmed_at < $1 order by g.id limit 500`,
    [new Date(now.getTime() - CONFIRM_AFTER_DAYS * DAY)],
  );
  for (const g of due) {
    await withTransaction(db, async (tx) => {
      await tx.query('update directory_groups set confirm_requested_at = $2 where id = $1', [g.id, now]);
      const organisers = await tx.query<{ email: string; preferred_language: string }>(
        `select u.email, u.preferred_language from directory_group_members m join users u on u.id = m.user_id
         where m.group_id = $1 and m.role = 'organiser' and u.deleted_at is null`,
        [g.id],
      );
      for (const o of organisers) {
        await queueEmail(tx, {
          placeId: g.place_id,
          to: o.email,
          template: 'directoryConfirmGroup',
          lang: o.preferred_language,
          vars: {
            group: g.name,
            place: g.place_name,
            days: STALE_AFTER_DAYS,
            url: `${site.publicUrl}/${g.place_slug}/groups/${g.slug}/confirm`,
          },
        });
      }
      await audit(tx, {
        placeId: g.place_id,
        actorId: null,
        action: 'directory.group.confirm-requested',
        targetType: 'directory-group',
        targetId: g.id,
        after: { organisersEmailed: organisers.length },
      });
    });
  }
  const stale = await withTransaction(db, async (tx) => {
    const rows = await tx.query<{ id: string; place_id: string; place_slug: string }>(
      `update directory_groups g set may_be_out_of_date = true from places p
       where p.id = g.place_id and not g.may_be_out_of_date and g.status <> 'closed'
         and g.confirm_requested_at < $1 and g.last_confirmed_at < g.confirm_requested_at
       returning g.id, g.place_id, p.slug as place_slug`,
      [new Date(now.getTime() - STALE_AFTER_DAYS * DAY)],
    );
    for (const r of rows) {
      await reindexGroup(tx, r.place_id, r.place_slug, r.id);
      await audit(tx, {
        placeId: r.place_id,
        actorId: null,
        action: 'directory.group.marked-stale',
        targetType: 'directory-group',
        targetId: r.id,
      });
    }
    return rows.length;
  });
  return { asked: due.length, markedStale: stale };
}

/** Runs daily and books its own next run. */
export function groupConfirmationJob(site: JobSite): JobHandler {
  return async (_job, db) => {
    await runGroupConfirmation(db, site);
    await enqueue(db, 'directory.confirm-groups', {}, { runAt: new Date(Date.now() + DAY) });
  };
}
