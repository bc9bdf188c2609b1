import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { seededRandom } from '../../../lib/random/seeded.js';
import { legacyPanel } from '../../../lib/sortition/legacy.js';
import { DEMO_FINISHED_SLUG, DEMO_RECRUITING_SLUG } from '../seed/demo-assemblies.js';
import { type Assembly, getAssembly } from '../setup/assembly-service.js';
import { seedRecruitment } from './recruitment-seed.js';
import { person } from './recruitment-test-support.js';
import { respondentFigures } from './respondent-service.js';

// The test database is the seeded demo place: every module's seed has run once.
const t = useTestApp();

async function assignedOfficer() {
  const officer = await person(t.db);
  await t.db.query(
    `insert into assembly_officers (assembly_id, user_id) select id, $1 from assemblies
     where slug = any($2::text[]) on conflict do nothing`,
    [officer.ctx.actor?.userId ?? null, [DEMO_FINISHED_SLUG, DEMO_RECRUITING_SLUG]],
  );
  return officer;
}

const count = async (table: string, id: string) =>
  (await t.db.query<{ n: number }>(`select count(*)::int as n from ${table} where assembly_id = $1`, [id]))[0]
    ?.n;

async function counts(high: Assembly, climate: Assembly) {
  return {
    highAddresses: await count('assembly_addresses', high.id),
    highInvitations: await count('assembly_invitations', high.id),
    highRespondents: await count('assembly_respondents', high.id),
    climateInvitations: await count('assembly_invitations', climate.id),
    climateRespondents: await count('assembly_respondents', climate.id),
  };
}

test('the demo has published draws and respondents who can fill the panels, and seeding again adds nothing', async () => {
  const officer = await assignedOfficer();
  const high = await getAssembly(officer.ctx, DEMO_RECRUITING_SLUG);
  const climate = await getAssembly(officer.ctx, DEMO_FINISHED_SLUG);
  const expected = {
    highAddresses: 2000,
    highInvitations: 600,
    highRespondents: 60,
    climateInvitations: 1000,
    climateRespondents: 160,
  };
  assert.deepEqual(await counts(high, climate), expected);
  await seedRecruitment({ db: t.db, place: officer.ctx.place, log: () => {} });
  assert.deepEqual(await counts(high, climate), expected);
  const list = await t.db.query<{ synthetic: boolean }>(
    'select synthetic from assembly_address_lists where assembly_id = $1',
    [high.id],
  );
  assert.equal(list[0]?.synthetic, true);

  // The respondents still recruiting cover every quota's minimum.
  const figures = await respondentFigures(officer.ctx, high);
  assert.equal(figures.total, 60);

  // A panel meeting the climate assembly's own quotas can be drawn from its respondents.
  const people = await t.db.query<{ reference: string; features: Record<string, string>; household: string }>(
    'select reference, features, household from assembly_respondents where assembly_id = $1 order by reference',
    [climate.id],
  );
  const panel = legacyPanel(
    {
      features: climate.features.map((f) => ({ name: f.key, values: f.values })),
      people: people.map((p) => ({
        id: p.reference,
        values: climate.features.map((f) => p.features[f.key] as string),
        household: p.household,
      })),
      k: climate.panelSize,
    },
    seededRandom(7),
  );
  assert.equal(panel?.length, climate.panelSize, 'a quota-meeting panel exists');

  // Every page shows the demo data.
  for (const slug of [DEMO_RECRUITING_SLUG, DEMO_FINISHED_SLUG]) {
    for (const path of [
      '/invitations',
      '/invitation-draw',
      '/respondents',
      '/respondents/new',
      '/register',
    ]) {
      const res = await t.app.inject({
        url: `/trafford/assemblies/${slug}${path}`,
        headers: { cookie: officer.cookie },
      });
      assert.equal(res.statusCode, 200, `${slug}${path}`);
    }
  }
  const draw = await t.app.inject(`/trafford/assemblies/${DEMO_RECRUITING_SLUG}/invitation-draw`);
  assert.match(draw.body, /made-up demonstration addresses/);
  const register = await t.app.inject(`/trafford/assemblies/${DEMO_RECRUITING_SLUG}/register`);
  assert.match(register.body, /Your registration code/);
  const respondents = await t.app.inject({
    url: `/trafford/assemblies/${DEMO_FINISHED_SLUG}/respondents`,
    headers: { cookie: officer.cookie },
  });
  assert.match(respondents.body, /R0160/);
});
