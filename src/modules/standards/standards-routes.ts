import type { FastifyInstance, FastifyRequest } from 'fastify';
import { formatScaled, isMonth, statusOf } from '../../lib/standards/performance.js';
import { PUBLIC } from '../../platform/http/access.js';
import { Invalid } from '../../platform/http/errors.js';
import { serviceContext } from '../../platform/http/request-context.js';
import { formatDate } from '../../platform/i18n/i18n.js';
import { paged, pageRequest, sendCsv, sendOpenJson } from '../../platform/opendata/formats.js';
import { can } from '../../platform/roles/permissions.js';
import { FIGURE_CSV_COLUMNS, figureJson } from './standards-data.js';
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

function filterQuery(filters: FigureFilters): string {
  const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as [string, string][]);
  return params.size ? `?${params}` : '';
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

  // Open data: the services and standards with their latest figures, and every figure.
  app.get('/api/standards', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const latest = latestReportableMonth();
    const [services, standards, figures] = await Promise.all([
      listServices(c),
      listStandards(c),
      figuresOf(c),
    ]);
    const slug = c.place.slug;
    return sendOpenJson(reply, {
      latest_month: latest,
      services: services.map((service) => ({
        slug: service.slug,
        name: service.name,
        description: service.description,
        contact_url: service.contactUrl || null,
        url: `/${slug}/standards/${service.slug}`,
        standards: standards
          .filter((s) => s.serviceId === service.id)
          .map((s) => {
            const summary = summarise(t, s, figures, latest);
            const last = figures.filter((f) => f.standardId === s.id).at(-1);
            return {
              slug: s.slug,
              promise: s.promise,
              measure: s.measure,
              unit: s.unit,
              target: formatScaled(s.target),
              direction: s.direction,
              since_month: s.sinceMonth,
              latest_month: latest,
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
      })),
    });
  });

  app.get('/api/standards/figures', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const filters = figureFilters(request);
    const p = pageRequest(request);
    const { items, total } = await listFigures(c, filters, { limit: p.perPage, offset: p.offset });
    const base = `/${c.place.slug}/api/standards/figures`;
    const body = paged(items.map(figureJson(c.place.slug)), total, p, base);
    // Paging links keep the filters.
    const extra = filterQuery(filters).replace(/^\?/, '&');
    if (extra)
      body.links = Object.fromEntries(
        Object.entries(body.links).map(([k, v]) => [k, `${v}${extra}`]),
      ) as typeof body.links;
    return sendOpenJson(reply, body);
  });

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
