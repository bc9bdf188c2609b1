import { defineModule } from '../../platform/module-definition.js';
import { directoryRoutes } from './routes.js';

/**
 * The directory (SPEC §3.1): who is doing what, where. Community groups, services in the
 * Open Referral UK model, community hubs, one search, and connectors' signposting.
 */
export default defineModule({
  name: 'directory',
  titleKey: 'directory.module',
  routes: directoryRoutes,
  nav: [
    { path: 'groups', labelKey: 'directory.nav.groups' },
    { path: 'services', labelKey: 'directory.nav.services' },
    { path: 'search', labelKey: 'directory.nav.search' },
  ],
  permissions: {
    'directory.group.create': { descriptionKey: 'directory.permissions.groupCreate', roles: ['resident'] },
    'directory.group.manage-any': {
      descriptionKey: 'directory.permissions.groupManageAny',
      roles: ['officer', 'place-admin'],
    },
    'directory.import': { descriptionKey: 'directory.permissions.import', roles: ['place-admin'] },
    'directory.service.manage': {
      descriptionKey: 'directory.permissions.serviceManage',
      roles: ['officer', 'place-admin'],
    },
    'directory.quality': {
      descriptionKey: 'directory.permissions.quality',
      roles: ['officer', 'place-admin'],
    },
    'directory.signpost': {
      descriptionKey: 'directory.permissions.signpost',
      roles: ['connector', 'officer'],
    },
    'directory.signposting.view': {
      descriptionKey: 'directory.permissions.signpostingView',
      roles: ['connector', 'officer', 'place-admin'],
    },
  },
});
