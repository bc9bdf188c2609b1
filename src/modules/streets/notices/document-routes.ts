import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { asciiFileName } from '../../../lib/file-kind/file-kind.js';
import { needs, SIGNED_IN } from '../../../platform/http/access.js';
import { Conflict, Invalid, NotFound } from '../../../platform/http/errors.js';
import { acceptFileUploads, formFields } from '../../../platform/http/file-uploads.js';
import { errorsByField, type FormError } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { siteOf } from '../../../platform/module-definition.js';
import { getNoticeType, type NoticeType } from '../types/type-service.js';
import {
  type DocumentUpload,
  documentField,
  documentFile,
  listDocuments,
  MAX_DOCUMENT_BYTES,
  provideDocuments,
  removeDocument,
} from './document-service.js';
import { journeySteps } from './notice-input.js';
import { changeable, documentText, isOrganiserOf } from './notice-routes.js';
import { getNotice, NOTIFY } from './notice-service.js';

const V = 'streets/notices/views';
const J = 'streets.journey';

type NoticeParams = { Params: { notice: string } };
type DocumentParams = { Params: { notice: string; document: string } };
type FormState = { errors?: FormError[]; status?: number; removed?: boolean };

/** The most documents a type can ask for (the type builder's limit), so the most files a form sends. */
const MAX_FILES = 10;

/** A header parameter's value per RFC 5987: percent-encoded UTF-8, quotes and brackets too. */
const rfc5987 = (s: string) =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The files the form sent, by document id: each `document-<id>` field the parser turned into an upload. */
function uploadsIn(body: unknown, type: NoticeType): Record<string, DocumentUpload> {
  const fields = formFields(body);
  const uploads: Record<string, DocumentUpload> = {};
  for (const doc of type.documents) {
    const value = fields[documentField(doc.id)];
    if (value && typeof value === 'object' && 'tooLarge' in value) uploads[doc.id] = value as DocumentUpload;
  }
  return uploads;
}

/**
 * The documents step of the journey (one file input per document the type asks for, each with
 * its name and hint), removing a document, and downloading one. Files are private: only the
 * notification's organiser and officers can download them, and nothing serves them otherwise.
 */
export async function documentRoutes(app: FastifyInstance) {
  // Uploads are accepted on these routes only, each file read into memory up to the limit. A
  // larger file is cut off and marked, so the page can say so rather than fail.
  await acceptFileUploads(app, { maxBytes: MAX_DOCUMENT_BYTES, files: MAX_FILES, fields: 5 });
  const csrf = { preHandler: app.csrfProtection };
  const site = siteOf(app.config);
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const noticeUrl = (request: FastifyRequest, id: string) =>
    `/${requirePlace(request).slug}/streets/notices/${id}`;
  const fromCheck = (request: FastifyRequest) =>
    (request.query as Record<string, unknown>).return === 'check';

  /** The organiser's own notification; anyone else is told it is not there. */
  async function own(request: FastifyRequest<NoticeParams>) {
    const c = ctx(request);
    const n = await getNotice(c, request.params.notice);
    if (!isOrganiserOf(c, n)) throw new NotFound();
    const type = await getNoticeType(c, n.typeSlug);
    return { c, n, type };
  }

  async function documentsPage(
    request: FastifyRequest<NoticeParams>,
    reply: FastifyReply,
    state: FormState = {},
  ) {
    const { c, n, type } = await own(request);
    const t = request.t;
    const url = noticeUrl(request, n.id);
    if (!changeable(n)) return reply.redirect(url, 303);
    const steps = journeySteps(type);
    // A type that asks for no documents has no such step: on to the next one.
    if (!steps.includes('documents')) return reply.redirect(`${url}/contact`, 303);
    const previous = steps[steps.indexOf('documents') - 1];
    const check = fromCheck(request);
    const backHref = n.status !== 'draft' ? url : check ? `${url}/check` : `${url}/${previous}`;
    const provided = await listDocuments(c, n.id);
    const errors = state.errors ?? [];
    const returnQuery = check ? '?return=check' : '';
    reply.code(state.status ?? (errors.length ? 422 : 200));
    return reply.page(`${V}/step-documents.njk`, {
      pageTitle: t(`${J}.documents.title`),
      notice: n,
      type,
      action: `${url}/documents${returnQuery}`,
      backHref,
      submitText: t(n.status === 'draft' ? `${J}.continue` : `${J}.saveChanges`),
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      maxMegabytes: MAX_DOCUMENT_BYTES / (1024 * 1024),
      removed: state.removed ?? false,
      documents: type.documents.map((doc) => {
        const d = provided.find((p) => p.documentId === doc.id);
        return {
          ...doc,
          field: documentField(doc.id),
          provided: d ? documentText(t, request.lang, d) : null,
          downloadHref: d ? `${url}/documents/${encodeURIComponent(doc.id)}` : null,
          removeAction: `${url}/documents/${encodeURIComponent(doc.id)}/remove${returnQuery}`,
        };
      }),
    });
  }

  /** Errors from the service, with each document's name put into its message. */
  function errorsFor(request: FastifyRequest, type: NoticeType, errors: Record<string, string>): FormError[] {
    const byField = new Map(type.documents.map((d) => [documentField(d.id), d]));
    const lowerFirst = (s: string) => (/^[A-Z][a-z]/.test(s) ? s[0]?.toLowerCase() + s.slice(1) : s);
    // In the order of the page, so the summary reads top to bottom.
    return type.documents
      .map((d) => documentField(d.id))
      .filter((field) => errors[field])
      .map((field) => ({
        field,
        text: request.t(errors[field] as string, { name: lowerFirst(byField.get(field)?.name ?? '') }),
        href: `#${field}`,
      }));
  }

  app.get<NoticeParams>('/streets/notices/:notice/documents', needs(NOTIFY), (request, reply) =>
    documentsPage(request, reply, { removed: (request.query as Record<string, unknown>).done === 'removed' }),
  );

  app.post<NoticeParams>(
    '/streets/notices/:notice/documents',
    { ...needs(NOTIFY), ...csrf },
    async (request, reply) => {
      const { c, n, type } = await own(request);
      const uploads = uploadsIn(request.body, type);
      let result: { errors: Record<string, string> };
      try {
        result = await provideDocuments(c, site, app.files, n.id, uploads);
      } catch (error) {
        if (error instanceof Conflict)
          return documentsPage(request, reply, {
            status: 409,
            errors: [{ field: 'form', text: request.t(error.message), href: '#main-content' }],
          });
        throw error;
      }
      if (Object.keys(result.errors).length)
        return documentsPage(request, reply, { errors: errorsFor(request, type, result.errors) });
      const url = noticeUrl(request, n.id);
      if (n.status !== 'draft')
        return reply.redirect(Object.keys(uploads).length ? `${url}?done=amended` : url, 303);
      const steps = journeySteps(type);
      const next = steps[steps.indexOf('documents') + 1];
      return reply.redirect(fromCheck(request) || !next ? `${url}/check` : `${url}/${next}`, 303);
    },
  );

  // The Remove buttons sit inside the upload form (forms cannot nest) and send it here instead,
  // so this route is multipart too; any files chosen at the same time are not kept.
  app.post<DocumentParams>(
    '/streets/notices/:notice/documents/:document/remove',
    { ...needs(NOTIFY), ...csrf },
    async (request, reply) => {
      const { c, n, type } = await own(request);
      try {
        await removeDocument(c, site, app.files, n.id, request.params.document);
      } catch (error) {
        if (error instanceof Invalid)
          return documentsPage(request, reply, { errors: errorsFor(request, type, error.fieldErrors) });
        if (error instanceof Conflict)
          return documentsPage(request, reply, {
            status: 409,
            errors: [{ field: 'form', text: request.t(error.message), href: '#main-content' }],
          });
        throw error;
      }
      const url = noticeUrl(request, n.id);
      if (n.status !== 'draft') return reply.redirect(`${url}?done=amended`, 303);
      return reply.redirect(`${url}/documents?done=removed${fromCheck(request) ? '&return=check' : ''}`, 303);
    },
  );

  // The file, to the organiser and officers only (the service says 404 to anyone else). It is
  // always a download, never shown in the page's own origin, and never cached by anything shared.
  app.get<DocumentParams>(
    '/streets/notices/:notice/documents/:document',
    SIGNED_IN,
    async (request, reply) => {
      const file = await documentFile(
        ctx(request),
        app.files,
        request.params.notice,
        request.params.document,
      );
      return reply
        .header('content-type', file.contentType)
        .header(
          'content-disposition',
          `attachment; filename="${asciiFileName(file.fileName)}"; filename*=UTF-8''${rfc5987(file.fileName)}`,
        )
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(file.bytes);
    },
  );
}
