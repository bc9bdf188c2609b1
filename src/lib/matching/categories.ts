/**
 * What neighbours ask each other for (SPEC §3.2), and which kinds of help sit close enough that
 * someone offering one is worth suggesting for the other.
 */
export const MUTUAL_AID_CATEGORIES = [
  'shopping',
  'prescriptions',
  'lifts',
  'befriending-calls',
  'odd-jobs',
  'dog-walking',
  'forms',
  'language-help',
  'gardening',
  'tech-help',
  'other',
] as const;

export type MutualAidCategory = (typeof MUTUAL_AID_CATEGORIES)[number];

/** The offer is for exactly what was asked. */
export const EXACT_FIT = 1;
/** A related kind of help: the helper is likely able and willing, but did not say so. */
export const RELATED_FIT = 0.5;
/** The helper ticked "other" (anything else, ask me): worth showing, below any real fit. */
export const OPEN_OFFER_FIT = 0.25;

/**
 * Pairs of related categories, read both ways. Each pair is there because the same trip, tool or
 * skill serves both, which is what makes a partial match worth a resident's time:
 * - shopping ↔ prescriptions: a shopper is going to the high street, where the chemist is;
 * - lifts ↔ shopping, lifts ↔ prescriptions: someone with a car can fetch things too;
 * - befriending-calls ↔ dog-walking: both are mostly company and a regular visit;
 * - odd-jobs ↔ gardening: the same tools and the same kind of helper;
 * - forms ↔ tech-help: most forms are online now;
 * - forms ↔ language-help: forms are where a language barrier bites hardest.
 * Befriending calls are deliberately not related to language help: a phone conversation in a
 * second language is a different offer from translating a letter.
 */
export const RELATED_CATEGORIES: readonly (readonly [MutualAidCategory, MutualAidCategory])[] = [
  ['shopping', 'prescriptions'],
  ['lifts', 'shopping'],
  ['lifts', 'prescriptions'],
  ['befriending-calls', 'dog-walking'],
  ['odd-jobs', 'gardening'],
  ['forms', 'tech-help'],
  ['forms', 'language-help'],
];

const related = new Set<string>(RELATED_CATEGORIES.flatMap(([a, b]) => [`${a}|${b}`, `${b}|${a}`]));

/** How well one offered category serves a need's category, in [0, 1]. */
export function categoryPairFit(needCategory: string, offeredCategory: string): number {
  if (needCategory === offeredCategory) return EXACT_FIT;
  if (related.has(`${needCategory}|${offeredCategory}`)) return RELATED_FIT;
  if (offeredCategory === 'other') return OPEN_OFFER_FIT;
  return 0;
}

/**
 * Every offered category that serves a need's category, with its fit. Built once per need so that
 * ranking thousands of offers is a map look-up per offered category, not a string build.
 */
export function categoryFitsFor(needCategory: string): ReadonlyMap<string, number> {
  const fits = new Map<string, number>();
  for (const offered of [...MUTUAL_AID_CATEGORIES, needCategory]) {
    const fit = categoryPairFit(needCategory, offered);
    if (fit > 0) fits.set(offered, fit);
  }
  return fits;
}

/** The best fit among the categories an offer lists; 0 means the offer does not serve the need. */
export function bestCategoryFit(
  fits: ReadonlyMap<string, number>,
  offeredCategories: readonly string[],
): number {
  let best = 0;
  for (const offered of offeredCategories) {
    const fit = fits.get(offered) ?? 0;
    if (fit > best) best = fit;
  }
  return best;
}

/** The best fit of an offer's categories for a need's category (one-off; see categoryFitsFor). */
export function categoryFit(needCategory: string, offeredCategories: readonly string[]): number {
  return bestCategoryFit(categoryFitsFor(needCategory), offeredCategories);
}
