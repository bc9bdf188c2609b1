import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fileSizeText } from '../../../lib/file-kind/file-kind.js';
import { withApi } from '../../../platform/api/api-doc.js';
import { needs, PUBLIC, SIGNED_IN } from '../../../platform/http/access.js';
import { conflictBack } from '../../../platform/http/conflict-page.js';
import { readDateInput } from '../../../platform/http/date-input.js';
import { Conflict, Forbidden, Invalid } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom, parseForm } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import type { Translate } from '../../../platform/i18n/i18n.js';
import { pageOfList, sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { type Assembly, canSeeRespondents, MANAGE } from '../setup/assembly-service.js';
import {
  RESPONSE_OUTCOMES,
  RecommendationInput,
  ResponseInput,
  SpeakerInput,
  SUPPORT_CHOICES,
  SupportInput,
  UPDATE_STATUSES,
  UpdateInput,
} from './deliberation-input.js';
import { documentRoutes } from './document-routes.js';
import {
  addSpeaker,
  evidenceOf,
  getSessionEvidence,
  removeSpeaker,
  sessionForOfficer,
} from './evidence-service.js';
import {
  castSupport,
  createRecommendation,
  draftsForMember,
  getForOfficer,
  getPublished,
  listForOfficers,
  listPublished,
  postUpdate,
  publishRecommendation,
  type Recommendation,
  recordResponse,
  type Support,
  updateRecommendation,
} from './recommendation-service.js';

const V = 'assemblies/deliberation/views';
const M = 'assemblies.deliberation';

type AssemblyParams = { Params: { assembly: string } };
type SessionParams = { Params: { assembly: string; assemblySession: string } };
type NumberParams = { Params: { assembly: string; recommendation: string } };
type FormState = { values?: Record<string, string>; errors?: FormError[] };

/** Open data columns: counts only, never a member's name or answer. */
const COLUMNS = [
  'number',
  'title',
  'text',
  'published_at',
  'members',
  'supported',
  'did_not_support',
  'abstained',
  'response',
  'response_reasons',
  'responded_at',
  'decision_url',
  'delivery_status',
  'delivery_updated',
] as const;

function openRow(r: Recommendation) {
  const latest = r.updates[0];
  return {
    number: r.number,
    title: r.title,
    text: r.body,
    published_at: r.publishedAt?.toISOString() ?? null,
    members: r.support.members,
    supported: r.support.support,
    did_not_support: r.support.oppose,
    abstained: r.support.abstain,
    response: r.response?.outcome ?? null,
    response_reasons: r.response?.reasons ?? null,
    responded_at: r.response?.respondedAt.toISOString() ?? null,
    decision_url: r.response?.decisionUrl ?? null,
    delivery_status: latest?.status ?? null,
    delivery_updated: latest?.date ?? null,
  };
}

/** "31 of 40 members supported it", or that no answers were recorded. */
export function supportText(t: Translate, s: Support): string {
  if (s.members === 0 && s.support + s.oppose + s.abstain === 0) return t(`${M}.support.none`);
  return t(`${M}.support.line`, { support: s.support, members: s.members });
}

export function supportDetail(t: Translate, s: Support): string {
  return t(`${M}.support.detail`, { oppose: s.oppose, abstain: s.abstain });
}

/** The tag colour for each response, so the badge reads at a glance. */
const OUTCOME_CLASSES: Record<string, string> = {
  accepted: 'govuk-tag--green',
  'partly-accepted': 'govuk-tag--yellow',
  'not-accepted': 'govuk-tag--red',
};
const UPDATE_CLASSES: Record<string, string> = {
  'on-track': 'govuk-tag--blue',
  delayed: 'govuk-tag--orange',
  done: 'govuk-tag--green',
};

/**
 * During and after an assembly: each session's evidence, the members' own area (timetable,
 * materials, supporting draft recommendations), the published recommendations with the
 * council's responses and delivery updates (with open data), and officers' forms for all of it.
 */
export async function deliberationRoutes(app: FastifyInstance) {
  await app.register(documentRoutes);
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const base = (request: FastifyRequest, slug: string) => `/${requirePlace(request).slug}/assemblies/${slug}`;
  const done = (request: FastifyRequest) => (request.query as Record<string, unknown>).done;
  const view = {
    supportText,
    supportDetail,
    outcomeClasses: OUTCOME_CLASSES,
    updateClasses: UPDATE_CLASSES,
    civilDate: (d: string) => new Date(`${d}T12:00:00Z`),
    /** Paragraphs as typed: a blank line between them. */
    paragraphs: (text: string) => text.split(/\r?\n\s*\r?\n/).filter((p) => p.trim()),
    responseChanged: (r: { respondedAt: Date; updatedAt: Date }) =>
      r.updatedAt.getTime() - r.respondedAt.getTime() > 60_000,
    fileSize: (bytes: number) => fileSizeText(bytes),
  };

  // ---- Public: a session and its evidence ----
  app.get<SessionParams>(
    '/assemblies/:assembly/sessions/:assemblySession',
    PUBLIC,
    async (request, reply) => {
      const c = ctx(request);
      const e = await getSessionEvidence(c, request.params.assembly, request.params.assemblySession);
      const b = base(request, e.assembly.slug);
      const canAdd = await canSeeRespondents(c, e.assembly);
      return reply.page(`${V}/session.njk`, {
        pageTitle: request.t(`${M}.session.title`, { position: e.session.position, title: e.session.title }),
        ...view,
        e,
        canAdd,
        // Only officers get a form (and so a CSRF cookie); visitors' pages stay cookie-free.
        csrfToken: canAdd ? reply.generateCsrf() : null,
        banner: bannerFor(request),
        urls: {
          assembly: b,
          session: `${b}/sessions/${e.session.position}`,
          recommendations: `${b}/recommendations`,
        },
      });
    },
  );

  // ---- Public: recommendations and the council's responses ----
  app.get<AssemblyParams>('/assemblies/:assembly/recommendations', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const d = await listPublished(c, request.params.assembly);
    const b = base(request, d.assembly.slug);
    return reply.page(`${V}/recommendations.njk`, {
      pageTitle: request.t(`${M}.recommendations.title`, { title: d.assembly.title }),
      ...view,
      d,
      isOfficer: await canSeeRespondents(c, d.assembly),
      urls: {
        assembly: b,
        page: `${b}/recommendations`,
        officers: `${b}/deliberation`,
        members: `${b}/members`,
        csv: `${b}/recommendations.csv`,
        json: `/${requirePlace(request).slug}/api/assemblies/${d.assembly.slug}/recommendations`,
      },
    });
  });

  app.get<NumberParams>(
    '/assemblies/:assembly/recommendations/:recommendation',
    PUBLIC,
    async (request, reply) => {
      const c = ctx(request);
      const { assembly, recommendation: r } = await getPublished(
        c,
        request.params.assembly,
        request.params.recommendation,
      );
      const b = base(request, assembly.slug);
      return reply.page(`${V}/recommendation.njk`, {
        pageTitle: request.t(`${M}.recommendation.title`, { number: r.number, title: r.title }),
        ...view,
        assembly,
        r,
        isOfficer: await canSeeRespondents(c, assembly),
        banner: bannerFor(request),
        urls: {
          list: `${b}/recommendations`,
          response: `${b}/recommendations/${r.number}/response`,
          update: `${b}/recommendations/${r.number}/updates/new`,
        },
      });
    },
  );

  async function csv(request: FastifyRequest<AssemblyParams>, reply: FastifyReply) {
    const d = await listPublished(ctx(request), request.params.assembly);
    return sendCsv(
      reply,
      `${d.assembly.slug}-recommendations.csv`,
      [...COLUMNS],
      d.recommendations.map(openRow),
    );
  }
  app.get<AssemblyParams>('/assemblies/:assembly/recommendations.csv', PUBLIC, csv);

  app.get<AssemblyParams>(
    '/api/assemblies/:assembly/recommendations',
    withApi(PUBLIC, { summaryKey: 'api.docs.summaries.recommendations', paged: true }),
    async (request, reply) => {
      const d = await listPublished(ctx(request), request.params.assembly);
      return sendOpenJson(reply, {
        assembly: { slug: d.assembly.slug, title: d.assembly.title, question: d.assembly.question },
        summary: {
          accepted: d.summary.accepted,
          partly_accepted: d.summary['partly-accepted'],
          not_accepted: d.summary['not-accepted'],
          awaiting_response: d.summary.awaiting,
        },
        ...pageOfList(
          request,
          d.recommendations.map((r) => ({
            ...openRow(r),
            delivery_updates: r.updates.map((u) => ({ date: u.date, status: u.status, text: u.body })),
          })),
        ),
      });
    },
  );

  /** The page's success banner, from `?done=` after a form. */
  function bannerFor(request: FastifyRequest): string | null {
    const key = done(request);
    const known = [
      'speaker',
      'document',
      'created',
      'edited',
      'published',
      'recorded',
      'changed',
      'update',
      'support',
    ];
    return typeof key === 'string' && known.includes(key) ? request.t(`${M}.done.${key}`) : null;
  }

  // ---- Members' area ----
  app.get<AssemblyParams>('/assemblies/:assembly/members', SIGNED_IN, (request, reply) =>
    membersPage(request, reply),
  );

  /** A signed-in person who is not a serving member is told why they cannot come in. */
  function notMemberPage(request: FastifyRequest, reply: FastifyReply, slug: string) {
    return reply.code(403).page('message-page.njk', {
      pageTitle: request.t(`${M}.members.notMemberTitle`),
      paragraphs: [request.t(`${M}.members.notMemberBody`), request.t(`${M}.members.notMemberHelp`)],
      links: [{ href: `${base(request, slug)}/recommendations`, text: request.t(`${M}.members.publicLink`) }],
    });
  }

  async function membersPage(
    request: FastifyRequest<AssemblyParams>,
    reply: FastifyReply,
    state: { errors?: FormError[]; values?: Record<string, string> } = {},
  ) {
    const c = ctx(request);
    let data: Awaited<ReturnType<typeof draftsForMember>>;
    try {
      data = await draftsForMember(c, request.params.assembly);
    } catch (error) {
      if (error instanceof Forbidden) return notMemberPage(request, reply, request.params.assembly);
      throw error;
    }
    const { assembly, drafts } = data;
    const evidence = await evidenceOf(
      app.db,
      assembly.sessions.map((s) => s.id),
    );
    const b = base(request, assembly.slug);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    return reply.page(`${V}/members.njk`, {
      pageTitle: request.t(`${M}.members.title`, { title: assembly.title }),
      ...view,
      assembly,
      sessions: assembly.sessions.map((s) => ({
        ...s,
        href: `${b}/sessions/${s.position}`,
        ...(evidence.get(s.id) ?? { documents: [], speakers: [] }),
      })),
      drafts: drafts.map((d) => ({
        ...d,
        field: `choice-${d.number}`,
        action: `${b}/members/recommendations/${d.number}/support`,
        items: SUPPORT_CHOICES.map((choice) => ({
          value: choice,
          text: request.t(`${M}.choices.${choice}`),
          checked: (state.values?.[`choice-${d.number}`] ?? d.choice) === choice,
        })),
      })),
      errors,
      fieldErrors: errorsByField(errors),
      banner: bannerFor(request),
      csrfToken: reply.generateCsrf(),
      urls: { session: `${b}/sessions`, recommendations: `${b}/recommendations` },
    });
  }

  app.post<NumberParams>(
    '/assemblies/:assembly/members/recommendations/:recommendation/support',
    { ...SIGNED_IN, ...csrf },
    async (request, reply) => {
      const field = `choice-${request.params.recommendation}`;
      const form = parseForm(SupportInput, request.body, request.t);
      const asField = (errors: FormError[]) => errors.map((e) => ({ ...e, field, href: `#${field}` }));
      if (!form.ok) return membersPage(request, reply, { errors: asField(form.errors) });
      conflictBack(request, `${base(request, request.params.assembly)}/members`, `${M}.members.back`);
      try {
        await castSupport(ctx(request), request.params.assembly, request.params.recommendation, form.values);
      } catch (error) {
        if (error instanceof Forbidden) return notMemberPage(request, reply, request.params.assembly);
        if (error instanceof Invalid)
          return membersPage(request, reply, { errors: asField(formErrorsFrom(error, request.t)) });
        throw error;
      }
      return reply.redirect(
        `${base(request, request.params.assembly)}/members?done=support#recommendation-${request.params.recommendation}`,
        303,
      );
    },
  );

  // ---- Officers: overview ----
  app.get<AssemblyParams>('/assemblies/:assembly/deliberation', needs(MANAGE), async (request, reply) => {
    const c = ctx(request);
    const d = await listForOfficers(c, request.params.assembly);
    const evidence = await evidenceOf(
      app.db,
      d.assembly.sessions.map((s) => s.id),
    );
    const b = base(request, d.assembly.slug);
    return reply.page(`${V}/officer.njk`, {
      pageTitle: request.t(`${M}.officer.title`, { title: d.assembly.title }),
      ...view,
      d,
      sessions: d.assembly.sessions.map((s) => ({
        ...s,
        href: `${b}/sessions/${s.position}`,
        ...(evidence.get(s.id) ?? { documents: [], speakers: [] }),
      })),
      banner: bannerFor(request),
      urls: { base: b, new: `${b}/recommendations/new`, members: `${b}/members` },
    });
  });

  // ---- Officers: speakers ----
  async function speakerPage(
    request: FastifyRequest<SessionParams>,
    reply: FastifyReply,
    state: FormState = {},
  ) {
    const e = await sessionForOfficer(ctx(request), request.params.assembly, request.params.assemblySession);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const b = base(request, e.assembly.slug);
    return reply.page(`${V}/speaker-form.njk`, {
      pageTitle: request.t(`${M}.speakerForm.title`),
      e,
      values: state.values ?? {},
      errors,
      fieldErrors: errorsByField(errors),
      action: `${b}/sessions/${e.session.position}/speakers/new`,
      back: `${b}/sessions/${e.session.position}`,
      csrfToken: reply.generateCsrf(),
    });
  }
  app.get<SessionParams>(
    '/assemblies/:assembly/sessions/:assemblySession/speakers/new',
    needs(MANAGE),
    (request, reply) => speakerPage(request, reply),
  );
  app.post<SessionParams>(
    '/assemblies/:assembly/sessions/:assemblySession/speakers/new',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const form = parseForm(SpeakerInput, request.body, request.t);
      if (!form.ok) return speakerPage(request, reply, form);
      await addSpeaker(ctx(request), request.params.assembly, request.params.assemblySession, form.values);
      return reply.redirect(
        `${base(request, request.params.assembly)}/sessions/${request.params.assemblySession}?done=speaker#speakers`,
        303,
      );
    },
  );

  app.post<SessionParams & { Params: { speaker: string } }>(
    '/assemblies/:assembly/sessions/:assemblySession/speakers/:speaker/remove',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      await removeSpeaker(
        ctx(request),
        request.params.assembly,
        request.params.assemblySession,
        request.params.speaker,
      );
      return reply.redirect(
        `${base(request, request.params.assembly)}/sessions/${request.params.assemblySession}?done=speaker-removed#speakers`,
        303,
      );
    },
  );

  // ---- Officers: writing, editing and publishing recommendations ----
  /** A change the recommendation's state no longer allows leads officers back to their overview. */
  const backToDeliberation = (request: FastifyRequest<AssemblyParams>) =>
    conflictBack(request, `${base(request, request.params.assembly)}/deliberation`, `${M}.officer.back`);

  async function recommendationForm(
    request: FastifyRequest<AssemblyParams | NumberParams>,
    reply: FastifyReply,
    state: FormState = {},
  ) {
    const c = ctx(request);
    const number = 'recommendation' in request.params ? request.params.recommendation : null;
    let assembly: Assembly;
    let values = state.values;
    if (number !== null) {
      const found = await getForOfficer(c, request.params.assembly, number);
      backToDeliberation(request);
      if (found.recommendation.status !== 'draft') throw new Conflict(`${M}.alreadyPublished`);
      assembly = found.assembly;
      values ??= { title: found.recommendation.title, body: found.recommendation.body };
    } else {
      assembly = (await listForOfficers(c, request.params.assembly)).assembly;
    }
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const b = base(request, assembly.slug);
    return reply.page(`${V}/recommendation-form.njk`, {
      pageTitle: request.t(
        number === null ? `${M}.recommendationForm.newTitle` : `${M}.recommendationForm.editTitle`,
        {
          number: number ?? '',
        },
      ),
      assembly,
      number,
      values: values ?? {},
      errors,
      fieldErrors: errorsByField(errors),
      action: number === null ? `${b}/recommendations/new` : `${b}/recommendations/${number}/edit`,
      back: `${b}/deliberation`,
      csrfToken: reply.generateCsrf(),
    });
  }

  app.get<AssemblyParams>('/assemblies/:assembly/recommendations/new', needs(MANAGE), (request, reply) =>
    recommendationForm(request, reply),
  );
  app.post<AssemblyParams>(
    '/assemblies/:assembly/recommendations/new',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const form = parseForm(RecommendationInput, request.body, request.t);
      if (!form.ok) return recommendationForm(request, reply, form);
      const number = await createRecommendation(ctx(request), request.params.assembly, form.values);
      return reply.redirect(
        `${base(request, request.params.assembly)}/deliberation?done=created#recommendation-${number}`,
        303,
      );
    },
  );
  app.get<NumberParams>(
    '/assemblies/:assembly/recommendations/:recommendation/edit',
    needs(MANAGE),
    (request, reply) => recommendationForm(request, reply),
  );
  app.post<NumberParams>(
    '/assemblies/:assembly/recommendations/:recommendation/edit',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const form = parseForm(RecommendationInput, request.body, request.t);
      if (!form.ok) return recommendationForm(request, reply, form);
      backToDeliberation(request);
      await updateRecommendation(
        ctx(request),
        request.params.assembly,
        request.params.recommendation,
        form.values,
      );
      return reply.redirect(
        `${base(request, request.params.assembly)}/deliberation?done=edited#recommendation-${request.params.recommendation}`,
        303,
      );
    },
  );

  app.get<NumberParams>(
    '/assemblies/:assembly/recommendations/:recommendation/publish',
    needs(MANAGE),
    async (request, reply) => {
      const { assembly, recommendation: r } = await getForOfficer(
        ctx(request),
        request.params.assembly,
        request.params.recommendation,
      );
      backToDeliberation(request);
      if (r.status !== 'draft') throw new Conflict(`${M}.alreadyPublished`);
      const b = base(request, assembly.slug);
      return reply.page(`${V}/publish.njk`, {
        pageTitle: request.t(`${M}.publish.title`, { number: r.number }),
        ...view,
        assembly,
        r,
        action: `${b}/recommendations/${r.number}/publish`,
        back: `${b}/deliberation`,
        csrfToken: reply.generateCsrf(),
      });
    },
  );
  app.post<NumberParams>(
    '/assemblies/:assembly/recommendations/:recommendation/publish',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      backToDeliberation(request);
      await publishRecommendation(ctx(request), request.params.assembly, request.params.recommendation);
      return reply.redirect(
        `${base(request, request.params.assembly)}/deliberation?done=published#recommendation-${request.params.recommendation}`,
        303,
      );
    },
  );

  // ---- Officers: the council's response ----
  async function responsePage(
    request: FastifyRequest<NumberParams>,
    reply: FastifyReply,
    state: FormState = {},
  ) {
    const { assembly, recommendation: r } = await getForOfficer(
      ctx(request),
      request.params.assembly,
      request.params.recommendation,
    );
    backToDeliberation(request);
    if (r.status !== 'published') throw new Conflict(`${M}.notPublished`);
    const values = state.values ?? {
      outcome: r.response?.outcome ?? '',
      reasons: r.response?.reasons ?? '',
      decisionUrl: r.response?.decisionUrl ?? '',
    };
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const b = base(request, assembly.slug);
    return reply.page(`${V}/response-form.njk`, {
      pageTitle: request.t(`${M}.responseForm.title`, { number: r.number }),
      ...view,
      assembly,
      r,
      values,
      errors,
      fieldErrors: errorsByField(errors),
      outcomeItems: RESPONSE_OUTCOMES.map((o) => ({
        value: o,
        text: request.t(`${M}.outcomes.${o}`),
        hint: { text: request.t(`${M}.responseForm.hints.${o}`) },
        checked: values.outcome === o,
      })),
      action: `${b}/recommendations/${r.number}/response`,
      back: `${b}/deliberation`,
      csrfToken: reply.generateCsrf(),
    });
  }
  app.get<NumberParams>(
    '/assemblies/:assembly/recommendations/:recommendation/response',
    needs(MANAGE),
    (request, reply) => responsePage(request, reply),
  );
  app.post<NumberParams>(
    '/assemblies/:assembly/recommendations/:recommendation/response',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const form = parseForm(ResponseInput, request.body, request.t);
      if (!form.ok) return responsePage(request, reply, form);
      backToDeliberation(request);
      const outcome = await recordResponse(
        ctx(request),
        request.params.assembly,
        request.params.recommendation,
        form.values,
      );
      return reply.redirect(
        `${base(request, request.params.assembly)}/recommendations/${request.params.recommendation}?done=${outcome}`,
        303,
      );
    },
  );

  // ---- Officers: delivery updates ----
  async function updatePage(
    request: FastifyRequest<NumberParams>,
    reply: FastifyReply,
    state: FormState = {},
  ) {
    const { assembly, recommendation: r } = await getForOfficer(
      ctx(request),
      request.params.assembly,
      request.params.recommendation,
    );
    backToDeliberation(request);
    if (!r.response || r.response.outcome === 'not-accepted') throw new Conflict(`${M}.updates.notAccepted`);
    const values = state.values ?? {};
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const b = base(request, assembly.slug);
    return reply.page(`${V}/update-form.njk`, {
      pageTitle: request.t(`${M}.updateForm.title`, { number: r.number }),
      assembly,
      r,
      values,
      errors,
      fieldErrors: errorsByField(errors),
      statusItems: UPDATE_STATUSES.map((s) => ({
        value: s,
        text: request.t(`${M}.updateStatuses.${s}`),
        checked: values.status === s,
      })),
      action: `${b}/recommendations/${r.number}/updates/new`,
      back: `${b}/recommendations/${r.number}`,
      csrfToken: reply.generateCsrf(),
    });
  }
  app.get<NumberParams>(
    '/assemblies/:assembly/recommendations/:recommendation/updates/new',
    needs(MANAGE),
    (request, reply) => updatePage(request, reply),
  );
  app.post<NumberParams>(
    '/assemblies/:assembly/recommendations/:recommendation/updates/new',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<
        string,
        unknown
      >;
      const date = readDateInput(body, 'date');
      const fields = {
        ...body,
        date: 'date' in date ? date.date : date.error === 'missing' ? '' : 'invalid',
      };
      const form = parseForm(UpdateInput, fields, request.t);
      if (!form.ok)
        return updatePage(request, reply, {
          errors: form.errors.map((e) => (e.field === 'date' ? { ...e, href: '#date-day' } : e)),
          values: { ...form.values, ...dateParts(body) },
        });
      backToDeliberation(request);
      await postUpdate(ctx(request), request.params.assembly, request.params.recommendation, form.values);
      return reply.redirect(
        `${base(request, request.params.assembly)}/recommendations/${request.params.recommendation}?done=update#updates`,
        303,
      );
    },
  );
}

/** The three parts of the date as typed, to fill the form again. */
function dateParts(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of ['day', 'month', 'year']) {
    const v = body[`date-${p}`];
    out[`date-${p}`] = typeof v === 'string' ? v : '';
  }
  return out;
}
