import { defineModule } from '../../platform/module-definition.js';
import { consultationPrivacy } from './consultation-privacy.js';
import { consultationRoutes } from './consultation-routes.js';
import {
  DEMO_CONSULTATION_ID,
  DEMO_MAP_COMMENT_ID,
  DEMO_QUESTION_ID,
  seedConsultations,
} from './consultation-seed.js';
import { consultationStats, MANAGE } from './consultation-service.js';

/**
 * Consultations (SPEC §3.8, issue 14): officers ask residents questions (a survey of GOV.UK
 * question types) and where on a map or site plan their comments apply; results are published
 * with charts, tables and anonymised downloads, linked to the decision they inform.
 */
export default defineModule({
  name: 'consultations',
  titleKey: 'consultations.module',
  routes: consultationRoutes,
  nav: [
    { path: 'consultations', labelKey: 'consultations.nav.label', summaryKey: 'consultations.nav.summary' },
  ],
  permissions: {
    [MANAGE]: { descriptionKey: 'consultations.permissions.manage', roles: ['officer', 'place-admin'] },
  },
  datasets: [
    {
      id: 'consultations',
      titleKey: 'consultations.datasets.title',
      descriptionKey: 'consultations.datasets.description',
      frequencyKey: 'data.frequencies.onChange',
      distributions: [
        { format: 'HTML', path: 'consultations' },
        { format: 'JSON', path: 'api/consultations' },
        { format: 'CSV', path: 'consultations.csv' },
      ],
    },
  ],
  stats: (ctx) => consultationStats(ctx),
  seed: seedConsultations,
  privacy: consultationPrivacy,
  demoParams: {
    consultation: DEMO_CONSULTATION_ID,
    consultationQuestion: DEMO_QUESTION_ID,
    mapComment: DEMO_MAP_COMMENT_ID,
  },
});
