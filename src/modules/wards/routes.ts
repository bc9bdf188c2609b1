import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { withApi } from '../../platform/api/api-doc.js';
import { PUBLIC } from '../../platform/http/access.js';
import { requirePlace, serviceContext } from '../../platform/http/request-context.js';
import { paged, pageRequest, sendCsv, sendOpenJson } from '../../platform/opendata/formats.js';
import { countWards, getWard, listWards, wardBoundaries, wardMapSvg } from './ward-service.js';

type WardParams = { Params: { ward: string } };

export async function wardRoutes(app: FastifyInstance) {
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);

  app.get('/wards', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    return reply.page('wards/views/index.njk', {
      pageTitle: t('wards.title'),
      wards: await listWards(c),
      map: await wardMapSvg(c, {
        title: t('wards.mapTitle', { place: c.place.name }),
        description: t('wards.mapDescription'),
      }),
    });
  });

  app.get<WardParams>('/wards/:ward', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const ward = await getWard(c, request.params.ward);
    // Codes work too (other datasets carry them), but the slug is the address to share.
    if (request.params.ward !== ward.slug) return reply.redirect(`/${c.place.slug}/wards/${ward.slug}`, 301);
    const t = request.t;
    return reply.page('wards/views/ward.njk', {
      pageTitle: ward.name,
      ward,
      map: await wardMapSvg(c, {
        title: t('wards.wardMapTitle', { ward: ward.name }),
        description: t('wards.wardMapDescription', { ward: ward.name }),
        highlightCode: ward.code,
      }),
    });
  });

  app.get('/api/wards', withApi(PUBLIC, WARDS_API), async (request, reply) => {
    const c = ctx(request);
    const p = pageRequest(request);
    const [items, total] = await Promise.all([
      listWards(c, { limit: p.perPage, offset: p.offset }),
      countWards(c),
    ]);
    return sendOpenJson(reply, paged(request, items.map(wardJson(c.place.slug)), total, p));
  });

  app.get('/api/wards.csv', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const rows = (await listWards(c)).map((w) => ({
      code: w.code,
      name: w.name,
      slug: w.slug,
      population: w.population,
      population_source: w.populationSource,
      centroid_lon: w.centroid?.lon ?? null,
      centroid_lat: w.centroid?.lat ?? null,
    }));
    return sendCsv(
      reply,
      `${c.place.slug}-wards.csv`,
      ['code', 'name', 'slug', 'population', 'population_source', 'centroid_lon', 'centroid_lat'],
      rows,
    );
  });

  app.get('/api/wards.geojson', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const wards = await wardBoundaries(c, 'boundary');
    return sendOpenJson(
      reply,
      {
        type: 'FeatureCollection',
        features: wards.map(({ geometry, ...w }) => ({
          type: 'Feature',
          id: w.code,
          properties: { code: w.code, name: w.name, slug: w.slug, population: w.population },
          geometry,
        })),
      },
      'application/geo+json; charset=utf-8',
    );
  });

  app.get<WardParams>('/api/wards/:ward', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    return sendOpenJson(reply, wardJson(requirePlace(request).slug)(await getWard(c, request.params.ward)));
  });
}

/** What the ward list declares for the OpenAPI document (src/platform/api). */
const WARDS_API = {
  summaryKey: 'api.docs.summaries.wards',
  paged: true,
  response: z.object({
    code: z.string(),
    name: z.string(),
    slug: z.string(),
    population: z.number().int().nullable(),
    population_source: z.string().nullable(),
    centroid: z.object({ lon: z.number(), lat: z.number() }).nullable(),
    url: z.string(),
  }),
};

function wardJson(placeSlug: string) {
  return (w: Awaited<ReturnType<typeof getWard>>) => ({
    code: w.code,
    name: w.name,
    slug: w.slug,
    population: w.population,
    population_source: w.populationSource,
    centroid: w.centroid,
    url: `/${placeSlug}/wards/${w.slug}`,
  });
}
