import { defineModule } from '../../platform/module-definition.js';
import { DEMO_ACTIVITY_ID, DEMO_ACTIVITY_SPACE, seedActivities } from './activities/activity-seed.js';
import { spacesRoutes } from './routes.js';

/**
 * Spaces (SPEC §3.3): libraries, halls, parks and shop-fronts as places for relationships:
 * bookable, with a public calendar of what happens in them, open feeds, and figures that count
 * groups and hours of use rather than income.
 */
export default defineModule({
  name: 'spaces',
  titleKey: 'spaces.module',
  routes: spacesRoutes,
  nav: [
    {
      path: 'whats-on',
      labelKey: 'spaces.activities.nav.whatsOn',
      summaryKey: 'spaces.activities.nav.whatsOnSummary',
    },
  ],
  permissions: {
    'spaces.activities.manage': {
      descriptionKey: 'spaces.activities.permissions.manage',
      roles: ['officer', 'place-admin'],
    },
  },
  async seed(c) {
    await seedActivities(c);
  },
  demoParams: {
    activity: DEMO_ACTIVITY_ID,
    session: DEMO_ACTIVITY_ID,
    space: DEMO_ACTIVITY_SPACE,
  },
});
