import { combinePrivacy, defineModule } from '../../platform/module-definition.js';
import { groupConfirmationJob } from './groups/confirm-job.js';
import { groupPrivacy } from './groups/group-privacy.js';
import { DEMO_IMPORT_ID } from './groups/group-seed.js';
import { groupTotals } from './groups/group-service.js';
import { KITH_TAXONOMY_ID, kithTermId } from './oruk/oruk-ids.js';
import { DEMO_ORGANIZATION_ID, DEMO_SERVICE_AT_LOCATION_ID, DEMO_SERVICE_ID } from './oruk/oruk-seed.js';
import { directoryRoutes } from './routes.js';
import { seedDirectory } from './seed.js';
import { signpostingPrivacy } from './signposting/signposting-privacy.js';

/**
 * The directory (SPEC §3.1): who is doing what, where. Community groups, services in the
 * Open Referral UK model, community hubs, one search, and connectors' signposting.
 */
export default defineModule({
  name: 'directory',
  titleKey: 'directory.module',
  routes: directoryRoutes,
  nav: [
    { path: 'groups', labelKey: 'directory.nav.groups', summaryKey: 'directory.nav.groupsSummary' },
    { path: 'services', labelKey: 'directory.nav.services', summaryKey: 'directory.nav.servicesSummary' },
    { path: 'search', labelKey: 'directory.nav.search', summaryKey: 'directory.nav.searchSummary' },
  ],
  datasets: [
    {
      id: 'groups',
      titleKey: 'directory.datasets.groups.title',
      descriptionKey: 'directory.datasets.groups.description',
      frequencyKey: 'data.frequencies.onChange',
      distributions: [
        { format: 'HTML', path: 'groups' },
        { format: 'JSON', path: 'api/groups' },
        { format: 'CSV', path: 'api/groups.csv' },
      ],
    },
    {
      id: 'services',
      titleKey: 'directory.oruk.dataset.title',
      descriptionKey: 'directory.oruk.dataset.description',
      frequencyKey: 'data.frequencies.onChange',
      distributions: [
        { format: 'HTML', path: 'services' },
        { format: 'Open Referral UK (JSON)', path: 'api/oruk/services' },
        { format: 'CSV', path: 'api/services.csv' },
      ],
    },
    {
      id: 'directory-search',
      titleKey: 'directory.datasets.search.title',
      descriptionKey: 'directory.datasets.search.description',
      frequencyKey: 'data.frequencies.onChange',
      distributions: [
        { format: 'HTML', path: 'search' },
        { format: 'JSON', path: 'api/search' },
        { format: 'CSV', path: 'api/search.csv' },
      ],
    },
  ],
  permissions: {
    'directory.group.create': { descriptionKey: 'directory.permissions.groupCreate', roles: ['resident'] },
    'directory.group.manage-any': {
      descriptionKey: 'directory.permissions.groupManageAny',
      roles: ['officer', 'place-admin'],
    },
    'directory.import': { descriptionKey: 'directory.permissions.import', roles: ['place-admin'] },
    'directory.service.manage': {
      descriptionKey: 'directory.permissions.serviceManage',
      roles: ['officer', 'place-admin'],
    },
    'directory.quality': {
      descriptionKey: 'directory.permissions.quality',
      roles: ['officer', 'place-admin'],
    },
    'directory.signpost': {
      descriptionKey: 'directory.permissions.signpost',
      roles: ['connector', 'officer', 'place-admin'],
    },
    'directory.signposting.view': {
      descriptionKey: 'directory.permissions.signpostingView',
      roles: ['connector', 'officer', 'place-admin'],
    },
  },
  jobs: (site) => ({ 'directory.confirm-groups': groupConfirmationJob(site) }),
  recurringJobs: ['directory.confirm-groups'],
  privacy: combinePrivacy(groupPrivacy, signpostingPrivacy),
  homePanel: async (ctx) => ({ template: 'directory/views/home-panel.njk', data: await groupTotals(ctx) }),
  stats: async (ctx) => {
    const totals = await groupTotals(ctx);
    return [
      { key: 'directory.groups', labelKey: 'directory.stats.groups', value: totals.groups },
      {
        key: 'directory.groups.volunteers',
        labelKey: 'directory.stats.volunteers',
        value: totals.volunteers,
      },
      { key: 'directory.hubs', labelKey: 'directory.stats.hubs', value: totals.hubs },
    ];
  },
  seed: seedDirectory,
  demoParams: {
    group: 'stretford-walking-group',
    import: DEMO_IMPORT_ID,
    service: DEMO_SERVICE_ID,
    serviceAtLocation: DEMO_SERVICE_AT_LOCATION_ID,
    organization: DEMO_ORGANIZATION_ID,
    taxonomy: KITH_TAXONOMY_ID,
    taxonomyTerm: kithTermId('food'),
  },
});
