import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { withApi } from '../../../platform/api/api-doc.js';
import { PUBLIC } from '../../../platform/http/access.js';
import { serviceContext } from '../../../platform/http/request-context.js';
import type { Translate } from '../../../platform/i18n/i18n.js';
import { pageOfList, sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { HIRER_TYPES } from '../spaces/space-input.js';
import { heatMapView } from './heat-map.js';
import { placeMeasures, type SpaceMeasures, spaceMeasures, yearFrom } from './measure-service.js';

type YearQuery = { Querystring: { year?: string } };
type SpaceParams = { Params: { space: string } };

/** A share as a whole percentage; some use that rounds to nothing is "under 1%", never 0%. */
function percentLabel(t: Translate) {
  return (share: number) => {
    const percent = Math.round(share * 100);
    return share > 0 && percent === 0
      ? t('spaces.measures.underOnePercent')
      : t('spaces.measures.percent', { percent: String(percent) });
  };
}
/** Shares in open data keep four decimal places (0.0001 is under a minute a week). */
const share4 = (share: number) => Math.round(share * 10_000) / 10_000;

function spaceJson(placeSlug: string) {
  return (m: SpaceMeasures) => ({
    slug: m.space.slug,
    name: m.space.name,
    ward_code: m.space.wardCode,
    url: `/${placeSlug}/spaces/${m.space.slug}/use?year=${m.year}`,
    year: m.year,
    ...figuresJson(m),
    occupied_minutes: m.occupancy.occupiedMinutes,
    hour_of_week: hourOfWeekJson(m),
  });
}

/** The figures a space and the whole place both have, as open data. */
function figuresJson(m: Pick<SpaceMeasures, 'distinctGroups' | 'newActivities' | 'hours' | 'occupancy'>) {
  return {
    distinct_groups: m.distinctGroups,
    new_activities: m.newActivities,
    community_hours: m.hours.community,
    commercial_hours: m.hours.commercial,
    hours_by_hirer: m.hours.byHirer,
    occupancy_share: share4(m.occupancy.share),
  };
}

/** 7 rows (Monday first) of 24 hours, London time: the share of that hour in use. */
function hourOfWeekJson(m: Pick<SpaceMeasures, 'occupancy'>) {
  return m.occupancy.cells.map((row) => row.map((cell) => share4(cell.share)));
}

/** Measure what matters: a space's and the place's figures, as pages and open data. */
export async function measureRoutes(app: FastifyInstance) {
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);

  app.get<YearQuery>('/spaces/use', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const m = await placeMeasures(c, yearFrom(request.query.year));
    return reply.page('spaces/measures/views/place-use.njk', {
      pageTitle: request.t('spaces.measures.placeTitle', { place: c.place.name, year: String(m.year) }),
      m,
      map: heatMapView(m.occupancy, request.t, c.place.name, m.year),
      percentLabel: percentLabel(request.t),
    });
  });

  app.get<SpaceParams & YearQuery>('/spaces/:space/use', PUBLIC, async (request, reply) => {
    const m = await spaceMeasures(ctx(request), request.params.space, yearFrom(request.query.year));
    return reply.page('spaces/measures/views/space-use.njk', {
      pageTitle: request.t('spaces.measures.spaceTitle', { space: m.space.name, year: String(m.year) }),
      m,
      map: heatMapView(m.occupancy, request.t, m.space.name, m.year),
      percentLabel: percentLabel(request.t),
    });
  });

  app.get<YearQuery>(
    '/api/spaces/use',
    withApi(PUBLIC, {
      summaryKey: 'api.docs.summaries.spacesUse',
      paged: true,
      query: z.object({ year: z.string().optional().describe('api.docs.params.year') }),
    }),
    async (request, reply) => {
      const c = ctx(request);
      const m = await placeMeasures(c, yearFrom(request.query.year));
      return sendOpenJson(reply, {
        year: m.year,
        time_zone: 'Europe/London',
        place: { ...figuresJson(m), hour_of_week: hourOfWeekJson(m) },
        ...pageOfList(request, m.spaces.map(spaceJson(c.place.slug))),
      });
    },
  );

  app.get<YearQuery>('/api/spaces/use.csv', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const m = await placeMeasures(c, yearFrom(request.query.year));
    const rows: Record<string, unknown>[] = m.spaces
      .map(spaceJson(c.place.slug))
      .map(({ hours_by_hirer, hour_of_week: _, ...r }) => ({
        ...r,
        ...Object.fromEntries(HIRER_TYPES.map((h) => [`hours_${h.replace('-', '_')}`, hours_by_hirer[h]])),
      }));
    return sendCsv(
      reply,
      `${c.place.slug}-spaces-use-${m.year}.csv`,
      [
        'slug',
        'name',
        'ward_code',
        'url',
        'year',
        'distinct_groups',
        'new_activities',
        'community_hours',
        'commercial_hours',
        ...HIRER_TYPES.map((h) => `hours_${h.replace('-', '_')}`),
        'occupancy_share',
        'occupied_minutes',
      ],
      rows,
    );
  });
}
