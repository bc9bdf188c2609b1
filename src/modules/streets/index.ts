import { defineModule } from '../../platform/module-definition.js';
import { streetStats } from './events/stats.js';
import { REMOVE_FILES_JOB } from './notices/document-service.js';
import { documentFilesJob, streetDeadlinesJob } from './notices/notice-jobs.js';
import { noticePrivacy } from './notices/notice-privacy.js';
import { DEMO_NOTICE_ID, DEMO_NOTICE_REFERENCE, seedStreets } from './notices/notice-seed.js';
import { streetsRoutes } from './routes.js';

/**
 * Streets and public space (SPEC §3.4): tell the council and the neighbours, and go ahead,
 * unless the council shows a good reason why not (the Community Power of Competence).
 */
export default defineModule({
  name: 'streets',
  titleKey: 'streets.module',
  routes: streetsRoutes,
  nav: [
    { path: 'streets', labelKey: 'streets.notices.nav.label', summaryKey: 'streets.notices.nav.summary' },
  ],
  permissions: {
    'streets.notify': { descriptionKey: 'streets.notices.permissions.notify', roles: ['resident'] },
    'streets.respond': {
      descriptionKey: 'streets.notices.permissions.respond',
      roles: ['officer', 'place-admin'],
    },
    'streets.configure': { descriptionKey: 'streets.types.permissions.configure', roles: ['place-admin'] },
  },
  privacy: noticePrivacy,
  seed: seedStreets,
  stats: (ctx) => streetStats(ctx),
  jobs: (site) => ({
    'streets.deadlines': streetDeadlinesJob(site),
    [REMOVE_FILES_JOB]: documentFilesJob(site),
  }),
  recurringJobs: ['streets.deadlines'],
  demoParams: {
    notice: DEMO_NOTICE_ID,
    reference: DEMO_NOTICE_REFERENCE,
    type: 'street-party',
    act: 'object',
    document: 'insurance',
  },
});
