import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { needs, PUBLIC } from '../../../platform/http/access.js';
import { conflictBack } from '../../../platform/http/conflict-page.js';
import { Conflict, Invalid } from '../../../platform/http/errors.js';
import { acceptFileUploads, fileIn } from '../../../platform/http/file-uploads.js';
import { errorsByField, type FormError, formErrorsFrom } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { formatDateTime } from '../../../platform/i18n/i18n.js';
import { CONTRIBUTE, FACILITATE, MAX_KEEP, MAX_MATTERED } from './neighbourhood-input.js';
import { canFacilitate, getNeighbourhood, listThemes, neighbourhoodPath } from './neighbourhood-service.js';
import {
  addStory,
  getStory,
  hiddenStories,
  hideStory,
  MAX_AUDIO_BYTES,
  MAX_PHOTO_BYTES,
  pendingStories,
  publishStory,
  type Story,
  setStoryThemes,
  storyFile,
  themeSlugs,
} from './story-service.js';
import { flatStrings, shownAs } from './story-view.js';

type WardParams = { Params: { ward: string } };
type StoryParams = { Params: { ward: string; story: string } };
type FormState = { values?: Record<string, string>; errors?: FormError[] };

const V = 'assemblies/neighbourhood/views';
const M = 'assemblies.neighbourhood';
const MB = 1024 * 1024;

/** Stories: the form to add one (with a photo or a recording), each story's page and files, moderation. */
export async function storyRoutes(app: FastifyInstance) {
  // Uploads are accepted on these routes only: a photo and a recording, read into memory up to
  // the larger limit (the photo's own limit is checked by the service).
  await acceptFileUploads(app, { maxBytes: MAX_AUDIO_BYTES, files: 2 });
  const csrf = { preHandler: app.csrfProtection };
  const facilitate = needs(FACILITATE);
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const wardUrl = (request: FastifyRequest, ward: string) =>
    neighbourhoodPath(requirePlace(request).slug, ward);
  const when = (request: FastifyRequest, d: Date) => formatDateTime(d, request.lang);

  /** A story refused because the assembly has closed leads back to the assembly's page. */
  const backToAssembly = (request: FastifyRequest, url: string) =>
    conflictBack(request, url, `${M}.story.back`);

  // --- Adding a story -------------------------------------------------------------------------

  async function storyForm(request: FastifyRequest<WardParams>, reply: FastifyReply, state: FormState = {}) {
    const t = request.t;
    const assembly = await getNeighbourhood(ctx(request), request.params.ward);
    const url = wardUrl(request, assembly.ward.slug);
    backToAssembly(request, url);
    if (assembly.status !== 'open') throw new Conflict(`${M}.errors.closed`);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const values = state.values ?? { showAs: '' };
    return reply.page(`${V}/story-form.njk`, {
      pageTitle: t(`${M}.storyForm.title`),
      assembly,
      action: `${url}/stories`,
      back: url,
      rulesUrl: `/${requirePlace(request).slug}/rules`,
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      values,
      maxMattered: MAX_MATTERED,
      maxKeep: MAX_KEEP,
      photoMegabytes: MAX_PHOTO_BYTES / MB,
      audioMegabytes: MAX_AUDIO_BYTES / MB,
      anonymousAs: t(`${M}.story.anonymous`, { ward: assembly.ward.name }),
    });
  }

  app.get<WardParams>('/assemblies/neighbourhood/:ward/stories/new', needs(CONTRIBUTE), (request, reply) =>
    storyForm(request, reply),
  );

  app.post<WardParams>(
    '/assemblies/neighbourhood/:ward/stories',
    { ...needs(CONTRIBUTE), ...csrf },
    async (request, reply) => {
      const values = flatStrings(request.body);
      const url = wardUrl(request, request.params.ward);
      backToAssembly(request, url);
      let id: string;
      try {
        id = await addStory(ctx(request), app.files, request.params.ward, values, {
          photo: fileIn(request.body, 'photo'),
          audio: fileIn(request.body, 'audio'),
        });
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        return storyForm(request, reply, { values, errors: formErrorsFrom(error, request.t) });
      }
      return reply.redirect(`${url}/stories/${id}?done=sent`, 303);
    },
  );

  // --- A story's page and its files ------------------------------------------------------------

  app.get<StoryParams & { Querystring: { done?: string } }>(
    '/assemblies/neighbourhood/:ward/stories/:story',
    PUBLIC,
    async (request, reply) => {
      const c = ctx(request);
      const t = request.t;
      const { assembly, story } = await getStory(c, request.params.ward, request.params.story);
      const facilitator = canFacilitate(c);
      const themes = facilitator ? await listThemes(c, assembly) : [];
      const url = wardUrl(request, assembly.ward.slug);
      const done = request.query.done;
      return reply.page(`${V}/story.njk`, {
        pageTitle: story.displayName
          ? t(`${M}.story.title`, { name: story.displayName })
          : t(`${M}.story.titleAnonymous`, { ward: assembly.ward.name }),
        assembly,
        story: {
          ...story,
          shownAs: shownAs(request, story, assembly.ward.name),
          when: when(request, story.createdAt),
        },
        url,
        storyUrl: `${url}/stories/${story.id}`,
        notice:
          done && ['sent', 'themes'].includes(done)
            ? t(`${M}.done.${done === 'sent' ? 'story' : 'themes'}`)
            : null,
        facilitator,
        csrfToken: facilitator ? reply.generateCsrf() : '',
        themeItems: themes.map((th) => ({
          value: th.slug,
          text: th.name,
          checked: story.themes.some((s) => s.slug === th.slug),
        })),
      });
    },
  );

  const file =
    (which: 'photo' | 'thumbnail' | 'audio') =>
    async (request: FastifyRequest<StoryParams>, reply: FastifyReply) => {
      const f = await storyFile(ctx(request), app.files, request.params.ward, request.params.story, which);
      return reply
        .header('content-type', f.contentType)
        .header('cache-control', f.published ? 'public, max-age=300' : 'private, no-store')
        .header('content-disposition', 'inline')
        .header('x-content-type-options', 'nosniff')
        .send(f.bytes);
    };
  app.get<StoryParams>('/assemblies/neighbourhood/:ward/stories/:story/photo', PUBLIC, file('photo'));
  app.get<StoryParams>('/assemblies/neighbourhood/:ward/stories/:story/thumbnail', PUBLIC, file('thumbnail'));
  app.get<StoryParams>('/assemblies/neighbourhood/:ward/stories/:story/audio', PUBLIC, file('audio'));

  // --- Moderation -----------------------------------------------------------------------------

  app.get<WardParams & { Querystring: { done?: string } }>(
    '/assemblies/neighbourhood/:ward/moderate',
    facilitate,
    async (request, reply) => {
      const c = ctx(request);
      const t = request.t;
      const assembly = await getNeighbourhood(c, request.params.ward);
      const [pending, hidden, themes] = await Promise.all([
        pendingStories(c, assembly),
        hiddenStories(c, assembly),
        listThemes(c, assembly),
      ]);
      const url = wardUrl(request, assembly.ward.slug);
      const done = request.query.done;
      const view = (s: Story) => ({
        ...s,
        shownAs: shownAs(request, s, assembly.ward.name),
        when: when(request, s.createdAt),
        url: `${url}/stories/${s.id}`,
        themeItems: themes.map((th) => ({ value: th.slug, text: th.name })),
      });
      return reply.page(`${V}/moderate.njk`, {
        pageTitle: t(`${M}.moderate.title`, { ward: assembly.ward.name }),
        assembly,
        url,
        rulesUrl: `/${requirePlace(request).slug}/rules`,
        notice: done && ['published', 'hidden'].includes(done) ? t(`${M}.done.${done}`) : null,
        csrfToken: reply.generateCsrf(),
        pending: pending.map(view),
        hidden: hidden.map(view),
      });
    },
  );

  app.post<StoryParams>(
    '/assemblies/neighbourhood/:ward/stories/:story/publish',
    { ...facilitate, ...csrf },
    async (request, reply) => {
      const body = request.body as Record<string, unknown> | undefined;
      await publishStory(ctx(request), request.params.ward, request.params.story, themeSlugs(body?.themes));
      return reply.redirect(`${wardUrl(request, request.params.ward)}/moderate?done=published`, 303);
    },
  );

  app.post<StoryParams>(
    '/assemblies/neighbourhood/:ward/stories/:story/themes',
    { ...facilitate, ...csrf },
    async (request, reply) => {
      const body = request.body as Record<string, unknown> | undefined;
      await setStoryThemes(ctx(request), request.params.ward, request.params.story, themeSlugs(body?.themes));
      return reply.redirect(
        `${wardUrl(request, request.params.ward)}/stories/${request.params.story}?done=themes`,
        303,
      );
    },
  );

  async function hidePage(request: FastifyRequest<StoryParams>, reply: FastifyReply, state: FormState = {}) {
    const c = ctx(request);
    const { assembly, story } = await getStory(c, request.params.ward, request.params.story);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const url = wardUrl(request, assembly.ward.slug);
    return reply.page(`${V}/hide.njk`, {
      pageTitle: request.t(`${M}.hide.title`),
      assembly,
      story: { ...story, shownAs: shownAs(request, story, assembly.ward.name) },
      action: `${url}/stories/${story.id}/hide`,
      back: `${url}/moderate`,
      rulesUrl: `/${requirePlace(request).slug}/rules`,
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      values: state.values ?? { reason: story.hiddenReason ?? '' },
    });
  }

  app.get<StoryParams>('/assemblies/neighbourhood/:ward/stories/:story/hide', facilitate, (request, reply) =>
    hidePage(request, reply),
  );

  app.post<StoryParams>(
    '/assemblies/neighbourhood/:ward/stories/:story/hide',
    { ...facilitate, ...csrf },
    async (request, reply) => {
      const values = flatStrings(request.body);
      try {
        await hideStory(ctx(request), request.params.ward, request.params.story, values);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        return hidePage(request, reply, { values, errors: formErrorsFrom(error, request.t) });
      }
      return reply.redirect(`${wardUrl(request, request.params.ward)}/moderate?done=hidden`, 303);
    },
  );
}
