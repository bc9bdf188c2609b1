import { defineModule } from '../../platform/module-definition.js';
import { seedDeliberation } from './deliberation/deliberation-seed.js';
import { seedNeighbourhood } from './neighbourhood/neighbourhood-seed.js';
import { seedRecruitment } from './recruitment/recruitment-seed.js';
import { assembliesRoutes } from './routes.js';
import { DEMO_FINISHED_SLUG } from './seed/demo-assemblies.js';
import { seedSelection } from './selection/selection-seed.js';
import { seedSetup } from './setup/setup-seed.js';

/**
 * Citizens' assemblies (SPEC §3.7): a council asks a question, a fair random panel chosen by
 * the sortition engine (src/lib/sortition) deliberates and recommends, and the council answers
 * each recommendation in public; and lighter neighbourhood assemblies per ward with a story book.
 */
export default defineModule({
  name: 'assemblies',
  titleKey: 'assemblies.module',
  routes: assembliesRoutes,
  nav: [
    {
      path: 'assemblies',
      labelKey: 'assemblies.nav.label',
      summaryKey: 'assemblies.nav.summary',
    },
  ],
  datasets: [
    {
      id: 'assemblies',
      titleKey: 'assemblies.datasets.assemblies.title',
      descriptionKey: 'assemblies.datasets.assemblies.description',
      frequencyKey: 'data.frequencies.onChange',
      distributions: [
        { format: 'HTML', path: 'assemblies' },
        { format: 'JSON', path: 'api/assemblies' },
        { format: 'CSV', path: 'assemblies.csv' },
      ],
    },
  ],
  permissions: {
    'assemblies.manage': {
      descriptionKey: 'assemblies.permissions.manage',
      roles: ['officer', 'place-admin'],
    },
    'assemblies.facilitate': {
      descriptionKey: 'assemblies.permissions.facilitate',
      roles: ['officer', 'connector', 'place-admin'],
    },
    'assemblies.contribute': { descriptionKey: 'assemblies.permissions.contribute', roles: ['resident'] },
  },
  // Each part adds its demo data to the same two assemblies, in the order a real one runs.
  async seed(ctx) {
    await seedSetup(ctx);
    await seedRecruitment(ctx);
    await seedSelection(ctx);
    await seedDeliberation(ctx);
    await seedNeighbourhood(ctx);
  },
  demoParams: {
    assembly: DEMO_FINISHED_SLUG,
  },
});
