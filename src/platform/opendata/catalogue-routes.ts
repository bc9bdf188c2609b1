import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PUBLIC } from '../http/access.js';
import { requirePlace } from '../http/request-context.js';
import { enabledModules } from '../modules.js';
import { sendCsv, sendOpenJson } from './formats.js';

type CatalogueEntry = {
  id: string;
  module: string;
  title: string;
  description: string;
  licence: string;
  frequency: string;
  published: boolean;
  withheld_reason: string | null;
  distributions: { format: string; url: string }[];
};

const LICENCE_URLS: Record<string, string> = {
  'OGL-UK-3.0': 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
  'ODbL-1.0': 'https://opendatacommons.org/licenses/odbl/1-0/',
  'CC-BY-4.0': 'https://creativecommons.org/licenses/by/4.0/',
};

/** The place's datasets, gathered from the modules it has switched on. */
export function catalogue(request: FastifyRequest): CatalogueEntry[] {
  const place = requirePlace(request);
  const t = request.t;
  return enabledModules(place.modules).flatMap((m) =>
    (m.datasets ?? []).map((d) => ({
      id: d.id,
      module: m.name,
      title: t(d.titleKey),
      description: t(d.descriptionKey),
      licence: d.licence ?? 'OGL-UK-3.0',
      frequency: t(d.frequencyKey),
      published: !d.withheldReasonKey,
      withheld_reason: d.withheldReasonKey ? t(d.withheldReasonKey) : null,
      distributions: d.withheldReasonKey
        ? []
        : d.distributions.map((x) => ({ format: x.format, url: `/${place.slug}/${x.path}` })),
    })),
  );
}

export async function catalogueRoutes(app: FastifyInstance) {
  app.get('/data', PUBLIC, async (request, reply) =>
    reply.page('opendata/catalogue.njk', {
      pageTitle: request.t('data.title'),
      datasets: catalogue(request),
      licenceUrls: LICENCE_URLS,
    }),
  );
  app.get('/api/datasets', PUBLIC, async (request, reply) =>
    sendOpenJson(reply, { datasets: catalogue(request) }),
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
        'licence',
        'frequency',
        'published',
        'withheld_reason',
        'formats',
      ],
      catalogue(request).map((d) => ({ ...d, formats: d.distributions.map((x) => x.format).join(' ') })),
    ),
  );
}
