import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { needs, PUBLIC } from '../../../platform/http/access.js';
import { Invalid } from '../../../platform/http/errors.js';
import { acceptFileUploads, fileIn, formFields } from '../../../platform/http/file-uploads.js';
import { errorsByField, type FormError, formErrorsFrom } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { getSpace } from '../spaces/space-service.js';
import { MAX_ALT_TEXT, MAX_PHOTO_BYTES, MAX_PHOTOS } from './photo-input.js';
import { addPhoto, changeAltText, listPhotos, movePhoto, photoFile, removePhoto } from './photo-service.js';

type SpaceParams = { Params: { space: string } };
type PhotoParams = { Params: { space: string; photo: string } };
type Notice = 'added' | 'altSaved' | 'moved' | 'removed';
const NOTICES: readonly string[] = ['added', 'altSaved', 'moved', 'removed'];

/** Photos of a space: the officers' page to add, describe, order and remove them, and the files. */
export async function photoRoutes(app: FastifyInstance) {
  // Uploads are accepted on these routes only: one file, read into memory up to the size limit.
  // A larger file is cut off and marked, so the form can say so rather than fail.
  await acceptFileUploads(app, { maxBytes: MAX_PHOTO_BYTES, fields: 5 });
  const csrf = { preHandler: app.csrfProtection };
  const manage = needs('spaces.manage');
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const pageUrl = (request: FastifyRequest, slug: string) =>
    `/${requirePlace(request).slug}/spaces/${slug}/photos`;

  async function photosPage(
    request: FastifyRequest<SpaceParams>,
    reply: FastifyReply,
    state: {
      errors?: FormError[];
      altText?: string;
      /** An alt-text form sent back with its problem: which photo, and what was typed. */
      editing?: { id: string; altText: string };
      notice?: Notice | null;
    } = {},
  ) {
    const t = request.t;
    const c = ctx(request);
    const space = await getSpace(c, request.params.space);
    const photos = await listPhotos(c, space);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    return reply.page('spaces/photos/views/photos.njk', {
      pageTitle: t('spaces.photos.title', { space: space.name }),
      space,
      photos: photos.map((p) => ({
        ...p,
        altValue: state.editing?.id === p.id ? state.editing.altText : p.altText,
      })),
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      altText: state.altText ?? '',
      notice: state.notice ? t(`spaces.photos.${state.notice}`) : null,
      full: photos.length >= MAX_PHOTOS,
      max: MAX_PHOTOS,
      maxMegabytes: MAX_PHOTO_BYTES / (1024 * 1024),
      maxAltText: MAX_ALT_TEXT,
    });
  }

  app.get<SpaceParams & { Querystring: { done?: string } }>(
    '/spaces/:space/photos',
    manage,
    async (request, reply) => {
      const done = request.query.done;
      return photosPage(request, reply, {
        notice: typeof done === 'string' && NOTICES.includes(done) ? (done as Notice) : null,
      });
    },
  );

  app.post<SpaceParams>('/spaces/:space/photos', { ...manage, ...csrf }, async (request, reply) => {
    const fields = formFields(request.body);
    try {
      await addPhoto(ctx(request), app.files, request.params.space, fileIn(fields, 'file'), {
        altText: fields.altText,
      });
      return reply.redirect(`${pageUrl(request, request.params.space)}?done=added`, 303);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return photosPage(request, reply, {
        errors: formErrorsFrom(error, request.t),
        altText: typeof fields.altText === 'string' ? fields.altText : '',
      });
    }
  });

  app.post<PhotoParams>(
    '/spaces/:space/photos/:photo/alt-text',
    { ...manage, ...csrf },
    async (request, reply) => {
      const altText = formFields(request.body).altText;
      try {
        await changeAltText(ctx(request), request.params.space, request.params.photo, { altText });
        return reply.redirect(`${pageUrl(request, request.params.space)}?done=altSaved`, 303);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        // Each photo has its own alt-text field; the message goes beside the one that was sent.
        const field = `alt-${request.params.photo}`;
        const errors = formErrorsFrom(error, request.t).map((e) => ({ ...e, field, href: `#${field}` }));
        return photosPage(request, reply, {
          errors,
          editing: { id: request.params.photo, altText: typeof altText === 'string' ? altText : '' },
        });
      }
    },
  );

  app.post<PhotoParams>(
    '/spaces/:space/photos/:photo/move',
    { ...manage, ...csrf },
    async (request, reply) => {
      await movePhoto(ctx(request), request.params.space, request.params.photo, {
        direction: formFields(request.body).direction,
      });
      return reply.redirect(
        `${pageUrl(request, request.params.space)}?done=moved#photo-${request.params.photo}`,
        303,
      );
    },
  );

  app.post<PhotoParams>(
    '/spaces/:space/photos/:photo/remove',
    { ...manage, ...csrf },
    async (request, reply) => {
      await removePhoto(ctx(request), app.files, request.params.space, request.params.photo);
      return reply.redirect(`${pageUrl(request, request.params.space)}?done=removed`, 303);
    },
  );

  // The files themselves: `<id>.webp` (at most 1600 pixels) and `<id>-thumb.webp` (480). A photo's
  // file never changes (a new photo gets a new id), but one that is removed should not linger
  // in caches for long, so a day.
  app.get<PhotoParams>('/spaces/:space/photos/:photo', PUBLIC, async (request, reply) => {
    const bytes = await photoFile(ctx(request), app.files, request.params.space, request.params.photo);
    return reply
      .header('content-type', 'image/webp')
      .header('cache-control', 'public, max-age=86400')
      .header('content-disposition', 'inline')
      .send(bytes);
  });
}
