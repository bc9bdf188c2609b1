import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { pbPerson } from '../../../../test/helpers/pb-process.js';
import { drawIndex } from '../../../lib/sortition/draw.js';
import { DEMO_FINISHED_SLUG } from '../seed/demo-assemblies.js';
import { getAssembly } from '../setup/assembly-service.js';
import { DEMO_RANDOM_NUMBER, seedSelection } from './selection-seed.js';
import { latestRun } from './selection-service.js';

// The test database is the seeded demo place: every module's seed has run once.
const t = useTestApp();

test('the demo climate assembly has a published panel with one replacement, and seeding again changes nothing', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const assembly = await getAssembly(officer.ctx, DEMO_FINISHED_SLUG);
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
  const expected = {
    selected: assembly.panelSize,
    'not-selected': 160 - assembly.panelSize - 1,
    'dropped-out': 1,
  };
  assert.deepEqual(await counts(), expected);
  const [dropout] = await t.db.query<{ replacement_id: string | null }>(
    'select replacement_id from assembly_dropouts where assembly_id = $1',
    [assembly.id],
  );
  assert.ok(dropout?.replacement_id);

  await seedSelection({ db: t.db, place: officer.ctx.place, log: () => {} });
  assert.deepEqual(await counts(), expected);
  const runs = await t.db.query('select 1 from assembly_selection_runs where assembly_id = $1', [
    assembly.id,
  ]);
  assert.equal(runs.length, 1);
});
