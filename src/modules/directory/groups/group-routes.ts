import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { withApi } from '../../../platform/api/api-doc.js';
import { needs, needsOrOwner, PUBLIC } from '../../../platform/http/access.js';
import { Forbidden, Invalid } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom, parseForm } from '../../../platform/http/forms.js';
import { pageNumbers } from '../../../platform/http/pagination.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { paged, pageRequest, sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { can } from '../../../platform/roles/permissions.js';
import { DAYS, TIMES_OF_DAY } from '../../../platform/search/search-index.js';
import { listWards } from '../../wards/ward-service.js';
import { CATEGORIES, isCategory } from '../categories.js';
import { likelyDuplicatesFinder } from '../quality/quality-service.js';
import { GROUP_MULTIPLE_FIELDS, GroupInput, LANGUAGES } from './group-input.js';
import {
  confirmGroup,
  countGroups,
  createGroup,
  type Group,
  type GroupFilters,
  getGroup,
  listGroups,
  listMembers,
  makeOrganiser,
  publicGroup,
  requireGroupManager,
  setHub,
  setMembership,
  updateGroup,
} from './group-service.js';
import {
  addHubPartner,
  HUB_PARTNER_KINDS,
  HubPartnerInput,
  listHubPartners,
  removeHubPartner,
} from './hub-service.js';
import { groupImportRoutes } from './import-routes.js';

type GroupParams = { Params: { group: string } };
type ListQuery = { Querystring: Record<string, unknown> };

const CSV_COLUMNS: (keyof ReturnType<typeof publicGroup> | 'url')[] = [
  'id',
  'slug',
  'name',
  'summary',
  'category',
  'ward_code',
  'ward_name',
  'address',
  'postcode',
  'lon',
  'lat',
  'days',
  'times',
  'age_min',
  'age_max',
  'cost',
  'languages',
  'step_free',
  'website',
  'contact_email',
  'contact_phone',
  'looking_for_volunteers',
  'status',
  'is_hub',
  'last_confirmed',
  'may_be_out_of_date',
  'source',
  'url',
];

function filtersFrom(query: Record<string, unknown>): GroupFilters {
  const str = (v: unknown) => (typeof v === 'string' && v.length <= 80 ? v : null);
  return {
    ward: str(query.ward) || null,
    category: isCategory(query.category) ? query.category : null,
    volunteers: query.volunteers === 'yes',
    hubs: query.hubs === 'yes',
  };
}

/** Form values for re-showing a group's own details in the edit form. */
function formValuesOf(g: Group): Record<string, string> {
  return {
    name: g.name,
    summary: g.summary,
    description: g.description,
    category: g.category,
    whoFor: g.whoFor,
    whereWhen: g.whereWhen,
    ward: g.wardSlug ?? '',
    address: g.address,
    postcode: g.postcode ?? '',
    lat: g.point ? String(g.point.lat) : '',
    lon: g.point ? String(g.point.lon) : '',
    days: g.days.join(','),
    times: g.times.join(','),
    languages: g.languages.join(','),
    tags: g.tags.join(', '),
    ageMin: g.ageMin === null ? '' : String(g.ageMin),
    ageMax: g.ageMax === null ? '' : String(g.ageMax),
    cost: g.cost,
    accessibility: g.accessibility,
    stepFree: g.stepFree ? 'yes' : '',
    contactName: g.contactName,
    contactEmail: g.contactEmail ?? '',
    contactPhone: g.contactPhone ?? '',
    contactVisibility: g.contactVisibility,
    website: g.website ?? '',
    socialLinks: g.socialLinks.join('\n'),
    lookingForVolunteers: g.lookingForVolunteers ? 'yes' : '',
    volunteerDetails: g.volunteerDetails,
    status: g.status,
  };
}

/** Groups: the public list and pages, organisers' forms, members, hubs and open data. */
export async function groupRoutes(app: FastifyInstance) {
  await app.register(groupImportRoutes);
  const manage = needsOrOwner('directory.group.manage-any');
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);

  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    mode: { action: string; titleKey: string; submitKey: string; editing: boolean; cancel: string },
    state: { values?: Record<string, string>; errors?: FormError[] } = {},
  ) {
    const t = request.t;
    const values = state.values ?? { contactVisibility: 'public', cost: 'free', status: 'active' };
    const chosen = (field: string) => new Set((values[field] ?? '').split(',').filter(Boolean));
    const days = chosen('days');
    const times = chosen('times');
    const languages = chosen('languages');
    const wards = await listWards(ctx(request));
    if (state.errors?.length) reply.code(422);
    return reply.page('directory/groups/views/form.njk', {
      pageTitle: t(mode.titleKey),
      ...mode,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values,
      categoryItems: [
        { value: '', text: t('directory.groups.form.chooseCategory') },
        ...CATEGORIES.map((c) => ({
          value: c,
          text: t(`directory.categories.${c}`),
          selected: values.category === c,
        })),
      ],
      wardItems: [
        { value: '', text: t('directory.groups.form.chooseWard') },
        ...wards.map((w) => ({
          value: w.slug,
          text: w.name,
          selected: values.ward === w.slug || values.ward === w.code,
        })),
      ],
      dayItems: DAYS.map((d) => ({ value: d, text: t(`directory.days.${d}`), checked: days.has(d) })),
      timeItems: TIMES_OF_DAY.map((d) => ({
        value: d,
        text: t(`directory.times.${d}`),
        checked: times.has(d),
      })),
      languageItems: LANGUAGES.map((l) => ({
        value: l,
        text: t(`directory.languages.${l}`),
        checked: languages.has(l),
      })),
      costItems: (['free', 'donation', 'paid'] as const).map((c) => ({
        value: c,
        text: t(`directory.cost.${c}`),
        checked: values.cost === c,
      })),
      visibilityItems: (['public', 'signed-in', 'hidden'] as const).map((v) => ({
        value: v,
        text: t(`directory.groups.visibility.${v}`),
        hint: { text: t(`directory.groups.visibility.${v}Hint`) },
        checked: values.contactVisibility === v,
      })),
      statusItems: (['active', 'paused', 'closed'] as const).map((s) => ({
        value: s,
        text: t(`directory.groups.status.${s}`),
        checked: values.status === s,
      })),
    });
  }

  app.get<ListQuery>('/groups', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const filters = filtersFrom(request.query);
    const p = pageRequest(request);
    const [groups, total, wards] = await Promise.all([
      listGroups(c, filters, { limit: p.perPage, offset: p.offset }),
      countGroups(c, filters),
      listWards(c),
    ]);
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries({
      ward: filters.ward,
      category: filters.category,
      volunteers: filters.volunteers ? 'yes' : null,
      hubs: filters.hubs ? 'yes' : null,
    }))
      if (v) query.set(k, v);
    return reply.page('directory/groups/views/index.njk', {
      pageTitle: t('directory.groups.title'),
      groups,
      total,
      filters,
      canCreate: can(request.actor, 'directory.group.create'),
      canImport: can(request.actor, 'directory.import'),
      canSignpost: can(request.actor, 'directory.signpost'),
      canQuality: can(request.actor, 'directory.quality'),
      pagination: paginationFor(p.page, p.perPage, total, `/${c.place.slug}/groups`, query),
      wardItems: [
        { value: '', text: t('directory.groups.filters.allWards') },
        ...wards.map((w) => ({ value: w.slug, text: w.name, selected: filters.ward === w.slug })),
      ],
      categoryItems: [
        { value: '', text: t('directory.groups.filters.allCategories') },
        ...CATEGORIES.map((cat) => ({
          value: cat,
          text: t(`directory.categories.${cat}`),
          selected: filters.category === cat,
        })),
      ],
      downloadQuery: query.toString(),
    });
  });

  const newMode = (request: FastifyRequest) => ({
    action: `/${requirePlace(request).slug}/groups`,
    titleKey: 'directory.groups.form.newTitle',
    submitKey: 'directory.groups.form.submitNew',
    editing: false,
    cancel: `/${requirePlace(request).slug}/groups`,
  });

  app.get('/groups/new', needs('directory.group.create'), async (request, reply) =>
    formPage(request, reply, newMode(request)),
  );

  app.post('/groups', { ...needs('directory.group.create'), ...csrf }, async (request, reply) => {
    const form = parseForm(GroupInput, request.body, request.t, { multiple: GROUP_MULTIPLE_FIELDS });
    if (!form.ok) return formPage(request, reply, newMode(request), form);
    const body = request.body as Record<string, unknown>;
    // One directory, not five: before adding, show anything that looks like the same group.
    if (body.notDuplicate !== 'yes') {
      const find = await likelyDuplicatesFinder(ctx(request));
      const matches = find({
        name: form.data.name,
        address: form.data.address,
        postcode: form.data.postcode,
        phone: form.data.contactPhone,
        email: form.data.contactEmail,
        website: form.data.website,
      });
      if (matches.length)
        return reply.page('directory/groups/views/possible-duplicates.njk', {
          pageTitle: request.t('directory.groups.duplicates.title'),
          matches: matches.map((m) => ({ name: m.record.name, url: m.record.url, kind: m.record.kind })),
          hidden: Object.entries(form.values).filter(([k]) => k !== '_csrf'),
          csrfToken: reply.generateCsrf(),
        });
    }
    try {
      const group = await createGroup(ctx(request), form.values, {
        ip: request.ip,
        honeypot: body.website_url,
      });
      const place = requirePlace(request);
      // A caught bot sees the same confirmation as anyone, so it learns nothing.
      if (!group) return reply.redirect(`/${place.slug}/groups?added=1`, 303);
      return reply.redirect(`/${place.slug}/groups/${group.slug}?added=1`, 303);
    } catch (error) {
      if (error instanceof Invalid)
        return formPage(request, reply, newMode(request), {
          values: form.values,
          errors: formErrorsFrom(error, request.t),
        });
      throw error;
    }
  });

  app.get<GroupParams & { Querystring: { added?: string; confirmed?: string } }>(
    '/groups/:group',
    PUBLIC,
    async (request, reply) => {
      const c = ctx(request);
      const group = await getGroup(c, request.params.group);
      if (group.mergedInto) {
        const target = await getGroup(c, group.mergedInto).catch(() => null);
        if (target) return reply.redirect(`/${c.place.slug}/groups/${target.slug}`, 301);
      }
      if (request.params.group !== group.slug)
        return reply.redirect(`/${c.place.slug}/groups/${group.slug}`, 301);
      return reply.page('directory/groups/views/group.njk', {
        pageTitle: group.name,
        group,
        partners: group.isHub ? await listHubPartners(c, group.id) : [],
        justAdded: request.query.added === '1',
        justConfirmed: request.query.confirmed === '1',
        canSetHub: can(request.actor, 'directory.group.manage-any'),
        canJoin: request.actor !== null && group.moderationStatus === 'published',
        csrfToken: request.actor ? reply.generateCsrf() : null,
        contactSignIn: !group.viewer.seesContact && group.contactVisibility === 'signed-in',
      });
    },
  );

  const editMode = (request: FastifyRequest<GroupParams>) => ({
    action: `/${requirePlace(request).slug}/groups/${request.params.group}/edit`,
    titleKey: 'directory.groups.form.editTitle',
    submitKey: 'directory.groups.form.submitEdit',
    editing: true,
    cancel: `/${requirePlace(request).slug}/groups/${request.params.group}`,
  });

  app.get<GroupParams>('/groups/:group/edit', manage, async (request, reply) => {
    const group = await getGroup(ctx(request), request.params.group);
    if (!group.viewer.canManage) throw new Forbidden();
    return formPage(request, reply, editMode(request), { values: formValuesOf(group) });
  });

  app.post<GroupParams>('/groups/:group/edit', { ...manage, ...csrf }, async (request, reply) => {
    const form = parseForm(GroupInput, request.body, request.t, { multiple: GROUP_MULTIPLE_FIELDS });
    if (!form.ok) {
      await requireGroupManager(ctx(request), request.params.group); // 404 or 403 before showing form errors
      return formPage(request, reply, editMode(request), form);
    }
    try {
      const group = await updateGroup(ctx(request), request.params.group, form.values);
      return reply.redirect(`/${requirePlace(request).slug}/groups/${group.slug}?confirmed=1`, 303);
    } catch (error) {
      if (error instanceof Invalid)
        return formPage(request, reply, editMode(request), {
          values: form.values,
          errors: formErrorsFrom(error, request.t),
        });
      throw error;
    }
  });

  app.get<GroupParams>('/groups/:group/confirm', manage, async (request, reply) => {
    const group = await getGroup(ctx(request), request.params.group);
    if (!group.viewer.canManage) throw new Forbidden();
    return reply.page('directory/groups/views/confirm.njk', {
      pageTitle: request.t('directory.groups.confirm.title', { group: group.name }),
      group,
      csrfToken: reply.generateCsrf(),
    });
  });

  app.post<GroupParams>('/groups/:group/confirm', { ...manage, ...csrf }, async (request, reply) => {
    await confirmGroup(ctx(request), request.params.group);
    const group = await getGroup(ctx(request), request.params.group);
    return reply.redirect(`/${requirePlace(request).slug}/groups/${group.slug}?confirmed=1`, 303);
  });

  app.post<GroupParams>(
    '/groups/:group/join',
    { ...needs('account.use'), ...csrf },
    async (request, reply) => {
      await setMembership(ctx(request), request.params.group, true);
      return reply.redirect(`/${requirePlace(request).slug}/groups/${request.params.group}`, 303);
    },
  );

  app.post<GroupParams>(
    '/groups/:group/leave',
    { ...needs('account.use'), ...csrf },
    async (request, reply) => {
      await setMembership(ctx(request), request.params.group, false);
      return reply.redirect(`/${requirePlace(request).slug}/groups/${request.params.group}`, 303);
    },
  );

  app.post<GroupParams>(
    '/groups/:group/hub',
    { ...needs('directory.group.manage-any'), ...csrf },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      await setHub(ctx(request), request.params.group, body.hub === 'yes');
      return reply.redirect(`/${requirePlace(request).slug}/groups/${request.params.group}`, 303);
    },
  );

  const membersPage = async (
    request: FastifyRequest<GroupParams>,
    reply: FastifyReply,
    state: { errors?: FormError[]; values?: Record<string, string> } = {},
  ) => {
    const c = ctx(request);
    const group = await getGroup(c, request.params.group);
    const members = await listMembers(c, request.params.group);
    if (state.errors?.length) reply.code(422);
    return reply.page('directory/groups/views/members.njk', {
      pageTitle: request.t('directory.groups.members.title', { group: group.name }),
      group,
      members,
      partners: group.isHub ? await listHubPartners(c, group.id) : [],
      kindItems: HUB_PARTNER_KINDS.map((k) => ({
        value: k,
        text: request.t(`directory.hubs.kinds.${k}`),
        selected: state.values?.kind === k,
      })),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values: state.values ?? {},
      csrfToken: reply.generateCsrf(),
    });
  };

  app.get<GroupParams>('/groups/:group/members', manage, async (request, reply) =>
    membersPage(request, reply),
  );

  app.post<GroupParams>(
    '/groups/:group/members/organiser',
    { ...manage, ...csrf },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const userId =
        typeof body.member === 'string' && /^[0-9a-f-]{36}$/.test(body.member) ? body.member : '';
      try {
        if (!userId) throw new Invalid({ member: 'directory.groups.errors.notAMember' });
        await makeOrganiser(ctx(request), request.params.group, userId);
      } catch (error) {
        if (error instanceof Invalid)
          return membersPage(request, reply, { errors: formErrorsFrom(error, request.t) });
        throw error;
      }
      return reply.redirect(`/${requirePlace(request).slug}/groups/${request.params.group}/members`, 303);
    },
  );

  app.post<GroupParams>('/groups/:group/partners', { ...manage, ...csrf }, async (request, reply) => {
    const form = parseForm(HubPartnerInput, request.body, request.t);
    if (!form.ok) return membersPage(request, reply, form);
    try {
      await addHubPartner(ctx(request), request.params.group, form.values);
    } catch (error) {
      if (error instanceof Invalid)
        return membersPage(request, reply, { values: form.values, errors: formErrorsFrom(error, request.t) });
      throw error;
    }
    return reply.redirect(
      `/${requirePlace(request).slug}/groups/${request.params.group}/members#partners`,
      303,
    );
  });

  app.post<GroupParams>('/groups/:group/partners/remove', { ...manage, ...csrf }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const id = typeof body.partner === 'string' && /^[0-9a-f-]{36}$/.test(body.partner) ? body.partner : '';
    if (id) await removeHubPartner(ctx(request), request.params.group, id);
    else await requireGroupManager(ctx(request), request.params.group);
    return reply.redirect(
      `/${requirePlace(request).slug}/groups/${request.params.group}/members#partners`,
      303,
    );
  });

  // Open data: every listed group as JSON and CSV, contact details only where the organiser made them public.
  app.get<ListQuery>(
    '/api/groups',
    withApi(PUBLIC, {
      summaryKey: 'api.docs.summaries.groups',
      paged: true,
      query: z.object({
        ward: z.string().max(80).optional().describe('api.docs.params.ward'),
        category: z.string().optional().describe('api.docs.params.category'),
        volunteers: z.enum(['yes']).optional().describe('api.docs.params.volunteers'),
        hubs: z.enum(['yes']).optional().describe('api.docs.params.hubs'),
      }),
    }),
    async (request, reply) => {
      const c = ctx(request);
      const filters = filtersFrom(request.query);
      const p = pageRequest(request);
      const [groups, total] = await Promise.all([
        listGroups(c, filters, { limit: p.perPage, offset: p.offset }),
        countGroups(c, filters),
      ]);
      return sendOpenJson(
        reply,
        paged(
          request,
          groups.map((g) => ({
            ...publicGroup(g, g.contactVisibility === 'public'),
            url: `/${c.place.slug}/groups/${g.slug}`,
          })),
          total,
          p,
        ),
      );
    },
  );

  app.get<ListQuery>('/api/groups.csv', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const groups = await listGroups(c, filtersFrom(request.query));
    const rows = groups.map((g) => {
      const p = publicGroup(g, g.contactVisibility === 'public');
      return {
        ...p,
        days: p.days.join(';'),
        times: p.times.join(';'),
        languages: p.languages.join(';'),
        url: `/${c.place.slug}/groups/${g.slug}`,
      };
    });
    return sendCsv(reply, `${c.place.slug}-groups.csv`, CSV_COLUMNS, rows as (typeof rows)[number][]);
  });

  app.get<GroupParams>('/api/groups/:group', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const group = await getGroup(c, request.params.group);
    return sendOpenJson(reply, {
      ...publicGroup(group, group.viewer.seesContact && group.contactVisibility === 'public'),
      url: `/${c.place.slug}/groups/${group.slug}`,
    });
  });
}

/** GOV.UK pagination component items for a list page, keeping the filters in the links. */
export function paginationFor(
  page: number,
  perPage: number,
  total: number,
  base: string,
  query: URLSearchParams,
) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const href = (n: number) => {
    const q = new URLSearchParams(query);
    if (n > 1) q.set('page', String(n));
    const s = q.toString();
    return s ? `${base}?${s}` : base;
  };
  if (pages <= 1) return null;
  return {
    items: pageNumbers(page, pages).map((n) =>
      n === null ? { ellipsis: true } : { number: n, href: href(n), current: n === page },
    ),
    previous: page > 1 ? { href: href(page - 1) } : null,
    next: page < pages ? { href: href(page + 1) } : null,
  };
}
