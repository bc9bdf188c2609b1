import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { withApi } from '../../../platform/api/api-doc.js';
import { needs, PUBLIC } from '../../../platform/http/access.js';
import { BadRequest, Invalid } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom, parseForm } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { pageOfList, sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { can } from '../../../platform/roles/permissions.js';
import { listWards } from '../../wards/ward-service.js';
import { dateLabel } from '../bookings/booking-time.js';
import { listPhotos, type Photo, photosOfSpaces } from '../photos/photo-service.js';
import {
  ACCESSIBILITY,
  FACILITIES,
  OWNER_TYPES,
  SPACE_KINDS,
  SPACE_MULTIPLE_FIELDS,
  SPAN_ROWS,
  SpaceInput,
  type SpaceKind,
  WEEKDAYS,
} from './space-input.js';
import {
  createSpace,
  formValuesOf,
  getSpace,
  listSpaces,
  type Space,
  type SpaceDetail,
  type SpaceFilters,
  setSpaceStatus,
  updateSpace,
} from './space-service.js';

type SpaceParams = { Params: { space: string } };
const SHOWN_EXCEPTIONS = 10;
const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** One space as open data: the list's fields plus its opening hours, coming days that differ and prices. */
function spaceDetailJson(placeSlug: string, s: SpaceDetail) {
  return {
    ...spaceJson(placeSlug)(s),
    // Weekly hours on the London clock (Europe/London); a day may have several spans.
    opening_hours: s.hours.map((h) => ({
      weekday: h.weekday,
      day: DAY_NAMES[h.weekday - 1],
      opens: h.opens,
      closes: h.closes,
    })),
    // Coming days that differ, from today: closed all day (opens and closes null) or these hours.
    opening_exceptions: s.exceptions.map((e) => ({
      date: e.onDate,
      closed: e.opens === null,
      opens: e.opens,
      closes: e.closes,
      reason: e.reason,
    })),
    prices: s.prices.map((p) => ({ hirer_type: p.hirerType, pence_per_hour: p.pencePerHour })),
    status: s.status,
    time_zone: 'Europe/London',
  };
}
type ListQuery = { Querystring: Record<string, unknown> };

function filtersFrom(q: Record<string, unknown>): SpaceFilters {
  return {
    ward: typeof q.ward === 'string' && q.ward && q.ward.length <= 80 ? q.ward : null,
    kind: (SPACE_KINDS as readonly string[]).includes(q.kind as string) ? (q.kind as SpaceKind) : null,
    accessibility: (ACCESSIBILITY as readonly string[]).includes(q.accessibility as string)
      ? (q.accessibility as string)
      : null,
  };
}

/** A photo in open data: both sizes' addresses, the words for it and its size in pixels. */
function photoJson(p: Photo) {
  return {
    url: p.url,
    thumbnail_url: p.thumbUrl,
    alt_text: p.altText,
    width: p.width,
    height: p.height,
  };
}

function spaceJson(placeSlug: string) {
  return (s: Space) => ({
    id: s.id,
    slug: s.slug,
    name: s.name,
    description: s.description,
    kind: s.kind,
    owner_type: s.ownerType,
    capacity: s.capacity,
    accessibility: s.accessibility,
    facilities: s.facilities,
    address: s.address,
    postcode: s.postcode,
    ward_code: s.wardCode,
    ward_name: s.wardName,
    lon: s.lon,
    lat: s.lat,
    requires_approval: s.requiresApproval,
    url: `/${placeSlug}/spaces/${s.slug}`,
  });
}

/** Spaces: the public list and page, open data, and the officers' forms. */
export async function spaceRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);

  app.get<ListQuery>('/spaces', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const filters = filtersFrom(request.query);
    const [items, wards] = await Promise.all([listSpaces(c, filters), listWards(c)]);
    return reply.page('spaces/spaces/views/list.njk', {
      pageTitle: t('spaces.spaces.list.title'),
      items,
      filters,
      canManage: can(request.actor, 'spaces.manage'),
      wardItems: [
        { value: '', text: t('spaces.spaces.list.allWards') },
        ...wards.map((w) => ({ value: w.slug, text: w.name, selected: filters.ward === w.slug })),
      ],
      kindItems: [
        { value: '', text: t('spaces.spaces.list.allKinds') },
        ...SPACE_KINDS.map((k) => ({
          value: k,
          text: t(`spaces.spaces.kinds.${k}`),
          selected: filters.kind === k,
        })),
      ],
      accessibilityItems: [
        { value: '', text: t('spaces.spaces.list.anyAccess') },
        ...ACCESSIBILITY.map((a) => ({
          value: a,
          text: t(`spaces.spaces.accessibility.${a}`),
          selected: filters.accessibility === a,
        })),
      ],
    });
  });

  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    mode: { slug: string | null },
    state: { values?: Record<string, string>; errors?: FormError[] } = {},
  ) {
    const t = request.t;
    const values = state.values ?? {};
    const chosen = (f: string) => new Set((values[f] ?? '').split(',').filter(Boolean));
    const [access, facilities] = [chosen('accessibility'), chosen('facilities')];
    if (state.errors?.length) reply.code(422);
    const wards = await listWards(ctx(request));
    const place = requirePlace(request);
    return reply.page('spaces/spaces/views/form.njk', {
      pageTitle: t(mode.slug ? 'spaces.spaces.form.editTitle' : 'spaces.spaces.form.newTitle'),
      action: mode.slug ? `/${place.slug}/spaces/${mode.slug}/edit` : `/${place.slug}/spaces`,
      back: mode.slug ? `/${place.slug}/spaces/${mode.slug}` : `/${place.slug}/spaces`,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values,
      weekdays: WEEKDAYS,
      spanRows: SPAN_ROWS,
      kindItems: SPACE_KINDS.map((k) => ({
        value: k,
        text: t(`spaces.spaces.kinds.${k}`),
        checked: values.kind === k,
      })),
      ownerItems: OWNER_TYPES.map((o) => ({
        value: o,
        text: t(`spaces.spaces.owners.${o}`),
        checked: values.ownerType === o,
      })),
      accessibilityItems: ACCESSIBILITY.map((a) => ({
        value: a,
        text: t(`spaces.spaces.accessibility.${a}`),
        checked: access.has(a),
      })),
      facilityItems: FACILITIES.map((f) => ({
        value: f,
        text: t(`spaces.spaces.facilities.${f}`),
        checked: facilities.has(f),
      })),
      wardItems: [
        { value: '', text: t('spaces.spaces.form.chooseWard') },
        ...wards.map((w) => ({ value: w.slug, text: w.name, selected: values.ward === w.slug })),
      ],
    });
  }

  app.get('/spaces/new', needs('spaces.manage'), async (request, reply) =>
    formPage(request, reply, { slug: null }, { values: { priceCommunityGroup: '0' } }),
  );
  app.post('/spaces', { ...needs('spaces.manage'), ...csrf }, async (request, reply) => {
    const form = parseForm(SpaceInput, request.body, request.t, { multiple: SPACE_MULTIPLE_FIELDS });
    if (!form.ok) return formPage(request, reply, { slug: null }, form);
    try {
      const slug = await createSpace(ctx(request), form.values);
      return reply.redirect(`/${requirePlace(request).slug}/spaces/${slug}?saved=1`, 303);
    } catch (error) {
      if (error instanceof Invalid)
        return formPage(
          request,
          reply,
          { slug: null },
          { values: form.values, errors: formErrorsFrom(error, request.t) },
        );
      throw error;
    }
  });

  app.get<SpaceParams & { Querystring: { saved?: string; closed?: string; active?: string } }>(
    '/spaces/:space',
    PUBLIC,
    async (request, reply) => {
      const c = ctx(request);
      const space = await getSpace(c, request.params.space);
      const photos = await listPhotos(c, space);
      const hoursByDay = WEEKDAYS.map((d) => ({
        weekday: d,
        spans: space.hours.filter((h) => h.weekday === d),
      }));
      return reply.page('spaces/spaces/views/space.njk', {
        pageTitle: space.name,
        space,
        photos,
        hoursByDay,
        // The next ten on the page; the open data has every coming one.
        exceptions: space.exceptions
          .slice(0, SHOWN_EXCEPTIONS)
          .map((e) => ({ ...e, label: dateLabel(e.onDate, request.lang) })),
        moreExceptions: space.exceptions.length > SHOWN_EXCEPTIONS,
        saved: request.query.saved === '1',
        statusChanged:
          request.query.closed === '1'
            ? 'statusClosed'
            : request.query.active === '1'
              ? 'statusReopened'
              : null,
        canManage: can(request.actor, 'spaces.manage'),
        // Only people who can close the space get its form, and so a token.
        csrfToken: can(request.actor, 'spaces.manage') ? reply.generateCsrf() : null,
        canBook: can(request.actor, 'spaces.book'),
        hasConcessions: space.prices.some((p) => p.concessionPencePerHour !== null),
      });
    },
  );

  app.get<SpaceParams>('/spaces/:space/edit', needs('spaces.manage'), async (request, reply) => {
    const space = await getSpace(ctx(request), request.params.space);
    return formPage(request, reply, { slug: space.slug }, { values: formValuesOf(space) });
  });
  app.post<SpaceParams>(
    '/spaces/:space/edit',
    { ...needs('spaces.manage'), ...csrf },
    async (request, reply) => {
      const space = await getSpace(ctx(request), request.params.space);
      const form = parseForm(SpaceInput, request.body, request.t, { multiple: SPACE_MULTIPLE_FIELDS });
      if (!form.ok) return formPage(request, reply, { slug: space.slug }, form);
      try {
        await updateSpace(ctx(request), space.slug, form.values);
        return reply.redirect(`/${requirePlace(request).slug}/spaces/${space.slug}?saved=1`, 303);
      } catch (error) {
        if (error instanceof Invalid)
          return formPage(
            request,
            reply,
            { slug: space.slug },
            { values: form.values, errors: formErrorsFrom(error, request.t) },
          );
        throw error;
      }
    },
  );

  // Closing takes a space off the list and stops new bookings; bookings already made stay, for
  // the officer to cancel with the people who made them. Reopening puts it back.
  app.post<SpaceParams & { Body: { status?: string } }>(
    '/spaces/:space/status',
    { ...needs('spaces.manage'), ...csrf },
    async (request, reply) => {
      const status = request.body?.status;
      if (status !== 'closed' && status !== 'active') throw new BadRequest('Choose closed or active');
      const space = await getSpace(ctx(request), request.params.space);
      await setSpaceStatus(ctx(request), space.slug, status);
      return reply.redirect(`/${requirePlace(request).slug}/spaces/${space.slug}?${status}=1`, 303);
    },
  );

  app.get<ListQuery>(
    '/api/spaces',
    withApi(PUBLIC, {
      summaryKey: 'api.docs.summaries.spaces',
      paged: true,
      query: z.object({
        ward: z.string().max(80).optional().describe('api.docs.params.ward'),
        kind: z.enum(SPACE_KINDS).optional().describe('api.docs.params.spaceKind'),
        accessibility: z.enum(ACCESSIBILITY).optional().describe('api.docs.params.accessibility'),
      }),
    }),
    async (request, reply) => {
      const c = ctx(request);
      const spaces = await listSpaces(c, filtersFrom(request.query));
      const photos = await photosOfSpaces(c, spaces);
      const items = spaces.map((s) => ({
        ...spaceJson(c.place.slug)(s),
        photos: (photos.get(s.id) ?? []).map(photoJson),
      }));
      return sendOpenJson(reply, pageOfList(request, items));
    },
  );

  app.get<SpaceParams>('/api/spaces/:space', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const space = await getSpace(c, request.params.space);
    const photos = await listPhotos(c, space);
    return sendOpenJson(reply, { ...spaceDetailJson(c.place.slug, space), photos: photos.map(photoJson) });
  });

  app.get<ListQuery>('/api/spaces.csv', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const rows = (await listSpaces(c, filtersFrom(request.query))).map(spaceJson(c.place.slug)).map((r) => ({
      ...r,
      accessibility: r.accessibility.join(';'),
      facilities: r.facilities.join(';'),
    }));
    return sendCsv(
      reply,
      `${c.place.slug}-spaces.csv`,
      [
        'id',
        'slug',
        'name',
        'description',
        'kind',
        'owner_type',
        'capacity',
        'accessibility',
        'facilities',
        'address',
        'postcode',
        'ward_code',
        'ward_name',
        'lon',
        'lat',
        'requires_approval',
        'url',
      ],
      rows,
    );
  });
}
