import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { withApi } from '../../../platform/api/api-doc.js';
import { PUBLIC } from '../../../platform/http/access.js';
import { Invalid } from '../../../platform/http/errors.js';
import { serviceContext } from '../../../platform/http/request-context.js';
import { formatNumber } from '../../../platform/i18n/i18n.js';
import { paged, pageRequest, sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { listWards, wardMapSvg } from '../../wards/ward-service.js';
import { STAGES } from '../idea-kinds.js';
import { challengeTitles, listCalls } from './call-service.js';
import { IDEA_CSV_COLUMNS, ideaJson } from './discovery-data.js';
import { filterQuery, isFiltered, NO_WARD } from './discovery-filters.js';
import { ideaCountsByWard, listIdeas, resolveFilters } from './discovery-service.js';
import {
  activeFilters,
  filterPanel,
  hrefWith,
  ideaCount,
  pageFrom,
  paginationFor,
  STAGE_TAG,
  sortLinks,
} from './discovery-view.js';

type ListQuery = { Querystring: Record<string, unknown> };

const P = 'ideas.discovery';
const V = 'ideas/discovery/views';
/** Ideas on one page of the list. */
export const PER_PAGE = 20;

/** The list of ideas with its filters, the ward map of ideas, and the ideas as open data. */
export async function discoveryRoutes(app: FastifyInstance) {
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);

  /** The page's shared pieces: the filter panel, the active filters and the notices. */
  async function filterState(
    request: FastifyRequest<ListQuery>,
    path: string,
    options: { byWard?: true } = {},
  ) {
    const c = ctx(request);
    const t = request.t;
    const { filters, rejected } = await resolveFilters(c, request.query);
    // The map breaks the ideas down by ward, so a ward chosen in the list does not apply there.
    if (options.byWard) {
      filters.ward = null;
      filters.sort = 'newest';
    }
    const [wards, calls, challenges] = await Promise.all([
      listWards(c),
      listCalls(c).then((r) => r.items),
      challengeTitles(c),
    ]);
    const wardName = wards.find((w) => w.code === filters.ward)?.name ?? null;
    return {
      filters,
      wards,
      panel: filterPanel(t, filters, {
        wards: wards.map((w) => ({ value: w.code, text: w.name })),
        calls,
        challenges,
      }),
      active: activeFilters(t, filters, path, {
        ward: wardName,
        call: calls.find((x) => x.id === filters.callId)?.question ?? null,
        challenge: filters.challengeId ? (challenges.get(filters.challengeId) ?? null) : null,
      }),
      clearHref: path,
      notices: Object.values(rejected).map((key) => t(key)),
    };
  }

  app.get<ListQuery>('/ideas', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const path = `/${c.place.slug}/ideas`;
    const state = await filterState(request, path);
    const f = state.filters;
    const page = pageFrom(request.query);
    const { items, total } = await listIdeas(c, f, { limit: PER_PAGE, offset: (page - 1) * PER_PAGE });
    const query = filterQuery(f);
    return reply.page(`${V}/list.njk`, {
      pageTitle: page > 1 ? t(`${P}.list.titlePage`, { page }) : t(`${P}.list.title`),
      ...state,
      filtered: isFiltered(f),
      count: ideaCount(t, total, formatNumber(total, request.lang)),
      items: items.map((i) => ({
        ...i,
        stageTag: STAGE_TAG[i.stage],
        where: i.wardName ?? (i.area || null),
      })),
      sorts: sortLinks(t, f, path),
      pagination: paginationFor(page, PER_PAGE, total, path, query),
      mapHref: hrefWith(`${path}/map`, filterQuery({ ...f, ward: null }, { sort: false })),
      csvHref: hrefWith(`/${c.place.slug}/ideas.csv`, query),
      jsonHref: hrefWith(`/${c.place.slug}/api/ideas`, query),
    });
  });

  app.get<ListQuery>('/ideas/map', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const path = `/${c.place.slug}/ideas/map`;
    const state = await filterState(request, path, { byWard: true });
    const f = state.filters;
    const counts = await ideaCountsByWard(c, f);
    const listHref = (ward: string) =>
      hrefWith(`/${c.place.slug}/ideas`, filterQuery({ ...f, ward }, { sort: false }));
    const rest = filterQuery(f, { sort: false }).toString();
    return reply.page(`${V}/map.njk`, {
      pageTitle: t(`${P}.map.title`),
      ...state,
      map: await wardMapSvg(c, {
        title: t(`${P}.map.mapTitle`, { place: c.place.name }),
        description: t(`${P}.map.mapDescription`),
        idPrefix: 'ideas-ward-map',
        choose: {
          href: `/${c.place.slug}/ideas?ward={code}${rest ? `&${rest}` : ''}`,
          label: t(`${P}.map.mapLink`),
        },
      }),
      stages: STAGES.map((s) => ({ key: s, text: t(`ideas.stages.${s}`) })),
      rows: counts.wards.map((w) => ({ ...w, href: listHref(w.code) })),
      noWard: { ...counts.noWard, href: listHref(NO_WARD) },
      total: counts.total,
      totalByStage: Object.fromEntries(
        STAGES.map((s) => [s, counts.wards.reduce((n, w) => n + w.byStage[s], 0) + counts.noWard.byStage[s]]),
      ),
      listHref: hrefWith(`/${c.place.slug}/ideas`, filterQuery(f, { sort: false })),
    });
  });

  /** The open data list: the filters must all be understood, or the answer says which were not. */
  async function openData(request: FastifyRequest<ListQuery>, page?: { limit: number; offset: number }) {
    const c = ctx(request);
    const { filters, rejected } = await resolveFilters(c, request.query);
    if (Object.keys(rejected).length) throw new Invalid(rejected);
    const { items, total } = await listIdeas(c, filters, page);
    return { filters, total, rows: items.map(ideaJson(c.place.slug)) };
  }

  app.get<ListQuery>(
    '/api/ideas',
    withApi(PUBLIC, {
      summaryKey: 'api.docs.summaries.ideas',
      paged: true,
      query: z.object({
        stage: z.string().optional().describe('api.docs.params.stage'),
        theme: z.string().optional().describe('api.docs.params.theme'),
        ward: z.string().optional().describe('api.docs.params.ward'),
        call: z.uuid().optional().describe('api.docs.params.call'),
        challenge: z.uuid().optional().describe('api.docs.params.challenge'),
        sort: z.string().optional().describe('api.docs.params.sort'),
      }),
    }),
    async (request, reply) => {
      const p = pageRequest(request);
      const { rows, total } = await openData(request, { limit: p.perPage, offset: p.offset });
      return sendOpenJson(reply, paged(request, rows, total, p));
    },
  );

  app.get<ListQuery>('/ideas.csv', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const { rows } = await openData(request);
    return sendCsv(reply, `${c.place.slug}-ideas.csv`, IDEA_CSV_COLUMNS, rows);
  });
}
