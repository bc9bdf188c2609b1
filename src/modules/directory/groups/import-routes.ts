import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { needs } from '../../../platform/http/access.js';
import { Invalid } from '../../../platform/http/errors.js';
import { acceptFileUploads, fileIn, textOf } from '../../../platform/http/file-uploads.js';
import { type FormError, formErrorsFrom } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import {
  CSV_HEADINGS,
  confirmGroupImport,
  getStagedImport,
  MAX_IMPORT_BYTES,
  stageGroupImport,
} from './group-import.js';

type ImportParams = { Params: { import: string } };

/** An admin imports groups from a CSV file: upload, preview with every problem, then import. */
export async function groupImportRoutes(app: FastifyInstance) {
  // Uploads are accepted here only, one file at a time, read into memory within a size limit.
  await acceptFileUploads(app, { maxBytes: MAX_IMPORT_BYTES });
  const csrf = { preHandler: app.csrfProtection };
  const access = needs('directory.import');
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);

  const uploadPage = (request: FastifyRequest, reply: FastifyReply, errors: FormError[] = []) => {
    if (errors.length) reply.code(422);
    return reply.page('directory/groups/views/import.njk', {
      pageTitle: request.t('directory.import.title'),
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: Object.fromEntries(errors.map((e) => [e.field, { text: e.text }])),
      headings: [...new Set(Object.keys(CSV_HEADINGS))],
    });
  };

  app.get('/admin/groups/import', access, async (request, reply) => uploadPage(request, reply));

  app.post('/admin/groups/import', { ...access, ...csrf }, async (request, reply) => {
    const upload = fileIn(request.body, 'file');
    try {
      if (upload.tooLarge) throw new Invalid({ file: 'directory.import.errors.tooBig' });
      if (!textOf(upload).trim()) throw new Invalid({ file: 'directory.import.errors.noFile' });
      const id = await stageGroupImport(ctx(request), upload.fileName, textOf(upload));
      return reply.redirect(`/${requirePlace(request).slug}/admin/groups/import/${id}`, 303);
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
    const staged = await getStagedImport(ctx(request), request.params.import);
    const t = request.t;
    const withProblems = staged.rows.filter((r) => r.problems.length);
    if (errors.length) reply.code(422);
    return reply.page('directory/groups/views/import-preview.njk', {
      pageTitle: t('directory.import.previewTitle'),
      staged,
      total: staged.rows.length,
      valid: staged.rows.length - withProblems.length,
      problemRows: withProblems.slice(0, 200).map((r) => ({
        line: r.line,
        name: r.values.name ?? '',
        problems: r.problems.map((p) => ({
          field: t(`directory.import.fields.${p.field}`),
          text: t(p.messageKey),
        })),
      })),
      moreProblemRows: Math.max(0, withProblems.length - 200),
      sample: staged.rows.filter((r) => !r.problems.length).slice(0, 10),
      duplicateRows: staged.rows
        .filter((r) => !r.problems.length && r.possibleDuplicates?.length)
        .slice(0, 200),
      csrfToken: reply.generateCsrf(),
      errors,
    });
  };

  app.get<ImportParams>('/admin/groups/import/:import', access, async (request, reply) =>
    previewPage(request, reply),
  );

  app.post<ImportParams>('/admin/groups/import/:import', { ...access, ...csrf }, async (request, reply) => {
    const choice = (request.body as Record<string, unknown> | null)?.choice;
    try {
      if (choice !== 'all' && choice !== 'valid')
        throw new Invalid({ choice: 'directory.import.errors.chooseHow' });
      const result = await confirmGroupImport(ctx(request), request.params.import, choice === 'valid');
      return reply.page('directory/groups/views/import-done.njk', {
        pageTitle: request.t('directory.import.doneTitle'),
        ...result,
      });
    } catch (error) {
      if (error instanceof Invalid) return previewPage(request, reply, formErrorsFrom(error, request.t));
      throw error;
    }
  });
}
