import type { HelperLoad } from '../../../lib/matching/index.js';
import type { Db } from '../../../platform/db/types.js';

/** Help completed within this many days still counts towards a helper's load. */
export const RECENT_DAYS = 28;

/**
 * Each helper's current commitments in a place, for fair suggestions (src/lib/matching): the
 * requests waiting on them and help agreed, plus what they finished in the last four weeks.
 */
export async function helperLoads(
  db: Pick<Db, 'query'>,
  placeId: string,
  now: Date,
): Promise<Map<string, HelperLoad>> {
  const rows = await db.query<{ helper: string; active: number; recent: number }>(
    `select o.author_id as helper,
       count(*) filter (where m.status in ('proposed', 'accepted'))::int as active,
       count(*) filter (where m.status = 'done' and m.completed_at > $2)::int as recent
     from aid_matches m join aid_posts o on o.id = m.offer_id
     where m.place_id = $1 and o.author_id is not null
     group by o.author_id`,
    [placeId, new Date(now.getTime() - RECENT_DAYS * 86_400_000)],
  );
  return new Map(rows.map((r) => [r.helper, { active: r.active, recentCompleted: r.recent }]));
}
