import type { Category } from '../../modules/directory/categories.js';
import { withTransaction } from '../db/transaction.js';
import type { Db, SqlParam, Tx } from '../db/types.js';
import { Invalid } from '../http/errors.js';
import type { ServiceContext } from '../http/request-context.js';
import type { Day, SearchKind, TimeOfDay } from './search-index.js';
import {
  activeFilters,
  type FilterName,
  parseSearchQuery,
  type SearchQuery,
  type Sort,
  withoutFilter,
} from './search-query.js';
import { closestWord } from './trigrams.js';

export type SearchPoint = { lon: number; lat: number };
export type SearchWard = { code: string; slug: string; name: string; centroid: SearchPoint | null };

export type SearchResultItem = {
  kind: SearchKind;
  refId: string;
  title: string;
  summary: string;
  url: string;
  ward: SearchWard | null;
  /** Metres from the chosen point; null without a point or when the record has no location. */
  distanceMetres: number | null;
  categories: string[];
  languages: string[];
  days: Day[];
  times: TimeOfDay[];
  ageMin: number | null;
  ageMax: number | null;
  free: boolean | null;
  accessible: boolean | null;
  point: SearchPoint | null;
  /** How the words matched: whole words (stemmed, accents folded) or only by spelling likeness. */
  match: 'words' | 'spelling' | null;
};

/** A way out of an empty result, with how many results it would give and the search to run. */
export type Suggestion =
  | { type: 'spelling'; q: string; count: number; query: SearchQuery }
  | { type: 'without-filter'; filter: FilterName; count: number; query: SearchQuery }
  | { type: 'without-words'; count: number; query: SearchQuery }
  | { type: 'category'; category: Category; count: number; query: SearchQuery };

export type SearchResults = {
  query: SearchQuery;
  /** The sort actually used (the default depends on the words and the point). */
  sort: Sort;
  items: SearchResultItem[];
  total: number;
  page: number;
  perPage: number;
  totalPages: number;
  /** The filter ward, resolved. */
  ward: SearchWard | null;
  /** Where distances are measured from: a ward's centroid or a given point. */
  origin: (SearchPoint & { ward: SearchWard | null }) | null;
  /** How the results spread over categories and wards, largest first. */
  facets: {
    categories: { category: Category; count: number }[];
    wards: { ward: SearchWard; count: number }[];
  };
  /** Only when nothing matched. */
  suggestions: Suggestion[];
};

/**
 * How alike a misspelt word must be to a word of a title or tag (pg_trgm word similarity).
 * The default 0.6 misses "yogga" for "yoga" (0.57); 0.5 still keeps "cafe" away from "care".
 */
const FUZZY_THRESHOLD = 0.5;
/** Looser, for "did you mean" once nothing matched at all. */
const SUGGEST_THRESHOLD = 0.3;
const MAX_FUZZY_WORDS = 6;
const EARTH_RADIUS_METRES = 6_371_008.8;

/** Words too common to require in a title when matching by spelling (full text drops them too). */
const STOP_WORDS = new Set('and are for from into near the with gyda'.split(' '));

/** Letters unaccent turns into something other than the letter without its accent. */
const FOLD: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/**
 * Lower case without accents, as `lower(unaccent(…))` builds fuzzy_text. Done here rather than
 * in SQL so the planner sees a constant and can estimate how many rows a trigram match selects.
 */
export function fold(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[ßæœøłđðþı]/g, (c) => FOLD[c] ?? c);
}

/** Words to match by spelling likeness: what is not excluded ("-word"), common or under 3 letters. */
export function fuzzyWords(q: string): string[] {
  const words: string[] = [];
  for (const token of q.split(/\s+/)) {
    if (token.startsWith('-')) continue;
    for (const word of fold(token).split(/[^\p{L}\p{N}]+/u)) {
      if (word.length >= 3 && !STOP_WORDS.has(word) && !words.includes(word)) words.push(word);
    }
  }
  return words.slice(0, MAX_FUZZY_WORDS);
}

// ---------------------------------------------------------------------------------------------
// Wards: 21-odd rows per place that change once a decade, cached per place version.
// ---------------------------------------------------------------------------------------------

const wardCache = new Map<string, { version: string; wards: SearchWard[] }>();

async function placeWards(ctx: ServiceContext): Promise<SearchWard[]> {
  const version = ctx.place.updatedAt.toISOString();
  const hit = wardCache.get(ctx.place.id);
  if (hit && hit.version === version) return hit.wards;
  const rows = await ctx.db.query<{
    code: string;
    slug: string;
    name: string;
    centroid_lon: number | null;
    centroid_lat: number | null;
  }>('select code, slug, name, centroid_lon, centroid_lat from wards where place_id = $1 order by name', [
    ctx.place.id,
  ]);
  const wards = rows.map((r) => ({
    code: r.code,
    slug: r.slug,
    name: r.name,
    centroid:
      r.centroid_lon !== null && r.centroid_lat !== null
        ? { lon: r.centroid_lon, lat: r.centroid_lat }
        : null,
  }));
  if (wardCache.size > 1000) wardCache.clear();
  wardCache.set(ctx.place.id, { version, wards });
  return wards;
}

function findWard(wards: SearchWard[], slugOrCode: string): SearchWard | undefined {
  const lower = slugOrCode.toLowerCase();
  return wards.find((w) => w.slug === lower || w.code.toLowerCase() === lower);
}

// ---------------------------------------------------------------------------------------------
// SQL
// ---------------------------------------------------------------------------------------------

/** Collects parameters so fragments can be composed without counting $n by hand. */
class Params {
  readonly values: SqlParam[] = [];
  add(value: SqlParam): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

type Resolved = {
  query: SearchQuery;
  ward: SearchWard | null;
  origin: (SearchPoint & { ward: SearchWard | null }) | null;
  sort: Sort;
  wards: SearchWard[];
};

async function resolve(ctx: ServiceContext, query: SearchQuery): Promise<Resolved> {
  const wards = await placeWards(ctx);
  const errors: Record<string, string> = {};
  let ward: SearchWard | null = null;
  if (query.ward !== undefined) {
    ward = findWard(wards, query.ward) ?? null;
    if (!ward) errors.ward = 'directory.search.errors.wardUnknown';
  }
  let origin: Resolved['origin'] = null;
  if (query.near !== undefined) {
    const near = findWard(wards, query.near);
    if (!near) errors.near = 'directory.search.errors.wardUnknown';
    else if (!near.centroid) errors.near = 'directory.search.errors.nearNoCentre';
    else origin = { ...near.centroid, ward: near };
  } else if (query.lat !== undefined && query.lng !== undefined) {
    origin = { lon: query.lng, lat: query.lat, ward: null };
  }
  if (query.sort === 'distance' && !origin && !errors.near)
    errors.sort = 'directory.search.errors.sortNeedsPlace';
  if (Object.keys(errors).length) throw new Invalid(errors, 'The search was not valid');
  const sort: Sort = query.sort ?? (query.q ? 'relevance' : origin ? 'distance' : 'name');
  return { query, ward, origin, sort, wards };
}

/** The filter predicates of a query, by name (text matching is separate). */
function filterPredicates(r: Resolved, p: Params): Partial<Record<FilterName, string>> {
  const q = r.query;
  const out: Partial<Record<FilterName, string>> = {};
  if (q.kind.length) out.kind = `kind = any(${p.add(q.kind)}::text[])`;
  if (r.ward) out.ward = `ward_code = ${p.add(r.ward.code)}`;
  if (q.category.length) out.category = `categories && ${p.add(q.category)}::text[]`;
  if (q.day.length) out.day = `days && ${p.add(q.day)}::text[]`;
  if (q.time.length) out.time = `times && ${p.add(q.time)}::text[]`;
  if (q.age !== undefined) {
    const age = p.add(q.age);
    out.age = `(age_min is null or age_min <= ${age}) and (age_max is null or age_max >= ${age})`;
  }
  // Everything is offered in English; other languages are listed on the record.
  if (q.language !== undefined) {
    out.language = q.language === 'en' ? 'true' : `languages @> array[${p.add(q.language)}]::text[]`;
  }
  if (q.free) out.free = 'free is true';
  if (q.accessible) out.accessible = 'accessible is true';
  return out;
}

type TextMatch = { where: string; rank: string } | null;

/** Ranks of whole-word matches start here, above any spelling-only match (at most 1). */
const WORDS_RANK = 2;

/**
 * Whole-word full text (English stems, accents folded) OR every significant word alike in
 * spelling to a word of the title or tags. Whole-word matches rank above spelling-only ones.
 */
function textMatch(q: string, p: Params): TextMatch {
  if (!q) return null;
  const tsq = `websearch_to_tsquery('kith_search', ${p.add(q)})`;
  const exact = `(document @@ ${tsq})`;
  const wordsRank = `${WORDS_RANK} + ts_rank(document, ${tsq}, 32)`;
  const words = fuzzyWords(q).map((w) => `${p.add(w)}::text`);
  if (words.length === 0) return { where: exact, rank: `(${wordsRank})` };
  const fuzzy = words.map((w) => `${w} <% fuzzy_text`).join(' and ');
  const likeness = `(${words.map((w) => `word_similarity(${w}, fuzzy_text)`).join(' + ')}) / ${words.length}`;
  return {
    where: `(${exact} or (${fuzzy}))`,
    rank: `(case when ${exact} then ${wordsRank} else ${likeness} end)`,
  };
}

function distanceSql(origin: SearchPoint | null, p: Params): string {
  if (!origin) return 'null::float8';
  const lat = p.add(origin.lat);
  const lon = p.add(origin.lon);
  return `case when lat is not null and lon is not null then ${2 * EARTH_RADIUS_METRES} * asin(least(1, sqrt(
      power(sin(radians(lat - ${lat}::float8) / 2), 2)
      + cos(radians(${lat}::float8)) * cos(radians(lat)) * power(sin(radians(lon - ${lon}::float8) / 2), 2)))) end`;
}

/** Over the columns of the matches (`m`), so the same text orders both the page and its JSON. */
function orderSql(sort: Sort): string {
  const tie = 'sort_title, kind, ref_id';
  if (sort === 'distance') return `distance asc nulls last, rank desc, ${tie}`;
  if (sort === 'relevance') return `rank desc, ${tie}`;
  return tie;
}

/**
 * Runs read queries that match words, in a transaction with the trigram threshold set for it
 * alone. Sequential scans are ruled out there too: the planner takes word_similarity to be as
 * cheap as an equality test and would rather run it on every row (140 ms over 20,000 records)
 * than look the trigrams up in the index (a few ms).
 */
async function withThreshold<T>(
  db: Db,
  threshold: number | null,
  fn: (q: Tx | Db) => Promise<T>,
): Promise<T> {
  if (threshold === null) return fn(db);
  return withTransaction(db, async (tx) => {
    await tx.query(`select set_config('pg_trgm.word_similarity_threshold', $1, true)`, [String(threshold)]);
    return fn(tx);
  });
}

type ItemRow = {
  kind: SearchKind;
  ref_id: string;
  title: string;
  summary: string;
  url: string;
  ward_code: string | null;
  lon: number | null;
  lat: number | null;
  categories: string[];
  languages: string[];
  days: Day[];
  times: TimeOfDay[];
  age_min: number | null;
  age_max: number | null;
  free: boolean | null;
  accessible: boolean | null;
  rank: number;
  distance: number | null;
};

type MainRow = {
  total: number;
  items: ItemRow[];
  categories: { category: Category; count: number }[] | null;
  wards: { ward_code: string; count: number }[] | null;
};

async function runSearch(
  ctx: ServiceContext,
  r: Resolved,
  options: { facets: boolean; limit: number; offset: number },
): Promise<MainRow> {
  const p = new Params();
  const place = p.add(ctx.place.id);
  const text = textMatch(r.query.q, p);
  const filters = Object.values(filterPredicates(r, p));
  const where = [`place_id = ${place}`, 'visible', text?.where, ...filters].filter(Boolean);
  const distance = distanceSql(r.origin, p);
  const limit = p.add(options.limit);
  const offset = p.add(options.offset);
  // Counts over the results themselves: a summary of where and what they are, to narrow by.
  const facets = options.facets
    ? `(select json_agg(f order by f.count desc, f.category) from (
          select category, count(*)::int as count from (select unnest(categories) as category from m) u
          group by category) f) as categories,
       (select json_agg(f order by f.count desc, f.ward_code) from (
          select ward_code, count(*)::int as count from m where ward_code is not null group by ward_code) f) as wards`
    : 'null::json as categories, null::json as wards';
  const order = orderSql(r.sort);
  // The matches keep only what sorting and counting need (so thousands of them stay in memory);
  // the page's twenty rows are then read in full by primary key.
  const sql = `
    with m as materialized (
      select kind, ref_id, ward_code, categories, lower(title) as sort_title,
        ${text ? text.rank : '0::float8'} as rank,
        ${distance} as distance
      from search_documents
      where ${where.join(' and ')}
    ),
    page as (select kind, ref_id, sort_title, rank, distance from m order by ${order} limit ${limit} offset ${offset})
    select
      (select count(*)::int from m) as total,
      (select coalesce(json_agg(x order by ${order}), '[]'::json) from (
         select d.kind, d.ref_id, d.title, d.summary, d.url, d.ward_code, d.lon, d.lat, d.categories, d.languages,
           d.days, d.times, d.age_min, d.age_max, d.free, d.accessible, page.sort_title, page.rank, page.distance
         from page join search_documents d on d.place_id = ${place} and d.kind = page.kind and d.ref_id = page.ref_id) x
      ) as items,
      ${facets}`;
  const rows = await withThreshold(ctx.db, text ? FUZZY_THRESHOLD : null, (db) =>
    db.query<MainRow>(sql, p.values),
  );
  return rows[0] as MainRow;
}

function toItem(row: ItemRow, query: SearchQuery, wardsByCode: Map<string, SearchWard>): SearchResultItem {
  return {
    kind: row.kind,
    refId: row.ref_id,
    title: row.title,
    summary: row.summary,
    url: row.url,
    ward: row.ward_code ? (wardsByCode.get(row.ward_code) ?? null) : null,
    distanceMetres: row.distance === null ? null : Math.round(row.distance),
    categories: row.categories,
    languages: row.languages,
    days: row.days,
    times: row.times,
    ageMin: row.age_min,
    ageMax: row.age_max,
    free: row.free,
    accessible: row.accessible,
    point: row.lon !== null && row.lat !== null ? { lon: row.lon, lat: row.lat } : null,
    match: query.q ? (row.rank >= WORDS_RANK ? 'words' : 'spelling') : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Suggestions, when nothing matched
// ---------------------------------------------------------------------------------------------

async function countOf(ctx: ServiceContext, query: SearchQuery): Promise<number> {
  const r = await resolve(ctx, query);
  return (await runSearch(ctx, r, { facets: false, limit: 0, offset: 0 })).total;
}

/** How many results each "without this filter" (and "without the words") would give, in one query each. */
async function relaxations(ctx: ServiceContext, r: Resolved): Promise<Suggestion[]> {
  const active = activeFilters(r.query);
  if (active.length === 0) return [];
  const p = new Params();
  const place = p.add(ctx.place.id);
  const text = textMatch(r.query.q, p);
  const filters = filterPredicates(r, p);
  const counts = active.map((f, i) => {
    const rest = active.filter((g) => g !== f).map((g) => filters[g]);
    return `count(*) filter (where ${rest.length ? rest.join(' and ') : 'true'})::int as f${i}`;
  });
  // Every parameter must appear in the statement, so the full match is counted too (it is 0 here).
  counts.push(`count(*) filter (where ${active.map((f) => filters[f]).join(' and ')})::int as all_filters`);
  const rows = await withThreshold(ctx.db, text ? FUZZY_THRESHOLD : null, (db) =>
    db.query<Record<string, number>>(
      `select ${counts.join(', ')} from search_documents
       where place_id = ${place} and visible${text ? ` and ${text.where}` : ''}`,
      p.values,
    ),
  );
  const out: Suggestion[] = active
    .map((filter, i) => ({
      type: 'without-filter' as const,
      filter,
      count: rows[0]?.[`f${i}`] ?? 0,
      query: withoutFilter(r.query, filter),
    }))
    .filter((s) => s.count > 0);
  if (r.query.q) {
    const withoutWords = { ...r.query, q: '', page: 1 };
    delete withoutWords.sort;
    const count = await countOf(ctx, withoutWords);
    if (count > 0) out.push({ type: 'without-words', count, query: withoutWords });
  }
  return out;
}

/** "Did you mean": each word swapped for the likeliest word of a nearby title or tag. */
async function spelling(ctx: ServiceContext, r: Resolved): Promise<Suggestion[]> {
  const words = fuzzyWords(r.query.q);
  if (words.length === 0) return [];
  const replacements = await withThreshold(ctx.db, SUGGEST_THRESHOLD, async (db) => {
    const out = new Map<string, string>();
    for (const word of words) {
      const rows = await db.query<{ fuzzy_text: string }>(
        `select fuzzy_text from search_documents
         where place_id = $1 and visible and $2::text <% fuzzy_text
         order by word_similarity($2::text, fuzzy_text) desc, fuzzy_text limit 5`,
        [ctx.place.id, word],
      );
      let best: { word: string; score: number } | null = null;
      for (const row of rows) {
        const candidate = closestWord(word, row.fuzzy_text);
        if (candidate && (!best || candidate.score > best.score)) best = candidate;
      }
      if (best && best.word !== word) out.set(word, best.word);
    }
    return out;
  });
  if (replacements.size === 0) return [];
  const corrected = r.query.q.replace(/[\p{L}\p{N}]+/gu, (w) => replacements.get(fold(w)) ?? w);
  if (corrected === r.query.q) return [];
  const query = { ...r.query, q: corrected, page: 1 };
  const count = await countOf(ctx, query);
  if (count > 0) return [{ type: 'spelling', q: corrected, count, query }];
  const bare = { ...query, kind: [], category: [], day: [], time: [] } as SearchQuery;
  for (const f of ['ward', 'age', 'language', 'free', 'accessible'] as const) delete bare[f];
  const bareCount = await countOf(ctx, bare);
  return bareCount > 0 ? [{ type: 'spelling', q: corrected, count: bareCount, query: bare }] : [];
}

async function popularCategories(ctx: ServiceContext, r: Resolved): Promise<Suggestion[]> {
  const rows = await ctx.db.query<{ category: Category; count: number }>(
    `select c as category, count(*)::int as count from search_documents, unnest(categories) c
     where place_id = $1 and visible group by c order by count(*) desc, c limit 5`,
    [ctx.place.id],
  );
  return rows.map((row) => ({
    type: 'category' as const,
    category: row.category,
    count: row.count,
    query: {
      q: '',
      kind: [],
      category: [row.category],
      day: [],
      time: [],
      page: 1,
      perPage: r.query.perPage,
    },
  }));
}

// ---------------------------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------------------------

export type SearchOptions = {
  /** Category and ward counts (default true). */
  facets?: boolean;
  /** Suggestions when nothing matched (default true). */
  suggestions?: boolean;
};

/**
 * One search across groups, services, hubs and activities of the context's place. `input`
 * is a raw query (string values or lists, as from a query string) or a SearchQuery; it is
 * validated here, and bad values are an Invalid naming each field. Only visible records of
 * this place are ever returned.
 */
export async function searchDirectory(
  ctx: ServiceContext,
  input: unknown,
  options: SearchOptions = {},
): Promise<SearchResults> {
  const query = await parse(ctx, input);
  return search(ctx, query, { ...options, limit: query.perPage });
}

/** Validates, and when something is wrong also says whether the wards given exist, so one answer names every mistake. */
async function parse(ctx: ServiceContext, input: unknown): Promise<SearchQuery> {
  try {
    return parseSearchQuery(input);
  } catch (error) {
    if (!(error instanceof Invalid) || !input || typeof input !== 'object') throw error;
    const wards = await placeWards(ctx);
    const raw = input as Record<string, unknown>;
    const errors = { ...error.fieldErrors };
    for (const field of ['ward', 'near'] as const) {
      const value = Array.isArray(raw[field]) ? (raw[field] as unknown[])[0] : raw[field];
      if (!errors[field] && typeof value === 'string' && value.trim() && !findWard(wards, value.trim())) {
        errors[field] = 'directory.search.errors.wardUnknown';
      }
    }
    throw new Invalid(errors, error.message);
  }
}

/** Every matching record in order (for CSV downloads), up to `cap`; paging parameters are ignored. */
export async function searchDirectoryAll(
  ctx: ServiceContext,
  input: unknown,
  cap = 10_000,
): Promise<SearchResults> {
  const query = { ...(await parse(ctx, input)), page: 1 };
  return search(ctx, query, { facets: false, suggestions: false, limit: cap });
}

async function search(
  ctx: ServiceContext,
  query: SearchQuery,
  options: SearchOptions & { limit: number },
): Promise<SearchResults> {
  const r = await resolve(ctx, query);
  const facets = options.facets ?? true;
  const row = await runSearch(ctx, r, {
    facets,
    limit: options.limit,
    offset: (query.page - 1) * query.perPage,
  });
  const byCode = new Map(r.wards.map((w) => [w.code, w]));
  let suggestions: Suggestion[] = [];
  if (row.total === 0 && (options.suggestions ?? true)) {
    suggestions = [
      ...(await spelling(ctx, r)),
      ...(await relaxations(ctx, r)),
      ...(await popularCategories(ctx, r)),
    ];
  }
  return {
    query,
    sort: r.sort,
    items: row.items.map((i) => toItem(i, query, byCode)),
    total: row.total,
    page: query.page,
    perPage: query.perPage,
    totalPages: Math.max(1, Math.ceil(row.total / query.perPage)),
    ward: r.ward,
    origin: r.origin,
    facets: {
      categories: row.categories ?? [],
      wards: (row.wards ?? []).flatMap((w) => {
        const ward = byCode.get(w.ward_code);
        return ward ? [{ ward, count: w.count }] : [];
      }),
    },
    suggestions,
  };
}

/** The place's wards (for filters and maps), cached. */
export async function searchWards(ctx: ServiceContext): Promise<SearchWard[]> {
  return placeWards(ctx);
}
