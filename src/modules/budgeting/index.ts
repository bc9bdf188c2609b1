import { combinePrivacy, defineModule } from '../../platform/module-definition.js';
import { newestIn } from '../../platform/opendata/last-updated.js';
import { proposalPrivacy } from './proposals/proposal-privacy.js';
import { budgetingRoutes } from './routes.js';
import { seedBudgets } from './seed/budget-seed.js';
import { VOTING_SLUG } from './seed/demo-budgets.js';
import { DEMO_IN_PERSON_CODE_ID, DEMO_MERGE_ID, DEMO_PAPER_NUMBER } from './seed/voter-seed.js';
import { verificationPrivacy } from './verification/verification-privacy.js';

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
  datasets: [
    {
      id: 'budgets',
      titleKey: 'budgeting.datasets.budgets.title',
      descriptionKey: 'budgeting.datasets.budgets.description',
      frequencyKey: 'data.frequencies.onChange',
      keyField: 'slug',
      lastUpdated: newestIn('pb_processes', 'updated_at'),
      fields: [
        { name: 'slug', type: 'string', descriptionKey: 'data.fieldsOf.budgets.slug' },
        { name: 'title', type: 'string', descriptionKey: 'data.fieldsOf.budgets.title' },
        { name: 'ward', type: 'string', descriptionKey: 'data.fieldsOf.budgets.ward' },
        { name: 'budget_pence', type: 'integer', descriptionKey: 'data.fieldsOf.budgets.budget_pence' },
        { name: 'phase', type: 'string', descriptionKey: 'data.fieldsOf.budgets.phase' },
        { name: 'ballot_type', type: 'string', descriptionKey: 'data.fieldsOf.budgets.ballot_type' },
        {
          name: 'voting_opens_at',
          type: 'datetime',
          descriptionKey: 'data.fieldsOf.budgets.voting_opens_at',
        },
        {
          name: 'voting_closes_at',
          type: 'datetime',
          descriptionKey: 'data.fieldsOf.budgets.voting_closes_at',
        },
      ],
      distributions: [
        { format: 'HTML', path: 'budgets' },
        { format: 'JSON', path: 'api/budgets' },
        { format: 'CSV', path: 'budgets.csv' },
      ],
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
  // The budget open for voting shows the most pages; the sweep adds the finished budget's results
  // and delivery, and the merge in the budget taking proposals (test/e2e/every-page.test.ts).
  demoParams: {
    process: VOTING_SLUG,
    proposal: '1',
    merge: DEMO_MERGE_ID,
    batch: '1',
    issued: DEMO_IN_PERSON_CODE_ID,
    paper: DEMO_PAPER_NUMBER,
    // No demo image (the seed has no data directory to write files to): the file route answers 404.
    image: '00000000-0000-4000-8000-000000000000.webp',
  },
});
