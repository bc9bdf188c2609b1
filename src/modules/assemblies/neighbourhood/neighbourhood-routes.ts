import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { londonParts } from '../../../lib/london-clock.js';
import { withApi } from '../../../platform/api/api-doc.js';
import { needs, PUBLIC } from '../../../platform/http/access.js';
import { dateInputValues } from '../../../platform/http/date-input.js';
import { Invalid } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { formatDateTime } from '../../../platform/i18n/i18n.js';
import { pageOfList, sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { can } from '../../../platform/roles/permissions.js';
import { ACTION_KINDS, ACTION_STATUSES, CONTRIBUTE, FACILITATE } from './neighbourhood-input.js';
import {
  type AgreedAction,
  addAction,
  addMeeting,
  addTheme,
  canFacilitate,
  getMeeting,
  getNeighbourhood,
  listActions,
  listMeetings,
  listNeighbourhoods,
  listThemes,
  type Meeting,
  type Neighbourhood,
  neighbourhoodPath,
  openNeighbourhood,
  startPath,
  updateAction,
  updateMeeting,
  updateSettings,
  wardsWithout,
} from './neighbourhood-service.js';
import { storyRoutes } from './story-routes.js';
import { myStories, pendingStories, publishedStories, type Story } from './story-service.js';
import { flatStrings, shownAs } from './story-view.js';

type WardParams = { Params: { ward: string } };
type MeetingParams = { Params: { ward: string; meeting: string } };
type FormState = { values?: Record<string, string>; errors?: FormError[] };

const V = 'assemblies/neighbourhood/views';
const M = 'assemblies.neighbourhood';
const DONE = [
  'opened',
  'settings',
  'meeting',
  'theme',
  'action',
  'action-updated',
  'story',
  'published',
  'hidden',
];

/** A published story as open data: never the author's account, only the name they chose to show. */
function storyJson(request: FastifyRequest, assembly: Neighbourhood, base: string) {
  return (s: Story) => ({
    id: s.id,
    shown_as: shownAs(request, s, assembly.ward.name),
    what_mattered: s.mattered,
    what_to_keep: s.keep,
    themes: s.themes.map((t) => t.name).join('; '),
    photo_url: s.photo ? `${base}${s.photo.url}` : null,
    photo_alt: s.photo?.alt ?? null,
    audio_url: s.audio ? `${base}${s.audio.url}` : null,
    published_at: s.createdAt,
    url: `${base}${neighbourhoodPath(requirePlace(request).slug, assembly.ward.slug)}/stories/${s.id}`,
  });
}
const STORY_COLUMNS = [
  'id',
  'shown_as',
  'what_mattered',
  'what_to_keep',
  'themes',
  'photo_url',
  'photo_alt',
  'audio_url',
  'published_at',
  'url',
] as const;

const actionJson = (a: AgreedAction) => ({
  id: a.id,
  action: a.body,
  kind: a.kind,
  status: a.status,
  link: a.link,
  agreed_at: a.createdAt,
});
const ACTION_COLUMNS = ['id', 'action', 'kind', 'status', 'link', 'agreed_at'] as const;

const meetingJson = (m: Meeting) => ({
  id: m.id,
  starts_at: m.startsAt,
  venue: m.venue,
  what_happened: m.whatHappened,
});

/** Neighbourhood assemblies: the public pages and open data, and the facilitators' forms. */
export async function neighbourhoodRoutes(app: FastifyInstance) {
  await app.register(storyRoutes);
  const csrf = { preHandler: app.csrfProtection };
  const facilitate = needs(FACILITATE);
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const root = (request: FastifyRequest) => `/${requirePlace(request).slug}/assemblies/neighbourhood`;
  const wardUrl = (request: FastifyRequest, ward: string) =>
    neighbourhoodPath(requirePlace(request).slug, ward);
  const when = (request: FastifyRequest, d: Date) => formatDateTime(d, request.lang);
  const site = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

  /** Runs a write; an Invalid goes back to the form with its errors. */
  async function attempt<T>(
    write: () => Promise<T>,
    onInvalid: (errors: FormError[]) => unknown,
    t: FastifyRequest['t'],
  ) {
    try {
      return { ok: true as const, value: await write() };
    } catch (error) {
      if (error instanceof Invalid) return { ok: false as const, sent: onInvalid(formErrorsFrom(error, t)) };
      throw error;
    }
  }

  // --- Public pages and open data -------------------------------------------------------------

  app.get('/assemblies/neighbourhood', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const items = await listNeighbourhoods(c);
    return reply.page(`${V}/index.njk`, {
      pageTitle: request.t(`${M}.index.title`),
      items: items.map((a) => ({
        ...a,
        url: wardUrl(request, a.ward.slug),
        next: a.nextMeeting
          ? { when: when(request, a.nextMeeting.startsAt), venue: a.nextMeeting.venue }
          : null,
      })),
      canOpen: canFacilitate(c),
      root: root(request),
    });
  });

  /** Each ward's neighbourhood assembly as open data: the same fields in the JSON and the CSV. */
  async function neighbourhoodRows(request: FastifyRequest) {
    return (await listNeighbourhoods(ctx(request))).map((a) => ({
      ward_code: a.ward.code,
      ward_name: a.ward.name,
      status: a.status,
      next_meeting: a.nextMeeting ? meetingJson(a.nextMeeting) : null,
      published_stories: a.storyCount,
      url: `${site(request)}${wardUrl(request, a.ward.slug)}`,
      api: `${site(request)}/${requirePlace(request).slug}/api/assemblies/neighbourhood/${a.ward.slug}`,
    }));
  }

  app.get(
    '/api/assemblies/neighbourhood',
    withApi(PUBLIC, { summaryKey: 'api.docs.summaries.neighbourhoodAssemblies', paged: true }),
    async (request, reply) => sendOpenJson(reply, pageOfList(request, await neighbourhoodRows(request))),
  );

  app.get('/api/assemblies/neighbourhood.csv', PUBLIC, async (request, reply) =>
    sendCsv(
      reply,
      `${requirePlace(request).slug}-neighbourhood-assemblies.csv`,
      [
        'ward_code',
        'ward_name',
        'status',
        'next_meeting_starts_at',
        'next_meeting_venue',
        'published_stories',
        'url',
        'api',
      ],
      (await neighbourhoodRows(request)).map(({ next_meeting, ...row }) => ({
        ...row,
        next_meeting_starts_at: next_meeting?.starts_at ?? null,
        next_meeting_venue: next_meeting?.venue ?? null,
      })),
    ),
  );

  app.get<WardParams & { Querystring: { theme?: string; done?: string } }>(
    '/assemblies/neighbourhood/:ward',
    PUBLIC,
    async (request, reply) => {
      const c = ctx(request);
      const t = request.t;
      const assembly = await getNeighbourhood(c, request.params.ward);
      const [themes, meetings, actions, mine] = await Promise.all([
        listThemes(c, assembly),
        listMeetings(c, assembly),
        listActions(c, assembly),
        myStories(c, assembly),
      ]);
      const chosen = themes.find((th) => th.slug === request.query.theme) ?? null;
      const stories = await publishedStories(c, assembly, { theme: chosen?.slug ?? null });
      const facilitator = canFacilitate(c);
      const waiting = facilitator ? (await pendingStories(c, assembly)).length : 0;
      const now = Date.now();
      const next = meetings.find((m) => m.startsAt.getTime() >= now) ?? null;
      const place = requirePlace(request);
      const done = DONE.includes(request.query.done ?? '') ? t(`${M}.done.${request.query.done}`) : null;
      const story = (s: Story) => ({
        ...s,
        shownAs: shownAs(request, s, assembly.ward.name),
        when: when(request, s.createdAt),
        url: `${wardUrl(request, assembly.ward.slug)}/stories/${s.id}`,
      });
      return reply.page(`${V}/ward.njk`, {
        pageTitle: t(`${M}.ward.title`, { ward: assembly.ward.name }),
        assembly,
        url: wardUrl(request, assembly.ward.slug),
        notice: done,
        next: next ? { when: when(request, next.startsAt), venue: next.venue } : null,
        upcoming: meetings
          .filter((m) => m.startsAt.getTime() >= now)
          .map((m) => ({ ...m, when: when(request, m.startsAt) })),
        past: meetings
          .filter((m) => m.startsAt.getTime() < now)
          .reverse()
          .map((m) => ({ ...m, when: when(request, m.startsAt) })),
        themes,
        chosen,
        stories: stories.map(story),
        mine: mine.map(story),
        actions: actions.map((a) => ({
          ...a,
          start: a.link ? null : startPath(place.slug, place.modules, a.kind),
        })),
        canContribute: assembly.status === 'open' && (!c.actor || can(c.actor, CONTRIBUTE)),
        facilitator,
        waiting,
      });
    },
  );

  async function wardData(request: FastifyRequest<WardParams>) {
    const c = ctx(request);
    const assembly = await getNeighbourhood(c, request.params.ward);
    const [stories, actions, meetings, themes] = await Promise.all([
      publishedStories(c, assembly),
      listActions(c, assembly),
      listMeetings(c, assembly),
      listThemes(c, assembly),
    ]);
    return {
      assembly,
      stories: stories.map(storyJson(request, assembly, site(request))),
      actions: actions.map(actionJson),
      meetings: meetings.map(meetingJson),
      themes: themes.map((th) => ({ slug: th.slug, name: th.name, published_stories: th.storyCount })),
    };
  }

  app.get<WardParams>('/api/assemblies/neighbourhood/:ward', PUBLIC, async (request, reply) => {
    const d = await wardData(request);
    return sendOpenJson(reply, {
      ward_code: d.assembly.ward.code,
      ward_name: d.assembly.ward.name,
      status: d.assembly.status,
      invitation: d.assembly.invitation,
      facilitator_note: d.assembly.facilitatorNote,
      meetings: d.meetings,
      themes: d.themes,
      stories: d.stories,
      actions: d.actions,
    });
  });

  app.get<WardParams>('/assemblies/neighbourhood/:ward/stories.csv', PUBLIC, async (request, reply) => {
    const d = await wardData(request);
    return sendCsv(
      reply,
      `${requirePlace(request).slug}-${d.assembly.ward.slug}-stories.csv`,
      [...STORY_COLUMNS],
      d.stories,
    );
  });

  app.get<WardParams>('/assemblies/neighbourhood/:ward/actions.csv', PUBLIC, async (request, reply) => {
    const d = await wardData(request);
    return sendCsv(
      reply,
      `${requirePlace(request).slug}-${d.assembly.ward.slug}-actions.csv`,
      [...ACTION_COLUMNS],
      d.actions,
    );
  });

  // --- Opening an assembly --------------------------------------------------------------------

  async function openPage(request: FastifyRequest, reply: FastifyReply, state: FormState = {}) {
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const values = state.values ?? {};
    const wards = await wardsWithout(ctx(request));
    return reply.page(`${V}/open.njk`, {
      pageTitle: request.t(`${M}.open.title`),
      action: root(request),
      back: root(request),
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      values,
      wardItems: [
        { value: '', text: request.t(`${M}.open.chooseWard`) },
        ...wards.map((w) => ({ value: w.slug, text: w.name, selected: values.ward === w.slug })),
      ],
    });
  }

  app.get('/assemblies/neighbourhood/new', facilitate, (request, reply) => openPage(request, reply));

  app.post('/assemblies/neighbourhood', { ...facilitate, ...csrf }, async (request, reply) => {
    const values = flatStrings(request.body);
    const r = await attempt(
      () => openNeighbourhood(ctx(request), values),
      (errors) => openPage(request, reply, { values, errors }),
      request.t,
    );
    if (!r.ok) return r.sent;
    return reply.redirect(`${wardUrl(request, r.value)}/facilitate?done=opened`, 303);
  });

  // --- The facilitators' page: settings, themes, actions --------------------------------------

  async function facilitatePage(
    request: FastifyRequest<WardParams>,
    reply: FastifyReply,
    state: FormState & { form?: string } = {},
  ) {
    const c = ctx(request);
    const t = request.t;
    const assembly = await getNeighbourhood(c, request.params.ward);
    const [themes, actions, meetings, waiting] = await Promise.all([
      listThemes(c, assembly),
      listActions(c, assembly),
      listMeetings(c, assembly),
      pendingStories(c, assembly),
    ]);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const posted = state.values ?? {};
    // Only the form that was sent shows what was typed; the others show what is saved.
    const settings =
      state.form === 'settings'
        ? posted
        : {
            status: assembly.status,
            invitation: assembly.invitation,
            facilitatorNote: assembly.facilitatorNote,
          };
    const done = (request.query as { done?: string } | undefined)?.done;
    const url = wardUrl(request, assembly.ward.slug);
    return reply.page(`${V}/facilitate.njk`, {
      pageTitle: t(`${M}.facilitate.title`, { ward: assembly.ward.name }),
      assembly,
      url,
      notice: done && DONE.includes(done) ? t(`${M}.done.${done}`) : null,
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      settings,
      themeName: state.form === 'theme' ? (posted.name ?? '') : '',
      statusItems: ['open', 'closed'].map((s) => ({
        value: s,
        text: t(`${M}.statuses.${s}`),
        checked: settings.status === s,
      })),
      themes,
      waiting: waiting.length,
      meetings: meetings.map((m) => ({ ...m, when: when(request, m.startsAt) })),
      actions: actions.map((a) => {
        const editing = state.form === 'action' && posted.actionId === a.id;
        const status = editing ? posted.status : a.status;
        return {
          ...a,
          link: editing ? (posted.link ?? '') : (a.link ?? ''),
          statusItems: ACTION_STATUSES.map((s) => ({
            value: s,
            text: t(`${M}.actionStatuses.${s}`),
            selected: status === s,
          })),
          start: startPath(c.place.slug, c.place.modules, a.kind),
        };
      }),
    });
  }

  app.get<WardParams>('/assemblies/neighbourhood/:ward/facilitate', facilitate, (request, reply) =>
    facilitatePage(request, reply),
  );

  app.post<WardParams>(
    '/assemblies/neighbourhood/:ward/settings',
    { ...facilitate, ...csrf },
    async (request, reply) => {
      const values = flatStrings(request.body);
      const r = await attempt(
        () => updateSettings(ctx(request), request.params.ward, values),
        (errors) => facilitatePage(request, reply, { values, errors, form: 'settings' }),
        request.t,
      );
      if (!r.ok) return r.sent;
      return reply.redirect(`${wardUrl(request, request.params.ward)}/facilitate?done=settings`, 303);
    },
  );

  app.post<WardParams>(
    '/assemblies/neighbourhood/:ward/themes',
    { ...facilitate, ...csrf },
    async (request, reply) => {
      const values = flatStrings(request.body);
      const r = await attempt(
        () => addTheme(ctx(request), request.params.ward, values),
        (errors) => facilitatePage(request, reply, { values, errors, form: 'theme' }),
        request.t,
      );
      if (!r.ok) return r.sent;
      return reply.redirect(`${wardUrl(request, request.params.ward)}/facilitate?done=theme`, 303);
    },
  );

  app.post<WardParams>(
    '/assemblies/neighbourhood/:ward/actions/update',
    { ...facilitate, ...csrf },
    async (request, reply) => {
      const values = flatStrings(request.body);
      const r = await attempt(
        () => updateAction(ctx(request), request.params.ward, values.actionId ?? '', values),
        (errors) =>
          facilitatePage(request, reply, {
            values,
            form: 'action',
            // Each action has its own fields on the page: point the summary at this one's.
            errors: errors.map((e) => ({
              ...e,
              field: `${e.field}-${values.actionId}`,
              href: `#${e.field}-${values.actionId}`,
            })),
          }),
        request.t,
      );
      if (!r.ok) return r.sent;
      return reply.redirect(`${wardUrl(request, request.params.ward)}/facilitate?done=action-updated`, 303);
    },
  );

  // --- Agreed actions -------------------------------------------------------------------------

  async function actionPage(request: FastifyRequest<WardParams>, reply: FastifyReply, state: FormState = {}) {
    const c = ctx(request);
    const t = request.t;
    const assembly = await getNeighbourhood(c, request.params.ward);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const values = state.values ?? {};
    const url = wardUrl(request, assembly.ward.slug);
    return reply.page(`${V}/action.njk`, {
      pageTitle: t(`${M}.action.title`),
      assembly,
      action: `${url}/actions`,
      back: `${url}/facilitate`,
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      values,
      kindItems: ACTION_KINDS.map((k) => ({
        value: k,
        text: t(`${M}.kinds.${k}`),
        hint: { text: t(`${M}.kindHints.${k}`) },
        checked: values.kind === k,
      })),
    });
  }

  app.get<WardParams>('/assemblies/neighbourhood/:ward/actions/new', facilitate, (request, reply) =>
    actionPage(request, reply),
  );

  app.post<WardParams>(
    '/assemblies/neighbourhood/:ward/actions',
    { ...facilitate, ...csrf },
    async (request, reply) => {
      const values = flatStrings(request.body);
      const r = await attempt(
        () => addAction(ctx(request), request.params.ward, values),
        (errors) => actionPage(request, reply, { values, errors }),
        request.t,
      );
      if (!r.ok) return r.sent;
      return reply.redirect(`${wardUrl(request, request.params.ward)}/facilitate?done=action`, 303);
    },
  );

  // --- Meetings -------------------------------------------------------------------------------

  async function meetingPage(
    request: FastifyRequest<WardParams | MeetingParams>,
    reply: FastifyReply,
    state: FormState & { meeting?: Meeting } = {},
  ) {
    const c = ctx(request);
    const t = request.t;
    const assembly = await getNeighbourhood(c, request.params.ward);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const m = state.meeting;
    const saved = m ? londonParts(m.startsAt) : null;
    const values = state.values ?? {
      ...(saved
        ? Object.fromEntries(Object.entries(dateInputValues(saved.date)).map(([k, v]) => [`date-${k}`, v]))
        : {}),
      time: saved?.time ?? '',
      venue: m?.venue ?? '',
      whatHappened: m?.whatHappened ?? '',
    };
    const url = wardUrl(request, assembly.ward.slug);
    return reply.page(`${V}/meeting.njk`, {
      pageTitle: m ? t(`${M}.meeting.editTitle`) : t(`${M}.meeting.newTitle`),
      assembly,
      editing: Boolean(m),
      action: m ? `${url}/meetings/${m.id}` : `${url}/meetings`,
      back: `${url}/facilitate`,
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      values,
      dateItems: ['day', 'month', 'year'].map((p) => ({
        name: p,
        label: t(`${M}.meeting.${p}`),
        value: values[`date-${p}`] ?? '',
        classes: `govuk-input--width-${p === 'year' ? 4 : 2}${errors.some((e) => e.field === 'date') ? ' govuk-input--error' : ''}`,
      })),
    });
  }

  app.get<WardParams>('/assemblies/neighbourhood/:ward/meetings/new', facilitate, (request, reply) =>
    meetingPage(request, reply),
  );

  app.post<WardParams>(
    '/assemblies/neighbourhood/:ward/meetings',
    { ...facilitate, ...csrf },
    async (request, reply) => {
      const values = flatStrings(request.body);
      const r = await attempt(
        () => addMeeting(ctx(request), request.params.ward, values),
        (errors) => meetingPage(request, reply, { values, errors }),
        request.t,
      );
      if (!r.ok) return r.sent;
      return reply.redirect(`${wardUrl(request, request.params.ward)}/facilitate?done=meeting`, 303);
    },
  );

  app.get<MeetingParams>(
    '/assemblies/neighbourhood/:ward/meetings/:meeting',
    facilitate,
    async (request, reply) => {
      const meeting = await getMeeting(ctx(request), request.params.ward, request.params.meeting);
      return meetingPage(request, reply, { meeting });
    },
  );

  app.post<MeetingParams>(
    '/assemblies/neighbourhood/:ward/meetings/:meeting',
    { ...facilitate, ...csrf },
    async (request, reply) => {
      const values = flatStrings(request.body);
      const meeting = await getMeeting(ctx(request), request.params.ward, request.params.meeting);
      const r = await attempt(
        () => updateMeeting(ctx(request), request.params.ward, meeting.id, values),
        (errors) => meetingPage(request, reply, { values, errors, meeting }),
        request.t,
      );
      if (!r.ok) return r.sent;
      return reply.redirect(`${wardUrl(request, request.params.ward)}/facilitate?done=meeting`, 303);
    },
  );
}
