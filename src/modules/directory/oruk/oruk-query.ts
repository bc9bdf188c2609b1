import type { PostcodeLookup } from '../../../platform/search/postcode-lookup.js';
import { dateTime, timeOfDay, weekdayFrom } from './oruk-normalise.js';
import type { ServiceFilters, TermFilters } from './oruk-service.js';

/**
 * Query parameters of the ORUK API, read strictly: anything that cannot be understood is a
 * 400 naming the parameter, never a guess and never a 500. `per_page` is capped, not refused.
 */

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 200;
export const MAX_PROXIMITY_METRES = 100_000;
export const DEFAULT_PROXIMITY_METRES = 5_000;

export type QueryProblem = { field: string; message: string };

export class BadQuery extends Error {
  constructor(readonly problems: QueryProblem[]) {
    super(problems.map((p) => p.message).join('; '));
  }
}

type Query = Record<string, unknown>;

function single(q: Query, name: string, problems: QueryProblem[]): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') {
    problems.push({ field: name, message: `${name} must be given once` });
    return undefined;
  }
  return v.trim() === '' ? undefined : v.trim();
}

function wholeNumber(q: Query, name: string, problems: QueryProblem[]): number | undefined {
  const v = single(q, name, problems);
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1) {
    problems.push({ field: name, message: `${name} must be a whole number, 1 or more` });
    return undefined;
  }
  return Number(v);
}

function decimal(
  q: Query,
  name: string,
  problems: QueryProblem[],
  min: number,
  max: number,
): number | undefined {
  const v = single(q, name, problems);
  if (v === undefined) return undefined;
  const n = /^-?\d{1,12}(\.\d{1,20})?$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isFinite(n) || n < min || n > max) {
    problems.push({ field: name, message: `${name} must be a number from ${min} to ${max}` });
    return undefined;
  }
  return n;
}

function shortText(q: Query, name: string, problems: QueryProblem[], max = 200): string | undefined {
  const v = single(q, name, problems);
  if (v !== undefined && v.length > max) {
    problems.push({ field: name, message: `${name} must be ${max} characters or fewer` });
    return undefined;
  }
  return v;
}

export type Paging = { page: number; perPage: number; limit: number; offset: number };

export function readPaging(q: Query, problems: QueryProblem[]): Paging {
  const page = wholeNumber(q, 'page', problems) ?? 1;
  const perPage = Math.min(wholeNumber(q, 'per_page', problems) ?? DEFAULT_PER_PAGE, MAX_PER_PAGE);
  return { page, perPage, limit: perPage, offset: (page - 1) * perPage };
}

/** Paging plus the UK filters for `/services` and `/service_at_locations`. */
export function readServiceQuery(q: Query): { paging: Paging; filters: ServiceFilters } {
  const problems: QueryProblem[] = [];
  const paging = readPaging(q, problems);
  const filters: ServiceFilters = {};
  const search = shortText(q, 'search', problems);
  if (search) filters.search = search;
  for (const [param, key] of [
    ['taxonomy_term_id', 'taxonomyTermId'],
    ['taxonomy_id', 'taxonomyId'],
    ['organization_id', 'organizationId'],
  ] as const) {
    const v = shortText(q, param, problems, 100);
    if (v) filters[key] = v;
  }
  const day = single(q, 'day', problems);
  if (day !== undefined) {
    const code = weekdayFrom(day);
    if (code) filters.day = code;
    else problems.push({ field: 'day', message: 'day must be a day of the week, like MO or Monday' });
  }
  for (const [param, key] of [
    ['age', 'age'],
    ['minimum_age', 'minimumAge'],
    ['maximum_age', 'maximumAge'],
  ] as const) {
    const v = decimal(q, param, problems, 0, 150);
    if (v !== undefined) filters[key] = v;
  }
  for (const [param, key] of [
    ['start_time', 'startTime'],
    ['end_time', 'endTime'],
  ] as const) {
    const v = single(q, param, problems);
    if (v === undefined) continue;
    const t = timeOfDay(v);
    if (t) filters[key] = t.slice(0, 8);
    else problems.push({ field: param, message: `${param} must be a time of day, like 09:30` });
  }
  const modified = single(q, 'modified_after', problems);
  if (modified !== undefined) {
    const d = dateTime(modified);
    if (d) filters.modifiedAfter = new Date(d);
    else
      problems.push({
        field: 'modified_after',
        message: 'modified_after must be a date, like 2024-05-01T00:00:00Z',
      });
  }
  const lat = decimal(q, 'lat', problems, -90, 90) ?? decimal(q, 'latitude', problems, -90, 90);
  const lng =
    decimal(q, 'lng', problems, -180, 180) ??
    decimal(q, 'lon', problems, -180, 180) ??
    decimal(q, 'longitude', problems, -180, 180);
  const proximity = decimal(q, 'proximity', problems, 1, MAX_PROXIMITY_METRES);
  const postcode = single(q, 'postcode', problems);
  if (postcode !== undefined) {
    // Postcodes are turned into lat/lng before this (postcodeToPoint) when a lookup is configured;
    // without one (none works offline), say how to search by place instead.
    problems.push({
      field: 'postcode',
      message:
        'Searching by postcode is not available here because no postcode lookup is configured. Use lat and lng (decimal degrees) with proximity in metres instead.',
    });
  }
  if ((lat === undefined) !== (lng === undefined) && !problems.some((p) => /^(lat|lng|lon)/.test(p.field))) {
    problems.push({
      field: lat === undefined ? 'lat' : 'lng',
      message: 'lat and lng must be given together',
    });
  }
  if (lat !== undefined && lng !== undefined) {
    filters.near = { lat, lon: lng, metres: proximity ?? DEFAULT_PROXIMITY_METRES };
  } else if (proximity !== undefined && postcode === undefined) {
    problems.push({ field: 'proximity', message: 'proximity needs a point: give lat and lng' });
  }
  if (problems.length) throw new BadQuery(problems);
  return { paging, filters };
}

/**
 * The UK `postcode` filter: with a postcode lookup configured, the postcode becomes the point
 * that `proximity` is measured from (lat/lng given as well win). A postcode that cannot be
 * found, or a lookup that does not answer, is a 400 naming the postcode.
 */
export async function postcodeToPoint(
  q: Query,
  lookup: ((postcode: string) => Promise<PostcodeLookup>) | null,
): Promise<Query> {
  const postcode = q.postcode;
  if (!lookup || typeof postcode !== 'string') return q;
  const { postcode: _given, ...rest } = q;
  if (rest.lat !== undefined || rest.lng !== undefined) return rest;
  const found = await lookup(postcode);
  if (!found.ok)
    throw new BadQuery([
      {
        field: 'postcode',
        message:
          found.reason === 'unavailable'
            ? 'The postcode lookup is not answering just now. Try again, or use lat and lng instead.'
            : `${postcode} is not a postcode the lookup knows. Check it, or use lat and lng instead.`,
      },
    ]);
  return { ...rest, lat: String(found.lat), lng: String(found.lon) };
}

export function readPagingOnly(q: Query): Paging {
  const problems: QueryProblem[] = [];
  const paging = readPaging(q, problems);
  if (problems.length) throw new BadQuery(problems);
  return paging;
}

export function readTermQuery(q: Query): { paging: Paging; filters: TermFilters } {
  const problems: QueryProblem[] = [];
  const paging = readPaging(q, problems);
  const filters: TermFilters = {};
  const search = shortText(q, 'search', problems);
  if (search) filters.search = search;
  const taxonomyId = shortText(q, 'taxonomy_id', problems, 100);
  if (taxonomyId) filters.taxonomyId = taxonomyId;
  const parentId = shortText(q, 'parent_id', problems, 100);
  if (parentId) filters.parentId = parentId;
  const topOnly = single(q, 'top_only', problems);
  if (topOnly !== undefined) {
    if (topOnly === 'true' || topOnly === 'false') filters.topOnly = topOnly === 'true';
    else problems.push({ field: 'top_only', message: 'top_only must be true or false' });
  }
  if (problems.length) throw new BadQuery(problems);
  return { paging, filters };
}

/** The ORUK paging wrapper (total_items … empty) around one page of results. */
export function orukPage<T>(items: T[], total: number, paging: Paging) {
  const totalPages = Math.max(1, Math.ceil(total / paging.perPage));
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: paging.page,
    size: items.length,
    first_page: paging.page === 1,
    last_page: paging.page >= totalPages,
    empty: items.length === 0,
    contents: items,
  };
}
