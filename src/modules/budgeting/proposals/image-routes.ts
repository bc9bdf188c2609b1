import type { FastifyInstance, FastifyRequest } from 'fastify';
import { needs, PUBLIC } from '../../../platform/http/access.js';
import { conflictBack } from '../../../platform/http/conflict-page.js';
import { Invalid } from '../../../platform/http/errors.js';
import { acceptFileUploads, fileIn, formFields } from '../../../platform/http/file-uploads.js';
import { errorsByField, type FormError, formErrorsFrom } from '../../../platform/http/forms.js';
import { serviceContext } from '../../../platform/http/request-context.js';
import { getProcess } from '../processes/process-service.js';
import {
  MAX_IMAGE_BYTES,
  proposalImageFile,
  removeProposalImage,
  setProposalImage,
} from './proposal-image.js';
import { getProposal, PROPOSE, proposalPath } from './proposal-service.js';

type NumberParams = { Params: { process: string; proposal: string } };
type FileParams = { Params: { process: string; proposal: string; image: string } };

/** A proposal's one image: the page to add, change or remove it, and the files themselves. */
export async function imageRoutes(app: FastifyInstance) {
  // Uploads are accepted on these routes only: one file, read into memory up to the size limit.
  await acceptFileUploads(app, { maxBytes: MAX_IMAGE_BYTES, fields: 5 });
  const csrf = { preHandler: app.csrfProtection };
  // Officers hold budgeting.propose too (as residents); the service checks author or officer.
  const access = needs(PROPOSE);
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);

  async function imagePage(
    request: FastifyRequest<NumberParams>,
    reply: import('fastify').FastifyReply,
    state: { errors?: FormError[]; altText?: string } = {},
  ) {
    const c = ctx(request);
    const process = await getProcess(c, request.params.process);
    const p = await getProposal(c, process.slug, request.params.proposal);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const url = proposalPath(c.place.slug, process.slug, p.number);
    return reply.page('budgeting/proposals/views/image.njk', {
      pageTitle: request.t('budgeting.proposals.image.title', { number: p.number }),
      p,
      action: `${url}/image`,
      back: url,
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      altText: state.altText ?? p.image?.alt ?? '',
      maxMegabytes: MAX_IMAGE_BYTES / (1024 * 1024),
    });
  }

  /** A change the proposal's state no longer allows leads back to the proposal. */
  const backToProposal = (request: FastifyRequest<NumberParams>) =>
    conflictBack(
      request,
      proposalPath(ctx(request).place.slug, request.params.process, Number(request.params.proposal)),
      'budgeting.proposals.proposal.back',
    );

  app.get<NumberParams>('/budgets/:process/proposals/:proposal/image', access, (request, reply) =>
    imagePage(request, reply),
  );

  app.post<NumberParams>(
    '/budgets/:process/proposals/:proposal/image',
    { ...access, ...csrf },
    async (request, reply) => {
      const fields = formFields(request.body);
      const c = ctx(request);
      backToProposal(request);
      try {
        await setProposalImage(
          c,
          app.files,
          request.params.process,
          request.params.proposal,
          fileIn(fields, 'file'),
          {
            altText: fields.altText,
          },
        );
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        return imagePage(request, reply, {
          errors: formErrorsFrom(error, request.t),
          altText: typeof fields.altText === 'string' ? fields.altText : '',
        });
      }
      const url = proposalPath(c.place.slug, request.params.process, Number(request.params.proposal));
      return reply.redirect(`${url}?done=image`, 303);
    },
  );

  app.post<NumberParams>(
    '/budgets/:process/proposals/:proposal/image/remove',
    { ...access, ...csrf },
    async (request, reply) => {
      const c = ctx(request);
      backToProposal(request);
      await removeProposalImage(c, app.files, request.params.process, request.params.proposal);
      const url = proposalPath(c.place.slug, request.params.process, Number(request.params.proposal));
      return reply.redirect(`${url}?done=image-removed`, 303);
    },
  );

  // The files: `<id>.webp` (at most 1600 pixels) and `<id>-thumb.webp` (480). A new image gets a
  // new id, so an address always means the same picture; a day's caching is enough.
  app.get<FileParams>(
    '/budgets/:process/proposals/:proposal/image/:image',
    PUBLIC,
    async (request, reply) => {
      const bytes = await proposalImageFile(
        ctx(request),
        app.files,
        request.params.process,
        request.params.proposal,
        request.params.image,
      );
      return reply
        .header('content-type', 'image/webp')
        .header('cache-control', 'public, max-age=86400')
        .header('content-disposition', 'inline')
        .send(bytes);
    },
  );
}
