import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { needs } from '../../platform/http/access.js';
import { Invalid } from '../../platform/http/errors.js';
import { acceptFileUploads, fileIn, textOf } from '../../platform/http/file-uploads.js';
import { errorsByField, type FormError, formErrorsFrom } from '../../platform/http/forms.js';
import { serviceContext } from '../../platform/http/request-context.js';
import {
  CSV_COLUMNS,
  confirmFiguresImport,
  getStagedImport,
  MAX_IMPORT_BYTES,
  stageFiguresImport,
} from './figure-import.js';
import { listStandards, MANAGE } from './standards-service.js';

type ImportParams = { Params: { standardsImport: string } };

const V = 'standards/views';
const P = 'standards.import';

/** An officer imports monthly figures from a CSV: upload, a preview with every problem, then confirm. */
export async function standardsImportRoutes(app: FastifyInstance) {
  await acceptFileUploads(app, { maxBytes: MAX_IMPORT_BYTES });
  const csrf = { preHandler: app.csrfProtection };
  const access = needs(MANAGE);
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);

  const uploadPage = async (request: FastifyRequest, reply: FastifyReply, errors: FormError[] = []) => {
    if (errors.length) reply.code(422);
    const standards = await listStandards(ctx(request));
    return reply.page(`${V}/import.njk`, {
      pageTitle: request.t(`${P}.title`),
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      columns: CSV_COLUMNS,
      standards,
    });
  };

  app.get('/standards/import', access, async (request, reply) => uploadPage(request, reply));

  app.post('/standards/import', { ...access, ...csrf }, async (request, reply) => {
    const upload = fileIn(request.body, 'file');
    try {
      if (upload.tooLarge) throw new Invalid({ file: `${P}.errors.tooBig` });
      if (!textOf(upload).trim()) throw new Invalid({ file: `${P}.errors.noFile` });
      const id = await stageFiguresImport(ctx(request), upload.fileName, textOf(upload));
      return reply.redirect(`/${ctx(request).place.slug}/standards/import/${id}`, 303);
    } catch (error) {
      if (error instanceof Invalid) return uploadPage(request, reply, formErrorsFrom(error, request.t));
      throw error;
    }
  });

  const previewPage = async (
    request: FastifyRequest<ImportParams>,
    reply: FastifyReply,
    errors: FormError[] = [],
  ) => {
    const staged = await getStagedImport(ctx(request), request.params.standardsImport);
    const t = request.t;
    const withProblems = staged.rows.filter((r) => r.problems.length);
    if (errors.length) reply.code(422);
    return reply.page(`${V}/import-preview.njk`, {
      pageTitle: t(`${P}.previewTitle`),
      staged,
      total: staged.rows.length,
      valid: staged.rows.length - withProblems.length,
      problemRows: withProblems.slice(0, 200).map((r) => ({
        line: r.line,
        standard: r.values.standard ?? '',
        month: r.values.month ?? '',
        problems: r.problems.map((p) => ({ field: t(`${P}.fields.${p.field}`), text: t(p.messageKey) })),
      })),
      moreProblemRows: Math.max(0, withProblems.length - 200),
      goodRows: staged.rows.filter((r) => !r.problems.length).slice(0, 50),
      csrfToken: reply.generateCsrf(),
      errors,
    });
  };

  app.get<ImportParams>('/standards/import/:standardsImport', access, async (request, reply) =>
    previewPage(request, reply),
  );

  app.post<ImportParams>(
    '/standards/import/:standardsImport',
    { ...access, ...csrf },
    async (request, reply) => {
      const choice = (request.body as Record<string, unknown> | null)?.choice;
      try {
        if (choice !== 'all' && choice !== 'valid') throw new Invalid({ choice: `${P}.errors.chooseHow` });
        const result = await confirmFiguresImport(
          ctx(request),
          request.params.standardsImport,
          choice === 'valid',
        );
        return reply.page(`${V}/import-done.njk`, { pageTitle: request.t(`${P}.doneTitle`), ...result });
      } catch (error) {
        if (error instanceof Invalid) return previewPage(request, reply, formErrorsFrom(error, request.t));
        throw error;
      }
    },
  );
}
