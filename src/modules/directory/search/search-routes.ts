import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { withApi } from '../../../platform/api/api-doc.js';
import { PUBLIC } from '../../../platform/http/access.js';
import { Invalid, NotFound } from '../../../platform/http/errors.js';
import { type FormError, formErrorsFrom } from '../../../platform/http/forms.js';
import { PROBLEM_CONTENT_TYPE, problem } from '../../../platform/http/problem.js';
import { type ServiceContext, serviceContext } from '../../../platform/http/request-context.js';
import { paged, sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { lookupPostcode, normalisePostcode } from '../../../platform/search/postcode-lookup.js';
import { DAYS, SEARCH_KINDS, TIMES_OF_DAY } from '../../../platform/search/search-index.js';
import {
  parseSearchQuery,
  type SearchQuery,
  SORTS,
  toSearchParams,
} from '../../../platform/search/search-query.js';
import {
  type SearchResultItem,
  type SearchResults,
  searchDirectory,
  searchDirectoryAll,
} from '../../../platform/search/search-service.js';
import { CATEGORIES } from '../categories.js';
import { mapAssets } from './map-assets.js';
import { searchPage } from './search-page.js';

/** A query string as Fastify parses it: strings, or arrays of them for repeated keys. */
type RawQuery = Record<string, unknown>;

const API_PER_PAGE = 50;
const CSV_CAP = 10_000;

function rawQuery(request: FastifyRequest): RawQuery {
  const q = request.query;
  return q && typeof q === 'object' && !Array.isArray(q) ? { ...(q as RawQuery) } : {};
}

function firstString(value: unknown): string {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' ? v.trim() : '';
}

/**
 * Turns a postcode into a point when a lookup service is configured. A search that already
 * carries the point (the redirect after a lookup, paging links) is not looked up again.
 */
export async function locate(
  app: FastifyInstance,
  raw: RawQuery,
): Promise<{ raw: RawQuery; postcode: string | null; lookedUp: boolean }> {
  const given = firstString(raw.postcode);
  const rest = { ...raw };
  delete rest.postcode;
  if (!given) return { raw: rest, postcode: null, lookedUp: false };
  const baseUrl = app.config.search.postcodeLookupUrl;
  if (!baseUrl) throw new Invalid({ postcode: 'directory.search.errors.postcodeOff' });
  // A postcode wins over a ward chosen in the same form: it is the more exact of the two.
  delete rest.near;
  if (firstString(raw.lat) && firstString(raw.lng)) {
    return { raw: rest, postcode: normalisePostcode(given) ?? given.slice(0, 10), lookedUp: false };
  }
  const found = await lookupPostcode(baseUrl, given);
  if (!found.ok) throw new Invalid({ postcode: `directory.search.errors.postcode-${found.reason}` });
  return {
    raw: { ...rest, lat: String(found.lat), lng: String(found.lon) },
    postcode: found.postcode,
    lookedUp: true,
  };
}

/** The search page address for a query (and the postcode it was measured from, if any). */
export function searchHref(placeSlug: string, query: Partial<SearchQuery>, postcode: string | null): string {
  const params = toSearchParams(query);
  if (postcode && query.lat !== undefined) params.set('postcode', postcode);
  const qs = params.toString();
  return `/${placeSlug}/search${qs ? `?${qs}` : ''}`;
}

function apiHref(
  placeSlug: string,
  path: string,
  query: Partial<SearchQuery>,
  postcode: string | null,
): string {
  const params = toSearchParams(query, { perPageName: 'per_page', defaultPerPage: API_PER_PAGE });
  if (postcode && query.lat !== undefined) params.set('postcode', postcode);
  const qs = params.toString();
  return `/${placeSlug}/api/${path}${qs ? `?${qs}` : ''}`;
}

function itemJson(item: SearchResultItem) {
  return {
    kind: item.kind,
    id: item.refId,
    title: item.title,
    summary: item.summary,
    url: item.url,
    ward: item.ward ? { code: item.ward.code, slug: item.ward.slug, name: item.ward.name } : null,
    distance_metres: item.distanceMetres,
    categories: item.categories,
    languages: item.languages,
    days: item.days,
    times: item.times,
    age_min: item.ageMin,
    age_max: item.ageMax,
    free: item.free,
    accessible: item.accessible,
    location: item.point,
    match: item.match,
  };
}

const CSV_COLUMNS = [
  'kind',
  'id',
  'title',
  'summary',
  'url',
  'ward_code',
  'ward_name',
  'distance_metres',
  'categories',
  'languages',
  'days',
  'times',
  'age_min',
  'age_max',
  'free',
  'accessible',
  'lon',
  'lat',
  'match',
] as const;

function csvRow(item: SearchResultItem): Record<(typeof CSV_COLUMNS)[number], unknown> {
  return {
    kind: item.kind,
    id: item.refId,
    title: item.title,
    summary: item.summary,
    url: item.url,
    ward_code: item.ward?.code ?? null,
    ward_name: item.ward?.name ?? null,
    distance_metres: item.distanceMetres,
    categories: item.categories.join(';'),
    languages: item.languages.join(';'),
    days: item.days.join(';'),
    times: item.times.join(';'),
    age_min: item.ageMin,
    age_max: item.ageMax,
    free: item.free,
    accessible: item.accessible,
    lon: item.point?.lon ?? null,
    lat: item.point?.lat ?? null,
    match: item.match,
  };
}

/** Bad search parameters on the API: a 400 problem naming each field, never a 500. */
function sendQueryProblem(request: FastifyRequest, reply: FastifyReply, error: Invalid) {
  const body = problem(400, {
    detail: error.message,
    instance: request.url.split('?')[0],
    requestId: request.id,
    errors: Object.entries(error.fieldErrors).map(([field, key]) => ({
      field: field === 'perPage' ? 'per_page' : field,
      message: request.t(key),
    })),
  });
  return reply.code(400).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** Search across groups, services, hubs and activities (issue 5): a page, JSON and CSV. */
export async function searchRoutes(app: FastifyInstance) {
  const ctx = (request: FastifyRequest): ServiceContext => serviceContext(request, app.db);
  const tiles = app.config.search.mapTiles;
  const assets = tiles ? mapAssets() : null;
  if (tiles && !assets)
    app.log.warn('KITH_MAP_TILE_URL is set but Leaflet is not installed: only the ward map is shown');
  const interactive = (placeSlug: string) =>
    tiles && assets
      ? {
          tiles: tiles.url,
          attribution: tiles.attribution,
          jsHref: `/${placeSlug}/search/map.js?v=${assets.version}`,
          cssHref: `/${placeSlug}/search/map.css?v=${assets.version}`,
        }
      : null;

  app.get('/search', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const raw = rawQuery(request);
    let results: SearchResults | null = null;
    let errors: FormError[] = [];
    let postcode: string | null = null;
    try {
      const located = await locate(app, raw);
      postcode = located.postcode;
      // The point goes into the address, so paging and sharing do not look the postcode up again.
      if (located.lookedUp) {
        return reply.redirect(searchHref(c.place.slug, parseSearchQuery(located.raw), postcode), 303);
      }
      results = await searchDirectory(c, located.raw);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      errors = formErrorsFrom(error, request.t).map((e) => ({ ...e, href: `#${anchorFor(e.field)}` }));
      reply.code(400);
    }
    return reply.page(
      'directory/search/views/search.njk',
      await searchPage(c, request, {
        raw,
        results,
        errors,
        postcode,
        postcodeEnabled: Boolean(app.config.search.postcodeLookupUrl),
        hrefFor: (query) => searchHref(c.place.slug, query, postcode),
        apiHrefFor: (path, query) => apiHref(c.place.slug, path, query, postcode),
        interactive: interactive(c.place.slug),
      }),
    );
  });

  // The interactive map's script and styles: only there when map tiles are configured.
  for (const [path, type] of [
    ['/search/map.js', 'text/javascript; charset=utf-8'],
    ['/search/map.css', 'text/css; charset=utf-8'],
  ] as const) {
    app.get(path, PUBLIC, async (request, reply) => {
      if (!assets) throw new NotFound('There is no interactive map here');
      const versioned = (request.query as { v?: string }).v === assets.version;
      reply.header(
        'cache-control',
        versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
      );
      return reply.type(type).send(path.endsWith('.js') ? assets.js : assets.css);
    });
  }

  app.get(
    '/api/search',
    withApi(PUBLIC, {
      summaryKey: 'api.docs.summaries.search',
      paged: true,
      query: z.object({
        q: z.string().max(200).optional().describe('api.docs.params.q'),
        kind: z.enum(SEARCH_KINDS).optional().describe('api.docs.params.searchKind'),
        ward: z.string().max(80).optional().describe('api.docs.params.ward'),
        category: z.enum(CATEGORIES).optional().describe('api.docs.params.category'),
        day: z.enum(DAYS).optional().describe('api.docs.params.day'),
        time: z.enum(TIMES_OF_DAY).optional().describe('api.docs.params.time'),
        age: z.coerce.number().int().min(0).max(120).optional().describe('api.docs.params.age'),
        language: z
          .string()
          .regex(/^[a-z]{2,3}$/)
          .optional()
          .describe('api.docs.params.language'),
        free: z.enum(['yes']).optional().describe('api.docs.params.free'),
        accessible: z.enum(['yes']).optional().describe('api.docs.params.accessible'),
        near: z.string().max(80).optional().describe('api.docs.params.near'),
        lat: z.coerce.number().min(-90).max(90).optional().describe('api.docs.params.lat'),
        lng: z.coerce.number().min(-180).max(180).optional().describe('api.docs.params.lng'),
        sort: z.enum(SORTS).optional().describe('api.docs.params.sort'),
      }),
    }),
    async (request, reply) => {
      const c = ctx(request);
      const raw = rawQuery(request);
      if (firstString(raw.per_page) === '' && firstString(raw.perPage) === '')
        raw.per_page = String(API_PER_PAGE);
      let results: SearchResults;
      let postcode: string | null;
      try {
        const located = await locate(app, raw);
        postcode = located.postcode;
        results = await searchDirectory(c, located.raw);
      } catch (error) {
        if (error instanceof Invalid) return sendQueryProblem(request, reply, error);
        throw error;
      }
      const q = results.query;
      const p = { page: q.page, perPage: q.perPage, offset: (q.page - 1) * q.perPage };
      const body = paged(request, results.items.map(itemJson), results.total, p);
      const link = (page: number) => apiHref(c.place.slug, 'search', { ...q, page }, postcode);
      return sendOpenJson(reply, {
        ...body,
        links: {
          self: link(q.page),
          first: link(1),
          last: link(body.total_pages),
          ...(body.links.prev ? { prev: link(Math.min(q.page - 1, body.total_pages)) } : {}),
          ...(body.links.next ? { next: link(q.page + 1) } : {}),
          html: searchHref(c.place.slug, { ...q, perPage: undefined }, postcode),
          csv: apiHref(c.place.slug, 'search.csv', { ...q, page: 1, perPage: API_PER_PAGE }, postcode),
        },
        sort: results.sort,
        origin: results.origin
          ? {
              lon: results.origin.lon,
              lat: results.origin.lat,
              ward: results.origin.ward
                ? {
                    code: results.origin.ward.code,
                    slug: results.origin.ward.slug,
                    name: results.origin.ward.name,
                  }
                : null,
              postcode,
            }
          : null,
        facets: {
          categories: results.facets.categories,
          wards: results.facets.wards.map((f) => ({
            code: f.ward.code,
            slug: f.ward.slug,
            name: f.ward.name,
            count: f.count,
          })),
        },
        suggestions: results.suggestions.map((s) => {
          const { query, ...rest } = s;
          return {
            ...rest,
            url: apiHref(c.place.slug, 'search', { ...query, perPage: q.perPage }, postcode),
            html_url: searchHref(c.place.slug, { ...query, perPage: undefined }, postcode),
          };
        }),
      });
    },
  );

  app.get('/api/search.csv', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    let results: SearchResults;
    try {
      const located = await locate(app, rawQuery(request));
      results = await searchDirectoryAll(c, located.raw, CSV_CAP);
    } catch (error) {
      if (error instanceof Invalid) return sendQueryProblem(request, reply, error);
      throw error;
    }
    return sendCsv(reply, `${c.place.slug}-search.csv`, [...CSV_COLUMNS], results.items.map(csvRow));
  });
}

/** Where each error in the summary takes you: the field to fix. */
function anchorFor(field: string): string {
  if (field === 'lat' || field === 'lng') return 'near';
  if (field === 'page' || field === 'perPage') return 'q';
  return field;
}
