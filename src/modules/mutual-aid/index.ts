import { combinePrivacy, defineModule } from '../../platform/module-definition.js';
import { matchTidyJob } from './matches/match-jobs.js';
import { matchPrivacy } from './matches/match-privacy.js';
import { DEMO_MATCH_ID, seedAidMatches } from './matches/match-seed.js';
import { postPrivacy } from './posts/post-privacy.js';
import { DEMO_NEED_ID, DEMO_OFFER_ID, seedAidPosts } from './posts/post-seed.js';
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
    'mutual-aid.match-on-behalf': {
      descriptionKey: 'mutualAid.permissions.matchOnBehalf',
      roles: ['connector', 'officer'],
    },
  },
  // Matches first: their erasure needs to know whose posts were whose.
  privacy: combinePrivacy(matchPrivacy, postPrivacy),
  async seed(c) {
    await seedAidPosts(c);
    await seedAidMatches(c);
  },
  jobs: (site) => ({ 'mutual-aid.tidy': matchTidyJob(site) }),
  recurringJobs: ['mutual-aid.tidy'],
  demoParams: { post: DEMO_NEED_ID, offer: DEMO_OFFER_ID, match: DEMO_MATCH_ID },
});
