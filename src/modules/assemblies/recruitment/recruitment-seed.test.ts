import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { seededRandom } from '../../../lib/random/seeded.js';
import { legacyPanel } from '../../../lib/sortition/legacy.js';
import { DEMO_FINISHED_SLUG, DEMO_RECRUITING_SLUG } from '../seed/demo-assemblies.js';
import { createAssembly, getAssembly, setFeatures, setStatus } from '../setup/assembly-service.js';
import { seedRecruitment } from './recruitment-seed.js';
import { person } from './recruitment-test-support.js';
import { respondentFigures } from './respondent-service.js';

const t = useTestApp();

/** Features like a real assembly's: age bands, gender, qualifications, housing (quotas for 40 seats). */
const FEATURES = [
  {
    key: 'age',
    name: 'Age',
    values: [
      { value: '16-29', label: '16 to 29', share: 0.21, min: 7, max: 10 },
      { value: '30-44', label: '30 to 44', share: 0.25, min: 8, max: 12 },
      { value: '45-64', label: '45 to 64', share: 0.32, min: 11, max: 14 },
      { value: '65+', label: '65 or over', share: 0.22, min: 7, max: 10 },
    ],
  },
  {
    key: 'gender',
    name: 'Gender',
    values: [
      { value: 'female', label: 'Woman', share: 0.51, min: 19, max: 22 },
      { value: 'male', label: 'Man', share: 0.48, min: 18, max: 21 },
      { value: 'other', label: 'Another way', share: 0.01, min: 0, max: 2 },
    ],
  },
  {
    key: 'education',
    name: 'Highest qualification',
    values: [
      { value: 'none', label: 'No qualifications', share: 0.18, min: 6, max: 9 },
      { value: 'level-1-3', label: 'GCSEs, A levels or similar', share: 0.42, min: 15, max: 19 },
      { value: 'level-4', label: 'Degree or higher', share: 0.4, min: 14, max: 18 },
    ],
  },
];

test('the demo seed draws invitations and registers respondents who can fill a 40-seat panel, once', async () => {
  const officer = await person(t.db);
  for (const [title, status] of [
    ['High streets', 'recruiting'],
    ['Climate', 'finished'],
  ] as const) {
    const slug = await createAssembly(officer.ctx, { title, question: 'What should we do?', panelSize: 40 });
    await setFeatures(officer.ctx, slug, FEATURES);
    await setStatus(officer.ctx, slug, status);
  }
  const seed = { db: t.db, place: officer.ctx.place, log: () => {} };
  await seedRecruitment(seed);
  await seedRecruitment(seed);

  const high = await getAssembly(officer.ctx, DEMO_RECRUITING_SLUG);
  const climate = await getAssembly(officer.ctx, DEMO_FINISHED_SLUG);
  const count = async (table: string, id: string) =>
    (
      await t.db.query<{ n: number }>(`select count(*)::int as n from ${table} where assembly_id = $1`, [id])
    )[0]?.n;
  assert.equal(await count('assembly_addresses', high.id), 2000);
  assert.equal(await count('assembly_invitations', high.id), 600);
  assert.equal(await count('assembly_respondents', high.id), 60);
  assert.equal(await count('assembly_invitations', climate.id), 1000);
  assert.equal(await count('assembly_respondents', climate.id), 160);
  const list = await t.db.query<{ synthetic: boolean }>(
    'select synthetic from assembly_address_lists where assembly_id = $1',
    [high.id],
  );
  assert.equal(list[0]?.synthetic, true);

  const figures = await respondentFigures(officer.ctx, climate);
  for (const f of figures.features)
    for (const v of f.values) assert.ok(!v.tooFew, `${f.key} ${v.value}: ${v.count} < ${v.min}`);
  // Older and more qualified people answered more often than their share.
  const share = (key: string, value: string) =>
    figures.features.find((f) => f.key === key)?.values.find((v) => v.value === value)?.respondentShare ?? 0;
  assert.ok(share('age', '65+') > share('age', '16-29'));
  assert.ok(share('education', 'level-4') > share('education', 'none'));

  // A real panel of 40 can be drawn from them.
  const people = await t.db.query<{ reference: string; features: Record<string, string>; household: string }>(
    'select reference, features, household from assembly_respondents where assembly_id = $1 order by reference',
    [climate.id],
  );
  const panel = legacyPanel(
    {
      features: FEATURES.map((f) => ({ name: f.key, values: f.values })),
      people: people.map((p) => ({
        id: p.reference,
        values: FEATURES.map((f) => p.features[f.key] as string),
        household: p.household,
      })),
      k: 40,
    },
    seededRandom(7),
  );
  assert.ok(panel, 'a quota-meeting panel of 40 exists');
  assert.equal(panel?.length, 40);

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
  assert.match(draw.body, /5 2 6 1 3 3 4 6 2 1/);
  assert.match(draw.body, /made-up demonstration addresses/);
  const register = await t.app.inject(`/trafford/assemblies/${DEMO_RECRUITING_SLUG}/register`);
  assert.match(register.body, /Your registration code/);
  const respondents = await t.app.inject({
    url: `/trafford/assemblies/${DEMO_FINISHED_SLUG}/respondents`,
    headers: { cookie: officer.cookie },
  });
  assert.match(respondents.body, /R0160/);
});
