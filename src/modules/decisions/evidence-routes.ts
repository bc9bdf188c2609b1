import type { FastifyInstance, FastifyRequest } from 'fastify';
import { asciiFileName, fileSizeText } from '../../lib/file-kind/file-kind.js';
import { needs, PUBLIC } from '../../platform/http/access.js';
import { Invalid } from '../../platform/http/errors.js';
import { acceptFileUploads, fileIn, formFields } from '../../platform/http/file-uploads.js';
import { errorsByField, formErrorsFrom } from '../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../platform/http/request-context.js';
import { decisionPath, getDecision } from './decision-service.js';
import { addEvidenceFile, evidenceFile, MAX_EVIDENCE_BYTES } from './evidence-service.js';

type DecisionParams = { Params: { decision: string } };
type EvidenceParams = { Params: { decision: string; decisionEvidence: string } };

/** A header parameter's value per RFC 5987: percent-encoded UTF-8, quotes and brackets too. */
const rfc5987 = (s: string) =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Uploaded evidence: the officers' upload (multipart, on this route only) and the public download. */
export async function evidenceRoutes(app: FastifyInstance) {
  await acceptFileUploads(app, { maxBytes: MAX_EVIDENCE_BYTES, fields: 5 });
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);

  app.post<DecisionParams>(
    '/decisions/:decision/evidence/upload',
    { ...needs('decisions.manage'), preHandler: app.csrfProtection },
    async (request, reply) => {
      const fields = formFields(request.body);
      const title = typeof fields.title === 'string' ? fields.title : '';
      try {
        await addEvidenceFile(
          ctx(request),
          app.files,
          request.params.decision,
          { title },
          fileIn(fields, 'file'),
        );
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        const errors = formErrorsFrom(error, request.t).map((e) => ({ ...e, href: `#upload-${e.field}` }));
        const d = await getDecision(ctx(request), request.params.decision);
        reply.code(422);
        return reply.page('decisions/views/upload.njk', {
          pageTitle: request.t('decisions.manage.uploadHeading'),
          d,
          title,
          errors,
          fieldErrors: errorsByField(errors),
          action: `${d.url}/evidence/upload`,
          back: `${d.url}/manage#evidence`,
          maxUpload: fileSizeText(MAX_EVIDENCE_BYTES),
          csrfToken: reply.generateCsrf(),
        });
      }
      return reply.redirect(
        `${decisionPath(requirePlace(request).slug, request.params.decision)}/manage?done=added#evidence`,
        303,
      );
    },
  );

  // Evidence is public with its decision. Always a download, never shown in the site's own origin.
  app.get<EvidenceParams>(
    '/decisions/:decision/evidence/:decisionEvidence',
    PUBLIC,
    async (request, reply) => {
      const file = await evidenceFile(
        ctx(request),
        app.files,
        request.params.decision,
        request.params.decisionEvidence,
      );
      return reply
        .header('content-type', 'application/pdf')
        .header(
          'content-disposition',
          `attachment; filename="${asciiFileName(file.fileName)}"; filename*=UTF-8''${rfc5987(file.fileName)}`,
        )
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, max-age=300')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(file.bytes);
    },
  );
}
