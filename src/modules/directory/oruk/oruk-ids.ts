import { createHash } from 'node:crypto';
import { CATEGORIES, type Category } from '../categories.js';

/** Kith's own namespace for name-based (version 5) UUIDs. Never change it: ids derive from it. */
export const KITH_NAMESPACE = '6f2d1c4e-8a57-5b0e-9d3c-7e1f0a2b4c6d';

/** A name-based UUID (RFC 9562 version 5): the same name always gives the same id. */
export function uuidV5(name: string, namespace = KITH_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x50;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The place's own taxonomy, "Kith directory categories". Its ids are the same in every place
 * and installation, so a feed exported by one Kith and imported by another keeps its
 * categories.
 */
export const KITH_TAXONOMY_ID = uuidV5('taxonomy:kith-directory-categories');
export const KITH_TAXONOMY_NAME = 'Kith directory categories';

const termIds = new Map<Category, string>(CATEGORIES.map((c) => [c, uuidV5(`taxonomy-term:kith:${c}`)]));
const codesById = new Map<string, Category>([...termIds].map(([code, id]) => [id, code]));

export function kithTermId(code: Category): string {
  return termIds.get(code) as string;
}

/** The category code of one of Kith's own taxonomy terms, or null for any other term. */
export function kithTermCode(termId: string): Category | null {
  return codesById.get(termId.toLowerCase()) ?? null;
}
