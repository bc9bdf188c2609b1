import type { FastifyInstance } from 'fastify';
import { auditBatch, listAudit } from '../audit/audit.js';
import { needs } from '../http/access.js';
import { requirePlace } from '../http/request-context.js';
import { recentJobs } from '../jobs/jobs.js';
import { keysetRows, sendCsvStream } from '../opendata/csv-stream.js';

type AuditQuery = { Querystring: { action?: string } };

function actionFilter(q: AuditQuery['Querystring']): string | undefined {
  return typeof q.action === 'string' && /^[a-z.-]{1,60}$/.test(q.action) ? q.action : undefined;
}

/** Place admins' pages: the audit log (with CSV) and recent background jobs. */
export async function adminRoutes(app: FastifyInstance) {
  app.get<AuditQuery>('/admin/audit', needs('audit.view'), async (request, reply) => {
    const place = requirePlace(request);
    const action = actionFilter(request.query);
    const rows = await listAudit(app.db, place.id, { ...(action ? { action } : {}), limit: 200 });
    return reply.page('admin/audit.njk', {
      pageTitle: request.t('admin.audit.title'),
      rows,
      action: action ?? '',
    });
  });

  // Streamed a batch at a time: the whole log downloads in constant memory (bench/export.ts).
  app.get<AuditQuery>('/admin/audit.csv', needs('audit.view'), async (request, reply) => {
    const place = requirePlace(request);
    const action = actionFilter(request.query);
    const rows = keysetRows(
      (before: string | null, limit) =>
        auditBatch(app.db, place.id, { ...(action ? { action } : {}), before, limit }),
      (r) => String(r.id),
    );
    return sendCsvStream(
      reply,
      `${place.slug}-audit-log.csv`,
      ['id', 'at', 'actor_email', 'action', 'target_type', 'target_id', 'before', 'after', 'request_id'],
      rows,
    );
  });

  app.get('/admin/jobs', needs('jobs.view'), async (request, reply) => {
    const place = requirePlace(request);
    return reply.page('admin/jobs.njk', {
      pageTitle: request.t('admin.jobs.title'),
      jobs: await recentJobs(app.db, place.id),
    });
  });
}
