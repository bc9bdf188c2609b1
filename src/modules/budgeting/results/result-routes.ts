import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { writePabulib } from '../../../lib/pabulib/write.js';
import { needs, PUBLIC } from '../../../platform/http/access.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { sendCsv, sendOpenJson } from '../../../platform/opendata/formats.js';
import { deliveryRoutes } from '../delivery/delivery-routes.js';
import { getProcess, MANAGE } from '../processes/process-service.js';
import {
  closeAndCount,
  closePreview,
  exportElection,
  getResults,
  type ProcessResults,
  recountArguments,
  requireResults,
} from './result-service.js';
import { projectRows, resultsChart, resultsJson } from './results-view.js';

type SlugParams = { Params: { process: string } };

/**
 * The results of a vote: the page, its chart and tables, the `.pb` file and open data, and the
 * officer's "close voting and count" confirmation. Delivery tracking registers from here too.
 */
export async function resultRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const site = app.config.publicUrl.replace(/\/$/, '');
  const paths = (request: FastifyRequest, slug: string) => {
    const base = `/${requirePlace(request).slug}/budgets/${slug}`;
    return {
      process: base,
      page: `${base}/results`,
      pb: `${base}/results/election.pb`,
      csv: `${base}/results.csv`,
      json: `/${requirePlace(request).slug}/api/budgets/${slug}/results`,
      close: `${base}/results/close`,
      delivery: `${base}/delivery`,
    };
  };
  const recount = (r: ProcessResults) => `kith pb count election.pb ${recountArguments(r)}`;

  app.get<SlugParams>('/budgets/:process/results', PUBLIC, async (request, reply) => {
    const t = request.t;
    const r = await getResults(ctx(request), request.params.process);
    const urls = paths(request, request.params.process);
    if (!r) {
      const p = await getProcess(ctx(request), request.params.process);
      return reply.page('budgeting/results/views/not-yet.njk', {
        pageTitle: t('budgeting.results.notYetTitle', { title: p.title }),
        process: p,
        urls,
      });
    }
    return reply.page('budgeting/results/views/results.njk', {
      pageTitle: t('budgeting.results.title', { title: r.process.title }),
      r,
      urls,
      chart: resultsChart(r, t),
      recount: recount(r),
      pence: (p: bigint) => Number(p),
      ruleNames: Object.fromEntries(r.whatIf.map((w) => [w.rule, t(`budgeting.results.rules.${w.rule}`)])),
    });
  });

  async function sendPb(request: FastifyRequest<SlugParams>, reply: FastifyReply) {
    const { filename, file } = await exportElection(ctx(request), request.params.process);
    return reply
      .type('text/plain; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .header('access-control-allow-origin', '*')
      .send(Readable.from(writePabulib(file)));
  }
  app.get<SlugParams>('/budgets/:process/results/election.pb', PUBLIC, sendPb);

  async function sendResultsCsv(request: FastifyRequest<SlugParams>, reply: FastifyReply) {
    const r = await requireResults(ctx(request), request.params.process);
    const { columns, rows } = projectRows(r);
    return sendCsv(reply, `${r.process.slug}-results.csv`, columns as never, rows);
  }
  app.get<SlugParams>('/budgets/:process/results.csv', PUBLIC, sendResultsCsv);
  app.get<SlugParams>('/api/budgets/:process/results.csv', PUBLIC, sendResultsCsv);

  app.get<SlugParams>('/api/budgets/:process/results', PUBLIC, async (request, reply) => {
    const r = await requireResults(ctx(request), request.params.process);
    const urls = paths(request, request.params.process);
    return sendOpenJson(
      reply,
      resultsJson(
        r,
        { page: `${site}${urls.page}`, pb: `${site}${urls.pb}`, csv: `${site}${urls.csv}` },
        recount(r),
      ),
    );
  });

  app.get<SlugParams>('/budgets/:process/results/close', needs(MANAGE), async (request, reply) => {
    const preview = await closePreview(ctx(request), request.params.process);
    return reply.page('budgeting/results/views/close.njk', {
      pageTitle: request.t('budgeting.results.close.title', { title: preview.process.title }),
      preview,
      urls: paths(request, request.params.process),
      csrfToken: reply.generateCsrf(),
    });
  });

  app.post<SlugParams>(
    '/budgets/:process/results/close',
    { ...needs(MANAGE), ...csrf },
    async (request, reply) => {
      await closeAndCount(ctx(request), request.params.process);
      return reply.redirect(paths(request, request.params.process).page, 303);
    },
  );

  await app.register(deliveryRoutes);
}
