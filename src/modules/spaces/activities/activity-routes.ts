import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { withApi } from '../../../platform/api/api-doc.js';
import { needsOrOwner, PUBLIC } from '../../../platform/http/access.js';
import { Forbidden, Invalid } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom, parseForm } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import type { Translate } from '../../../platform/i18n/i18n.js';
import { paged, pageRequest, sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { listWards } from '../../wards/ward-service.js';
import { DatesUnavailable } from '../bookings/booking-service.js';
import { dateLabel } from '../bookings/booking-time.js';
import {
  ACCESSIBILITY_FEATURES,
  ACTIVITY_CATEGORIES,
  ACTIVITY_MULTIPLE_FIELDS,
  type AccessibilityFeature,
  ActivityDetailsInput,
  ActivityInput,
} from './activity-input.js';
import {
  type Activity,
  activeSpaces,
  activityForEdit,
  createActivity,
  getActivity,
  listSessions,
  mayAddActivities,
  organisedGroups,
  type Session,
  type SessionFilters,
  setSessionCancelled,
  updateActivity,
  withdrawActivity,
} from './activity-service.js';
import {
  addDays,
  dayLabel,
  dayStart,
  isoWeekMonday,
  isoWeekOf,
  londonDay,
  timeLabel,
} from './activity-time.js';

type Query = { Querystring: Record<string, unknown> };
type ActivityParams = { Params: { activity: string } };

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const AGENDA_DAYS = 14;

function str(v: unknown, max = 80): string | null {
  return typeof v === 'string' && v.trim() !== '' && v.length <= max ? v.trim() : null;
}

/** The filters anyone can set on the calendar (and its JSON and CSV), from the query string. */
export function filtersFrom(q: Record<string, unknown>): SessionFilters {
  const ageText = str(q.age, 3);
  const age = ageText && /^\d{1,3}$/.test(ageText) && Number(ageText) <= 120 ? Number(ageText) : null;
  const chosen = (Array.isArray(q.accessibility) ? q.accessibility : [q.accessibility]).filter(
    (x): x is AccessibilityFeature => (ACCESSIBILITY_FEATURES as readonly unknown[]).includes(x),
  );
  return {
    ward: str(q.ward),
    space: str(q.space),
    group: str(q.group),
    age,
    free: q.free === 'yes',
    accessibility: [...new Set(chosen)],
  };
}

/** The query string of a set of filters, for links that keep them (week to week). */
function filterQuery(f: SessionFilters): string {
  const parts: [string, string][] = [];
  if (f.ward) parts.push(['ward', f.ward]);
  if (f.space) parts.push(['space', f.space]);
  if (f.group) parts.push(['group', f.group]);
  if (f.age !== null && f.age !== undefined) parts.push(['age', String(f.age)]);
  if (f.free) parts.push(['free', 'yes']);
  for (const a of f.accessibility ?? []) parts.push(['accessibility', a]);
  return parts.map(([k, v]) => `&${k}=${encodeURIComponent(v)}`).join('');
}

export function costLabel(pence: number, t: Translate): string {
  return pence === 0 ? t('spaces.activities.free') : `£${(pence / 100).toFixed(2)}`;
}

export function agesLabel(a: Pick<Activity, 'ageMin' | 'ageMax'>, t: Translate): string {
  if (a.ageMin !== null && a.ageMax !== null)
    return t('spaces.activities.agesBetween', { min: a.ageMin, max: a.ageMax });
  if (a.ageMin !== null) return t('spaces.activities.agesFrom', { min: a.ageMin });
  if (a.ageMax !== null) return t('spaces.activities.agesUpTo', { max: a.ageMax });
  return t('spaces.activities.agesAll');
}

/** The open-data shape of a session: all public by nature. */
function sessionJson(placeSlug: string) {
  return (s: Session) => ({
    id: s.id,
    activity_id: s.activity.id,
    title: s.activity.title,
    description: s.activity.description,
    category: s.activity.category,
    starts_at: s.startsAt.toISOString(),
    ends_at: s.endsAt.toISOString(),
    local_date: londonDay(s.startsAt),
    local_start: timeLabel(s.startsAt),
    local_end: timeLabel(s.endsAt),
    cancelled: s.cancelled,
    space_slug: s.activity.space.slug,
    space_name: s.activity.space.name,
    address: s.activity.space.address,
    postcode: s.activity.space.postcode,
    ward_code: s.activity.space.wardCode,
    ward_name: s.activity.space.wardName,
    group_slug: s.activity.group?.slug ?? null,
    group_name: s.activity.group?.name ?? null,
    age_min: s.activity.ageMin,
    age_max: s.activity.ageMax,
    cost_pence: s.activity.costPence,
    accessibility: s.activity.accessibility,
    url: `/${placeSlug}/whats-on/activities/${s.activity.id}`,
  });
}

/** JSON and CSV take `from` and `to` as London dates; from today when not given. */
function apiRange(q: Record<string, unknown>): { from: Date; to: Date | null } {
  const errors: Record<string, string> = {};
  const from = q.from === undefined || q.from === '' ? null : str(q.from, 10);
  const to = q.to === undefined || q.to === '' ? null : str(q.to, 10);
  if (from !== null && !DAY_RE.test(from)) errors.from = 'spaces.activities.errors.apiDate';
  if (to !== null && !DAY_RE.test(to)) errors.to = 'spaces.activities.errors.apiDate';
  if (Object.keys(errors).length) throw new Invalid(errors);
  return {
    from: from ? dayStart(from) : new Date(),
    to: to ? dayStart(addDays(to, 1)) : null,
  };
}

/** The public calendar (agenda and week views), adding activities, and the calendar's open data. */
export async function activityRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  // Organisers for their own groups' activities, officers for any: the service checks which.
  const manage = needsOrOwner('spaces.activities.manage');
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);

  app.get<Query>('/whats-on', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const q = request.query;
    const filters = filtersFrom(q);
    const monday = typeof q.week === 'string' ? isoWeekMonday(q.week) : null;
    const today = londonDay(new Date());
    const start =
      monday ??
      (typeof q.from === 'string' && DAY_RE.test(q.from) && !Number.isNaN(Date.parse(q.from))
        ? q.from
        : today);
    const days = monday ? 7 : AGENDA_DAYS;
    const end = addDays(start, days);
    const [{ items }, wards, spaces] = await Promise.all([
      listSessions(c, { ...filters, from: dayStart(start), to: dayStart(end) }, { limit: 1000, offset: 0 }),
      listWards(c),
      activeSpaces(c),
    ]);
    const byDay = new Map<string, Session[]>();
    for (let i = 0; i < days; i++) byDay.set(addDays(start, i), []);
    for (const s of items) byDay.get(londonDay(s.startsAt))?.push(s);
    const dayList = [...byDay.entries()]
      .filter(([, sessions]) => monday || sessions.length > 0)
      .map(([day, sessions]) => ({
        day,
        label: dayLabel(day, request.lang),
        sessions: sessions.map((s) => ({
          id: s.id,
          start: timeLabel(s.startsAt),
          end: timeLabel(s.endsAt),
          cancelled: s.cancelled,
          activity: s.activity,
          cost: costLabel(s.activity.costPence, t),
          ages: agesLabel(s.activity, t),
        })),
      }));
    const space = filters.space ? spaces.find((s) => s.slug === filters.space) : undefined;
    const group = filters.group
      ? items.find((s) => s.activity.group?.slug === filters.group)?.activity.group
      : undefined;
    const week = monday ? (q.week as string) : isoWeekOf(start);
    const fq = filterQuery(filters);
    return reply.page('spaces/activities/views/whats-on.njk', {
      pageTitle: space
        ? t('spaces.activities.calendar.titleSpace', { space: space.name })
        : group
          ? t('spaces.activities.calendar.titleGroup', { group: group.name })
          : t('spaces.activities.calendar.title'),
      view: monday ? 'week' : 'agenda',
      week,
      days: dayList,
      rangeLabel: t('spaces.activities.calendar.range', {
        from: dayLabel(start, request.lang),
        to: dayLabel(addDays(end, -1), request.lang),
      }),
      filters,
      space,
      groupSlug: group?.slug ?? null,
      canAdd: await mayAddActivities(c),
      links: {
        thisWeek: `?week=${week}${fq}`,
        prevWeek: `?week=${isoWeekOf(addDays(monday ?? start, -7))}${fq}`,
        nextWeek: `?week=${isoWeekOf(addDays(monday ?? start, 7))}${fq}`,
        agenda: `?from=${start}${fq}`,
        later: `?from=${end}${fq}`,
        query: fq.replace(/^&/, ''),
      },
      wardItems: [
        { value: '', text: t('spaces.activities.calendar.allWards') },
        ...wards.map((w) => ({ value: w.slug, text: w.name, selected: filters.ward === w.slug })),
      ],
      spaceItems: [
        { value: '', text: t('spaces.activities.calendar.allSpaces') },
        ...spaces.map((s) => ({ value: s.slug, text: s.name, selected: filters.space === s.slug })),
      ],
      accessibilityItems: ACCESSIBILITY_FEATURES.map((a) => ({
        value: a,
        text: t(`spaces.activities.accessibility.${a}`),
        checked: filters.accessibility?.includes(a),
      })),
    });
  });

  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { values?: Record<string, string>; errors?: FormError[] } = {},
  ) {
    const c = ctx(request);
    const t = request.t;
    if (!(await mayAddActivities(c))) throw new Forbidden();
    const values = state.values ?? { repeat: 'weekly', weeks: '12' };
    const chosen = new Set((values.accessibility ?? '').split(',').filter(Boolean));
    const [spaces, groups] = await Promise.all([activeSpaces(c), organisedGroups(c)]);
    if (state.errors?.length) reply.code(422);
    // The date is one question: one message in the summary, pointing at its first box.
    const errors = (state.errors ?? [])
      .filter(
        (e, i, all) =>
          !e.field.startsWith('date-') || all.findIndex((x) => x.field.startsWith('date-')) === i,
      )
      .map((e) => (e.field.startsWith('date-') ? { ...e, field: 'date-day', href: '#date-day' } : e));
    const fieldErrors = errorsByField(errors);
    return reply.page('spaces/activities/views/form.njk', {
      pageTitle: t('spaces.activities.form.title'),
      action: `/${requirePlace(request).slug}/whats-on/activities`,
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors,
      dateError: fieldErrors['date-day'] ?? fieldErrors['date-month'] ?? fieldErrors['date-year'],
      values,
      spaceItems: [
        { value: '', text: t('spaces.activities.form.chooseSpace') },
        ...spaces.map((s) => ({ value: s.slug, text: s.name, selected: values.space === s.slug })),
      ],
      groupItems: [
        { value: '', text: t('spaces.activities.form.noGroup') },
        ...groups.map((g) => ({ value: g.id, text: g.name, selected: values.group === g.id })),
      ],
      categoryItems: ACTIVITY_CATEGORIES.map((cat) => ({
        value: cat,
        text: t(`spaces.activities.categories.${cat}`),
        checked: values.category === cat,
      })),
      accessibilityItems: ACCESSIBILITY_FEATURES.map((a) => ({
        value: a,
        text: t(`spaces.activities.accessibility.${a}`),
        checked: chosen.has(a),
      })),
      repeatItems: (['once', 'weekly'] as const).map((r) => ({
        value: r,
        text: t(`spaces.activities.form.repeat.${r}`),
        checked: values.repeat === r,
      })),
    });
  }

  app.get('/whats-on/activities/new', manage, async (request, reply) => formPage(request, reply));

  app.post('/whats-on/activities', { ...manage, ...csrf }, async (request, reply) => {
    const form = parseForm(ActivityInput, request.body, request.t, { multiple: ACTIVITY_MULTIPLE_FIELDS });
    if (!form.ok) return formPage(request, reply, form);
    try {
      const id = await createActivity(ctx(request), form.values);
      return reply.redirect(`/${requirePlace(request).slug}/whats-on/activities/${id}?added=1`, 303);
    } catch (error) {
      if (error instanceof Invalid)
        return formPage(request, reply, {
          values: form.values,
          // The room is already booked then: every clashing date is named.
          errors:
            error instanceof DatesUnavailable
              ? [
                  {
                    field: 'date-day',
                    text: request.t('spaces.activities.errors.roomTaken', {
                      dates: error.dates.map((d) => dateLabel(d, request.lang)).join(', '),
                    }),
                    href: '#date-day',
                  },
                ]
              : formErrorsFrom(error, request.t),
        });
      throw error;
    }
  });

  /** The change form, filled in from the activity, or with what was typed and what is wrong. */
  async function editPage(
    request: FastifyRequest<ActivityParams>,
    reply: FastifyReply,
    state: { values?: Record<string, string>; errors?: FormError[] } = {},
  ) {
    const t = request.t;
    const activity = await activityForEdit(ctx(request), request.params.activity);
    const values = state.values ?? {
      title: activity.title,
      description: activity.description,
      category: activity.category,
      ageMin: activity.ageMin === null ? '' : String(activity.ageMin),
      ageMax: activity.ageMax === null ? '' : String(activity.ageMax),
      cost: activity.costPence === 0 ? '' : (activity.costPence / 100).toFixed(2),
      accessibility: activity.accessibility.join(','),
    };
    const chosen = new Set((values.accessibility ?? '').split(',').filter(Boolean));
    if (state.errors?.length) reply.code(422);
    const errors = state.errors ?? [];
    const path = `/${requirePlace(request).slug}/whats-on/activities/${activity.id}`;
    return reply.page('spaces/activities/views/edit.njk', {
      pageTitle: t('spaces.activities.edit.title'),
      activityTitle: activity.title,
      spaceName: activity.space.name,
      action: `${path}/edit`,
      backHref: path,
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      values,
      categoryItems: ACTIVITY_CATEGORIES.map((cat) => ({
        value: cat,
        text: t(`spaces.activities.categories.${cat}`),
        checked: values.category === cat,
      })),
      accessibilityItems: ACCESSIBILITY_FEATURES.map((a) => ({
        value: a,
        text: t(`spaces.activities.accessibility.${a}`),
        checked: chosen.has(a),
      })),
    });
  }

  app.get<ActivityParams>('/whats-on/activities/:activity/edit', manage, async (request, reply) =>
    editPage(request, reply),
  );

  app.post<ActivityParams>(
    '/whats-on/activities/:activity/edit',
    { ...manage, ...csrf },
    async (request, reply) => {
      const form = parseForm(ActivityDetailsInput, request.body, request.t, {
        multiple: ACTIVITY_MULTIPLE_FIELDS,
      });
      // Checked first, so that someone who may not change it is refused before any form errors.
      await activityForEdit(ctx(request), request.params.activity);
      if (!form.ok) return editPage(request, reply, form);
      try {
        await updateActivity(ctx(request), request.params.activity, form.values);
      } catch (error) {
        if (error instanceof Invalid)
          return editPage(request, reply, { values: form.values, errors: formErrorsFrom(error, request.t) });
        throw error;
      }
      return reply.redirect(
        `/${requirePlace(request).slug}/whats-on/activities/${request.params.activity}?changed=1`,
        303,
      );
    },
  );

  app.get<ActivityParams & { Querystring: { added?: string; changed?: string } }>(
    '/whats-on/activities/:activity',
    PUBLIC,
    async (request, reply) => {
      const t = request.t;
      const activity = await getActivity(ctx(request), request.params.activity);
      return reply.page('spaces/activities/views/activity.njk', {
        pageTitle: activity.title,
        activity,
        justAdded: request.query.added === '1',
        justChanged: request.query.changed === '1',
        cost: costLabel(activity.costPence, t),
        ages: agesLabel(activity, t),
        csrfToken: activity.canManage ? reply.generateCsrf() : null,
        sessions: activity.sessions.map((s) => ({
          ...s,
          day: dayLabel(londonDay(s.startsAt), request.lang),
          start: timeLabel(s.startsAt),
          end: timeLabel(s.endsAt),
        })),
      });
    },
  );

  app.post<{ Params: { activity: string; session: string } }>(
    '/whats-on/activities/:activity/sessions/:session',
    { ...manage, ...csrf },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      await setSessionCancelled(
        ctx(request),
        request.params.activity,
        request.params.session,
        body.cancelled === 'yes',
      );
      return reply.redirect(
        `/${requirePlace(request).slug}/whats-on/activities/${request.params.activity}`,
        303,
      );
    },
  );

  app.post<ActivityParams>(
    '/whats-on/activities/:activity/withdraw',
    { ...manage, ...csrf },
    async (request, reply) => {
      await withdrawActivity(ctx(request), request.params.activity);
      return reply.redirect(`/${requirePlace(request).slug}/whats-on`, 303);
    },
  );

  // Open data: every session in the calendar, with the same filters as the page.
  app.get<Query>(
    '/api/whats-on',
    withApi(PUBLIC, {
      summaryKey: 'api.docs.summaries.whatsOn',
      paged: true,
      query: z.object({
        from: z.iso.date().optional().describe('api.docs.params.fromDay'),
        to: z.iso.date().optional().describe('api.docs.params.toDay'),
        ward: z.string().optional().describe('api.docs.params.ward'),
        space: z.string().optional().describe('api.docs.params.space'),
        group: z.string().optional().describe('api.docs.params.group'),
        age: z.coerce.number().int().min(0).max(120).optional().describe('api.docs.params.age'),
        free: z.enum(['yes']).optional().describe('api.docs.params.free'),
        accessibility: z.enum(ACCESSIBILITY_FEATURES).optional().describe('api.docs.params.accessibility'),
      }),
    }),
    async (request, reply) => {
      const c = ctx(request);
      const p = pageRequest(request);
      const range = apiRange(request.query);
      const { items, total } = await listSessions(
        c,
        { ...filtersFrom(request.query), ...range },
        { limit: p.perPage, offset: p.offset },
      );
      return sendOpenJson(reply, paged(request, items.map(sessionJson(c.place.slug)), total, p));
    },
  );

  app.get<Query>('/api/whats-on.csv', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const range = apiRange(request.query);
    const { items } = await listSessions(c, { ...filtersFrom(request.query), ...range });
    const rows = items
      .map(sessionJson(c.place.slug))
      .map((r) => ({ ...r, accessibility: r.accessibility.join(';') }));
    return sendCsv(
      reply,
      `${c.place.slug}-whats-on.csv`,
      [
        'id',
        'activity_id',
        'title',
        'description',
        'category',
        'starts_at',
        'ends_at',
        'local_date',
        'local_start',
        'local_end',
        'cancelled',
        'space_slug',
        'space_name',
        'address',
        'postcode',
        'ward_code',
        'ward_name',
        'group_slug',
        'group_name',
        'age_min',
        'age_max',
        'cost_pence',
        'accessibility',
        'url',
      ],
      rows,
    );
  });
}
