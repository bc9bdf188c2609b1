import { combinePrivacy, defineModule } from '../../platform/module-definition.js';
import { newestIn } from '../../platform/opendata/last-updated.js';
import { developmentPrivacy } from './development/development-privacy.js';
import { seedDevelopment } from './development/development-seed.js';
import { seedDiscovery } from './discovery/discovery-seed.js';
import { ideaStats } from './discovery/discovery-service.js';
import { ideaPostingPrivacy } from './posting/idea-privacy.js';
import { DEMO_IDEA_COMMENT_ID, seedIdeaPosting } from './posting/posting-seed.js';
import { ideasRoutes } from './routes.js';
import { DEMO_CALL_ID, DEMO_IDEA_ID, seedDemoIdeas } from './seed/demo-ideas.js';
import { skillsPrivacy } from './skills/skills-privacy.js';
import { DEMO_SKILL_OFFER_ID, DEMO_SKILL_REQUEST_ID, seedSkills } from './skills/skills-seed.js';

/**
 * Ideas (SPEC §3.5, seed 004): residents and groups post ideas for their area, others support,
 * comment, follow and join them; teams develop them, test them small with a space or a
 * micro-grant, and record what happened; and residents list the skills they can offer.
 */
export default defineModule({
  name: 'ideas',
  titleKey: 'ideas.module',
  routes: ideasRoutes,
  nav: [{ path: 'ideas', labelKey: 'ideas.nav.label', summaryKey: 'ideas.nav.summary' }],
  permissions: {
    // Officers run open calls and can move any idea on; authors and team leads move their own.
    'ideas.manage': { descriptionKey: 'ideas.permissions.manage', roles: ['officer', 'place-admin'] },
  },
  datasets: [
    {
      id: 'ideas',
      titleKey: 'ideas.discovery.datasets.ideas.title',
      descriptionKey: 'ideas.discovery.datasets.ideas.description',
      frequencyKey: 'data.frequencies.onChange',
      lastUpdated: newestIn('ideas', 'updated_at'),
      fields: [
        { name: 'id', type: 'string', descriptionKey: 'data.fieldsOf.ideas.id' },
        { name: 'title', type: 'string', descriptionKey: 'data.fieldsOf.ideas.title' },
        { name: 'summary', type: 'string', descriptionKey: 'data.fieldsOf.ideas.summary' },
        { name: 'who_it_helps', type: 'string', descriptionKey: 'data.fieldsOf.ideas.who_it_helps' },
        { name: 'ward_code', type: 'string', descriptionKey: 'data.fieldsOf.ideas.ward_code' },
        { name: 'ward_name', type: 'string', descriptionKey: 'data.fieldsOf.ideas.ward_name' },
        { name: 'area', type: 'string', descriptionKey: 'data.fieldsOf.ideas.area' },
        { name: 'theme', type: 'string', descriptionKey: 'data.fieldsOf.ideas.theme' },
        { name: 'stage', type: 'string', descriptionKey: 'data.fieldsOf.ideas.stage' },
        { name: 'call_id', type: 'string', descriptionKey: 'data.fieldsOf.ideas.call_id' },
        { name: 'challenge_id', type: 'string', descriptionKey: 'data.fieldsOf.ideas.challenge_id' },
        { name: 'supports', type: 'integer', descriptionKey: 'data.fieldsOf.ideas.supports' },
        { name: 'comments', type: 'integer', descriptionKey: 'data.fieldsOf.ideas.comments' },
        { name: 'created_at', type: 'datetime', descriptionKey: 'data.fieldsOf.ideas.created_at' },
        {
          name: 'last_activity_at',
          type: 'datetime',
          descriptionKey: 'data.fieldsOf.ideas.last_activity_at',
        },
        { name: 'url', type: 'uri', descriptionKey: 'data.fieldsOf.ideas.url' },
      ],
      distributions: [
        { format: 'HTML', path: 'ideas' },
        { format: 'JSON', path: 'api/ideas' },
        { format: 'CSV', path: 'ideas.csv' },
      ],
    },
    {
      id: 'idea-calls',
      titleKey: 'ideas.discovery.datasets.calls.title',
      descriptionKey: 'ideas.discovery.datasets.calls.description',
      frequencyKey: 'data.frequencies.onChange',
      lastUpdated: newestIn('idea_calls', 'created_at'),
      fields: [
        { name: 'id', type: 'string', descriptionKey: 'data.fieldsOf.idea-calls.id' },
        { name: 'question', type: 'string', descriptionKey: 'data.fieldsOf.idea-calls.question' },
        { name: 'description', type: 'string', descriptionKey: 'data.fieldsOf.idea-calls.description' },
        { name: 'status', type: 'string', descriptionKey: 'data.fieldsOf.idea-calls.status' },
        { name: 'opens_on', type: 'date', descriptionKey: 'data.fieldsOf.idea-calls.opens_on' },
        { name: 'closes_on', type: 'date', descriptionKey: 'data.fieldsOf.idea-calls.closes_on' },
        { name: 'challenge_id', type: 'string', descriptionKey: 'data.fieldsOf.idea-calls.challenge_id' },
        { name: 'ideas', type: 'integer', descriptionKey: 'data.fieldsOf.idea-calls.ideas' },
        { name: 'url', type: 'uri', descriptionKey: 'data.fieldsOf.idea-calls.url' },
      ],
      distributions: [
        { format: 'HTML', path: 'ideas/calls' },
        { format: 'JSON', path: 'api/ideas/calls' },
        { format: 'CSV', path: 'ideas/calls.csv' },
      ],
    },
  ],
  stats: (ctx) => ideaStats(ctx),
  // Each part adds its demo data to the same ideas, in the order a real idea's life runs.
  async seed(ctx) {
    await seedDemoIdeas(ctx);
    await seedIdeaPosting(ctx);
    await seedDevelopment(ctx);
    await seedDiscovery(ctx);
    await seedSkills(ctx);
  },
  privacy: combinePrivacy(ideaPostingPrivacy, developmentPrivacy, skillsPrivacy),
  demoParams: {
    idea: DEMO_IDEA_ID,
    call: DEMO_CALL_ID,
    ideaComment: DEMO_IDEA_COMMENT_ID,
    skillOffer: DEMO_SKILL_OFFER_ID,
    skillRequest: DEMO_SKILL_REQUEST_ID,
  },
  // The leads' pages (moving an idea on, updates, putting it forward) are for an idea's leads:
  // the person leads the demo idea's team, so the route × role matrix reaches them.
  async tieToDemoRecords(db, userId) {
    await db.query(
      `insert into idea_team_members (idea_id, user_id, is_lead, role) values ($1, $2, true, 'Demo lead')
       on conflict (idea_id, user_id) do update set is_lead = true`,
      [DEMO_IDEA_ID, userId],
    );
  },
});
