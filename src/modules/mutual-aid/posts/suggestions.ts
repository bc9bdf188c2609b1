import { categoryFitsFor, type Offer, rankOffers } from '../../../lib/matching/index.js';
import { Forbidden } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { helperLoads } from '../matches/helper-load.js';
import type { PostView } from './post-service.js';

/** Metres in a degree of latitude, rounded down so that the database's box is never too small. */
const METRES_PER_DEGREE_LAT_SAFE = 111_000;
/** How far an offer that gave no distance is taken to reach. */
const DEFAULT_REACH = 2000;

// What "mornings" and so on mean when an offer is matched against a need's window.
const TIME_SLOTS: Record<string, { from: string; to: string }> = {
  morning: { from: '08:00', to: '12:00' },
  afternoon: { from: '12:00', to: '17:00' },
  evening: { from: '17:00', to: '21:00' },
};

export type Suggestion = {
  id: string;
  title: string;
  wardName: string | null;
  distanceMetres: number | null;
  score: number;
};

/**
 * Offers that could meet a need, best first (src/lib/matching): shown to the person who asked
 * (or the connector who asked for them) so that they choose. Only public fields are used.
 */
export async function suggestOffers(
  ctx: ServiceContext,
  need: PostView,
  now = new Date(),
): Promise<Suggestion[]> {
  if (need.kind !== 'need') return [];
  if (!need.own && !can(ctx.actor, 'mutual-aid.match-on-behalf')) throw new Forbidden();
  const [authorRow] = await ctx.db.query<{ author_id: string | null }>(
    'select author_id from aid_posts where id = $1',
    [need.id],
  );
  const point = need.approxPoint;
  const rows = await ctx.db.query<{
    id: string;
    author_id: string | null;
    categories: string[];
    ward_code: string;
    approx_lon: number | null;
    approx_lat: number | null;
    availability: { days?: string[]; times?: string[] };
    max_distance_metres: number | null;
    created_ms: number;
    expires_ms: number;
  }>(
    // Times as epoch milliseconds: thousands of rows are read, and numbers are cheaper than dates.
    `select p.id, p.author_id, p.categories, p.ward_code, p.approx_lon, p.approx_lat,
       p.availability, p.max_distance_metres,
       (extract(epoch from p.created_at) * 1000)::float8 as created_ms,
       (extract(epoch from p.expires_at) * 1000)::float8 as expires_ms
     from aid_posts p
     where p.place_id = $1 and p.kind = 'offer' and p.status = 'open' and p.moderation_status = 'published'
       and p.expires_at > $2
       -- Only offers with a kind of help that serves the need can rank at all (the same rule as the
       -- ranking's, from src/lib/matching): the database drops the rest before they are read.
       and p.categories && $4::text[]
       -- The same for distance, with a box a little larger than the ranking's own: no path is shorter
       -- than the difference in latitude, and a degree of longitude is never longer than at the
       -- box's edge nearest the equator (5% spare). The ranking then measures exactly.
       and case when $5::float8 is null or p.approx_lat is null then p.ward_code = $7
         else abs(p.approx_lat - $6) * ${METRES_PER_DEGREE_LAT_SAFE} <= coalesce(p.max_distance_metres, ${DEFAULT_REACH})
           and abs(p.approx_lon - $5) * cos(radians(least(89, abs($6) + coalesce(p.max_distance_metres, ${DEFAULT_REACH}) / ${METRES_PER_DEGREE_LAT_SAFE})))
             * ${METRES_PER_DEGREE_LAT_SAFE} <= coalesce(p.max_distance_metres, ${DEFAULT_REACH}) * 1.05
         end
       and p.author_id is distinct from $8
       -- A helper already asked for this need (who said no, or did not answer) is not suggested again.
       and not exists (select 1 from aid_matches m where m.need_id = $3 and m.offer_id = p.id)`,
    [
      ctx.place.id,
      now,
      need.id,
      [...categoryFitsFor(need.categories[0] as string).keys()],
      point?.lon ?? null,
      point?.lat ?? null,
      need.wardCode,
      authorRow?.author_id ?? null,
    ],
  );
  const offers: Offer[] = rows.map((r) => ({
    id: r.id,
    helperId: r.author_id ?? `unknown:${r.id}`,
    categories: r.categories,
    point: r.approx_lon !== null && r.approx_lat !== null ? { lon: r.approx_lon, lat: r.approx_lat } : null,
    wardCode: r.ward_code,
    maxDistanceMetres: r.max_distance_metres ?? DEFAULT_REACH,
    availability: {
      weekly: (r.availability.days ?? []).flatMap((day) =>
        (r.availability.times ?? []).flatMap((time) => {
          const slot = TIME_SLOTS[time];
          return slot ? [{ day: day as 'MO', ...slot }] : [];
        }),
      ),
      window: { from: new Date(r.created_ms), to: new Date(r.expires_ms) },
    },
    expiresAt: new Date(r.expires_ms),
    status: 'open',
  }));
  const ranked = rankOffers(
    {
      id: need.id,
      requesterId: authorRow?.author_id ?? `unknown:${need.id}`,
      category: need.categories[0] as string,
      point: need.approxPoint,
      wardCode: need.wardCode,
      window: { from: now, to: need.windowTo ?? need.expiresAt },
      createdAt: need.createdAt,
    },
    offers,
    { now, limit: 5, load: await helperLoads(ctx.db, ctx.place.id, now) },
  );
  // Titles and ward names only for the few shown.
  const shown = await ctx.db.query<{ id: string; title: string; ward_name: string | null }>(
    `select p.id, p.title, w.name as ward_name from aid_posts p
     left join wards w on w.place_id = p.place_id and w.code = p.ward_code where p.id = any($1::uuid[])`,
    [ranked.map((r) => r.offer.id)],
  );
  const byId = new Map(shown.map((r) => [r.id, r]));
  return ranked.map((r) => ({
    id: r.offer.id,
    title: byId.get(r.offer.id)?.title ?? '',
    wardName: byId.get(r.offer.id)?.ward_name ?? null,
    distanceMetres: r.reasons.distanceMetres,
    score: r.score,
  }));
}
