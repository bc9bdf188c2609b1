import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { withApi } from '../../../platform/api/api-doc.js';
import { PUBLIC, SIGNED_IN } from '../../../platform/http/access.js';
import { conflictBack } from '../../../platform/http/conflict-page.js';
import { dateInputValues } from '../../../platform/http/date-input.js';
import { Conflict, Invalid } from '../../../platform/http/errors.js';
import { acceptFileUploads, fileIn } from '../../../platform/http/file-uploads.js';
import { errorsByField, type FormError, formErrorsFrom } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { siteOf } from '../../../platform/module-definition.js';
import { pageOfList, sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { CATEGORIES } from '../../budgeting/proposals/proposal-input.js';
import { listSpaces } from '../../spaces/spaces/space-service.js';
import type { Stage } from '../idea-kinds.js';
import { MAX_GRANT_PENCE, MAX_MEASURE, MAX_PHOTO_BYTES, MAX_ROLE, MAX_UPDATE } from './development-input.js';
import {
  getIdea,
  type IdeaRef,
  ideaPath,
  joinTeam,
  leaveTeam,
  listUpdates,
  makeLead,
  moveStage,
  movesFor,
  outcomePhoto,
  postUpdate,
  teamOf,
} from './development-service.js';
import { developmentPanel, journeyOf } from './panel-service.js';
import { putForward, putForwardForm } from './put-forward-service.js';

type IdeaParams = { Params: { idea: string } };
type FormState = { values?: Record<string, string>; errors?: FormError[] };

const V = 'ideas/development/views';
const M = 'ideas.development';
/** What the idea page's banner can say after an action here (the idea page shows it). */
export const DEVELOPMENT_DONE = ['joined', 'left', 'lead', 'moved', 'update', 'put-forward'];

/** Only strings from a posted form: anything else (arrays, objects) is ignored. */
function flat(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object' || Array.isArray(body)) return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>))
    if (typeof v === 'string') out[k] = v.replaceAll('\u0000', ''); // NUL cannot be stored
  return out;
}

/** An idea's team, stages, trial, outcome, updates and putting it forward to a budget. */
export async function developmentRoutes(app: FastifyInstance) {
  // An ending's form may carry a photo: read into memory up to the limit (checked by the service).
  await acceptFileUploads(app, { maxBytes: MAX_PHOTO_BYTES, fields: 30 });
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const site = () => siteOf(app.config);
  const base = (request: FastifyRequest, ideaId: string) => ideaPath(requirePlace(request).slug, ideaId);
  const home = (request: FastifyRequest, ideaId: string, done?: string) =>
    `${base(request, ideaId)}${done ? `?done=${done}` : ''}#development`;

  // A change refused on an idea's pages (not published, already ended) leads back to the idea.
  app.addHook('preHandler', async (request) => {
    const idea = (request.params as { idea?: string }).idea;
    if (idea) conflictBack(request, home(request, idea), `${M}.back`);
  });

  /** Runs a form's service call: field errors show the form again. */
  async function submit(
    request: FastifyRequest<IdeaParams>,
    reply: FastifyReply,
    run: () => Promise<unknown>,
    again: (state: FormState) => unknown,
    to: string,
  ) {
    try {
      await run();
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return again({ values: flat(request.body), errors: formErrorsFrom(error, request.t) });
    }
    return reply.redirect(to, 303);
  }

  const formData = (reply: FastifyReply, state: FormState) => {
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    return {
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      values: state.values ?? {},
    };
  };

  // --- The team ---------------------------------------------------------------------------------

  app.get<IdeaParams & { Querystring: { done?: string } }>(
    '/ideas/:idea/team',
    PUBLIC,
    async (request, reply) => {
      const c = ctx(request);
      const idea = await getIdea(c, request.params.idea);
      const [team, moves] = await Promise.all([teamOf(c, idea), movesFor(c, idea)]);
      const lead = team.some((m) => m.email !== null);
      return reply.page(`${V}/team.njk`, {
        pageTitle: request.t(`${M}.team.title`, { title: idea.title }),
        idea,
        team,
        lead,
        canMakeLeads: lead || moves.length > 0,
        back: home(request, idea.id),
        leadAction: `${base(request, idea.id)}/team/leads`,
        csrfToken: lead || moves.length > 0 ? reply.generateCsrf() : '',
        notice: request.query.done === 'lead' ? request.t(`${M}.done.lead`) : null,
      });
    },
  );

  async function joinPage(request: FastifyRequest<IdeaParams>, reply: FastifyReply, state: FormState = {}) {
    const idea = await getIdea(ctx(request), request.params.idea);
    if (!idea.published) throw new Conflict(`${M}.errors.notPublished`);
    if (idea.stage === 'adopted' || idea.stage === 'learned') throw new Conflict(`${M}.errors.ended`);
    return reply.page(`${V}/join.njk`, {
      pageTitle: request.t(`${M}.join.title`),
      idea,
      back: home(request, idea.id),
      action: `${base(request, idea.id)}/team/join`,
      maxRole: MAX_ROLE,
      ...formData(reply, state),
    });
  }
  app.get<IdeaParams>('/ideas/:idea/team/join', SIGNED_IN, (request, reply) => joinPage(request, reply));
  app.post<IdeaParams>('/ideas/:idea/team/join', { ...SIGNED_IN, ...csrf }, (request, reply) =>
    submit(
      request,
      reply,
      () => joinTeam(ctx(request), request.params.idea, flat(request.body)),
      (s) => joinPage(request, reply, s),
      home(request, request.params.idea, 'joined'),
    ),
  );

  app.get<IdeaParams>('/ideas/:idea/team/leave', SIGNED_IN, async (request, reply) => {
    const c = ctx(request);
    const idea = await getIdea(c, request.params.idea);
    const team = await teamOf(c, idea);
    if (!team.some((m) => m.userId === c.actor?.userId)) throw new Conflict(`${M}.errors.notMember`);
    return reply.page(`${V}/leave.njk`, {
      pageTitle: request.t(`${M}.leave.title`),
      idea,
      back: home(request, idea.id),
      action: `${base(request, idea.id)}/team/leave`,
      csrfToken: reply.generateCsrf(),
    });
  });
  app.post<IdeaParams>('/ideas/:idea/team/leave', { ...SIGNED_IN, ...csrf }, (request, reply) =>
    submit(
      request,
      reply,
      () => leaveTeam(ctx(request), request.params.idea),
      () => reply.redirect(home(request, request.params.idea), 303),
      home(request, request.params.idea, 'left'),
    ),
  );

  app.post<IdeaParams>('/ideas/:idea/team/leads', { ...SIGNED_IN, ...csrf }, async (request, reply) => {
    await makeLead(ctx(request), request.params.idea, flat(request.body).member);
    return reply.redirect(`${base(request, request.params.idea)}/team?done=lead`, 303);
  });

  // --- Stages -----------------------------------------------------------------------------------

  async function stagePage(
    request: FastifyRequest<IdeaParams & { Querystring: { to?: string } }>,
    reply: FastifyReply,
    to: unknown,
    state: FormState = {},
  ) {
    const c = ctx(request);
    const t = request.t;
    const idea = await getIdea(c, request.params.idea);
    const moves = await movesFor(c, idea);
    if (!idea.published) throw new Conflict(`${M}.errors.notPublished`);
    if (!moves.length) {
      if (idea.stage === 'adopted' || idea.stage === 'learned') throw new Conflict(`${M}.errors.ended`);
      return reply.code(403).page('message-page.njk', {
        pageTitle: t('errors.forbidden.title'),
        paragraphs: [t(`${M}.stage.leadsOnly`)],
        links: [{ href: home(request, idea.id), text: t(`${M}.back`) }],
      });
    }
    const target = typeof to === 'string' && moves.includes(to as Stage) ? (to as Stage) : null;
    const common = {
      idea,
      back: home(request, idea.id),
      action: `${base(request, idea.id)}/stage`,
      journey: journeyOf(idea.stage),
    };
    if (!target)
      return reply.page(`${V}/stage-choose.njk`, {
        pageTitle: t(`${M}.stage.chooseTitle`),
        ...common,
        choices: moves.map((s) => ({ stage: s, href: `${common.action}?to=${s}` })),
        ...formData(reply, state),
      });
    const spaces = target === 'testing' && c.place.modules.includes('spaces') ? await listSpaces(c) : [];
    const values = state.values ?? {};
    return reply.page(`${V}/stage-form.njk`, {
      pageTitle: t(`${M}.stage.title.${target}`),
      ...common,
      target,
      spaceItems: [
        { value: '', text: t(`${M}.trial.noSpace`) },
        ...spaces.map((s) => ({ value: s.slug, text: s.name, selected: values.space === s.slug })),
      ],
      maxGrant: Number(MAX_GRANT_PENCE),
      maxMeasure: MAX_MEASURE,
      maxNote: MAX_UPDATE,
      photoMegabytes: MAX_PHOTO_BYTES / (1024 * 1024),
      dates: {
        startsOn: partsOf(values, 'startsOn'),
        endsOn: partsOf(values, 'endsOn'),
        bookingDate: partsOf(values, 'bookingDate'),
      },
      ...formData(reply, state),
    });
  }

  app.get<IdeaParams & { Querystring: { to?: string } }>('/ideas/:idea/stage', SIGNED_IN, (request, reply) =>
    stagePage(request, reply, request.query.to),
  );
  app.post<IdeaParams & { Querystring: { to?: string } }>(
    '/ideas/:idea/stage',
    { ...SIGNED_IN, ...csrf },
    async (request, reply) => {
      const values = flat(request.body);
      return submit(
        request,
        reply,
        () =>
          moveStage(ctx(request), site(), request.params.idea, values.to, values, {
            files: app.files,
            photo: fileIn(request.body, 'photo'),
          }),
        (s) => stagePage(request, reply, values.to, s),
        home(request, request.params.idea, 'moved'),
      );
    },
  );

  const photo =
    (which: 'photo' | 'thumbnail') => async (request: FastifyRequest<IdeaParams>, reply: FastifyReply) => {
      const f = await outcomePhoto(ctx(request), app.files, request.params.idea, which);
      return reply
        .header('content-type', 'image/webp')
        .header('cache-control', f.published ? 'public, max-age=300' : 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .send(f.bytes);
    };
  app.get<IdeaParams>('/ideas/:idea/outcome-photo', PUBLIC, photo('photo'));
  app.get<IdeaParams>('/ideas/:idea/outcome-photo/thumbnail', PUBLIC, photo('thumbnail'));

  // --- Updates ----------------------------------------------------------------------------------

  app.get<IdeaParams>('/ideas/:idea/updates', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const idea = await getIdea(c, request.params.idea);
    const updates = await listUpdates(c, idea);
    return reply.page(`${V}/updates.njk`, {
      pageTitle: request.t(`${M}.updates.title`, { title: idea.title }),
      idea,
      updates,
      journey: journeyOf(idea.stage),
      back: home(request, idea.id),
      apiUrl: `/${requirePlace(request).slug}/api/ideas/${idea.id}/updates`,
    });
  });

  /** An idea's updates as open data, newest first: the same fields in the JSON and the CSV. */
  async function updatesData(request: FastifyRequest<IdeaParams>) {
    const c = ctx(request);
    const idea = await getIdea(c, request.params.idea);
    const updates = await listUpdates(c, idea);
    return {
      idea: { id: idea.id, title: idea.title, stage: idea.stage, url: base(request, idea.id) },
      rows: updates.map((u) => ({
        id: u.id,
        kind: u.kind,
        from_stage: u.fromStage,
        to_stage: u.toStage,
        body: u.body,
        by: u.by,
        created_at: u.createdAt.toISOString(),
      })),
    };
  }

  app.get<IdeaParams>(
    '/api/ideas/:idea/updates',
    withApi(PUBLIC, { summaryKey: 'api.docs.summaries.ideaUpdates', paged: true }),
    async (request, reply) => {
      const { idea, rows } = await updatesData(request);
      return sendOpenJson(reply, { idea, ...pageOfList(request, rows) });
    },
  );

  app.get<IdeaParams>('/api/ideas/:idea/updates.csv', PUBLIC, async (request, reply) => {
    const { rows } = await updatesData(request);
    return sendCsv(
      reply,
      `${requirePlace(request).slug}-idea-${request.params.idea}-updates.csv`,
      ['id', 'kind', 'from_stage', 'to_stage', 'body', 'by', 'created_at'],
      rows,
    );
  });

  async function updatePage(request: FastifyRequest<IdeaParams>, reply: FastifyReply, state: FormState = {}) {
    const c = ctx(request);
    const idea = await getIdea(c, request.params.idea);
    const panel = await developmentPanel(c, idea.id);
    if (!panel.actions.postUpdate)
      return reply.code(403).page('message-page.njk', {
        pageTitle: request.t('errors.forbidden.title'),
        paragraphs: [request.t(`${M}.stage.leadsOnly`)],
        links: [{ href: home(request, idea.id), text: request.t(`${M}.back`) }],
      });
    return reply.page(`${V}/update-form.njk`, {
      pageTitle: request.t(`${M}.newUpdate.title`),
      idea,
      back: home(request, idea.id),
      action: `${base(request, idea.id)}/updates/new`,
      maxNote: MAX_UPDATE,
      ...formData(reply, state),
    });
  }
  app.get<IdeaParams>('/ideas/:idea/updates/new', SIGNED_IN, (request, reply) => updatePage(request, reply));
  app.post<IdeaParams>('/ideas/:idea/updates/new', { ...SIGNED_IN, ...csrf }, (request, reply) =>
    submit(
      request,
      reply,
      () => postUpdate(ctx(request), site(), request.params.idea, flat(request.body)),
      (s) => updatePage(request, reply, s),
      home(request, request.params.idea, 'update'),
    ),
  );

  // --- Putting an idea forward to a participatory budget ----------------------------------------

  async function putForwardPage(
    request: FastifyRequest<IdeaParams>,
    reply: FastifyReply,
    state: FormState = {},
  ) {
    const form = await putForwardForm(ctx(request), request.params.idea);
    const t = request.t;
    const values = state.values ?? form.values;
    return reply.page(`${V}/put-forward.njk`, {
      pageTitle: t(`${M}.putForward.title`),
      idea: form.idea as IdeaRef,
      back: home(request, form.idea.id),
      action: `${base(request, form.idea.id)}/put-forward`,
      budgetsUrl: `/${requirePlace(request).slug}/budgets`,
      processItems: form.processes.map((p) => ({
        value: p.slug,
        text: p.title,
        hint: {
          text: p.wardName ? t(`${M}.putForward.forWard`, { ward: p.wardName }) : t(`${M}.putForward.forAll`),
        },
        checked: values.process === p.slug,
      })),
      wardItems: [
        { value: '', text: t(`${M}.putForward.noWard`) },
        ...form.wards.map((w) => ({ value: w.slug, text: w.name, selected: values.ward === w.slug })),
      ],
      categoryItems: CATEGORIES.map((c) => ({
        value: c,
        text: t(`budgeting.proposals.categories.${c}`),
        selected: values.category === c,
      })),
      ...formData(reply, { ...state, values }),
    });
  }
  app.get<IdeaParams>('/ideas/:idea/put-forward', SIGNED_IN, (request, reply) =>
    putForwardPage(request, reply),
  );
  app.post<IdeaParams>('/ideas/:idea/put-forward', { ...SIGNED_IN, ...csrf }, (request, reply) =>
    submit(
      request,
      reply,
      () => putForward(ctx(request), site(), request.params.idea, flat(request.body)),
      (s) => putForwardPage(request, reply, s),
      home(request, request.params.idea, 'put-forward'),
    ),
  );
}

function partsOf(values: Record<string, string>, name: string) {
  const fromValues = {
    day: values[`${name}-day`] ?? '',
    month: values[`${name}-month`] ?? '',
    year: values[`${name}-year`] ?? '',
  };
  return fromValues.day || fromValues.month || fromValues.year ? fromValues : dateInputValues(null);
}
