import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC } from '../../../platform/http/access.js';
import { Invalid, NotFound } from '../../../platform/http/errors.js';
import { serviceContext } from '../../../platform/http/request-context.js';
import { sendOpenJson } from '../../../platform/opendata/formats.js';
import { getGroup } from '../../directory/groups/group-service.js';
import { ACTIVITY_CATEGORIES } from '../activities/activity-input.js';
import {
  activityChanges,
  firstSessions,
  listSessions,
  type SessionFilters,
  sessionChanges,
} from '../activities/activity-service.js';
import { addDays, dayStart } from '../activities/activity-time.js';
import { londonParts, mondayOf } from '../bookings/booking-time.js';
import { SPACE_KINDS } from '../spaces/space-input.js';
import { calendarOf } from './ical.js';
import {
  activityList,
  facilitySlot,
  facilityTypeList,
  facilityUse,
  OA_LICENSE,
  scheduledSession,
  sessionSeries,
  type Urls,
} from './openactive.js';
import { facilityUseChanges, slotChanges } from './slot-service.js';

const DAY = 86_400_000;
/** RPDE pages: big enough to be quick to harvest, small enough to be quick to serve. */
const RPDE_PAGE = 500;

type Query = { Querystring: Record<string, unknown> };

/** `afterChangeNumber` (RPDE's change-number ordering), or 0 from the start; `limit` for tests. */
function rpdePosition(q: Record<string, unknown>): { after: number; limit: number } {
  const after = q.afterChangeNumber;
  const limit = q.limit;
  const errors: Record<string, string> = {};
  if (after !== undefined && !(typeof after === 'string' && /^\d{1,18}$/.test(after)))
    errors.afterChangeNumber = 'spaces.feeds.errors.afterChangeNumber';
  if (
    limit !== undefined &&
    !(
      typeof limit === 'string' &&
      /^\d{1,3}$/.test(limit) &&
      Number(limit) >= 1 &&
      Number(limit) <= RPDE_PAGE
    )
  )
    errors.limit = 'spaces.feeds.errors.limit';
  if (Object.keys(errors).length) throw new Invalid(errors);
  return { after: after ? Number(after) : 0, limit: limit ? Number(limit) : RPDE_PAGE };
}

/**
 * The days a calendar feed covers: a month back (so this week's cancellations show) and a year
 * ahead, unless `from` and `to` (London dates, at most two years apart) say otherwise.
 */
function calendarRange(q: Record<string, unknown>): { from: Date; to: Date } {
  const errors: Record<string, string> = {};
  const day = (v: unknown, field: string) => {
    if (v === undefined || v === '') return null;
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v))) return v;
    errors[field] = 'spaces.activities.errors.apiDate';
    return null;
  };
  const from = day(q.from, 'from');
  const to = day(q.to, 'to');
  if (Object.keys(errors).length) throw new Invalid(errors);
  const now = Date.now();
  const start = from ? dayStart(from) : new Date(now - 31 * DAY);
  const end = to ? dayStart(addDays(to, 1)) : new Date(start.getTime() + (31 + 366) * DAY);
  if (end.getTime() - start.getTime() > 2 * 366 * DAY || end <= start)
    throw new Invalid({ to: 'spaces.feeds.errors.range' });
  return { from: start, to: end };
}

/** iCalendar for a place, a space or a group; the OpenActive dataset site and its RPDE feeds. */
export async function feedRoutes(app: FastifyInstance) {
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const base = app.config.publicUrl.replace(/\/$/, '');
  const host = new URL(app.config.publicUrl).host;

  async function sendCalendar(
    request: FastifyRequest,
    reply: FastifyReply,
    filters: SessionFilters,
    name: string,
    file: string,
  ) {
    const c = ctx(request);
    const { items } = await listSessions(c, {
      ...filters,
      ...calendarRange(request.query as Record<string, unknown>),
    });
    const body = calendarOf(items, { name, host, baseUrl: base, placeSlug: c.place.slug });
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', `inline; filename="${file}"`)
      .header('access-control-allow-origin', '*')
      .send(body);
  }

  app.get('/whats-on.ics', PUBLIC, async (request, reply) => {
    const place = ctx(request).place;
    return sendCalendar(
      request,
      reply,
      {},
      request.t('spaces.feeds.placeCalendar', { place: place.name }),
      `${place.slug}-whats-on.ics`,
    );
  });

  // The space's own page belongs to the spaces part; this is only its calendar.
  app.get<{ Params: { space: string } }>('/spaces/:space/calendar.ics', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const [space] = await c.db.query<{ slug: string; name: string }>(
      'select slug, name from spaces where place_id = $1 and (slug = $2 or id::text = $2)',
      [c.place.id, request.params.space],
    );
    if (!space) throw new NotFound('No such space');
    return sendCalendar(
      request,
      reply,
      { space: space.slug },
      request.t('spaces.feeds.spaceCalendar', { space: space.name }),
      `${space.slug}.ics`,
    );
  });

  app.get<{ Params: { group: string } }>('/groups/:group/calendar.ics', PUBLIC, async (request, reply) => {
    const group = await getGroup({ ...ctx(request), actor: null }, request.params.group);
    return sendCalendar(
      request,
      reply,
      { group: group.id },
      request.t('spaces.feeds.groupCalendarOf', { group: group.name }),
      `${group.slug}.ics`,
    );
  });

  const urls = (request: FastifyRequest): Urls => ({ base, place: ctx(request).place });

  // The dataset site: a page for people with the same description as JSON-LD for machines.
  app.get('/api/openactive', PUBLIC, async (request, reply) =>
    reply.redirect(`/${ctx(request).place.slug}/api/openactive/`, 301),
  );
  app.get('/api/openactive/', PUBLIC, async (request, reply) => {
    const u = urls(request);
    const t = request.t;
    const feedBase = `${base}/${u.place.slug}/api/openactive`;
    const dataset = {
      '@context': ['https://schema.org/', 'https://openactive.io/'],
      '@type': 'Dataset',
      '@id': `${feedBase}/`,
      url: `${feedBase}/`,
      name: t('spaces.feeds.datasetName', { place: u.place.name }),
      description: t('spaces.feeds.datasetDescription', { place: u.place.name }),
      keywords: ['Activities', 'Sessions', 'Community spaces', 'Facilities', 'Slots', u.place.name],
      license: OA_LICENSE,
      inLanguage: ['en-GB'],
      schemaVersion: 'https://openactive.io/modelling-opportunity-data/2.0/',
      publisher: { '@type': 'Organization', name: u.place.name, url: `${base}/${u.place.slug}` },
      discussionUrl: 'https://github.com/',
      documentation: 'https://developer.openactive.io/',
      datePublished: '2026-01-01T00:00:00Z',
      dateModified: new Date().toISOString(),
      distribution: [
        {
          '@type': 'DataDownload',
          name: 'SessionSeries',
          additionalType: 'https://openactive.io/SessionSeries',
          encodingFormat: 'application/vnd.openactive.rpde+json; version=1',
          contentUrl: `${feedBase}/session-series`,
        },
        {
          '@type': 'DataDownload',
          name: 'ScheduledSession',
          additionalType: 'https://openactive.io/ScheduledSession',
          encodingFormat: 'application/vnd.openactive.rpde+json; version=1',
          contentUrl: `${feedBase}/scheduled-sessions`,
        },
        {
          '@type': 'DataDownload',
          name: 'FacilityUse',
          additionalType: 'https://openactive.io/FacilityUse',
          encodingFormat: 'application/vnd.openactive.rpde+json; version=1',
          contentUrl: `${feedBase}/facility-uses`,
        },
        {
          '@type': 'DataDownload',
          name: 'Slot for FacilityUse',
          additionalType: 'https://openactive.io/Slot',
          encodingFormat: 'application/vnd.openactive.rpde+json; version=1',
          contentUrl: `${feedBase}/slots`,
        },
      ],
    };
    return reply.page('spaces/feeds/views/dataset-site.njk', {
      pageTitle: dataset.name,
      dataset,
      // Safe inside <script>: no "</" can close the element early.
      datasetJson: JSON.stringify(dataset, null, 2).replace(/</g, '\\u003c'),
      feedBase: `/${u.place.slug}/api/openactive`,
    });
  });

  app.get('/api/openactive/activity-list', PUBLIC, async (request, reply) =>
    sendOpenJson(
      reply,
      activityList(urls(request), ACTIVITY_CATEGORIES, request.t),
      'application/ld+json; charset=utf-8',
    ),
  );

  app.get('/api/openactive/facility-types', PUBLIC, async (request, reply) =>
    sendOpenJson(
      reply,
      facilityTypeList(urls(request), SPACE_KINDS, request.t),
      'application/ld+json; charset=utf-8',
    ),
  );

  const RPDE_TYPE = 'application/vnd.openactive.rpde+json; version=1; charset=utf-8';
  const nextUrl = (request: FastifyRequest, feed: string, after: number, limit: number, asked: boolean) =>
    `${base}/${ctx(request).place.slug}/api/openactive/${feed}?afterChangeNumber=${after}${asked ? `&limit=${limit}` : ''}`;

  /** The rows changed, and each one's published data (null: deleted), typed together. */
  const published = <T>(changed: T[], data: (row: T) => unknown) => ({ changed, data });

  /**
   * An RPDE feed (OpenActive's paging by change number): the changes after `afterChangeNumber`,
   * each published as updated with its data, or as deleted where `data` gives null, and the next
   * link from the last one's change number.
   */
  function rpdeFeed<T extends { id: string; modified: number }>(
    feed: string,
    kind: string,
    load: (
      request: FastifyRequest<Query>,
      position: { after: number; limit: number },
    ) => Promise<{ changed: T[]; data: (row: T) => unknown }>,
  ) {
    app.get<Query>(`/api/openactive/${feed}`, PUBLIC, async (request, reply) => {
      const position = rpdePosition(request.query);
      const { changed, data } = await load(request, position);
      const items = changed.map((row) => {
        const item = data(row);
        return item === null
          ? { state: 'deleted', kind, id: row.id, modified: row.modified }
          : { state: 'updated', kind, id: row.id, modified: row.modified, data: item };
      });
      const last = items.at(-1)?.modified ?? position.after;
      return sendOpenJson(
        reply,
        {
          next: nextUrl(request, feed, last, position.limit, request.query.limit !== undefined),
          items,
          license: OA_LICENSE,
        },
        RPDE_TYPE,
      );
    });
  }

  rpdeFeed('session-series', 'SessionSeries', async (request, { after, limit }) => {
    const c = ctx(request);
    const changed = await activityChanges(c, after, limit);
    const firsts = await firstSessions(
      c,
      changed.map((a) => a.id),
    );
    const u = urls(request);
    return published(changed, (a) =>
      a.status === 'active'
        ? sessionSeries(
            u,
            a,
            firsts.get(a.id) ?? null,
            request.t(`spaces.activities.categories.${a.category}`),
          )
        : null,
    );
  });

  rpdeFeed('scheduled-sessions', 'ScheduledSession', async (request, { after, limit }) => {
    const changed = await sessionChanges(ctx(request), after, limit);
    const u = urls(request);
    return published(changed, (s) => (s.deleted ? null : scheduledSession(u, s)));
  });

  // Every open space is bookable; a closed one is published as deleted.
  rpdeFeed('facility-uses', 'FacilityUse', async (request, { after, limit }) => {
    const changed = await facilityUseChanges(ctx(request), after, limit);
    const u = urls(request);
    return published(changed, (s) => (s.status === 'active' ? facilityUse(u, s, request.t) : null));
  });

  rpdeFeed('slots', 'FacilityUse/Slot', async (request, { after, limit }) => {
    const changed = await slotChanges(ctx(request), after, limit);
    const u = urls(request);
    return published(changed, (s) =>
      s.deleted ? null : facilitySlot(u, s, mondayOf(londonParts(s.start).date), request.t),
    );
  });
}
