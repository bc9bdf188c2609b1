import { combinePrivacy, defineModule } from '../../platform/module-definition.js';
import { newestIn } from '../../platform/opendata/last-updated.js';
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
      lastUpdated: newestIn('directory_groups', 'updated_at'),
      fields: [
        { name: 'id', type: 'string', descriptionKey: 'data.fieldsOf.groups.id' },
        { name: 'slug', type: 'string', descriptionKey: 'data.fieldsOf.groups.slug' },
        { name: 'name', type: 'string', descriptionKey: 'data.fieldsOf.groups.name' },
        { name: 'summary', type: 'string', descriptionKey: 'data.fieldsOf.groups.summary' },
        { name: 'category', type: 'string', descriptionKey: 'data.fieldsOf.groups.category' },
        { name: 'ward_code', type: 'string', descriptionKey: 'data.fieldsOf.groups.ward_code' },
        { name: 'ward_name', type: 'string', descriptionKey: 'data.fieldsOf.groups.ward_name' },
        { name: 'address', type: 'string', descriptionKey: 'data.fieldsOf.groups.address' },
        { name: 'postcode', type: 'string', descriptionKey: 'data.fieldsOf.groups.postcode' },
        { name: 'lon', type: 'number', descriptionKey: 'data.fieldsOf.groups.lon' },
        { name: 'lat', type: 'number', descriptionKey: 'data.fieldsOf.groups.lat' },
        { name: 'days', type: 'string', descriptionKey: 'data.fieldsOf.groups.days' },
        { name: 'times', type: 'string', descriptionKey: 'data.fieldsOf.groups.times' },
        { name: 'age_min', type: 'integer', descriptionKey: 'data.fieldsOf.groups.age_min' },
        { name: 'age_max', type: 'integer', descriptionKey: 'data.fieldsOf.groups.age_max' },
        { name: 'cost', type: 'string', descriptionKey: 'data.fieldsOf.groups.cost' },
        { name: 'languages', type: 'string', descriptionKey: 'data.fieldsOf.groups.languages' },
        { name: 'step_free', type: 'boolean', descriptionKey: 'data.fieldsOf.groups.step_free' },
        { name: 'website', type: 'uri', descriptionKey: 'data.fieldsOf.groups.website' },
        { name: 'contact_email', type: 'string', descriptionKey: 'data.fieldsOf.groups.contact_email' },
        { name: 'contact_phone', type: 'string', descriptionKey: 'data.fieldsOf.groups.contact_phone' },
        {
          name: 'looking_for_volunteers',
          type: 'boolean',
          descriptionKey: 'data.fieldsOf.groups.looking_for_volunteers',
        },
        { name: 'status', type: 'string', descriptionKey: 'data.fieldsOf.groups.status' },
        { name: 'is_hub', type: 'boolean', descriptionKey: 'data.fieldsOf.groups.is_hub' },
        { name: 'last_confirmed', type: 'datetime', descriptionKey: 'data.fieldsOf.groups.last_confirmed' },
        {
          name: 'may_be_out_of_date',
          type: 'boolean',
          descriptionKey: 'data.fieldsOf.groups.may_be_out_of_date',
        },
        { name: 'source', type: 'string', descriptionKey: 'data.fieldsOf.groups.source' },
        { name: 'url', type: 'uri', descriptionKey: 'data.fieldsOf.groups.url' },
      ],
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
      standard: { name: 'Open Referral UK', url: 'https://openreferraluk.org/' },
      lastUpdated: newestIn('oruk_services', 'last_modified'),
      fields: [
        { name: 'id', type: 'string', descriptionKey: 'data.fieldsOf.services.id' },
        { name: 'name', type: 'string', descriptionKey: 'data.fieldsOf.services.name' },
        { name: 'organization', type: 'string', descriptionKey: 'data.fieldsOf.services.organization' },
        { name: 'description', type: 'string', descriptionKey: 'data.fieldsOf.services.description' },
        { name: 'status', type: 'string', descriptionKey: 'data.fieldsOf.services.status' },
        { name: 'last_modified', type: 'datetime', descriptionKey: 'data.fieldsOf.services.last_modified' },
      ],
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
