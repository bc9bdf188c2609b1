import { defineModule } from '../../platform/module-definition.js';
import { wardRoutes } from './routes.js';
import { seedWards } from './seed.js';
import { listWards, wardMapSvg } from './ward-service.js';

/** Wards and neighbourhoods: every located thing in Kith is placed in one. */
export default defineModule({
  name: 'wards',
  titleKey: 'wards.module',
  routes: wardRoutes,
  nav: [{ path: 'wards', labelKey: 'nav.wards' }],
  datasets: [
    {
      id: 'wards',
      titleKey: 'wards.dataset.title',
      descriptionKey: 'wards.dataset.description',
      frequencyKey: 'data.frequencies.onChange',
      keyField: 'code',
      fields: [
        { name: 'code', type: 'string', descriptionKey: 'data.fieldsOf.wards.code' },
        { name: 'name', type: 'string', descriptionKey: 'data.fieldsOf.wards.name' },
        { name: 'slug', type: 'string', descriptionKey: 'data.fieldsOf.wards.slug' },
        { name: 'population', type: 'integer', descriptionKey: 'data.fieldsOf.wards.population' },
        {
          name: 'population_source',
          type: 'string',
          descriptionKey: 'data.fieldsOf.wards.population_source',
        },
        { name: 'centroid_lon', type: 'number', descriptionKey: 'data.fieldsOf.wards.centroid_lon' },
        { name: 'centroid_lat', type: 'number', descriptionKey: 'data.fieldsOf.wards.centroid_lat' },
      ],
      distributions: [
        { format: 'HTML', path: 'wards' },
        { format: 'JSON', path: 'api/wards' },
        { format: 'CSV', path: 'api/wards.csv' },
        { format: 'GeoJSON', path: 'api/wards.geojson' },
      ],
    },
  ],
  homePanel: async (ctx, t) => {
    const wards = await listWards(ctx);
    if (!wards.length) return null;
    return {
      template: 'wards/views/home-panel.njk',
      data: {
        wards,
        map: await wardMapSvg(ctx, {
          title: t('wards.mapTitle', { place: ctx.place.name }),
          description: t('wards.mapDescription'),
          idPrefix: 'home-map',
        }),
      },
    };
  },
  // Reading wards is public; changing boundaries is a place admin's job (routes come with accounts).
  permissions: {
    'wards.edit': { descriptionKey: 'wards.permissions.edit', roles: ['place-admin'] },
  },
  stats: async (ctx) => {
    const wards = await listWards(ctx);
    return [
      { key: 'wards.count', labelKey: 'wards.stats.count', value: wards.length },
      {
        key: 'wards.population',
        labelKey: 'wards.stats.population',
        value: wards.reduce((sum, w) => sum + (w.population ?? 0), 0),
        byWard: Object.fromEntries(wards.map((w) => [w.code, w.population ?? 0])),
      },
    ];
  },
  seed: seedWards,
  demoParams: { ward: 'altrincham' },
});
