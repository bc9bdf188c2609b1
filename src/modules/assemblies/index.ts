import { combinePrivacy, defineModule } from '../../platform/module-definition.js';
import { newestIn } from '../../platform/opendata/last-updated.js';
import { seedDeliberation } from './deliberation/deliberation-seed.js';
import { neighbourhoodPrivacy } from './neighbourhood/neighbourhood-privacy.js';
import { DEMO_MEETING_ID, DEMO_STORY_ID, seedNeighbourhood } from './neighbourhood/neighbourhood-seed.js';
import { seedRecruitment } from './recruitment/recruitment-seed.js';
import { respondentPrivacy } from './recruitment/respondent-privacy.js';
import { assembliesRoutes } from './routes.js';
import { DEMO_FINISHED_SLUG } from './seed/demo-assemblies.js';
import { seedSelection } from './selection/selection-seed.js';
import { seedSetup } from './setup/setup-seed.js';

/**
 * Citizens' assemblies (SPEC §3.7): a council asks a question, a fair random panel chosen by
 * the sortition engine (src/lib/sortition) deliberates and recommends, and the council answers
 * each recommendation in public; and lighter neighbourhood assemblies per ward with a story book.
 */
export default defineModule({
  name: 'assemblies',
  titleKey: 'assemblies.module',
  routes: assembliesRoutes,
  nav: [
    {
      path: 'assemblies',
      labelKey: 'assemblies.nav.label',
      summaryKey: 'assemblies.nav.summary',
    },
  ],
  datasets: [
    {
      id: 'assemblies',
      titleKey: 'assemblies.datasets.assemblies.title',
      descriptionKey: 'assemblies.datasets.assemblies.description',
      frequencyKey: 'data.frequencies.onChange',
      keyField: 'slug',
      lastUpdated: newestIn('assemblies', 'updated_at'),
      fields: [
        { name: 'slug', type: 'string', descriptionKey: 'data.fieldsOf.assemblies.slug' },
        { name: 'title', type: 'string', descriptionKey: 'data.fieldsOf.assemblies.title' },
        { name: 'question', type: 'string', descriptionKey: 'data.fieldsOf.assemblies.question' },
        { name: 'status', type: 'string', descriptionKey: 'data.fieldsOf.assemblies.status' },
        { name: 'panel_size', type: 'integer', descriptionKey: 'data.fieldsOf.assemblies.panel_size' },
        {
          name: 'expenses_budget_pence',
          type: 'integer',
          descriptionKey: 'data.fieldsOf.assemblies.expenses_budget_pence',
        },
        { name: 'algorithm', type: 'string', descriptionKey: 'data.fieldsOf.assemblies.algorithm' },
        { name: 'url', type: 'uri', descriptionKey: 'data.fieldsOf.assemblies.url' },
      ],
      distributions: [
        { format: 'HTML', path: 'assemblies' },
        { format: 'JSON', path: 'api/assemblies' },
        { format: 'CSV', path: 'assemblies.csv' },
      ],
    },
    {
      id: 'assemblies-neighbourhood',
      titleKey: 'assemblies.neighbourhood.dataset.title',
      descriptionKey: 'assemblies.neighbourhood.dataset.description',
      frequencyKey: 'data.frequencies.onChange',
      distributions: [
        { format: 'HTML', path: 'assemblies/neighbourhood' },
        { format: 'JSON', path: 'api/assemblies/neighbourhood' },
        { format: 'CSV', path: 'api/assemblies/neighbourhood.csv' },
      ],
      keyField: 'ward_code',
    },
  ],
  permissions: {
    'assemblies.manage': {
      descriptionKey: 'assemblies.permissions.manage',
      roles: ['officer', 'place-admin'],
    },
    'assemblies.facilitate': {
      descriptionKey: 'assemblies.permissions.facilitate',
      roles: ['officer', 'connector', 'place-admin'],
    },
    'assemblies.contribute': { descriptionKey: 'assemblies.permissions.contribute', roles: ['resident'] },
  },
  privacy: combinePrivacy(respondentPrivacy, neighbourhoodPrivacy),
  // Each part adds its demo data to the same two assemblies, in the order a real one runs.
  async seed(ctx) {
    await seedSetup(ctx);
    await seedRecruitment(ctx);
    await seedSelection(ctx);
    await seedDeliberation(ctx);
    await seedNeighbourhood(ctx);
  },
  // Every assembly's officer routes are for its assigned officers (setup/assembly-service.ts), and
  // the members' area for its serving members: the person becomes both on the demo assemblies.
  async tieToDemoRecords(db, userId) {
    await db.query(
      `insert into assembly_officers (assembly_id, user_id)
       select a.id, $1 from assemblies a join places p on p.id = a.place_id
       where p.slug = 'trafford' on conflict do nothing`,
      [userId],
    );
    await db.query(
      `insert into assembly_respondents (assembly_id, reference, user_id, name, consent_at, status)
       select a.id, 'R' || (900000 + (select count(*) from assembly_respondents r where r.assembly_id = a.id)),
              $1, 'Demo member', now(), 'selected'
       from assemblies a join places p on p.id = a.place_id
       where p.slug = 'trafford' and a.slug = $2`,
      [userId, DEMO_FINISHED_SLUG],
    );
  },
  demoParams: {
    assembly: DEMO_FINISHED_SLUG,
    assemblySession: '1',
    recommendation: '1',
    sessionDocument: '1',
    speaker: '1',
    story: DEMO_STORY_ID,
    meeting: DEMO_MEETING_ID,
  },
});
