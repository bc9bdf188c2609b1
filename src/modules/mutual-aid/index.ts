import { defineModule } from '../../platform/module-definition.js';
import { mutualAidRoutes } from './routes.js';

/**
 * Mutual aid (SPEC §3.2): neighbours helping neighbours, with proportionate checks and
 * lawful data sharing so that fear of DBS and GDPR does not stop them.
 */
export default defineModule({
  name: 'mutual-aid',
  titleKey: 'mutualAid.module',
  routes: mutualAidRoutes,
});
