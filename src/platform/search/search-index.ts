import type { Tx } from '../db/types.js';

export const SEARCH_KINDS = ['group', 'service', 'hub', 'activity'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];
export const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Day = (typeof DAYS)[number];
export const TIMES_OF_DAY = ['morning', 'afternoon', 'evening'] as const;
export type TimeOfDay = (typeof TIMES_OF_DAY)[number];

/**
 * What a module tells the search index about one of its records. The module owns the
 * record; the index only holds what search needs, and is rewritten on every change.
 */
export type SearchDocument = {
  placeId: string;
  kind: SearchKind;
  refId: string;
  title: string;
  summary: string;
  /** Further words to match on (description, who it is for, tags) but not shown. */
  body?: string;
  /** Site-relative address of the record's page, e.g. `/trafford/groups/stretford-walkers`. */
  url: string;
  wardCode: string | null;
  point: { lon: number; lat: number } | null;
  /** Directory category codes (see modules/directory/categories.ts). */
  categories: string[];
  /** ISO 639-1 codes of languages the activity is offered in besides English. */
  languages: string[];
  days: Day[];
  times: TimeOfDay[];
  ageMin: number | null;
  ageMax: number | null;
  free: boolean | null;
  accessible: boolean | null;
  /** False keeps the row but out of results (awaiting moderation, closed, merged). */
  visible: boolean;
  tags?: string[];
};

/** Adds or replaces a record in the index, in the caller's transaction. */
export async function indexDocument(tx: Tx, d: SearchDocument): Promise<void> {
  const body = [d.summary, d.body ?? '', (d.tags ?? []).join(' ')].join(' ');
  const fuzzy = [d.title, ...(d.tags ?? [])].join(' ');
  await tx.query(
    `insert into search_documents (place_id, kind, ref_id, title, summary, url, ward_code, lon, lat,
       categories, languages, days, times, age_min, age_max, free, accessible, visible, document, fuzzy_text, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
       setweight(to_tsvector('kith_search', $4), 'A') || setweight(to_tsvector('kith_search', $19), 'B'),
       lower(unaccent($20)), now())
     on conflict (place_id, kind, ref_id) do update set
       title = excluded.title, summary = excluded.summary, url = excluded.url, ward_code = excluded.ward_code,
       lon = excluded.lon, lat = excluded.lat, categories = excluded.categories, languages = excluded.languages,
       days = excluded.days, times = excluded.times, age_min = excluded.age_min, age_max = excluded.age_max,
       free = excluded.free, accessible = excluded.accessible, visible = excluded.visible,
       document = excluded.document, fuzzy_text = excluded.fuzzy_text, updated_at = now()`,
    [
      d.placeId,
      d.kind,
      d.refId,
      d.title,
      d.summary,
      d.url,
      d.wardCode,
      d.point?.lon ?? null,
      d.point?.lat ?? null,
      d.categories,
      d.languages,
      d.days,
      d.times,
      d.ageMin,
      d.ageMax,
      d.free,
      d.accessible,
      d.visible,
      body,
      fuzzy,
    ],
  );
}

export async function removeDocument(
  tx: Tx,
  placeId: string,
  kind: SearchKind,
  refId: string,
): Promise<void> {
  await tx.query('delete from search_documents where place_id = $1 and kind = $2 and ref_id = $3', [
    placeId,
    kind,
    refId,
  ]);
}
