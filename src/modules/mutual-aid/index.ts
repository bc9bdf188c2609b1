import { combinePrivacy, defineModule } from '../../platform/module-definition.js';
import { challengePrivacy } from './challenges/challenge-privacy.js';
import { DEMO_CHALLENGE_ID, seedChallenges } from './challenges/challenge-seed.js';
import { circlePrivacy } from './circles/circle-privacy.js';
import {
  DEMO_CIRCLE_HELPER_ID,
  DEMO_CIRCLE_ID,
  DEMO_CIRCLE_NOTE_ID,
  DEMO_CIRCLE_SLOT_ID,
  seedCareCircles,
} from './circles/circle-seed.js';
import { matchTidyJob } from './matches/match-jobs.js';
import { matchPrivacy } from './matches/match-privacy.js';
import { DEMO_MATCH_ID, seedAidMatches } from './matches/match-seed.js';
import { postPrivacy } from './posts/post-privacy.js';
import { DEMO_NEED_ID, DEMO_OFFER_ID, seedAidPosts } from './posts/post-seed.js';
import { mutualAidRoutes } from './routes.js';
import { sharingPrivacy } from './sharing/sharing-privacy.js';
import { DEMO_AGREEMENT_ID, DEMO_CONSENT_ID, DEMO_REFERRAL_ID, seedSharing } from './sharing/sharing-seed.js';

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
    'mutual-aid.challenges': {
      descriptionKey: 'mutualAid.challenges.permissions.manage',
      roles: ['officer', 'place-admin'],
    },
    'mutual-aid.challenge-respond': {
      descriptionKey: 'mutualAid.challenges.permissions.respond',
      roles: ['resident'],
    },
    'mutual-aid.sharing.manage': {
      descriptionKey: 'mutualAid.permissions.sharingManage',
      roles: ['officer', 'place-admin'],
    },
    'mutual-aid.refer': { descriptionKey: 'mutualAid.permissions.refer', roles: ['connector', 'officer'] },
    'mutual-aid.circle': { descriptionKey: 'mutualAid.permissions.circle', roles: ['resident'] },
    'mutual-aid.circle-on-behalf': {
      descriptionKey: 'mutualAid.permissions.circleOnBehalf',
      roles: ['connector'],
    },
  },
  datasets: [
    {
      id: 'lawful-basis-register',
      titleKey: 'mutualAid.sharing.datasets.register.title',
      descriptionKey: 'mutualAid.sharing.datasets.register.description',
      frequencyKey: 'data.frequencies.onChange',
      keyField: 'flow',
      distributions: [
        { format: 'HTML', path: 'help/data-sharing' },
        { format: 'JSON', path: 'api/help/data-sharing' },
        { format: 'CSV', path: 'api/help/data-sharing.csv' },
      ],
    },
    {
      id: 'data-sharing-agreements',
      titleKey: 'mutualAid.sharing.datasets.agreements.title',
      descriptionKey: 'mutualAid.sharing.datasets.agreements.description',
      frequencyKey: 'data.frequencies.onChange',
      distributions: [
        { format: 'HTML', path: 'help/data-sharing/agreements' },
        { format: 'JSON', path: 'api/help/data-sharing-agreements' },
        { format: 'CSV', path: 'api/help/data-sharing-agreements.csv' },
      ],
    },
  ],
  // Matches before posts: their erasure needs to know whose posts were whose.
  privacy: combinePrivacy(matchPrivacy, postPrivacy, challengePrivacy, sharingPrivacy, circlePrivacy),
  async seed(c) {
    await seedAidPosts(c);
    await seedAidMatches(c);
    await seedChallenges(c);
    await seedSharing(c);
    await seedCareCircles(c);
  },
  jobs: (site) => ({ 'mutual-aid.tidy': matchTidyJob(site) }),
  recurringJobs: ['mutual-aid.tidy'],
  demoParams: {
    post: DEMO_NEED_ID,
    offer: DEMO_OFFER_ID,
    match: DEMO_MATCH_ID,
    challenge: DEMO_CHALLENGE_ID,
    agreement: DEMO_AGREEMENT_ID,
    referral: DEMO_REFERRAL_ID,
    consent: DEMO_CONSENT_ID,
    flow: 'referral-agreement',
    circle: DEMO_CIRCLE_ID,
    circleSlot: DEMO_CIRCLE_SLOT_ID,
    circleNote: DEMO_CIRCLE_NOTE_ID,
    circleMember: DEMO_CIRCLE_HELPER_ID,
  },
});
