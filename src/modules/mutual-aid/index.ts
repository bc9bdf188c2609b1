import { defineModule } from '../../platform/module-definition.js';
import { postPrivacy } from './posts/post-privacy.js';
import { DEMO_NEED_ID, seedAidPosts } from './posts/post-seed.js';
import { mutualAidRoutes } from './routes.js';

/**
 * Mutual aid (SPEC §3.2): neighbours helping neighbours, with proportionate checks and
 * lawful data sharing so that fear of DBS and GDPR does not stop them.
 */
export default defineModule({
  name: 'mutual-aid',
  titleKey: 'mutualAid.module',
  routes: mutualAidRoutes,
  // One navigation item: the DBS questions are linked from the help pages, under the same heading.
  nav: [{ path: 'help', labelKey: 'mutualAid.nav.help', summaryKey: 'mutualAid.nav.helpSummary' }],
  permissions: {
    'mutual-aid.post': { descriptionKey: 'mutualAid.permissions.post', roles: ['resident'] },
    'mutual-aid.post-on-behalf': {
      descriptionKey: 'mutualAid.permissions.postOnBehalf',
      roles: ['connector', 'officer'],
    },
  },
  privacy: postPrivacy,
  seed: seedAidPosts,
  demoParams: { post: DEMO_NEED_ID },
});
