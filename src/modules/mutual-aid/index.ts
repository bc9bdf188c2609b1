import { combinePrivacy, defineModule } from '../../platform/module-definition.js';
import { circlePrivacy } from './circles/circle-privacy.js';
import {
  DEMO_CIRCLE_HELPER_ID,
  DEMO_CIRCLE_ID,
  DEMO_CIRCLE_NOTE_ID,
  DEMO_CIRCLE_SLOT_ID,
  seedCareCircles,
} from './circles/circle-seed.js';
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
    'mutual-aid.circle': { descriptionKey: 'mutualAid.permissions.circle', roles: ['resident'] },
    'mutual-aid.circle-on-behalf': {
      descriptionKey: 'mutualAid.permissions.circleOnBehalf',
      roles: ['connector'],
    },
  },
  privacy: combinePrivacy(postPrivacy, circlePrivacy),
  async seed(context) {
    await seedAidPosts(context);
    await seedCareCircles(context);
  },
  demoParams: {
    post: DEMO_NEED_ID,
    circle: DEMO_CIRCLE_ID,
    circleSlot: DEMO_CIRCLE_SLOT_ID,
    circleNote: DEMO_CIRCLE_NOTE_ID,
    circleMember: DEMO_CIRCLE_HELPER_ID,
  },
});
