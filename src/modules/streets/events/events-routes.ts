import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type MapMarker, renderWardMapSvg } from '../../../lib/geo/index.js';
import { FINAL } from '../../../lib/street-notice/states.js';
import { withApi } from '../../../platform/api/api-doc.js';
import { needs, PUBLIC, SIGNED_IN } from '../../../platform/http/access.js';
import { Invalid, NotFound } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom, parseForm } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { siteOf } from '../../../platform/module-definition.js';
import { paged, pageRequest, sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { can } from '../../../platform/roles/permissions.js';
import { listWards, wardBoundaries } from '../../wards/ward-service.js';
import {
  getNotice,
  getPublicNotice,
  type PublicNotice,
  publicView,
  RESPOND,
} from '../notices/notice-service.js';
import { listNoticeTypes } from '../types/type-service.js';
import {
  byLondonDay,
  type EventFilters,
  letterFor,
  listPublicEvents,
  londonDay,
  whenText,
  whereText,
} from './events-service.js';
import { streetCalendar } from './ical.js';
import { renderLetter } from './letter-pdf.js';
import { NeighbourInput, RESPONSE_KINDS, type ResponseKind } from './neighbour-input.js';
import { listResponses, markSeen, neighbourCounts, respond, takesResponses } from './neighbour-service.js';
import { streetFigures, yearFrom } from './stats.js';

type Query = { Querystring: Record<string, unknown> };
type RefParams = { Params: { reference: string } };
type NoticeParams = { Params: { notice: string } };

/** How many events the calendar page lists at once (the API pages with `page` and `per_page`). */
const CALENDAR_PAGE = 100;

/** The open-data shape of a street event: the public fields only, by construction. */
function eventJson(base: string, placeSlug: string) {
  return (n: PublicNotice) => ({
    reference: n.reference,
    title: n.title,
    description: n.description,
    type: n.typeSlug,
    type_name: n.typeName,
    status: n.status,
    ward_code: n.wardCode,
    ward_name: n.wardName,
    street: n.street,
    from: n.fromPoint,
    to: n.toPoint,
    location: n.locationText,
    lon: n.lon,
    lat: n.lat,
    starts_at: n.startsAt?.toISOString() ?? null,
    ends_at: n.endsAt?.toISOString() ?? null,
    expected_people: n.expectedPeople,
    road_closure: n.roadClosure,
    organiser_name: n.organiserName,
    url: `${base}/${placeSlug}/streets/events/${n.reference}`,
  });
}
const EVENT_COLUMNS = [
  'reference',
  'title',
  'description',
  'type',
  'type_name',
  'status',
  'ward_code',
  'ward_name',
  'street',
  'from',
  'to',
  'location',
  'lon',
  'lat',
  'starts_at',
  'ends_at',
  'expected_people',
  'road_closure',
  'organiser_name',
  'url',
] as const;

/** Plain words for where a notification stands, for neighbours. */
function statusNote(n: PublicNotice): string {
  if (FINAL.includes(n.status)) return 'over';
  if (n.status === 'going-ahead' || n.status === 'confirmed' || n.status === 'approved') return 'cleared';
  if (n.status === 'objected' || n.status === 'refused') return 'objected';
  return 'waiting';
}

/**
 * Neighbours and the public: the calendar and map of street events, its feeds and open data,
 * the public page the letter's QR code leads to, the letter itself, and the figures.
 */
export async function eventRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const base = app.config.publicUrl.replace(/\/$/, '');
  const host = new URL(app.config.publicUrl).host;
  const site = siteOf(app.config);

  /** Filters from the query string; a ward or type the place does not have is ignored. */
  async function filtersFrom(request: FastifyRequest): Promise<EventFilters & { wardName: string | null }> {
    const q = request.query as Record<string, unknown>;
    const c = ctx(request);
    const [wards, types] = await Promise.all([listWards(c), listNoticeTypes(c)]);
    const ward =
      typeof q.ward === 'string' ? wards.find((w) => w.slug === q.ward || w.code === q.ward) : undefined;
    const type = typeof q.type === 'string' ? types.find((t) => t.slug === q.type) : undefined;
    return { ward: ward?.slug ?? null, wardName: ward?.name ?? null, type: type?.slug ?? null };
  }

  const query = (f: EventFilters) =>
    new URLSearchParams([
      ...(f.ward ? [['ward', f.ward]] : []),
      ...(f.type ? [['type', f.type]] : []),
    ]).toString();

  app.get<Query>('/streets/events', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const filters = await filtersFrom(request);
    const p = pageRequest(request);
    const perPage = request.query.per_page === undefined ? CALENDAR_PAGE : p.perPage;
    const offset = (p.page - 1) * perPage;
    const [{ items, total }, wards, types] = await Promise.all([
      listPublicEvents(c, filters, { limit: perPage, offset }),
      listWards(c),
      listNoticeTypes(c),
    ]);
    const numbered = items.map((n, i) => ({
      n,
      number: offset + i + 1,
      when: whenText(n, t, request.lang),
      where: whereText(n, t),
    }));
    const qs = query(filters);
    const pageHref = (page: number) =>
      `/${c.place.slug}/streets/events?${[qs, `page=${page}`].filter(Boolean).join('&')}`;
    const totalPages = Math.max(1, Math.ceil(total / perPage));
    return reply.page('streets/events/views/calendar.njk', {
      pageTitle: t('streets.events.calendar.title', { place: c.place.name }),
      days: byLondonDay(numbered.map((x) => ({ ...x, startsAt: x.n.startsAt }))).map((d) => ({
        ...d,
        label: londonDay(d.items[0]?.startsAt as Date, request.lang),
      })),
      total,
      filters,
      query: qs,
      map: await eventsMap(request, numbered, filters),
      wardItems: [
        { value: '', text: t('streets.events.calendar.allWards') },
        ...wards.map((w) => ({ value: w.slug, text: w.name, selected: filters.ward === w.slug })),
      ],
      typeItems: [
        { value: '', text: t('streets.events.calendar.allTypes') },
        ...types
          .filter((ty) => ty.active)
          .map((ty) => ({ value: ty.slug, text: ty.name, selected: filters.type === ty.slug })),
      ],
      pagination:
        totalPages > 1
          ? {
              ...(p.page > 1 ? { previous: { href: pageHref(Math.min(p.page - 1, totalPages)) } } : {}),
              ...(p.page < totalPages ? { next: { href: pageHref(p.page + 1) } } : {}),
            }
          : null,
    });
  });

  /** The wards with this page's events as numbered points (the list beside it says the same). */
  async function eventsMap(
    request: FastifyRequest,
    items: { n: PublicNotice; number: number }[],
    filters: EventFilters & { wardName: string | null },
  ): Promise<string | null> {
    const c = ctx(request);
    const t = request.t;
    const shapes = await wardBoundaries(c, 'display_boundary');
    if (!shapes.length) return null;
    const byCode = new Map(shapes.map((w) => [w.code, w]));
    const markers: MapMarker[] = items.flatMap(({ n, number }) => {
      const point =
        n.lon !== null && n.lat !== null
          ? { lon: n.lon, lat: n.lat }
          : n.wardCode
            ? (byCode.get(n.wardCode)?.centroid ?? null)
            : null;
      return point
        ? [
            {
              ...point,
              label: String(number),
              title: t('streets.events.calendar.marker', { number, title: n.title }),
            },
          ]
        : [];
    });
    const highlight = filters.ward ? shapes.find((w) => w.slug === filters.ward)?.code : undefined;
    return renderWardMapSvg(
      shapes.map((w) => ({ code: w.code, name: w.name, geometry: w.geometry })),
      {
        width: 640,
        title: t('streets.events.calendar.mapTitle', { place: c.place.name }),
        description: t('streets.events.calendar.mapDescription', { place: c.place.name }),
        idPrefix: 'street-events-map',
        hrefFor: (w) =>
          `/${c.place.slug}/streets/events?${query({ ward: byCode.get(w.code)?.slug ?? null, type: filters.type })}`,
        linkLabelFor: (w) => t('streets.events.calendar.mapWard', { ward: w.name }),
        ...(highlight ? { highlightCode: highlight } : {}),
        markers,
      },
    );
  }

  app.get<Query>('/streets/events.ics', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const filters = await filtersFrom(request);
    const { items } = await listPublicEvents(c, filters, { limit: 1000 });
    const name = filters.wardName
      ? t('streets.events.calendar.calendarWardName', { ward: filters.wardName, place: c.place.name })
      : t('streets.events.calendar.calendarName', { place: c.place.name });
    const body = streetCalendar(items, {
      name,
      host,
      baseUrl: base,
      placeSlug: c.place.slug,
      describe: (n) =>
        [
          n.description,
          n.roadClosure ? t('streets.events.calendar.roadClosed') : '',
          n.organiserName ? t('streets.events.calendar.organisedBy', { name: n.organiserName }) : '',
        ]
          .filter(Boolean)
          .join('\n\n'),
    });
    return reply
      .type('text/calendar; charset=utf-8')
      .header(
        'content-disposition',
        `inline; filename="${c.place.slug}-street-events${filters.ward ? `-${filters.ward}` : ''}.ics"`,
      )
      .header('access-control-allow-origin', '*')
      .send(body);
  });

  app.get<Query>(
    '/api/streets/events',
    withApi(PUBLIC, {
      summaryKey: 'api.docs.summaries.streetEvents',
      paged: true,
      query: z.object({
        ward: z.string().max(80).optional().describe('api.docs.params.ward'),
        type: z.string().max(80).optional().describe('api.docs.params.noticeType'),
      }),
    }),
    async (request, reply) => {
      const c = ctx(request);
      const p = pageRequest(request);
      const filters = await filtersFrom(request);
      const { items, total } = await listPublicEvents(c, filters, { limit: p.perPage, offset: p.offset });
      return sendOpenJson(reply, paged(request, items.map(eventJson(base, c.place.slug)), total, p));
    },
  );

  app.get<Query>('/api/streets/events.csv', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const { items } = await listPublicEvents(c, await filtersFrom(request));
    return sendCsv(
      reply,
      `${c.place.slug}-street-events.csv`,
      [...EVENT_COLUMNS],
      items.map(eventJson(base, c.place.slug)),
    );
  });

  // The page the letter's QR code leads to: anyone, no sign-in.
  async function eventPage(
    request: FastifyRequest,
    reply: FastifyReply,
    reference: string,
    state: { values?: Record<string, string>; errors?: FormError[]; sent?: ResponseKind | null } = {},
  ) {
    const c = ctx(request);
    const t = request.t;
    const n = await getPublicNotice(c, reference);
    const values = state.values ?? {};
    if (state.errors?.length) reply.code(422);
    // The organiser and officers get links to the letter and the answers.
    const own = request.actor
      ? await getNotice(c, n.id).then(
          () => true,
          () => false,
        )
      : false;
    return reply.page('streets/events/views/event.njk', {
      pageTitle: n.title,
      n,
      when: whenText(n, t, request.lang),
      where: whereText(n, t),
      statusNote: statusNote(n),
      counts: await neighbourCounts(c, n.id),
      open: takesResponses(n),
      own,
      sent: state.sent ?? null,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values,
      kindItems: RESPONSE_KINDS.map((k) => ({
        value: k,
        text: t(`streets.events.event.kinds.${k}`),
        hint: { text: t(`streets.events.event.kindHints.${k}`) },
        checked: values.kind === k,
      })),
    });
  }

  app.get<RefParams & Query>('/streets/events/:reference', PUBLIC, async (request, reply) => {
    const sent = (RESPONSE_KINDS as readonly unknown[]).includes(request.query.sent)
      ? (request.query.sent as ResponseKind)
      : null;
    return eventPage(request, reply, request.params.reference, { sent });
  });

  app.post<RefParams>('/streets/events/:reference', { ...PUBLIC, ...csrf }, async (request, reply) => {
    const form = parseForm(NeighbourInput, request.body, request.t);
    if (!form.ok) return eventPage(request, reply, request.params.reference, form);
    try {
      const kind = await respond(ctx(request), site, request.params.reference, form.values, {
        ip: request.ip,
      });
      const place = requirePlace(request);
      return reply.redirect(
        `/${place.slug}/streets/events/${encodeURIComponent(request.params.reference)}?sent=${kind}#answered`,
        303,
      );
    } catch (error) {
      if (error instanceof Invalid)
        return eventPage(request, reply, request.params.reference, {
          values: form.values,
          errors: formErrorsFrom(error, request.t),
        });
      throw error;
    }
  });

  // The letter: the organiser's (and officers') to print; everyone else gets 404.
  app.get<NoticeParams>('/streets/notices/:notice/letter.pdf', SIGNED_IN, async (request, reply) => {
    const c = ctx(request);
    const notice = await getNotice(c, request.params.notice);
    if (notice.status === 'draft') throw new NotFound();
    const now = new Date();
    const pdf = await renderLetter(
      letterFor(publicView(notice), {
        t: request.t,
        lang: request.lang,
        placeName: c.place.name,
        publicPageUrl: `${base}/${c.place.slug}/streets/events/${notice.reference}`,
        now,
      }),
      { now },
    );
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="${c.place.slug}-${notice.reference}-letter.pdf"`)
      .header('cache-control', 'private, no-store')
      .send(pdf);
  });

  app.get<NoticeParams>('/streets/notices/:notice/neighbours', SIGNED_IN, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const notice = await getNotice(c, request.params.notice);
    const responses = await listResponses(c, notice.id);
    return reply.page('streets/events/views/neighbours.njk', {
      pageTitle: t('streets.events.neighbours.title', { title: notice.title || notice.reference }),
      notice,
      responses,
      counts: {
        coming: responses.filter((r) => r.kind === 'coming').length,
        help: responses.filter((r) => r.kind === 'help').length,
        concerns: responses.filter((r) => r.kind === 'concern').length,
      },
      canMarkSeen: can(request.actor, RESPOND),
      csrfToken: reply.generateCsrf(),
    });
  });

  app.post<NoticeParams>(
    '/streets/notices/:notice/neighbours',
    { ...needs(RESPOND), ...csrf },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const response = typeof body.response === 'string' ? body.response : '';
      await markSeen(ctx(request), request.params.notice, response);
      return reply.redirect(
        `/${requirePlace(request).slug}/streets/notices/${request.params.notice}/neighbours#response-${response}`,
        303,
      );
    },
  );

  // Figures for the annual report, as a page and open data.
  app.get<Query>('/streets/figures', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const year = yearFrom(request.query.year);
    const f = await streetFigures(c, year);
    return reply.page('streets/events/views/figures.njk', {
      pageTitle: request.t('streets.events.figures.title', { place: c.place.name, year }),
      f,
    });
  });

  app.get<Query>('/api/streets/figures', PUBLIC, async (request, reply) => {
    const f = await streetFigures(ctx(request), yearFrom(request.query.year));
    return sendOpenJson(reply, {
      year: f.year,
      time_zone: 'Europe/London',
      by_type: f.byType.map((x) => ({
        type: x.slug,
        name: x.name,
        kind: x.kind,
        held: x.held,
        upcoming: x.upcoming,
        other: x.other,
      })),
      by_ward: f.byWard.map((x) => ({
        ward_code: x.code,
        ward_name: x.name,
        held: x.held,
        upcoming: x.upcoming,
        other: x.other,
      })),
      total: f.total,
      notice_given: {
        count: f.notice.count,
        median_calendar_days: f.notice.medianCalendarDays,
        median_working_days: f.notice.medianWorkingDays,
      },
      objections: {
        count: f.objections.count,
        reasons: f.objections.reasons.map((r) => ({ date: r.date, type_name: r.typeName, reason: r.reason })),
      },
      appeals: f.appeals,
      decisions: { count: f.decisions.count, median_working_days: f.decisions.medianWorkingDays },
    });
  });

  app.get<Query>('/api/streets/figures.csv', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const f = await streetFigures(c, yearFrom(request.query.year));
    const rows = [
      ...f.byType.map((x) => ({
        year: f.year,
        group: 'type',
        code: x.slug,
        name: x.name,
        held: x.held,
        upcoming: x.upcoming,
        other: x.other,
      })),
      ...f.byWard.map((x) => ({
        year: f.year,
        group: 'ward',
        code: x.code ?? '',
        name: x.name ?? '',
        held: x.held,
        upcoming: x.upcoming,
        other: x.other,
      })),
      { year: f.year, group: 'total', code: '', name: '', ...f.total },
    ];
    return sendCsv(
      reply,
      `${c.place.slug}-street-figures-${f.year}.csv`,
      ['year', 'group', 'code', 'name', 'held', 'upcoming', 'other'],
      rows,
    );
  });
}
