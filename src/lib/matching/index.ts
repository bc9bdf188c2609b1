/**
 * Matching needs with offers of help (SPEC §3.2): pure functions, no I/O. See rank-offers.ts for
 * the filters and the score, categories.ts for which kinds of help are related, and
 * availability.ts for weekly slots on the place's clock.
 */
export {
  createNeedCalendar,
  type DateWindow,
  type NeedCalendar,
  type OfferAvailability,
  overlapMinutes,
  parseClock,
  WEEKDAYS,
  type Weekday,
  type WeeklySlot,
} from './availability.js';
export {
  bestCategoryFit,
  categoryFit,
  categoryFitsFor,
  categoryPairFit,
  EXACT_FIT,
  MUTUAL_AID_CATEGORIES,
  type MutualAidCategory,
  OPEN_OFFER_FIT,
  RELATED_CATEGORIES,
  RELATED_FIT,
} from './categories.js';
export {
  closeness,
  FULL_OVERLAP_MINUTES,
  fairness,
  HALF_CLOSENESS_METRES,
  type HelperLoad,
  type LonLat,
  MATCH_WEIGHTS,
  type MatchReasons,
  type Need,
  type Offer,
  type OfferStatus,
  type RankedOffer,
  type RankOptions,
  RECENT_COMPLETED_WEIGHT,
  rankOffers,
} from './rank-offers.js';
