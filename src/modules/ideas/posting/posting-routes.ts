import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC, SIGNED_IN } from '../../../platform/http/access.js';
import { Invalid } from '../../../platform/http/errors.js';
import { acceptFileUploads, fileIn } from '../../../platform/http/file-uploads.js';
import { errorsByField, type FormError, formErrorsFrom } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext, siteUrl } from '../../../platform/http/request-context.js';
import { formatDate, formatDateTime } from '../../../platform/i18n/i18n.js';
import { sendOpenJson } from '../../../platform/opendata/formats.js';
import { DEVELOPMENT_DONE } from '../development/development-routes.js';
import { developmentPanel } from '../development/panel-service.js';
import { THEMES } from '../idea-kinds.js';
import { addComment, type Comment, commentThread, commentToReplyTo } from './comment-service.js';
import {
  ELSEWHERE,
  MAX_AREA,
  MAX_COMMENT,
  MAX_PHOTOS,
  MAX_SUMMARY,
  MAX_TITLE,
  MAX_WHO,
} from './idea-input.js';
import {
  followIdea,
  getIdea,
  type Idea,
  ideaJson,
  ideaPath,
  ideaPhoto,
  MAX_PHOTO_BYTES,
  postIdea,
  postingChoices,
  type SimilarIdea,
  similarIdeas,
  supportIdea,
  unfollowIdea,
  withdrawSupport,
} from './idea-service.js';

type IdeaParams = { Params: { idea: string } };
type FormState = { values?: Record<string, string>; errors?: FormError[]; similar?: SimilarIdea[] };

const V = 'ideas/posting/views';
const M = 'ideas.posting';
const MB = 1024 * 1024;

const SCRIPT = fs.readFileSync(new URL('./static/similar-ideas.js', import.meta.url));
const SCRIPT_VERSION = createHash('sha256').update(SCRIPT).digest('hex').slice(0, 10);

/** A posted form's string fields (uploads and anything odd are left out). */
function flatStrings(body: unknown): Record<string, string> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    ),
  );
}

/** Posting an idea: the form with its photos (multipart) and the similar ideas it suggests. */
async function postingFormRoutes(app: FastifyInstance) {
  await acceptFileUploads(app, {
    maxBytes: MAX_PHOTO_BYTES,
    files: MAX_PHOTOS,
    fields: 20,
    fieldBytes: 64_000,
  });
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);

  async function form(
    request: FastifyRequest<{ Querystring: { call?: string } }>,
    reply: FastifyReply,
    state: FormState = {},
  ) {
    const t = request.t;
    const place = requirePlace(request);
    const choices = await postingChoices(ctx(request));
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const call = typeof request.query?.call === 'string' ? request.query.call.toLowerCase() : '';
    const values = state.values ?? {
      answers: choices.calls.some((c) => c.id === call) ? `call:${call}` : '',
    };
    const similar = state.similar ?? [];
    const areaField = { id: 'area', name: 'area', value: values.area };
    return reply.page(`${V}/idea-form.njk`, {
      pageTitle: t(`${M}.form.title`),
      action: `/${place.slug}/ideas/new`,
      back: `/${place.slug}/ideas`,
      rulesUrl: `/${place.slug}/ideas/house-rules`,
      similarUrl: `/${place.slug}/ideas/similar`,
      scriptHref: `/${place.slug}/ideas/similar.js?v=${SCRIPT_VERSION}`,
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      values,
      areaField,
      similar: similar.map((s) => ({ ...s, stageText: t(`ideas.stages.${s.stage}`) })),
      max: { title: MAX_TITLE, summary: MAX_SUMMARY, who: MAX_WHO, area: MAX_AREA },
      photoMegabytes: MAX_PHOTO_BYTES / MB,
      photoNumbers: Array.from({ length: MAX_PHOTOS }, (_, i) => i + 1),
      wardItems: [
        { value: '', text: t(`${M}.form.wardChoose`) },
        ...choices.wards.map((w) => ({ value: w.slug, text: w.name, selected: values.ward === w.slug })),
        { value: ELSEWHERE, text: t(`${M}.form.wardElsewhere`), selected: values.ward === ELSEWHERE },
      ],
      themeItems: THEMES.map((th) => ({
        value: th,
        text: t(`ideas.themes.${th}`),
        checked: values.theme === th,
      })),
      answerItems:
        choices.calls.length || choices.challenges.length
          ? [
              { value: '', text: t(`${M}.form.answersNone`), checked: !values.answers },
              ...choices.calls.map((c) => ({
                value: `call:${c.id}`,
                text: c.question,
                hint: { text: t(`${M}.form.answersCall`) },
                checked: values.answers === `call:${c.id}`,
              })),
              ...choices.challenges.map((c) => ({
                value: `challenge:${c.id}`,
                text: c.title,
                hint: { text: t(`${M}.form.answersChallenge`) },
                checked: values.answers === `challenge:${c.id}`,
              })),
            ]
          : [],
      groupItems: choices.groups.length
        ? [
            { value: '', text: t(`${M}.form.groupMyself`), checked: !values.group },
            ...choices.groups.map((g) => ({ value: g.id, text: g.name, checked: values.group === g.id })),
          ]
        : [],
    });
  }

  app.get<{ Querystring: { call?: string } }>('/ideas/new', SIGNED_IN, (request, reply) =>
    form(request, reply),
  );

  app.post('/ideas/new', { ...SIGNED_IN, preHandler: app.csrfProtection }, async (request, reply) => {
    const values = flatStrings(request.body);
    const c = ctx(request);
    const place = requirePlace(request);
    const uploads = Array.from({ length: MAX_PHOTOS }, (_, i) => fileIn(request.body, `photo${i + 1}`));
    // Without JavaScript the suggestions come here: the form again, with the similar ideas
    // and a way to go on, the words kept (photos must be chosen again: browsers forget them).
    if (values.confirmedNotDuplicate !== 'yes' && typeof values.title === 'string' && values.title.trim()) {
      const similar = await similarIdeas(c, values.title, { limit: 5 });
      if (similar.length) {
        const photosChosen = uploads.some((u) => u.tooLarge || (u.bytes && u.bytes.length > 0));
        return form(request as FastifyRequest<{ Querystring: { call?: string } }>, reply, {
          values: { ...values, confirmedNotDuplicate: 'yes', photosChosen: photosChosen ? 'yes' : '' },
          similar,
        });
      }
    }
    let posted: Awaited<ReturnType<typeof postIdea>>;
    try {
      posted = await postIdea(c, app.files, values, uploads, {
        ip: request.ip,
        honeypot: values.website_url,
      });
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return form(request as FastifyRequest<{ Querystring: { call?: string } }>, reply, {
        values,
        errors: formErrorsFrom(error, request.t),
      });
    }
    if (!posted) return reply.redirect(`/${place.slug}/ideas`, 303);
    return reply.redirect(`${ideaPath(place.slug, posted.id)}?posted=1`, 303);
  });
}

/** Posting ideas, each idea's page and JSON, support, follow and threaded comments. */
const POSTING_DONE = ['supported', 'withdrawn', 'followed', 'unfollowed', 'comment', 'comment-pending'];

/** The banner after an action on the idea: this part's own, or the team's and stages' (development). */
function doneNotice(t: (key: string) => string, done: string | undefined): string | null {
  if (!done) return null;
  if (POSTING_DONE.includes(done)) return t(`${M}.done.${done}`);
  if (DEVELOPMENT_DONE.includes(done)) return t(`ideas.development.done.${done}`);
  return null;
}

export async function postingRoutes(app: FastifyInstance) {
  await app.register(postingFormRoutes);
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);

  app.get<{ Querystring: { title?: string } }>('/ideas/similar', PUBLIC, async (request, reply) => {
    const title = typeof request.query.title === 'string' ? request.query.title.slice(0, 200) : '';
    const found = await similarIdeas({ ...ctx(request), actor: null }, title, { limit: 5 });
    const base = siteUrl(request);
    reply.header('cache-control', 'public, max-age=60');
    return sendOpenJson(reply, {
      ideas: found.map((s) => ({
        id: s.id,
        title: s.title,
        stage: s.stage,
        stageText: request.t(`ideas.stages.${s.stage}`),
        supportCount: s.supportCount,
        url: `${base}${s.url}`,
        path: s.url,
      })),
    });
  });

  app.get('/ideas/similar.js', PUBLIC, async (request, reply) => {
    const versioned = (request.query as { v?: string }).v === SCRIPT_VERSION;
    reply.header('cache-control', versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    return reply.type('text/javascript; charset=utf-8').send(SCRIPT);
  });

  app.get('/ideas/house-rules', PUBLIC, async (request, reply) => {
    const place = requirePlace(request);
    return reply.page(`${V}/house-rules.njk`, {
      pageTitle: request.t(`${M}.rules.title`),
      ideasUrl: `/${place.slug}/ideas`,
      siteRulesUrl: `/${place.slug}/rules`,
    });
  });

  // --- An idea's page ---------------------------------------------------------------------------

  function commentView(request: FastifyRequest, c: Comment): Record<string, unknown> {
    return {
      ...c,
      when: formatDateTime(c.createdAt, request.lang),
      replies: c.replies.map((r) => commentView(request, r)),
    };
  }

  async function ideaPage(
    request: FastifyRequest<IdeaParams & { Querystring: { posted?: string; done?: string } }>,
    reply: FastifyReply,
    state: FormState = {},
  ) {
    const t = request.t;
    const c = ctx(request);
    const place = requirePlace(request);
    const idea: Idea = await getIdea(c, request.params.idea);
    const comments = await commentThread(c, idea);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const done = request.query?.done;
    return reply.page(`${V}/idea.njk`, {
      development: await developmentPanel(c, idea.id),
      pageTitle: idea.title,
      idea,
      stageText: t(`ideas.stages.${idea.stage}`),
      themeText: t(`ideas.themes.${idea.theme}`),
      posted: request.query?.posted === '1' && idea.viewer.isAuthor ? idea.moderationStatus : null,
      notice: doneNotice(t, done),
      when: formatDate(idea.createdAt, request.lang),
      comments: comments.map((cm) => commentView(request, cm)),
      csrfToken: request.session ? reply.generateCsrf() : '',
      errors,
      fieldErrors: errorsByField(errors),
      values: state.values ?? {},
      maxComment: MAX_COMMENT,
      ideasUrl: `/${place.slug}/ideas`,
      rulesUrl: `/${place.slug}/ideas/house-rules`,
      signInUrl: `/account/sign-in?return=${encodeURIComponent(idea.url)}`,
      challengeUrl: idea.challenge ? `/${place.slug}/help/challenges/${idea.challenge.id}` : null,
      callUrl: idea.call ? `/${place.slug}/ideas/calls/${idea.call.id}` : null,
      groupUrl: idea.postedBy.kind === 'group' ? `/${place.slug}/groups/${idea.postedBy.slug}` : null,
      reportBase: `/${place.slug}/report?item=`,
    });
  }

  app.get<IdeaParams & { Querystring: { posted?: string; done?: string } }>(
    '/ideas/:idea',
    PUBLIC,
    (request, reply) => ideaPage(request, reply),
  );

  app.get<IdeaParams>('/api/ideas/:idea', PUBLIC, async (request, reply) => {
    const idea = await getIdea(ctx(request), request.params.idea);
    return sendOpenJson(reply, ideaJson(idea, siteUrl(request)));
  });

  app.get<IdeaParams & { Params: { image: string } }>(
    '/ideas/:idea/photos/:image',
    PUBLIC,
    async (request, reply) => {
      const photo = await ideaPhoto(ctx(request), app.files, request.params.idea, request.params.image);
      return reply
        .header('content-type', 'image/webp')
        .header('cache-control', photo.published ? 'public, max-age=86400' : 'private, no-store')
        .header('content-disposition', 'inline')
        .header('x-content-type-options', 'nosniff')
        .send(photo.bytes);
    },
  );

  // --- Support and follow -----------------------------------------------------------------------

  const toggles = [
    ['support', supportIdea, 'supported'],
    ['support/withdraw', withdrawSupport, 'withdrawn'],
    ['follow', followIdea, 'followed'],
    ['unfollow', unfollowIdea, 'unfollowed'],
  ] as const;
  for (const [path, action, done] of toggles)
    app.post<IdeaParams>(`/ideas/:idea/${path}`, { ...SIGNED_IN, ...csrf }, async (request, reply) => {
      await action(ctx(request), request.params.idea);
      return reply.redirect(`${ideaPath(requirePlace(request).slug, request.params.idea)}?done=${done}`, 303);
    });

  // --- Comments ---------------------------------------------------------------------------------

  async function replyPage(
    request: FastifyRequest<IdeaParams & { Params: { ideaComment: string } }>,
    reply: FastifyReply,
    state: FormState = {},
  ) {
    const c = ctx(request);
    const idea = await getIdea(c, request.params.idea);
    const parent = await commentToReplyTo(c, idea.id, request.params.ideaComment);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    return reply.page(`${V}/reply.njk`, {
      pageTitle: request.t(`${M}.reply.title`),
      idea,
      parent: { ...parent, when: formatDateTime(parent.createdAt, request.lang) },
      action: `${idea.url}/comments`,
      back: `${idea.url}#comment-${parent.id}`,
      rulesUrl: `/${requirePlace(request).slug}/ideas/house-rules`,
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      values: state.values ?? {},
      maxComment: MAX_COMMENT,
    });
  }

  app.get<IdeaParams & { Params: { ideaComment: string } }>(
    '/ideas/:idea/comments/:ideaComment/reply',
    SIGNED_IN,
    (request, reply) => replyPage(request, reply),
  );

  app.post<IdeaParams>('/ideas/:idea/comments', { ...SIGNED_IN, ...csrf }, async (request, reply) => {
    const values = flatStrings(request.body);
    const place = requirePlace(request);
    let added: Awaited<ReturnType<typeof addComment>>;
    try {
      added = await addComment(ctx(request), request.params.idea, values, {
        ip: request.ip,
        honeypot: values.website_url,
      });
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      const errors = formErrorsFrom(error, request.t);
      if (values.parentId)
        return replyPage(
          Object.assign(request, {
            params: { idea: request.params.idea, ideaComment: values.parentId },
          }) as FastifyRequest<IdeaParams & { Params: { ideaComment: string } }>,
          reply,
          { values, errors },
        );
      return ideaPage(request as FastifyRequest<IdeaParams & { Querystring: object }>, reply, {
        values,
        errors,
      });
    }
    const url = ideaPath(place.slug, request.params.idea);
    if (!added) return reply.redirect(url, 303);
    const done = added.status === 'published' ? 'comment' : 'comment-pending';
    return reply.redirect(`${url}?done=${done}#comment-${added.id}`, 303);
  });
}
