import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type MonthUse, percent1 } from '../../../lib/occupancy/index.js';
import { withApi } from '../../../platform/api/api-doc.js';
import { PUBLIC } from '../../../platform/http/access.js';
import { serviceContext } from '../../../platform/http/request-context.js';
import { pageOfList, sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { currentYear } from './measure-service.js';
import {
  placeMonthly,
  type SpaceMonthly,
  spaceMonthly,
  type UsePeriod,
  usePeriodFrom,
} from './monthly-service.js';
import { hoursOf, monthlyView } from './monthly-view.js';

type YearQuery = { Querystring: { year?: string } };
type SpaceParams = { Params: { space: string } };

/** One month (or a total) as open data: hours to two decimal places, the share as a percentage. */
function monthJson(m: MonthUse) {
  return {
    month: m.month || null,
    hours_open: hoursOf(m.openMinutes),
    hours_booked: hoursOf(m.bookedMinutes),
    hours_booked_when_open: hoursOf(m.bookedOpenMinutes),
    occupancy_percent: percent1(m.share),
    community_hours: hoursOf(m.communityMinutes),
    commercial_hours: hoursOf(m.commercialMinutes),
    distinct_groups: m.groups.size,
  };
}

const query = (period: UsePeriod) => (period.year === null ? '' : `?year=${period.year}`);

/** Links to other periods: calendar years from the last twelve months; either side and back from a year. */
function periodLinks(base: string, period: UsePeriod, now = new Date()) {
  if (period.year === null) {
    const year = currentYear(now);
    return { rolling: null, years: [year, year - 1].map((y) => ({ year: y, href: `${base}?year=${y}` })) };
  }
  return {
    rolling: base,
    previous: { year: period.year - 1, href: `${base}?year=${period.year - 1}` },
    next: { year: period.year + 1, href: `${base}?year=${period.year + 1}` },
  };
}

/** Utilisation over time: pages for a space and the place, and the place's open data. */
export async function monthlyRoutes(app: FastifyInstance) {
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);

  app.get<YearQuery>('/spaces/use/months', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const m = await placeMonthly(c, usePeriodFrom(request.query.year));
    const view = monthlyView(m.months, m.total, m.period, c.place.name, request.t, request.lang);
    const base = `/${c.place.slug}/spaces/use/months`;
    return reply.page('spaces/measures/views/place-months.njk', {
      pageTitle: request.t('spaces.measures.monthly.placeTitle', { place: c.place.name }),
      m,
      period: m.period,
      view,
      spaceRows: m.spaces.map((s) => ({
        slug: s.space.slug,
        name: s.space.name,
        ...monthlyView(s.months, s.total, m.period, s.space.name, request.t, request.lang).totalRow,
      })),
      links: periodLinks(base, m.period),
      dataQuery: query(m.period),
    });
  });

  app.get<SpaceParams & YearQuery>('/spaces/:space/use/months', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const period = usePeriodFrom(request.query.year);
    const m = await spaceMonthly(c, request.params.space, period);
    return reply.page('spaces/measures/views/space-months.njk', {
      pageTitle: request.t('spaces.measures.monthly.spaceTitle', { space: m.space.name }),
      m,
      period,
      view: monthlyView(m.months, m.total, period, m.space.name, request.t, request.lang),
      links: periodLinks(`/${c.place.slug}/spaces/${m.space.slug}/use/months`, period),
      dataQuery: query(period),
    });
  });

  function spaceJson(placeSlug: string, period: UsePeriod) {
    return (s: SpaceMonthly) => ({
      slug: s.space.slug,
      name: s.space.name,
      ward_code: s.space.wardCode,
      url: `/${placeSlug}/spaces/${s.space.slug}/use/months${query(period)}`,
      total: monthJson(s.total),
      months: s.months.map(monthJson),
    });
  }

  app.get<YearQuery>(
    '/api/spaces/use/months',
    withApi(PUBLIC, {
      summaryKey: 'api.docs.summaries.spacesUseMonths',
      paged: true,
      query: z.object({ year: z.string().optional().describe('api.docs.params.year') }),
    }),
    async (request, reply) => {
      const c = ctx(request);
      const m = await placeMonthly(c, usePeriodFrom(request.query.year));
      return sendOpenJson(reply, {
        from: m.period.first,
        to: m.period.last,
        year: m.period.year,
        time_zone: 'Europe/London',
        occupancy:
          'hours_booked_when_open / hours_open as a percentage, to one decimal place (nearest 0.1, halves up)',
        place: { total: monthJson(m.total), months: m.months.map(monthJson) },
        ...pageOfList(request, m.spaces.map(spaceJson(c.place.slug, m.period))),
      });
    },
  );

  app.get<YearQuery>('/api/spaces/use/months.csv', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const m = await placeMonthly(c, usePeriodFrom(request.query.year));
    // One row per month for the place, then per space: the scope column says which.
    const rows = [
      ...m.months.map((month) => ({
        scope: 'place',
        slug: c.place.slug,
        name: c.place.name,
        ...monthJson(month),
      })),
      ...m.spaces.flatMap((s) =>
        s.months.map((month) => ({
          scope: 'space',
          slug: s.space.slug,
          name: s.space.name,
          ...monthJson(month),
        })),
      ),
    ];
    return sendCsv(
      reply,
      `${c.place.slug}-spaces-use-by-month-${m.period.first}-to-${m.period.last}.csv`,
      [
        'scope',
        'slug',
        'name',
        'month',
        'hours_open',
        'hours_booked',
        'hours_booked_when_open',
        'occupancy_percent',
        'community_hours',
        'commercial_hours',
        'distinct_groups',
      ],
      rows,
    );
  });
}
