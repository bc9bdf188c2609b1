/**
 * Suggests offers of help for a need (SPEC §3.2), best first. Pure and deterministic: the same
 * need, offers, time and loads always give the same list, whatever order the offers come in.
 */

import {
  createNeedCalendar,
  type DateWindow,
  type OfferAvailability,
  overlapMinutes,
} from './availability.js';
import { bestCategoryFit, categoryFitsFor } from './categories.js';

export interface LonLat {
  lon: number;
  lat: number;
}

export interface Need {
  id: string;
  /** The person who needs help (not a connector posting for them). */
  requesterId: string;
  category: string;
  /** Exact point, never shown; null when only the ward is known. */
  point: LonLat | null;
  wardCode: string | null;
  /** When the help is needed. */
  window: DateWindow;
  createdAt: Date;
}

export type OfferStatus = 'open' | 'paused' | 'closed';

export interface Offer {
  id: string;
  helperId: string;
  categories: readonly string[];
  point: LonLat | null;
  wardCode: string | null;
  /** How far the helper said they would go. */
  maxDistanceMetres: number;
  availability: OfferAvailability;
  expiresAt: Date | null;
  status: OfferStatus;
}

/** A helper's current commitments, counted by the caller from the matches table. */
export interface HelperLoad {
  /** Matches accepted and not yet completed. */
  active: number;
  /** Matches completed recently (the caller chooses the period, e.g. 28 days). */
  recentCompleted?: number;
}

export interface RankOptions {
  now: Date;
  load?: ReadonlyMap<string, HelperLoad>;
  /** Return only the best this many. */
  limit?: number;
  /** The place's clock, for weekly slots. */
  timeZone?: string;
}

export interface MatchReasons {
  /** 1 exact, 0.5 related category, 0.25 an open "other" offer (see categories.ts). */
  categoryFit: number;
  /** Straight-line distance; null when a point was missing and the same ward was used instead. */
  distanceMetres: number | null;
  overlapMinutes: number;
  /** The helper's active matches. */
  load: number;
}

export interface RankedOffer {
  offer: Offer;
  /** In [0, 1]. */
  score: number;
  reasons: MatchReasons;
}

/**
 * How much each part counts; they add up to 1 and each part is in [0, 1], so the score is too.
 * - Category fit leads: an offer of the wrong kind of help wastes both people's time.
 * - Closeness next: most of this help is on foot, and a near neighbour is more likely to become a
 *   lasting connection, which is the point of mutual aid.
 * - Fairness is strong enough to matter: a helper with three active matches loses 0.15 against an
 *   idle one, about what 1.5 km of extra distance costs, so the keenest helper is not handed
 *   every request and does not burn out, and new helpers get a first match.
 * - Overlap counts least: it is already a hard filter, and people rearrange times readily.
 */
export const MATCH_WEIGHTS = { category: 0.35, closeness: 0.3, fairness: 0.2, overlap: 0.15 } as const;

/** Closeness halves at this distance: about a 20-minute walk. */
export const HALF_CLOSENESS_METRES = 1_500;
/** A helper free this long within the window can fit the task in; more is no better. */
export const FULL_OVERLAP_MINUTES = 240;
/** A recently completed match weighs half an active one in the fairness term. */
export const RECENT_COMPLETED_WEIGHT = 0.5;

const EARTH_MEAN_RADIUS_METRES = 6_371_008.8;
const RADIANS_PER_DEGREE = Math.PI / 180;
const METRES_PER_DEGREE_LAT = EARTH_MEAN_RADIUS_METRES * RADIANS_PER_DEGREE;

/** 1 at the door, 0.5 at HALF_CLOSENESS_METRES, falling smoothly; never 0, so it never vetoes. */
export function closeness(distanceMetres: number): number {
  return HALF_CLOSENESS_METRES / (HALF_CLOSENESS_METRES + distanceMetres);
}

/** 1 for an idle helper, halving with the first active match. */
export function fairness(load: HelperLoad | undefined): number {
  if (!load) return 1;
  const weighted =
    Math.max(0, load.active) + RECENT_COMPLETED_WEIGHT * Math.max(0, load.recentCompleted ?? 0);
  return 1 / (1 + weighted);
}

/** Best first; equal scores by offer id, so the order never depends on the input order. */
function better(a: RankedOffer, b: RankedOffer): boolean {
  return a.score > b.score || (a.score === b.score && a.offer.id < b.offer.id);
}

function compare(a: RankedOffer, b: RankedOffer): number {
  return better(a, b) ? -1 : better(b, a) ? 1 : 0;
}

/** Keeps the best `limit` in a heap whose root is the worst kept, so one pass finds the top k. */
function topK(items: RankedOffer[], limit: number): RankedOffer[] {
  const heap: RankedOffer[] = [];
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < heap.length && better(heap[worst] as RankedOffer, heap[left] as RankedOffer)) worst = left;
      if (right < heap.length && better(heap[worst] as RankedOffer, heap[right] as RankedOffer))
        worst = right;
      if (worst === i) return;
      [heap[i], heap[worst]] = [heap[worst] as RankedOffer, heap[i] as RankedOffer];
      i = worst;
    }
  };
  for (const item of items) {
    if (heap.length < limit) {
      heap.push(item);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!better(heap[parent] as RankedOffer, heap[i] as RankedOffer)) break;
        [heap[i], heap[parent]] = [heap[parent] as RankedOffer, heap[i] as RankedOffer];
        i = parent;
      }
    } else if (better(item, heap[0] as RankedOffer)) {
      heap[0] = item;
      siftDown(0);
    }
  }
  return heap.sort(compare);
}

/**
 * Offers that could meet the need, best first. An offer is left out when it is the requester's
 * own, not open, expired at `now`, of no related category, beyond the helper's distance (or, with
 * a point missing on either side, in another ward), or never free within the need's window.
 */
export function rankOffers(need: Need, offers: readonly Offer[], options: RankOptions): RankedOffer[] {
  const { now, load, limit, timeZone = 'Europe/London' } = options;
  if (limit !== undefined && limit <= 0) return [];
  const nowMs = now.getTime();
  const fits = categoryFitsFor(need.category);
  const calendar = createNeedCalendar(need.window, timeZone);
  const windowMinutes = Math.floor((calendar.toUtc - calendar.fromUtc) / 60_000);
  const fullOverlap = Math.min(windowMinutes, FULL_OVERLAP_MINUTES);
  const needPoint = need.point;
  const needLatRad = needPoint ? needPoint.lat * RADIANS_PER_DEGREE : 0;
  const cosNeedLat = Math.cos(needLatRad);

  const candidates: RankedOffer[] = [];
  for (const offer of offers) {
    // Cheapest tests first: most offers fall at the category or distance.
    if (offer.status !== 'open' || offer.helperId === need.requesterId) continue;
    if (offer.expiresAt !== null && offer.expiresAt.getTime() <= nowMs) continue;
    const categoryFit = bestCategoryFit(fits, offer.categories);
    if (categoryFit === 0) continue;

    let distanceMetres: number | null = null;
    const offerPoint = offer.point;
    if (needPoint && offerPoint) {
      const max = offer.maxDistanceMetres;
      // A box first. No path is shorter than the difference in latitude, so that test is exact;
      // a degree of longitude is longest at the box's equator-most edge, and the 1% spare
      // covers a great circle being a little shorter than the parallel between two points.
      const dLat = offerPoint.lat - needPoint.lat;
      const maxDLat = max / METRES_PER_DEGREE_LAT;
      if (dLat > maxDLat || dLat < -maxDLat) continue;
      const edgeCos = Math.cos((Math.abs(needPoint.lat) + maxDLat) * RADIANS_PER_DEGREE);
      const dLon = offerPoint.lon - needPoint.lon;
      if (edgeCos > 0 && Math.abs(dLon) * edgeCos > maxDLat * 1.01) continue;
      const sinHalfDLat = Math.sin((dLat * RADIANS_PER_DEGREE) / 2);
      const sinHalfDLon = Math.sin((dLon * RADIANS_PER_DEGREE) / 2);
      const h =
        sinHalfDLat * sinHalfDLat +
        cosNeedLat * Math.cos(offerPoint.lat * RADIANS_PER_DEGREE) * sinHalfDLon * sinHalfDLon;
      distanceMetres = 2 * EARTH_MEAN_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
      if (!(distanceMetres <= max)) continue;
    } else if (need.wardCode === null || offer.wardCode !== need.wardCode) {
      continue;
    }

    const overlap = overlapMinutes(calendar, offer.availability);
    if (overlap <= 0) continue;

    const helperLoad = load?.get(offer.helperId);
    const score =
      MATCH_WEIGHTS.category * categoryFit +
      MATCH_WEIGHTS.closeness *
        (distanceMetres === null ? closeness(HALF_CLOSENESS_METRES) : closeness(distanceMetres)) +
      MATCH_WEIGHTS.fairness * fairness(helperLoad) +
      MATCH_WEIGHTS.overlap * Math.min(1, overlap / fullOverlap);
    candidates.push({
      offer,
      score,
      reasons: { categoryFit, distanceMetres, overlapMinutes: overlap, load: helperLoad?.active ?? 0 },
    });
  }
  if (limit !== undefined && limit < candidates.length) return topK(candidates, limit);
  return candidates.sort(compare);
}
