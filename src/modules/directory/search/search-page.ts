import type { FastifyRequest } from 'fastify';
import { errorsByField, type FormError } from '../../../platform/http/forms.js';
import { pageNumbers } from '../../../platform/http/pagination.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { formatNumber } from '../../../platform/i18n/i18n.js';
import { DAYS, SEARCH_KINDS, TIMES_OF_DAY } from '../../../platform/search/search-index.js';
import { type SearchQuery, SORTS } from '../../../platform/search/search-query.js';
import {
  type SearchResultItem,
  type SearchResults,
  type Suggestion,
  searchWards,
} from '../../../platform/search/search-service.js';
import { CATEGORIES } from '../categories.js';
import { searchMapSvg } from './search-map.js';

/** Languages offered in the filter: Welsh, then the commonest community languages in England. */
const LANGUAGE_CODES = [
  'cy',
  'bfi',
  'ar',
  'bn',
  'zh',
  'fa',
  'fr',
  'gu',
  'ku',
  'pl',
  'pt',
  'pa',
  'ro',
  'so',
  'es',
  'ti',
  'uk',
  'ur',
] as const;

type Raw = Record<string, unknown>;

type FormValues = {
  q: string;
  kind: string[];
  ward: string;
  category: string[];
  day: string;
  time: string;
  age: string;
  language: string;
  free: boolean;
  accessible: boolean;
  near: string;
  lat: string;
  lng: string;
  sort: string;
  postcode: string;
};

const first = (v: unknown): string => {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'string' ? x.trim() : '';
};
const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : [v])
    .flatMap((x) => (typeof x === 'string' ? x.split(',') : []))
    .map((x) => x.trim());
const on = (v: unknown) => ['true', '1', 'on', 'yes'].includes(first(v).toLowerCase());

/** What the form shows: the validated search, or what was typed when it was not valid. */
function formValues(raw: Raw, query: SearchQuery | null, postcode: string | null): FormValues {
  if (query) {
    return {
      q: query.q,
      kind: query.kind,
      ward: query.ward ?? '',
      category: query.category,
      day: query.day[0] ?? '',
      time: query.time[0] ?? '',
      age: query.age === undefined ? '' : String(query.age),
      language: query.language ?? '',
      free: Boolean(query.free),
      accessible: Boolean(query.accessible),
      near: query.near ?? '',
      lat: postcode || query.lat === undefined ? '' : String(query.lat),
      lng: postcode || query.lng === undefined ? '' : String(query.lng),
      sort: query.sort ?? '',
      postcode: postcode ?? '',
    };
  }
  return {
    q: first(raw.q),
    kind: list(raw.kind),
    ward: first(raw.ward),
    category: list(raw.category),
    day: first(raw.day).toUpperCase(),
    time: first(raw.time),
    age: first(raw.age),
    language: first(raw.language),
    free: on(raw.free),
    accessible: on(raw.accessible),
    near: first(raw.near),
    lat: first(raw.postcode) ? '' : first(raw.lat),
    lng: first(raw.postcode) ? '' : first(raw.lng),
    sort: first(raw.sort),
    postcode: first(raw.postcode),
  };
}

function languageName(code: string, lang: string, t: FastifyRequest['t']): string {
  try {
    const name = new Intl.DisplayNames([lang === 'cy' ? 'cy' : 'en-GB'], { type: 'language' }).of(code);
    if (name && name !== code) return name;
  } catch {
    // Fall through to our own catalogue.
  }
  return t(`directory.search.languages.${code}`);
}

function distanceText(metres: number, lang: 'en' | 'cy', t: FastifyRequest['t']): string {
  if (metres < 1000)
    return t('directory.search.distanceMetres', { n: formatNumber(Math.round(metres / 10) * 10, lang) });
  const km = new Intl.NumberFormat(lang === 'cy' ? 'cy-GB' : 'en-GB', { maximumFractionDigits: 1 }).format(
    metres / 1000,
  );
  return t('directory.search.distanceKm', { n: km });
}

/** Page numbers around the current one, with gaps, as the GOV.UK pagination component wants them. */
function pagination(results: SearchResults, hrefFor: (page: number) => string, t: FastifyRequest['t']) {
  const { page, totalPages } = results;
  if (totalPages <= 1 && page <= 1) return null;
  const items = pageNumbers(page, totalPages).map((n) =>
    n === null
      ? { ellipsis: true }
      : {
          number: String(n),
          href: hrefFor(n),
          current: n === page,
          visuallyHiddenText: t('directory.search.pageN', { n }),
        },
  );
  return {
    items,
    ...(page > 1
      ? { previous: { href: hrefFor(Math.min(page - 1, totalPages)), text: t('directory.search.previous') } }
      : {}),
    ...(page < totalPages ? { next: { href: hrefFor(page + 1), text: t('directory.search.next') } } : {}),
    landmarkLabel: t('directory.search.pagination'),
  };
}

function suggestionView(
  s: Suggestion,
  href: string,
  t: FastifyRequest['t'],
): { kind: Suggestion['type']; text: string; href: string; count: number } {
  const count = s.count;
  switch (s.type) {
    case 'spelling':
      return { kind: s.type, text: s.q, href, count };
    case 'without-filter':
      return { kind: s.type, text: t(`directory.search.suggest.without.${s.filter}`), href, count };
    case 'without-words':
      return { kind: s.type, text: t('directory.search.suggest.withoutWords'), href, count };
    case 'category':
      return { kind: s.type, text: t(`directory.categories.${s.category}`), href, count };
  }
}

/** Did-you-mean first, then other ways to widen the search, then popular categories. */
function groupSuggestions(views: ReturnType<typeof suggestionView>[]) {
  return {
    spelling: views.filter((v) => v.kind === 'spelling'),
    widen: views.filter((v) => v.kind === 'without-filter' || v.kind === 'without-words'),
    popular: views.filter((v) => v.kind === 'category'),
  };
}

export async function searchPage(
  c: ServiceContext,
  request: FastifyRequest,
  input: {
    raw: Raw;
    results: SearchResults | null;
    errors: FormError[];
    postcode: string | null;
    postcodeEnabled: boolean;
    hrefFor: (query: Partial<SearchQuery>) => string;
    apiHrefFor: (path: string, query: Partial<SearchQuery>) => string;
    /** Map tiles and the script that shows them, when configured; otherwise no JavaScript. */
    interactive: { tiles: string; attribution: string; jsHref: string; cssHref: string } | null;
  },
): Promise<Record<string, unknown>> {
  const { t, lang } = request;
  const { results, errors, hrefFor } = input;
  const values = formValues(input.raw, results?.query ?? null, input.postcode);
  const wards = await searchWards(c);
  const option = (value: string, text: string, selected: string) => ({
    value,
    text,
    selected: value === selected,
  });
  const wardOptions = (selected: string, anyText: string) => [
    option('', anyText, selected),
    ...wards.map((w) => ({
      value: w.slug,
      text: w.name,
      selected: selected === w.slug || selected === w.code,
    })),
  ];

  const form = {
    values,
    kindItems: SEARCH_KINDS.map((k) => ({
      value: k,
      text: t(`directory.search.kinds.${k}`),
      checked: values.kind.includes(k),
    })),
    categoryItems: CATEGORIES.map((k) => ({
      value: k,
      text: t(`directory.categories.${k}`),
      checked: values.category.includes(k),
    })),
    wardItems: wardOptions(values.ward, t('directory.search.anyWard')),
    nearItems: wardOptions(values.near, t('directory.search.nearNone')),
    dayItems: [
      option('', t('directory.search.anyDay'), values.day),
      ...DAYS.map((d) => option(d, t(`directory.search.days.${d}`), values.day)),
    ],
    timeItems: [
      option('', t('directory.search.anyTime'), values.time),
      ...TIMES_OF_DAY.map((d) => option(d, t(`directory.search.times.${d}`), values.time)),
    ],
    languageItems: [
      option('', t('directory.search.anyLanguage'), values.language),
      ...LANGUAGE_CODES.map((code) => ({
        value: code,
        text: languageName(code, lang, t),
        selected: code === values.language,
      })).sort((a, b) => a.text.localeCompare(b.text, lang)),
    ],
    // "Best match" is the default order: by relevance with words, else nearest with a place, else by name.
    // Leaving it as the blank choice means a changed search does not keep an order chosen for the last one.
    sortItems: [
      option('', t('directory.search.sorts.relevance'), values.sort === 'relevance' ? '' : values.sort),
      ...SORTS.filter((s) => s !== 'relevance').map((s) =>
        option(s, t(`directory.search.sorts.${s}`), values.sort),
      ),
    ],
    postcodeEnabled: input.postcodeEnabled,
    // A point chosen on an interactive map travels in the form, with a way to drop it.
    point: values.lat && values.lng ? { lat: values.lat, lng: values.lng } : null,
  };

  const base = {
    pageTitle: t('directory.search.title'),
    action: `/${c.place.slug}/search`,
    errors,
    errorSummary: errors.length > 0,
    fieldErrors: errorsByField(errors),
    form,
    results: null as unknown,
  };
  if (!results) return base;

  const q = results.query;
  const from = (results.page - 1) * results.perPage + 1;
  const items = results.items.map((item: SearchResultItem, i) => ({
    n: from + i,
    title: item.title,
    url: item.url,
    kind: t(`directory.search.kind.${item.kind}`),
    summary: item.summary,
    ward: item.ward?.name ?? null,
    distance: item.distanceMetres === null ? null : distanceText(item.distanceMetres, lang, t),
    free: item.free === true,
    accessible: item.accessible === true,
    mapped: item.point !== null,
    spellingOnly: item.match === 'spelling',
  }));
  const from_: { key: string; vars: Record<string, string> } = results.origin?.ward
    ? { key: 'Ward', vars: { ward: results.origin.ward.name } }
    : input.postcode
      ? { key: 'Postcode', vars: { postcode: input.postcode } }
      : { key: 'Point', vars: {} };
  // "Nearest first" only when that is the order; otherwise just where distances are from.
  const originText = results.origin
    ? t(`directory.search.${results.sort === 'distance' ? 'from' : 'distancesFrom'}${from_.key}`, from_.vars)
    : null;
  const showMap = items.some((i) => i.mapped) || results.origin !== null;
  const map = !showMap
    ? null
    : await searchMapSvg(c, results, {
        title: results.total
          ? t('directory.search.mapTitle', { from, to: from + items.length - 1 })
          : t('directory.search.mapTitleEmpty'),
        description: t('directory.search.mapDescription'),
        hrefFor: (ward) =>
          hrefFor({ ...q, near: ward.slug, page: 1, sort: 'distance', lat: undefined, lng: undefined }),
        linkLabelFor: (ward) => t('directory.search.mapWardLink', { ward: ward.name }),
        originTitle: originText,
        highlightCode: results.ward?.code ?? results.origin?.ward?.code ?? null,
        itemTitle: (n, title) => `${n}. ${title}`,
      });
  const interactive =
    map && input.interactive
      ? {
          jsHref: input.interactive.jsHref,
          cssHref: input.interactive.cssHref,
          data: JSON.stringify({
            tiles: input.interactive.tiles,
            attribution: input.interactive.attribution,
            label: t('directory.search.interactiveLabel'),
            hint: t('directory.search.interactiveHint'),
            bbox: map.box,
            origin: results.origin
              ? { lat: results.origin.lat, lon: results.origin.lon, title: originText }
              : null,
            points: results.items.flatMap((item, i) =>
              item.point
                ? [
                    {
                      lat: item.point.lat,
                      lon: item.point.lon,
                      label: String(from + i),
                      title: `${from + i}. ${item.title}`,
                    },
                  ]
                : [],
            ),
          }),
        }
      : null;
  const facetLimit = 8;
  return {
    ...base,
    results: {
      total: results.total,
      totalText: formatNumber(results.total, lang),
      from,
      to: from + items.length - 1,
      page: results.page,
      sort: results.sort,
      items,
      unmapped: items.filter((i) => !i.mapped).length,
      pastTheEnd: results.total > 0 && items.length === 0,
      firstPageHref: hrefFor({ ...q, page: 1 }),
      pagination: pagination(results, (page) => hrefFor({ ...q, page }), t),
      map: map?.svg ?? null,
      interactive,
      originText,
      q: q.q,
      suggestions: groupSuggestions(
        results.suggestions.map((s) => suggestionView(s, hrefFor({ ...s.query, perPage: q.perPage }), t)),
      ),
      facets: {
        // Narrowing to a category only makes sense before one is chosen (chosen ones widen).
        categories: q.category.length
          ? []
          : results.facets.categories.slice(0, facetLimit).map((f) => ({
              text: t(`directory.categories.${f.category}`),
              count: f.count,
              href: hrefFor({ ...q, category: [f.category], page: 1 }),
            })),
        wards: q.ward
          ? []
          : results.facets.wards.slice(0, facetLimit).map((f) => ({
              text: f.ward.name,
              count: f.count,
              href: hrefFor({ ...q, ward: f.ward.slug, page: 1 }),
            })),
      },
      clearHref: `/${c.place.slug}/search${q.q ? `?q=${encodeURIComponent(q.q)}` : ''}`,
      csvHref: input.apiHrefFor('search.csv', { ...q, page: 1 }),
      jsonHref: input.apiHrefFor('search', { ...q, page: 1 }),
    },
  };
}
