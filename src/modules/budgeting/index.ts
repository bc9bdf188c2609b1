import { combinePrivacy, defineModule } from '../../platform/module-definition.js';
import { proposalPrivacy } from './proposals/proposal-privacy.js';
import { verificationPrivacy } from './verification/verification-privacy.js';
import { budgetingRoutes } from './routes.js';
import { seedBudgets } from './seed/budget-seed.js';

/**
 * Participatory budgeting (SPEC §3.6): residents propose projects, officers check them, residents
 * vote in secret, the counting engine (src/lib/pb-rules) decides and explains, and everyone can
 * follow delivery and recount from the published `.pb` file.
 */
export default defineModule({
  name: 'budgeting',
  titleKey: 'budgeting.module',
  routes: budgetingRoutes,
  nav: [
    {
      path: 'budgets',
      labelKey: 'budgeting.processes.nav.label',
      summaryKey: 'budgeting.processes.nav.summary',
    },
  ],
  permissions: {
    'budgeting.manage': {
      descriptionKey: 'budgeting.processes.permissions.manage',
      roles: ['officer', 'place-admin'],
    },
    'budgeting.propose': { descriptionKey: 'budgeting.proposals.permissions.propose', roles: ['resident'] },
    'budgeting.vote': { descriptionKey: 'budgeting.voting.permissions.vote', roles: ['resident'] },
    'budgeting.verify': {
      descriptionKey: 'budgeting.verification.permissions.verify',
      roles: ['officer', 'place-admin'],
    },
  },
  privacy: combinePrivacy(proposalPrivacy, verificationPrivacy),
  seed: seedBudgets,
  demoParams: {},
});
