import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { asciiFileName, fileSizeText } from '../../../lib/file-kind/file-kind.js';
import { needs, PUBLIC } from '../../../platform/http/access.js';
import { Invalid } from '../../../platform/http/errors.js';
import { acceptFileUploads, fileIn, formFields } from '../../../platform/http/file-uploads.js';
import { errorsByField, type FormError, formErrorsFrom } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { MANAGE } from '../setup/assembly-service.js';
import {
  addDocument,
  documentFile,
  MAX_DOCUMENT_BYTES,
  removeDocument,
  sessionForOfficer,
} from './evidence-service.js';

const V = 'assemblies/deliberation/views';
const M = 'assemblies.deliberation';

type SessionParams = { Params: { assembly: string; assemblySession: string } };
type DocumentParams = { Params: { assembly: string; assemblySession: string; sessionDocument: string } };

/** A header parameter's value per RFC 5987: percent-encoded UTF-8, quotes and brackets too. */
const rfc5987 = (s: string) =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A session's documents: the officers' upload form, and the public download. */
export async function documentRoutes(app: FastifyInstance) {
  // Uploads are accepted on these routes only: one file, read into memory up to the size limit.
  // A larger file is cut off and marked, so the page can say so rather than fail.
  await acceptFileUploads(app, { maxBytes: MAX_DOCUMENT_BYTES, fields: 5 });
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const base = (request: FastifyRequest, slug: string) => `/${requirePlace(request).slug}/assemblies/${slug}`;

  async function documentPage(
    request: FastifyRequest<SessionParams>,
    reply: FastifyReply,
    state: { errors?: FormError[]; title?: string } = {},
  ) {
    const e = await sessionForOfficer(ctx(request), request.params.assembly, request.params.assemblySession);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const b = `${base(request, e.assembly.slug)}/sessions/${e.session.position}`;
    return reply.page(`${V}/document-form.njk`, {
      pageTitle: request.t(`${M}.documentForm.title`),
      e,
      title: state.title ?? '',
      errors,
      fieldErrors: errorsByField(errors),
      maxSize: fileSizeText(MAX_DOCUMENT_BYTES),
      action: `${b}/documents/new`,
      back: b,
      csrfToken: reply.generateCsrf(),
    });
  }

  app.get<SessionParams>(
    '/assemblies/:assembly/sessions/:assemblySession/documents/new',
    needs(MANAGE),
    (request, reply) => documentPage(request, reply),
  );

  app.post<SessionParams>(
    '/assemblies/:assembly/sessions/:assemblySession/documents/new',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      const fields = formFields(request.body);
      const title = typeof fields.title === 'string' ? fields.title : '';
      try {
        await addDocument(
          ctx(request),
          app.files,
          request.params.assembly,
          request.params.assemblySession,
          { title },
          fileIn(fields, 'file'),
        );
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        return documentPage(request, reply, { errors: formErrorsFrom(error, request.t), title });
      }
      return reply.redirect(
        `${base(request, request.params.assembly)}/sessions/${request.params.assemblySession}?done=document#documents`,
        303,
      );
    },
  );

  app.post<DocumentParams>(
    '/assemblies/:assembly/sessions/:assemblySession/documents/:sessionDocument/remove',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      await removeDocument(
        ctx(request),
        app.files,
        request.params.assembly,
        request.params.assemblySession,
        request.params.sessionDocument,
      );
      return reply.redirect(
        `${base(request, request.params.assembly)}/sessions/${request.params.assemblySession}?done=document-removed#documents`,
        303,
      );
    },
  );

  // Evidence is public. The file is always a download, never shown in the site's own origin.
  app.get<DocumentParams>(
    '/assemblies/:assembly/sessions/:assemblySession/documents/:sessionDocument',
    PUBLIC,
    async (request, reply) => {
      const file = await documentFile(
        ctx(request),
        app.files,
        request.params.assembly,
        request.params.assemblySession,
        request.params.sessionDocument,
      );
      return reply
        .header('content-type', 'application/pdf')
        .header(
          'content-disposition',
          `attachment; filename="${asciiFileName(file.fileName)}"; filename*=UTF-8''${rfc5987(file.fileName)}`,
        )
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'public, max-age=3600')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(file.bytes);
    },
  );
}
