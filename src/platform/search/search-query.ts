import { z } from 'zod';
import { CATEGORIES, type Category } from '../../modules/directory/categories.js';
import { Invalid } from '../http/errors.js';
import {
  DAYS,
  type Day,
  SEARCH_KINDS,
  type SearchKind,
  TIMES_OF_DAY,
  type TimeOfDay,
} from './search-index.js';

export const SORTS = ['relevance', 'distance', 'name'] as const;
export type Sort = (typeof SORTS)[number];

/** The filters a search can narrow by; each can be dropped on its own when nothing matches. */
export const FILTERS = [
  'kind',
  'ward',
  'category',
  'day',
  'time',
  'age',
  'language',
  'free',
  'accessible',
] as const;
export type FilterName = (typeof FILTERS)[number];

export const MAX_PER_PAGE = 200;
export const DEFAULT_PER_PAGE = 20;

/** A validated search. Empty lists and undefined values mean "any". */
export type SearchQuery = {
  q: string;
  kind: SearchKind[];
  /** Ward slug or GSS code. */
  ward?: string;
  category: Category[];
  day: Day[];
  time: TimeOfDay[];
  age?: number;
  /** ISO 639 code; English matches everything (all activities are offered in English). */
  language?: string;
  free?: true;
  accessible?: true;
  /** A ward slug or code: distances are measured from its centroid. */
  near?: string;
  lat?: number;
  lng?: number;
  /** Defaults to relevance with words, else distance with a point, else name. */
  sort?: Sort;
  page: number;
  perPage: number;
};

const MSG = 'directory.search.errors';

const TRUE_VALUES = new Set(['true', '1', 'on', 'yes']);
const FALSE_VALUES = new Set(['false', '0', 'off', 'no', '']);

/** Query strings give a string, an array (repeated key) or nothing; lists may also be comma-separated. */
function listOf(value: unknown): unknown {
  if (value === undefined || value === null) return [];
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) =>
    typeof v === 'string' ? v.split(',') : [v],
  );
  const cleaned = parts.map((p) => (typeof p === 'string' ? p.trim() : p)).filter((p) => p !== '');
  return [...new Set(cleaned)];
}

/** A single value: the first one if the key was repeated; blank means not given. */
function oneOf(value: unknown): unknown {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v === 'string') {
    const trimmed = v.trim();
    return trimmed === '' ? undefined : trimmed;
  }
  return v ?? undefined;
}

function flag(key: string) {
  return z.preprocess((v) => {
    const s = oneOf(v);
    if (s === undefined) return undefined;
    if (typeof s !== 'string') return s;
    const lower = s.toLowerCase();
    if (TRUE_VALUES.has(lower)) return true;
    if (FALSE_VALUES.has(lower)) return undefined;
    return s;
  }, z.literal(true, key).optional());
}

function number(key: string, min: number, max: number, integer: boolean) {
  return z.preprocess(
    oneOf,
    z.coerce
      .number(key)
      .refine((n) => Number.isFinite(n) && (!integer || Number.isInteger(n)), key)
      .pipe(z.number().min(min, key).max(max, key))
      .optional(),
  );
}

const SLUG_OR_CODE = /^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/;

const QuerySchema = z
  .object({
    q: z.preprocess(
      (v) => oneOf(v) ?? '',
      z
        .string(`${MSG}.q`)
        .max(200, `${MSG}.qTooLong`)
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
        .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s), `${MSG}.q`),
    ),
    kind: z.preprocess(listOf, z.array(z.enum(SEARCH_KINDS, `${MSG}.kind`))),
    ward: z.preprocess(
      oneOf,
      z.string(`${MSG}.ward`).max(80, `${MSG}.ward`).regex(SLUG_OR_CODE, `${MSG}.ward`).optional(),
    ),
    category: z.preprocess(listOf, z.array(z.enum(CATEGORIES, `${MSG}.category`))),
    day: z.preprocess(
      (v) => (listOf(v) as unknown[]).map((d) => (typeof d === 'string' ? d.toUpperCase() : d)),
      z.array(z.enum(DAYS, `${MSG}.day`)),
    ),
    time: z.preprocess(listOf, z.array(z.enum(TIMES_OF_DAY, `${MSG}.time`))),
    age: number(`${MSG}.age`, 0, 120, true),
    language: z.preprocess(
      (v) => (typeof oneOf(v) === 'string' ? (oneOf(v) as string).toLowerCase() : oneOf(v)),
      z
        .string(`${MSG}.language`)
        .regex(/^[a-z]{2,3}$/, `${MSG}.language`)
        .optional(),
    ),
    free: flag(`${MSG}.free`),
    accessible: flag(`${MSG}.accessible`),
    near: z.preprocess(
      oneOf,
      z.string(`${MSG}.near`).max(80, `${MSG}.near`).regex(SLUG_OR_CODE, `${MSG}.near`).optional(),
    ),
    lat: number(`${MSG}.lat`, -90, 90, false),
    lng: number(`${MSG}.lng`, -180, 180, false),
    sort: z.preprocess(oneOf, z.enum(SORTS, `${MSG}.sort`).optional()),
    page: z.preprocess(
      (v) => oneOf(v) ?? '1',
      z.coerce.number(`${MSG}.page`).int(`${MSG}.page`).min(1, `${MSG}.page`).max(100_000, `${MSG}.page`),
    ),
    perPage: z.preprocess(
      (v) => oneOf(v) ?? String(DEFAULT_PER_PAGE),
      z.coerce
        .number(`${MSG}.perPage`)
        .int(`${MSG}.perPage`)
        .min(1, `${MSG}.perPage`)
        .max(MAX_PER_PAGE, `${MSG}.perPage`),
    ),
  })
  .superRefine((v, ctx) => {
    if ((v.lat === undefined) !== (v.lng === undefined)) {
      ctx.addIssue({ code: 'custom', path: [v.lat === undefined ? 'lat' : 'lng'], message: `${MSG}.latLng` });
    }
  });

/**
 * Validates a raw search (a query string, a form, or an API call). Unknown keys are ignored;
 * bad values are an Invalid naming each field, so pages show an error summary and the API a 422.
 */
export function parseSearchQuery(raw: unknown): SearchQuery {
  const input = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const parsed = QuerySchema.safeParse({ ...input, perPage: input.perPage ?? input.per_page });
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'q');
      errors[field] ??= issue.message.startsWith(MSG) ? issue.message : `${MSG}.${field}`;
    }
    throw new Invalid(errors, 'The search was not valid');
  }
  const d = parsed.data;
  const query: SearchQuery = {
    q: d.q,
    kind: d.kind,
    category: d.category,
    day: d.day,
    time: d.time,
    page: d.page,
    perPage: d.perPage,
  };
  if (d.ward !== undefined) query.ward = d.ward;
  if (d.age !== undefined) query.age = d.age;
  if (d.language !== undefined) query.language = d.language;
  if (d.free) query.free = true;
  if (d.accessible) query.accessible = true;
  if (d.near !== undefined) query.near = d.near;
  if (d.lat !== undefined && d.lng !== undefined) {
    query.lat = d.lat;
    query.lng = d.lng;
  }
  if (d.sort !== undefined) query.sort = d.sort;
  return query;
}

/** Which filters a query uses, in a stable order. */
export function activeFilters(query: SearchQuery): FilterName[] {
  return FILTERS.filter((f) => {
    const v = query[f];
    return Array.isArray(v) ? v.length > 0 : v !== undefined;
  });
}

/** The same query without one filter (for "try without …" suggestions). */
export function withoutFilter(query: SearchQuery, filter: FilterName): SearchQuery {
  const copy: SearchQuery = { ...query, page: 1 };
  if (filter === 'kind' || filter === 'category' || filter === 'day' || filter === 'time') copy[filter] = [];
  else delete copy[filter];
  return copy;
}

/**
 * The query as URL parameters, leaving out defaults, so links (paging, suggestions, the map)
 * carry the whole search and stay short. `perPageName` is `per_page` for the API.
 */
export function toSearchParams(
  query: Partial<SearchQuery>,
  options: { perPageName?: string; defaultPerPage?: number } = {},
): URLSearchParams {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  for (const k of query.kind ?? []) params.append('kind', k);
  if (query.ward) params.set('ward', query.ward);
  for (const c of query.category ?? []) params.append('category', c);
  for (const d of query.day ?? []) params.append('day', d);
  for (const t of query.time ?? []) params.append('time', t);
  if (query.age !== undefined) params.set('age', String(query.age));
  if (query.language) params.set('language', query.language);
  if (query.free) params.set('free', 'true');
  if (query.accessible) params.set('accessible', 'true');
  if (query.near) params.set('near', query.near);
  if (query.lat !== undefined && query.lng !== undefined) {
    params.set('lat', String(query.lat));
    params.set('lng', String(query.lng));
  }
  if (query.sort) params.set('sort', query.sort);
  if (query.page !== undefined && query.page !== 1) params.set('page', String(query.page));
  if (query.perPage !== undefined && query.perPage !== (options.defaultPerPage ?? DEFAULT_PER_PAGE)) {
    params.set(options.perPageName ?? 'perPage', String(query.perPage));
  }
  return params;
}
