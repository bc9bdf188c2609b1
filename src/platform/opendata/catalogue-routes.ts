import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { withApi } from '../api/api-doc.js';
import { needs, PUBLIC } from '../http/access.js';
import { Invalid, NotFound } from '../http/errors.js';
import { formErrorsFrom } from '../http/forms.js';
import { PROBLEM_CONTENT_TYPE, problem } from '../http/problem.js';
import { requirePlace, serviceContext, siteUrl } from '../http/request-context.js';
import {
  type CatalogueEntry,
  catalogue,
  catalogueEntry,
  datasetForDownloadPath,
  dcatCatalogue,
} from './catalogue-service.js';
import { pageOfList, sendCsv, sendOpenJson } from './formats.js';
import {
  REASON_KINDS,
  releaseDataset,
  withholdDataset,
  withholdingHistory,
  withholdingsFor,
} from './withholding-service.js';

/** The shape of one dataset in `/api/datasets`, for the OpenAPI document (and checked against the real answer). */
const DATASET_ENTRY = z.object({
  id: z.string(),
  module: z.string(),
  title: z.string(),
  description: z.string(),
  publisher: z.string(),
  licence: z.string(),
  licence_url: z.url(),
  frequency: z.string(),
  last_updated: z.iso.datetime().nullable(),
  published: z.boolean(),
  withheld_reason: z.string().nullable(),
  api_endpoint: z.string().nullable(),
  standard: z.object({ name: z.string(), url: z.url() }).nullable(),
  distributions: z.array(z.object({ format: z.string(), url: z.string(), media_type: z.string() })),
  fields: z.array(z.object({ name: z.string(), type: z.string(), description: z.string() })),
});

type DatasetParams = { Params: { dataset: string } };

const DATASET_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The catalogue as the JSON and CSV lists show it (snake_case, absolute-path links). */
function publicEntry(d: CatalogueEntry) {
  return {
    id: d.id,
    module: d.module,
    title: d.title,
    description: d.description,
    publisher: d.publisher,
    licence: d.licence,
    licence_url: d.licenceUrl,
    frequency: d.frequency,
    last_updated: d.lastUpdated?.toISOString() ?? null,
    published: d.published,
    withheld_reason: d.withheld?.reason ?? null,
    api_endpoint: d.apiEndpoint,
    standard: d.standard,
    distributions: d.distributions.map((x) => ({ format: x.format, url: x.url, media_type: x.mediaType })),
    fields: d.fields.map((f) => ({ name: f.name, type: f.type, description: f.description })),
  };
}

async function entryOr404(app: FastifyInstance, request: FastifyRequest<DatasetParams>) {
  const id = request.params.dataset;
  const entry = DATASET_ID.test(id)
    ? await catalogueEntry(serviceContext(request, app.db), request.t, id)
    : null;
  if (!entry) throw new NotFound('No such dataset');
  return entry;
}

/**
 * Refuses the downloads of a withheld dataset, wherever the module serves them: 403 with the
 * published reason (HTML for a browser, problem+json otherwise). Registered once for all of a
 * place's routes (place-routes.ts); only requests for a declared download path ask the database.
 */
export function refuseWithheldDownloads(app: FastifyInstance) {
  app.addHook('preHandler', async (request, reply) => {
    const place = request.place;
    if (!place || request.method !== 'GET') return;
    const path = (request.url.split('?')[0] ?? '').slice(place.slug.length + 2);
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return; // Not a path any dataset declares; the router's own answer stands.
    }
    const datasetId = datasetForDownloadPath(place.modules, decoded);
    if (!datasetId) return;
    const withheld = (await withholdingsFor(app.db, place.id)).get(datasetId);
    if (!withheld) return;
    return refuse(request, reply, datasetId, withheld.reason);
  });
}

function refuse(request: FastifyRequest, reply: FastifyReply, datasetId: string, reason: string) {
  const place = requirePlace(request);
  const wantsHtml = /text\/html/.test(request.headers.accept ?? '');
  if (wantsHtml) {
    return reply.code(403).page('message-page.njk', {
      pageTitle: request.t('data.refused.title'),
      paragraphs: [request.t('data.withheld', { reason })],
      links: [{ href: `/${place.slug}/data/${datasetId}`, text: request.t('data.refused.link') }],
    });
  }
  return reply
    .code(403)
    .type(PROBLEM_CONTENT_TYPE)
    .header('access-control-allow-origin', '*')
    .send(
      JSON.stringify(
        problem(403, {
          title: 'Dataset withheld',
          detail: reason,
          instance: `/${place.slug}/data/${datasetId}`,
          requestId: request.id,
        }),
      ),
    );
}

export async function catalogueRoutes(app: FastifyInstance) {
  const list = (request: FastifyRequest) => catalogue(serviceContext(request, app.db), request.t);

  app.get('/data', PUBLIC, async (request, reply) =>
    reply.page('opendata/catalogue.njk', {
      pageTitle: request.t('data.title'),
      datasets: await list(request),
    }),
  );

  app.get('/data.jsonld', PUBLIC, async (request, reply) => {
    const place = requirePlace(request);
    return sendOpenJson(
      reply,
      dcatCatalogue(await list(request), place, siteUrl(request), request.t),
      'application/ld+json; charset=utf-8',
    );
  });

  app.get<DatasetParams>('/data/:dataset', PUBLIC, async (request, reply) => {
    const dataset = await entryOr404(app, request);
    const history = await withholdingHistory(app.db, requirePlace(request).id, dataset.id);
    return reply.page('opendata/dataset.njk', { pageTitle: dataset.title, dataset, history });
  });

  app.get(
    '/api/datasets',
    withApi(PUBLIC, { summaryKey: 'api.docs.summaries.datasets', paged: true, response: DATASET_ENTRY }),
    async (request, reply) =>
      sendOpenJson(reply, pageOfList(request, (await list(request)).map(publicEntry))),
  );
  app.get('/api/datasets.csv', PUBLIC, async (request, reply) =>
    sendCsv(
      reply,
      `${requirePlace(request).slug}-datasets.csv`,
      [
        'id',
        'module',
        'title',
        'description',
        'publisher',
        'licence',
        'frequency',
        'last_updated',
        'published',
        'withheld_reason',
        'api_endpoint',
        'formats',
      ],
      (await list(request)).map((d) => ({
        ...publicEntry(d),
        formats: d.distributions.map((x) => x.format).join(' '),
      })),
    ),
  );

  // Place admins withhold a dataset with a published reason, or release it.
  app.get('/admin/data', needs('data.manage'), async (request, reply) =>
    reply.page('opendata/admin-data.njk', {
      pageTitle: request.t('data.admin.title'),
      datasets: await list(request),
    }),
  );

  const formPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    dataset: CatalogueEntry,
    values: Record<string, string> = {},
    errors: { field: string; text: string; href: string }[] = [],
  ) =>
    reply.code(errors.length ? 422 : 200).page('opendata/admin-dataset.njk', {
      pageTitle: request.t('data.admin.datasetTitle', { title: dataset.title }),
      dataset,
      values,
      errors,
      errorsByField: Object.fromEntries(errors.map((e) => [e.field, { text: e.text }])),
      reasonKinds: REASON_KINDS,
      csrfToken: reply.generateCsrf(),
    });

  app.get<DatasetParams>('/admin/data/:dataset', needs('data.manage'), async (request, reply) =>
    formPage(request, reply, await entryOr404(app, request)),
  );

  app.post<DatasetParams>(
    '/admin/data/:dataset/withhold',
    { ...needs('data.manage'), preHandler: app.csrfProtection },
    async (request, reply) => {
      const dataset = await entryOr404(app, request);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const values = {
        reasonKind: typeof body.reasonKind === 'string' ? body.reasonKind : '',
        reason: typeof body.reason === 'string' ? body.reason : '',
      };
      try {
        await withholdDataset(serviceContext(request, app.db), { dataset: dataset.id, ...values });
      } catch (error) {
        if (error instanceof Invalid)
          return formPage(request, reply, dataset, values, formErrorsFrom(error, request.t));
        throw error;
      }
      return reply.redirect(`/${requirePlace(request).slug}/data/${dataset.id}`, 303);
    },
  );

  app.post<DatasetParams>(
    '/admin/data/:dataset/release',
    { ...needs('data.manage'), preHandler: app.csrfProtection },
    async (request, reply) => {
      const dataset = await entryOr404(app, request);
      await releaseDataset(serviceContext(request, app.db), { dataset: dataset.id });
      return reply.redirect(`/${requirePlace(request).slug}/data/${dataset.id}`, 303);
    },
  );
}
