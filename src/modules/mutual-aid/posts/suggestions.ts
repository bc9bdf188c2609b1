import { rankOffers } from '../../../lib/matching/index.js';
import { Forbidden } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { helperLoads } from '../matches/helper-load.js';
import { whoPosted } from '../matches/match-service.js';
import { openOffers } from './offer-cache.js';
import type { PostView } from './post-service.js';

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
  const { author } = await whoPosted(ctx, need.id);
  // A helper already asked for this need (who said no, or did not answer) is not suggested again.
  const asked = new Set(
    (
      await ctx.db.query<{ offer_id: string }>('select offer_id from aid_matches where need_id = $1', [
        need.id,
      ])
    ).map((r) => r.offer_id),
  );
  const all = await openOffers(ctx.db, ctx.place.id);
  const offers = asked.size ? all.filter((o) => !asked.has(o.id)) : all;
  const ranked = rankOffers(
    {
      id: need.id,
      requesterId: author ?? `unknown:${need.id}`,
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
