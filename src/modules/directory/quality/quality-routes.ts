import type { FastifyInstance, FastifyRequest } from 'fastify';
import { needs } from '../../../platform/http/access.js';
import { Invalid } from '../../../platform/http/errors.js';
import { isUuid } from '../../../platform/http/ids.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { sendCsv } from '../../../platform/opendata/formats.js';
import { mergeGroupInto } from '../groups/group-service.js';
import {
  dataQualityReport,
  describeReason,
  markNotDuplicates,
  mergePreview,
  type QualityRecord,
} from './quality-service.js';

/** Where a record came from, in words: Kith itself, a spreadsheet, the demo, or another directory's feed. */
function sourceText(t: (k: string, v?: Record<string, string>) => string, source: string): string {
  const kind = source.split(':')[0] ?? '';
  if (['kith', 'csv', 'demo'].includes(kind)) return t(`directory.sources.${kind}`);
  return t('directory.quality.importedFrom', { source });
}

type WardQuery = { Querystring: { ward?: string } };
type MergeQuery = { Querystring: { keep?: string; duplicate?: string } };

/** Officers' data-quality page: stale and duplicate records by ward, and merging duplicates. */
export async function qualityRoutes(app: FastifyInstance) {
  const access = needs('directory.quality');
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);

  app.get<WardQuery>('/admin/directory/quality', access, async (request, reply) => {
    const t = request.t;
    const report = await dataQualityReport(ctx(request));
    const chosen = typeof request.query.ward === 'string' ? request.query.ward : '';
    const detail = chosen
      ? report.byWard.filter((b) => (b.ward?.slug ?? 'none') === chosen)
      : report.byWard.filter((b) => b.stale.length || b.duplicates.length).slice(0, 3);
    const withSource = (r: QualityRecord) => ({ ...r, sourceText: sourceText(t, r.source) });
    const clusterView = (c: (typeof report.byWard)[number]['duplicates'][number]) => ({
      records: c.records.map(withSource),
      keep: c.records.find((r) => r.kind === 'group') ?? c.records[0],
      reasons: [
        ...new Set(
          c.pairs.flatMap((p) =>
            p.reasons.map((r) => {
              const d = describeReason(r);
              return t(d.key, d.vars);
            }),
          ),
        ),
      ],
    });
    return reply.page('directory/quality/views/quality.njk', {
      pageTitle: t('directory.quality.title'),
      report,
      chosen,
      wardItems: [
        { value: '', text: t('directory.quality.wardsWithProblems') },
        ...report.byWard.map((b) => ({
          value: b.ward?.slug ?? 'none',
          text: b.ward?.name ?? t('directory.quality.noWard'),
          selected: (b.ward?.slug ?? 'none') === chosen,
        })),
      ],
      detail: detail.map((b) => ({
        ...b,
        stale: b.stale.map(withSource),
        duplicates: b.duplicates.map(clusterView),
      })),
    });
  });

  app.get('/admin/directory/quality/stale.csv', access, async (request, reply) => {
    const report = await dataQualityReport(ctx(request));
    const rows = report.byWard.flatMap((b) =>
      b.stale.map((r: QualityRecord) => ({
        ward: b.ward?.name ?? '',
        kind: r.kind,
        name: r.name,
        last_confirmed: r.lastConfirmedAt.toISOString().slice(0, 10),
        may_be_out_of_date: r.mayBeOutOfDate,
        source: r.source,
        url: r.url,
      })),
    );
    return sendCsv(
      reply,
      `${requirePlace(request).slug}-stale-records.csv`,
      ['ward', 'kind', 'name', 'last_confirmed', 'may_be_out_of_date', 'source', 'url'],
      rows,
    );
  });

  const ids = (q: MergeQuery['Querystring']) => {
    if (!q.keep || !q.duplicate || !isUuid(q.keep) || !isUuid(q.duplicate))
      throw new Invalid({ duplicate: 'directory.quality.errors.choosePair' });
    return { keep: q.keep, duplicate: q.duplicate };
  };

  const pairIn = (body: unknown) => {
    const b = (body ?? {}) as Record<string, unknown>;
    return ids({
      keep: typeof b.keep === 'string' ? b.keep : undefined,
      duplicate: typeof b.duplicate === 'string' ? b.duplicate : undefined,
    });
  };

  app.get<MergeQuery>('/admin/directory/merge', access, async (request, reply) => {
    const pair = ids(request.query);
    const preview = await mergePreview(ctx(request), pair.keep, pair.duplicate);
    const t = request.t;
    return reply.page('directory/quality/views/merge.njk', {
      pageTitle: t('directory.quality.merge.title'),
      ...preview,
      canMerge: preview.keep.kind === 'group' && preview.duplicate.kind === 'group',
      filled: preview.proposal.filled.map((f) => t(`directory.quality.fields.${f}`)),
      conflicts: preview.proposal.conflicts.map((c) => ({
        field: t(`directory.quality.fields.${c.field}`),
        keep: typeof c.primary === 'string' ? c.primary : `${c.primary.lat}, ${c.primary.lon}`,
        duplicate: typeof c.duplicate === 'string' ? c.duplicate : `${c.duplicate.lat}, ${c.duplicate.lon}`,
      })),
      csrfToken: reply.generateCsrf(),
    });
  });

  app.post<MergeQuery>(
    '/admin/directory/merge',
    { ...access, preHandler: app.csrfProtection },
    async (request, reply) => {
      const pair = pairIn(request.body);
      await mergeGroupInto(ctx(request), pair.keep, pair.duplicate);
      return reply.redirect(`/${requirePlace(request).slug}/admin/directory/quality?merged=1`, 303);
    },
  );

  app.post(
    '/admin/directory/not-duplicates',
    { ...access, preHandler: app.csrfProtection },
    async (request, reply) => {
      const pair = pairIn(request.body);
      await markNotDuplicates(ctx(request), pair.keep, pair.duplicate);
      return reply.redirect(`/${requirePlace(request).slug}/admin/directory/quality`, 303);
    },
  );
}
