import { defineModule } from '../../platform/module-definition.js';
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
  permissions: {
    'spaces.activities.manage': {
      descriptionKey: 'spaces.activities.permissions.manage',
      roles: ['officer', 'place-admin'],
    },
  },
});
