import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Mode } from '../../../lib/street-notice/deadlines.js';
import { needs } from '../../../platform/http/access.js';
import { Invalid } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { can } from '../../../platform/roles/permissions.js';
import { listWards } from '../../wards/ward-service.js';
import { RESPOND } from '../notices/notice-service.js';
import { listNoticeTypes } from '../types/type-service.js';
import { CONFIGURE, getStreetMode, setStreetMode } from './config-service.js';
import {
  LIST_STATUSES,
  type ListStatus,
  type ManageFilters,
  type ManageItem,
  manageList,
  SECTIONS,
} from './manage-service.js';
import { typeConfigRoutes } from './type-config-routes.js';

type ListQuery = { Querystring: Record<string, unknown> };

function filtersFrom(q: Record<string, unknown>): ManageFilters {
  const text = (v: unknown, re: RegExp) => (typeof v === 'string' && re.test(v) ? v : null);
  return {
    status: (LIST_STATUSES as readonly string[]).includes(q.status as string)
      ? (q.status as ListStatus)
      : null,
    type: text(q.type, /^[a-z0-9]+(-[a-z0-9]+)*$/),
    ward: text(q.ward, /^[A-Za-z0-9]{1,20}$/),
  };
}

/** The filters as a query string, for the download links and the clear link. */
function queryOf(f: ManageFilters): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

function itemJson(placeSlug: string) {
  return (i: ManageItem) => ({
    section: i.section,
    id: i.id,
    reference: i.reference,
    title: i.title,
    type: i.typeSlug,
    type_name: i.typeName,
    status: i.status,
    mode: i.mode,
    ward_code: i.wardCode,
    ward_name: i.wardName,
    street: i.street,
    location: i.locationText,
    starts_at: i.startsAt,
    ends_at: i.endsAt,
    objection_deadline: i.objectionDeadline,
    decision_deadline: i.decisionDeadline,
    deadline_date: i.deadlineDate,
    working_days_left: i.workingDaysLeft,
    overdue_working_days: i.overdueWorkingDays,
    unseen_concerns: i.unseenConcerns,
    url: `/${placeSlug}/streets/notices/${i.id}`,
  });
}

const CSV_COLUMNS = [
  'section',
  'id',
  'reference',
  'title',
  'type',
  'type_name',
  'status',
  'mode',
  'ward_code',
  'ward_name',
  'street',
  'location',
  'starts_at',
  'ends_at',
  'objection_deadline',
  'decision_deadline',
  'deadline_date',
  'working_days_left',
  'overdue_working_days',
  'unseen_concerns',
  'url',
] as const;

/** Noon UTC is the same calendar day in London all year round. */
const civilDay = (date: string) => new Date(`${date}T12:00:00Z`);

/** Officers' list, the place's setting, and (in type-config-routes) the kinds of notification. */
export async function manageRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);

  app.get<ListQuery>('/streets/manage', needs(RESPOND), async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const filters = filtersFrom(request.query);
    const [items, types, wards] = await Promise.all([
      manageList(c, filters),
      listNoticeTypes(c),
      listWards(c),
    ]);
    const deadlineText = (i: ManageItem) => {
      if (i.overdueWorkingDays !== null)
        return i.overdueWorkingDays === 0
          ? t('streets.manage.deadline.overdue')
          : i.overdueWorkingDays === 1
            ? t('streets.manage.deadline.overdueByOne')
            : t('streets.manage.deadline.overdueBy', { n: i.overdueWorkingDays });
      if (i.workingDaysLeft !== null)
        return i.workingDaysLeft === 0
          ? t('streets.manage.deadline.lastDay')
          : i.workingDaysLeft === 1
            ? t('streets.manage.deadline.oneDayLeft')
            : t('streets.manage.deadline.daysLeft', { n: i.workingDaysLeft });
      return null;
    };
    const sections = SECTIONS.map((s) => ({
      id: s,
      items: items
        .filter((i) => i.section === s)
        .map((i) => ({
          ...i,
          deadlineDay: i.deadlineDate ? civilDay(i.deadlineDate) : null,
          deadlineText: deadlineText(i),
        })),
    }));
    const place = requirePlace(request);
    const query = queryOf(filters);
    return reply.page('streets/manage/views/manage.njk', {
      pageTitle: t('streets.manage.title'),
      sections,
      total: items.length,
      filtered: query !== '',
      jsonHref: `/${place.slug}/api/streets/manage${query}`,
      csvHref: `/${place.slug}/api/streets/manage.csv${query}`,
      canConfigure: can(request.actor, CONFIGURE),
      statusItems: [
        { value: '', text: t('streets.manage.filters.any') },
        ...LIST_STATUSES.map((s) => ({
          value: s,
          text: t(`streets.notices.statuses.${s}`),
          selected: filters.status === s,
        })),
      ],
      typeItems: [
        { value: '', text: t('streets.manage.filters.any') },
        ...types.map((ty) => ({ value: ty.slug, text: ty.name, selected: filters.type === ty.slug })),
      ],
      wardItems: [
        { value: '', text: t('streets.manage.filters.any') },
        ...wards.map((w) => ({ value: w.code, text: w.name, selected: filters.ward === w.code })),
      ],
    });
  });

  app.get<ListQuery>('/api/streets/manage', needs(RESPOND), async (request, reply) => {
    const c = ctx(request);
    const items = (await manageList(c, filtersFrom(request.query))).map(itemJson(c.place.slug));
    return sendOpenJson(reply, { items, total: items.length });
  });

  app.get<ListQuery>('/api/streets/manage.csv', needs(RESPOND), async (request, reply) => {
    const c = ctx(request);
    const rows = (await manageList(c, filtersFrom(request.query))).map(itemJson(c.place.slug));
    return sendCsv(reply, `${c.place.slug}-street-notifications.csv`, [...CSV_COLUMNS], rows);
  });

  async function settingsPage(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { mode: string | null; errors?: FormError[]; saved?: boolean },
  ) {
    const t = request.t;
    if (state.errors?.length) reply.code(422);
    const current = await getStreetMode(ctx(request));
    return reply.page('streets/manage/views/settings.njk', {
      pageTitle: t('streets.manage.settings.title'),
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      saved: state.saved ?? false,
      current,
      modeItems: (['notify', 'approve'] as const).map((m) => ({
        value: m,
        text: t(`streets.manage.settings.modes.${m}`),
        hint: { text: t(`streets.manage.settings.modes.${m}Hint`) },
        checked: (state.mode ?? current) === m,
      })),
    });
  }

  app.get<{ Querystring: { saved?: string } }>(
    '/streets/settings',
    needs(CONFIGURE),
    async (request, reply) =>
      settingsPage(request, reply, { mode: null, saved: request.query.saved === '1' }),
  );
  app.post('/streets/settings', { ...needs(CONFIGURE), ...csrf }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const mode = body.mode === 'notify' || body.mode === 'approve' ? (body.mode as Mode) : null;
    try {
      if (!mode) throw new Invalid({ mode: 'streets.manage.settings.modeMissing' });
      await setStreetMode(ctx(request), mode);
    } catch (error) {
      if (error instanceof Invalid)
        return settingsPage(request, reply, { mode, errors: formErrorsFrom(error, request.t) });
      throw error;
    }
    return reply.redirect(`/${requirePlace(request).slug}/streets/settings?saved=1`, 303);
  });

  await app.register(typeConfigRoutes);
}
