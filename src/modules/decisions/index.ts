import { defineModule } from '../../platform/module-definition.js';
import { decisionStats } from './decision-service.js';
import { decisionsPrivacy } from './decisions-privacy.js';
import { decisionsRoutes } from './routes.js';
import { DEMO_DECISION_ID, DEMO_EVIDENCE_ID, DEMO_OPTION_ID, seedDecisions } from './seed/demo-decisions.js';

/**
 * Decisions (SPEC §3.8, seed 001 §3, seed 003): the council's decision log, letting residents
 * into the thought process — the question, options and trade-offs, constraints, evidence, who
 * decides and when, what residents said, the decision and its reasons, "you said, we did" and
 * a later review. Residents follow decisions and comment while they are open for input.
 */
export default defineModule({
  name: 'decisions',
  titleKey: 'decisions.module',
  routes: decisionsRoutes,
  nav: [{ path: 'decisions', labelKey: 'decisions.nav.label', summaryKey: 'decisions.nav.summary' }],
  permissions: {
    'decisions.manage': { descriptionKey: 'decisions.permissions.manage', roles: ['officer', 'place-admin'] },
  },
  datasets: [
    {
      id: 'decisions',
      titleKey: 'decisions.datasets.decisions.title',
      descriptionKey: 'decisions.datasets.decisions.description',
      frequencyKey: 'data.frequencies.onChange',
      distributions: [
        { format: 'HTML', path: 'decisions' },
        { format: 'JSON', path: 'api/decisions' },
        { format: 'CSV', path: 'decisions.csv' },
      ],
    },
  ],
  stats: (ctx) => decisionStats(ctx),
  seed: seedDecisions,
  privacy: decisionsPrivacy,
  demoParams: {
    decision: DEMO_DECISION_ID,
    decisionOption: DEMO_OPTION_ID,
    decisionEvidence: DEMO_EVIDENCE_ID,
  },
});
