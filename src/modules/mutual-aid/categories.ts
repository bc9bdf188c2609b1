import { MUTUAL_AID_CATEGORIES, type MutualAidCategory } from '../../lib/matching/index.js';

/**
 * What neighbours ask for and offer (labels: mutualAid.categories.<code>): the matching engine's
 * own list, so a category can never be offered that the engine does not know.
 */
export const AID_CATEGORIES = MUTUAL_AID_CATEGORIES;

export type AidCategory = MutualAidCategory;
