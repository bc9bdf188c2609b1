import { defineModule } from '../../platform/module-definition.js';
import { spacesRoutes } from './routes.js';
import { DEMO_BOOKING_ID, DEMO_SPACE_SLUG, seedSpaces } from './spaces/space-seed.js';

/**
 * Spaces (SPEC §3.3): libraries, halls, parks and shop-fronts as places for relationships:
 * bookable, with a public calendar of what happens in them, open feeds, and figures that count
 * groups and hours of use rather than income.
 */
export default defineModule({
  name: 'spaces',
  titleKey: 'spaces.module',
  routes: spacesRoutes,
  nav: [{ path: 'spaces', labelKey: 'spaces.spaces.nav.label', summaryKey: 'spaces.spaces.nav.summary' }],
  permissions: {
    'spaces.manage': {
      descriptionKey: 'spaces.spaces.permissions.manage',
      roles: ['officer', 'place-admin'],
    },
    'spaces.book': { descriptionKey: 'spaces.spaces.permissions.book', roles: ['resident'] },
  },
  async seed(c) {
    await seedSpaces(c);
  },
  demoParams: { space: DEMO_SPACE_SLUG, booking: DEMO_BOOKING_ID },
});
