import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { pbPerson } from '../../../../test/helpers/pb-process.js';
import { drawIndex } from '../../../lib/sortition/draw.js';
import { DEMO_FINISHED_SLUG } from '../seed/demo-assemblies.js';
import { createAssembly, getAssembly, setFeatures } from '../setup/assembly-service.js';
import { addRespondents } from './selection-fixtures.js';
import { DEMO_RANDOM_NUMBER, seedSelection } from './selection-seed.js';
import { latestRun } from './selection-service.js';

const t = useTestApp();

const feature = (key: string, name: string, values: [string, number, number][]) => ({
  key,
  name,
  source: '',
  values: values.map(([value, min, max]) => ({ value, label: value, share: null, min, max })),
});

test('the demo seed waits for respondents, then publishes a panel of 40 with one replacement, once', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const seedCtx = { db: t.db, place: officer.ctx.place, log: () => {} };
  await seedSelection(seedCtx); // no assembly yet: nothing happens
  const slug = await createAssembly(officer.ctx, {
    title: 'Climate',
    question: 'How should Trafford reach net zero by 2038?',
    panelSize: '40',
    algorithm: 'leximin',
  });
  assert.equal(slug, DEMO_FINISHED_SLUG);
  await setFeatures(officer.ctx, slug, [
    feature('gender', 'Gender', [
      ['Woman', 19, 21],
      ['Man', 19, 21],
    ]),
    feature('age', 'Age', [
      ['16-29', 8, 12],
      ['30-59', 15, 20],
      ['60+', 9, 13],
    ]),
    feature('ward', 'Area', [
      ['North', 9, 11],
      ['South', 9, 11],
      ['East', 9, 11],
      ['West', 9, 11],
    ]),
  ]);
  const assembly = await getAssembly(officer.ctx, slug);
  await seedSelection(seedCtx); // no respondents yet: nothing happens
  assert.equal(await latestRun(t.db, assembly.id), null);

  const ages = ['16-29', '30-59', '30-59', '60+'];
  const wards = ['North', 'South', 'East', 'West', 'North'];
  await addRespondents(
    t.db,
    assembly.id,
    Array.from({ length: 150 }, (_, i) => ({
      household: `${Math.floor(i / 1.1)} Example Road`,
      features: { gender: i % 2 ? 'Man' : 'Woman', age: ages[i % 4] as string, ward: wards[i % 5] as string },
    })),
  );
  const started = performance.now();
  await seedSelection(seedCtx);
  const seconds = (performance.now() - started) / 1000;
  // The lottery's integer program may use its whole 20-second limit on a pool this size.
  assert.ok(seconds < 90, `the seed took ${seconds} seconds`);

  const run = await latestRun(t.db, assembly.id);
  assert.ok(run?.publishedAt);
  assert.equal(run.panelIndex, drawIndex(1000, { kind: 'number', value: DEMO_RANDOM_NUMBER }));
  const counts = async () =>
    Object.fromEntries(
      (
        await t.db.query<{ status: string; n: string }>(
          'select status, count(*) as n from assembly_respondents where assembly_id = $1 group by status',
          [assembly.id],
        )
      ).map((r) => [r.status, Number(r.n)]),
    );
  assert.deepEqual(await counts(), { selected: 40, 'not-selected': 109, 'dropped-out': 1 });
  const [dropout] = await t.db.query<{ replacement_id: string | null }>(
    'select replacement_id from assembly_dropouts where assembly_id = $1',
    [assembly.id],
  );
  assert.ok(dropout?.replacement_id);
  assert.equal((await getAssembly(officer.ctx, slug)).status, 'running');

  await seedSelection(seedCtx);
  assert.deepEqual(await counts(), { selected: 40, 'not-selected': 109, 'dropped-out': 1 });
  const runs = await t.db.query('select 1 from assembly_selection_runs where assembly_id = $1', [
    assembly.id,
  ]);
  assert.equal(runs.length, 1);
});
