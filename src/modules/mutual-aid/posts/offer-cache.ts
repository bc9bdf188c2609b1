import type { Offer, WeeklySlot } from '../../../lib/matching/index.js';
import type { Db } from '../../../platform/db/types.js';

/** How far an offer that gave no distance is taken to reach. */
export const DEFAULT_REACH = 2000;

// What "mornings" and so on mean when an offer is matched against a need's window.
const TIME_SLOTS: Record<string, { from: string; to: string }> = {
  morning: { from: '08:00', to: '12:00' },
  afternoon: { from: '12:00', to: '17:00' },
  evening: { from: '17:00', to: '21:00' },
};

type Snapshot = { version: string; offers: Offer[] };

// Per database (tests open many with the same place ids), per place.
const snapshots = new WeakMap<Db, Map<string, Snapshot>>();

type Row = {
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
};

function toOffer(r: Row): Offer {
  const weekly: WeeklySlot[] = [];
  for (const day of r.availability.days ?? [])
    for (const time of r.availability.times ?? []) {
      const slot = TIME_SLOTS[time];
      if (slot) weekly.push({ day: day as WeeklySlot['day'], ...slot });
    }
  return {
    id: r.id,
    helperId: r.author_id ?? `unknown:${r.id}`,
    categories: r.categories,
    point: r.approx_lon !== null && r.approx_lat !== null ? { lon: r.approx_lon, lat: r.approx_lat } : null,
    wardCode: r.ward_code,
    maxDistanceMetres: r.max_distance_metres ?? DEFAULT_REACH,
    availability: { weekly, window: { from: new Date(r.created_ms), to: new Date(r.expires_ms) } },
    expiresAt: new Date(r.expires_ms),
    status: 'open',
  };
}

/**
 * The place's open, published offers, ready for src/lib/matching. Reading and preparing tens of
 * thousands of rows costs far more than ranking them, so they are kept in memory and read again
 * only when the place's offer counter (kept by a trigger on aid_posts, so no writer can forget it)
 * has moved. Every process checks the counter on each use, so several servers stay in step.
 * Offers that expire by the clock alone are left out by the ranking, which is given `now`.
 */
export async function openOffers(db: Db, placeId: string): Promise<readonly Offer[]> {
  const [v] = await db.query<{ version: string }>(
    'select version::text as version from aid_offer_versions where place_id = $1',
    [placeId],
  );
  const version = v?.version ?? '0';
  let byPlace = snapshots.get(db);
  if (!byPlace) {
    byPlace = new Map();
    snapshots.set(db, byPlace);
  }
  const cached = byPlace.get(placeId);
  if (cached?.version === version) return cached.offers;
  const rows = await db.query<Row>(
    `select id, author_id, categories, ward_code, approx_lon, approx_lat, availability, max_distance_metres,
       (extract(epoch from created_at) * 1000)::float8 as created_ms,
       (extract(epoch from expires_at) * 1000)::float8 as expires_ms
     from aid_posts where place_id = $1 and kind = 'offer' and status = 'open' and moderation_status = 'published'`,
    [placeId],
  );
  const offers = rows.map(toOffer);
  byPlace.set(placeId, { version, offers });
  return offers;
}
