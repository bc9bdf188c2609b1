import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formatScaled, isMonth, statusOf } from '../../lib/standards/performance.js';
import { withApi } from '../../platform/api/api-doc.js';
import { PUBLIC } from '../../platform/http/access.js';
import { Invalid } from '../../platform/http/errors.js';
import { serviceContext } from '../../platform/http/request-context.js';
import { formatDate } from '../../platform/i18n/i18n.js';
import { paged, pageOfList, pageRequest, sendCsv, sendOpenJson } from '../../platform/opendata/formats.js';
import { can } from '../../platform/roles/permissions.js';
import { FIGURE_CSV_COLUMNS, figureJson, STANDARD_CSV_COLUMNS } from './standards-data.js';
import {
  type FigureFilters,
  figuresOf,
  getService,
  getStandard,
  latestReportableMonth,
  listFigures,
  listServices,
  listStandards,
  MANAGE,
  versionsOf,
} from './standards-service.js';
import { historyMonths, monthName, STATUS_TAG, summarise, trendChart, valueText } from './standards-view.js';

type ServiceParams = { Params: { councilService: string } };
type StandardParams = { Params: { councilService: string; standard: string } };
type Done = { Querystring: { done?: string; month?: string } };

const V = 'standards/views';
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The filters of the figures' open data, or a 422 saying which one is wrong. */
function figureFilters(request: FastifyRequest): FigureFilters {
  const q = (request.query ?? {}) as Record<string, unknown>;
  const out: FigureFilters = {};
  const errors: Record<string, string> = {};
  for (const name of ['service', 'standard'] as const) {
    const v = q[name];
    if (v === undefined || v === '') continue;
    if (typeof v !== 'string' || !SLUG.test(v) || v.length > 60) errors[name] = 'standards.api.errors.slug';
    else out[name] = v;
  }
  for (const name of ['from', 'to'] as const) {
    const v = q[name];
    if (v === undefined || v === '') continue;
    if (typeof v !== 'string' || !isMonth(v)) errors[name] = 'standards.api.errors.month';
    else out[name] = v;
  }
  if (Object.keys(errors).length) throw new Invalid(errors);
  return out;
}

/** The public pages of service standards and their open data. */
export async function standardsPublicRoutes(app: FastifyInstance) {
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);

  app.get('/standards', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const latest = latestReportableMonth();
    const [services, standards, figures] = await Promise.all([
      listServices(c),
      listStandards(c),
      figuresOf(c),
    ]);
    return reply.page(`${V}/list.njk`, {
      pageTitle: t('standards.list.title'),
      latestMonthText: monthName(t, latest),
      services: services.map((service) => ({
        service,
        summaries: standards
          .filter((s) => s.serviceId === service.id)
          .map((s) => summarise(t, s, figures, latest)),
      })),
      statusTag: STATUS_TAG,
      canManage: can(c.actor, MANAGE),
    });
  });

  app.get<ServiceParams>('/standards/:councilService', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const service = await getService(c, request.params.councilService);
    const latest = latestReportableMonth();
    const standards = await listStandards(c, service.id);
    const figures = await figuresOf(
      c,
      standards.map((s) => s.id),
    );
    return reply.page(`${V}/service.njk`, {
      pageTitle: service.name,
      service,
      latestMonthText: monthName(t, latest),
      summaries: standards.map((s) => summarise(t, s, figures, latest)),
      statusTag: STATUS_TAG,
      canManage: can(c.actor, MANAGE),
    });
  });

  app.get<StandardParams & Done>('/standards/:councilService/:standard', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const standard = await getStandard(c, request.params.councilService, request.params.standard);
    const latest = latestReportableMonth();
    const [figures, versions] = await Promise.all([figuresOf(c, [standard.id]), versionsOf(c, standard.id)]);
    const summary = summarise(t, standard, figures, latest);
    const byMonth = new Map(figures.map((f) => [f.month, f]));
    const months = historyMonths(standard, latest).map((month) => {
      const f = byMonth.get(month);
      const status = statusOf(f?.value ?? null, standard.target, standard.direction);
      return {
        month,
        monthText: monthName(t, month),
        status,
        valueText: f ? valueText(t, f.value, standard.unit) : null,
        ratio:
          f && f.numerator !== null && f.denominator !== null
            ? t('standards.page.ratio', {
                numerator: String(f.numerator),
                denominator: String(f.denominator),
              })
            : null,
        note: f?.note ?? '',
        action: f?.action ?? '',
        updated:
          f && f.updatedAt.getTime() - f.createdAt.getTime() > 1000
            ? formatDate(f.updatedAt, request.lang)
            : null,
        versions: (f ? (versions.get(f.id) ?? []) : []).map((v) => ({
          replaced: formatDate(v.replacedAt, request.lang),
          valueText: valueText(t, v.value, standard.unit),
          action: v.action,
          note: v.note,
        })),
      };
    });
    const done = request.query.done;
    const doneMonth =
      typeof request.query.month === 'string' && isMonth(request.query.month) ? request.query.month : null;
    return reply.page(`${V}/standard.njk`, {
      pageTitle: standard.promise,
      standard,
      summary,
      chart: trendChart(t, summary),
      months,
      statusTag: STATUS_TAG,
      banner:
        (done === 'created' || done === 'updated' || done === 'unchanged') && doneMonth
          ? t(`standards.banners.figure.${done}`, { month: monthName(t, doneMonth) })
          : done === 'saved' || done === 'added'
            ? t(`standards.banners.standard.${done}`)
            : null,
      canManage: can(c.actor, MANAGE),
    });
  });

  /**
   * Open data: every standard, with its service and its latest figure, in the order the pages
   * show them (one row each, so the JSON pages and the CSV agree).
   */
  async function standardRows(request: FastifyRequest) {
    const c = ctx(request);
    const latest = latestReportableMonth();
    const [services, standards, figures] = await Promise.all([
      listServices(c),
      listStandards(c),
      figuresOf(c),
    ]);
    const slug = c.place.slug;
    const rows = services.flatMap((service) =>
      standards
        .filter((s) => s.serviceId === service.id)
        .map((s) => {
          const summary = summarise(request.t, s, figures, latest);
          const last = figures.filter((f) => f.standardId === s.id).at(-1);
          return {
            service_slug: service.slug,
            service_name: service.name,
            service_url: `/${slug}/standards/${service.slug}`,
            service_contact_url: service.contactUrl || null,
            slug: s.slug,
            promise: s.promise,
            measure: s.measure,
            unit: s.unit,
            target: formatScaled(s.target),
            direction: s.direction,
            since_month: s.sinceMonth,
            latest_status: summary.latest.status,
            latest_figure: last
              ? {
                  month: last.month,
                  value: formatScaled(last.value),
                  status: statusOf(last.value, s.target, s.direction),
                }
              : null,
            last_12_months: {
              met: summary.yearTally.met,
              missed: summary.yearTally.missed,
              no_figure: summary.yearTally.noFigure,
              months: summary.yearTally.months,
            },
            trend: summary.trend,
            url: `/${slug}/standards/${service.slug}/${s.slug}`,
            figures_url: `/${slug}/api/standards/figures?service=${service.slug}&standard=${s.slug}`,
          };
        }),
    );
    return { latest, rows };
  }

  app.get(
    '/api/standards',
    withApi(PUBLIC, { summaryKey: 'api.docs.summaries.standards', paged: true }),
    async (request, reply) => {
      const { latest, rows } = await standardRows(request);
      return sendOpenJson(reply, { latest_month: latest, ...pageOfList(request, rows) });
    },
  );

  app.get('/api/standards.csv', PUBLIC, async (request, reply) => {
    const { latest, rows } = await standardRows(request);
    return sendCsv(
      reply,
      `${ctx(request).place.slug}-service-standards.csv`,
      [...STANDARD_CSV_COLUMNS],
      rows.map(({ latest_figure, last_12_months, ...row }) => ({
        ...row,
        latest_month: latest,
        latest_figure_month: latest_figure?.month ?? null,
        latest_figure_value: latest_figure?.value ?? null,
        latest_figure_status: latest_figure?.status ?? null,
        met_last_12_months: last_12_months.met,
        missed_last_12_months: last_12_months.missed,
        no_figure_last_12_months: last_12_months.no_figure,
      })),
    );
  });

  app.get(
    '/api/standards/figures',
    withApi(PUBLIC, {
      summaryKey: 'api.docs.summaries.standardsFigures',
      paged: true,
      query: z.object({
        service: z.string().max(60).optional().describe('api.docs.params.service'),
        standard: z.string().max(60).optional().describe('api.docs.params.standard'),
        from: z
          .string()
          .regex(/^\d{4}-\d{2}$/)
          .optional()
          .describe('api.docs.params.fromMonth'),
        to: z
          .string()
          .regex(/^\d{4}-\d{2}$/)
          .optional()
          .describe('api.docs.params.toMonth'),
      }),
    }),
    async (request, reply) => {
      const c = ctx(request);
      const filters = figureFilters(request);
      const p = pageRequest(request);
      const { items, total } = await listFigures(c, filters, { limit: p.perPage, offset: p.offset });
      return sendOpenJson(reply, paged(request, items.map(figureJson(c.place.slug)), total, p));
    },
  );

  app.get('/standards/figures.csv', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const { items } = await listFigures(c, figureFilters(request));
    return sendCsv(
      reply,
      `${c.place.slug}-service-standards.csv`,
      FIGURE_CSV_COLUMNS,
      items.map(figureJson(c.place.slug)),
    );
  });
}
