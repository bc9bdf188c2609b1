import { defineModule } from '../../platform/module-definition.js';
import { standardsRoutes } from './routes.js';
import { standardsPrivacy } from './standards-privacy.js';
import {
  DEMO_SERVICE_SLUG,
  DEMO_STANDARD_SLUG,
  DEMO_STANDARDS_IMPORT_ID,
  seedStandards,
} from './standards-seed.js';
import { standardsStats } from './standards-stats.js';

/**
 * Service standards (SPEC §3.8): what residents can expect from each council service, and each
 * month's performance against it, shown honestly with the misses and what is being done about
 * them, as charts, tables and open data.
 */
export default defineModule({
  name: 'standards',
  titleKey: 'standards.module',
  routes: standardsRoutes,
  nav: [{ path: 'standards', labelKey: 'standards.nav.label', summaryKey: 'standards.nav.summary' }],
  permissions: {
    'standards.manage': { descriptionKey: 'standards.permissions.manage', roles: ['officer', 'place-admin'] },
  },
  datasets: [
    {
      id: 'service-standards',
      titleKey: 'standards.datasets.title',
      descriptionKey: 'standards.datasets.description',
      frequencyKey: 'data.frequencies.monthly',
      distributions: [
        { format: 'HTML', path: 'standards' },
        // The figures first: they are the rows the CSV holds too.
        { format: 'JSON', path: 'api/standards/figures' },
        { format: 'JSON', path: 'api/standards' },
        { format: 'CSV', path: 'standards/figures.csv' },
        { format: 'CSV', path: 'api/standards.csv' },
      ],
    },
  ],
  stats: (ctx) => standardsStats(ctx),
  seed: (ctx) => seedStandards(ctx),
  privacy: standardsPrivacy,
  demoParams: {
    councilService: DEMO_SERVICE_SLUG,
    standard: DEMO_STANDARD_SLUG,
    standardsImport: DEMO_STANDARDS_IMPORT_ID,
  },
});
