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
  seed: seedWards,
  demoParams: { ward: 'altrincham' },
});
