import { translator } from '../../../platform/i18n/i18n.js';
import { CATEGORIES, type Category } from '../categories.js';
import { KITH_TAXONOMY_ID, KITH_TAXONOMY_NAME, kithTermCode, kithTermId } from './oruk-ids.js';
import type { Json } from './oruk-normalise.js';

/**
 * The place's own taxonomy, built from the directory categories rather than stored, so
 * `/taxonomies` and `/taxonomy_terms` always have it and its ids never drift. Labels are
 * the English ones: the feed is for machines and other directories.
 */
const en = translator('en');

export function kithTaxonomy(): Json {
  return {
    id: KITH_TAXONOMY_ID,
    name: KITH_TAXONOMY_NAME,
    description: en('directory.oruk.taxonomy.description'),
    version: '1',
  };
}

export function kithTerm(code: Category): Json {
  const name = en(`directory.categories.${code}`);
  return {
    id: kithTermId(code),
    name,
    description: name,
    taxonomy: KITH_TAXONOMY_NAME,
    taxonomy_id: KITH_TAXONOMY_ID,
    term: code,
  };
}

export function kithTerms(): Json[] {
  return CATEGORIES.map(kithTerm);
}

export function isKithTerm(id: string): boolean {
  return kithTermCode(id) !== null;
}

export const KITH_TERM_IDS: string[] = CATEGORIES.map(kithTermId);
