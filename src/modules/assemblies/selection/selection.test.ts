import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { useTestApp } from '../../../../test/helpers/app.js';
import { pbPerson } from '../../../../test/helpers/pb-process.js';
import { drawIndex } from '../../../lib/sortition/draw.js';
import { Conflict, Forbidden, Invalid } from '../../../platform/http/errors.js';
import { getAssembly, setFeatures } from '../setup/assembly-service.js';
import { AGE, assemblyWithPool, GENDER, mixedPool } from './selection-fixtures.js';
import { buildProblem, chanceBands } from './selection-problem.js';
import {
  drawReplacement,
  latestRun,
  membersOverview,
  myChance,
  publishSelection,
  recordDropout,
  remakeReplacementLottery,
  runSelection,
  SelectionInfeasible,
  selectionOverview,
} from './selection-service.js';

const t = useTestApp();
const site = { site: { publicUrl: 'https://kith.example' } };

async function statuses(assemblyId: string) {
  const rows = await t.db.query<{ reference: string; status: string; probability: number | null }>(
    'select reference, status, probability from assembly_respondents where assembly_id = $1 order by reference',
    [assemblyId],
  );
  return rows;
}

test('the problem uses references and labels; respondents missing a value are reported, not crashed on', () => {
  const built = buildProblem(
    [GENDER, AGE],
    [
      { id: 'a', reference: 'R0001', household: ' 1 High St ', features: { gender: 'woman', age: 'young' } },
      { id: 'b', reference: 'R0002', household: '', features: { gender: 'man' } },
      { id: 'c', reference: 'R0003', household: '', features: { gender: 'other', age: 'old' } },
      { id: 'd', reference: 'R0004', household: '1 high st', features: { gender: 'man', age: 'old' } },
    ],
    6,
  );
  assert.deepEqual(
    built.problem.people.map((p) => [p.id, p.values, p.household]),
    [
      ['R0001', ['Woman', '16 to 39'], '1 high st'],
      ['R0004', ['Man', '40 and over'], '1 high st'],
    ],
  );
  assert.deepEqual(built.incomplete, [
    { reference: 'R0002', features: ['Age band'] },
    { reference: 'R0003', features: ['Gender'] },
  ]);
  assert.deepEqual(built.problem.features[1], {
    name: 'Age band',
    values: [
      { value: '16 to 39', min: 2, max: 4 },
      { value: '40 and over', min: 2, max: 4 },
    ],
  });
});

test('chance bands run in round steps from the smallest chance to the largest', () => {
  assert.deepEqual(chanceBands([0.2, 0.2, 0.2]), [{ from: 0.2, to: 0.2, count: 3 }]);
  assert.deepEqual(
    chanceBands([0.18, 0.2, 0.21, 0.26]).map((b) => [b.from, b.to, b.count]),
    [
      [0.18, 0.19, 1],
      [0.19, 0.2, 0],
      [0.2, 0.21, 1],
      [0.21, 0.22, 1],
      [0.22, 0.23, 0],
      [0.23, 0.24, 0],
      [0.24, 0.25, 0],
      [0.25, 0.26, 1],
    ],
  );
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 60 }),
      (ps) => {
        const bands = chanceBands(ps);
        return (
          bands.length <= 10 &&
          bands.reduce((sum, b) => sum + b.count, 0) === ps.length &&
          // Band edges are shown to four decimal places, so they may round past a chance by 0.00005.
          (bands[0]?.from ?? 1) <= Math.min(...ps) + 5e-5 &&
          (bands.at(-1)?.to ?? 0) >= Math.max(...ps) - 5e-5
        );
      },
    ),
  );
});

test('infeasible quotas are named in plain English and nothing is stored', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  // Only three young people in the pool, but the quotas need four.
  const pool = mixedPool(12).map((p, i) => ({
    ...p,
    features: { gender: i % 2 ? 'man' : 'woman', age: i < 3 ? 'young' : 'old' },
  }));
  const features = [
    GENDER,
    {
      ...AGE,
      values: AGE.values.map((v) => (v.value === 'young' ? { ...v, min: 4, max: 4 } : { ...v, min: 2 })),
    },
  ];
  const a = await assemblyWithPool(officer.ctx, 'Infeasible quotas', pool, { features });
  await assert.rejects(runSelection(officer.ctx, a.slug), (e: unknown) => {
    assert.ok(e instanceof SelectionInfeasible);
    assert.match(e.conflicts.join(' '), /16 to 39/);
    assert.match(e.conflicts.join(' '), /at least 4/);
    return true;
  });
  assert.equal(await latestRun(t.db, a.assembly.id), null);
});

test('households are never both chosen and the quotas combine: a conflict found by the engine is named', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  // Three women, but two share a household: no panel of three women exists.
  const pool = [
    ...['woman', 'woman', 'woman'].map((g, i) => ({
      household: i < 2 ? '1 Shared Road' : `${i} Road`,
      features: { gender: g, age: i ? 'old' : 'young' },
    })),
    ...Array.from({ length: 6 }, (_, i) => ({ features: { gender: 'man', age: i % 2 ? 'young' : 'old' } })),
  ];
  const a = await assemblyWithPool(officer.ctx, 'Household conflict', pool);
  await assert.rejects(runSelection(officer.ctx, a.slug), (e: unknown) => {
    assert.ok(e instanceof SelectionInfeasible);
    assert.match(e.conflicts.join(' '), /at most one person from the household at "1 shared road"/);
    return true;
  });
});

test('publishing draws the panel the number picks, stores chances, tells everyone, and is final', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const a = await assemblyWithPool(officer.ctx, 'Publish once');
  await runSelection(officer.ctx, a.slug);
  assert.equal((await getAssembly(officer.ctx, a.slug)).status, 'selecting');
  const run = await latestRun(t.db, a.assembly.id);
  assert.ok(run);
  assert.equal(run.lottery.length, 1000);
  assert.equal(run.n, 20);
  assert.ok(run.optimal);
  // 20 people, 6 seats, quotas that every panel meets: nobody's chance can be below 6/20 by much.
  const chances = Object.values(run.probabilities);
  assert.ok(Math.abs(chances.reduce((s, p) => s + p, 0) - 6) < 1e-6);
  assert.ok(run.minProbability > 0);

  const published = await publishSelection(officer.ctx, site, a.slug, {
    randomKind: 'number',
    randomNumber: '417',
  });
  assert.equal(published.panelIndex, drawIndex(1000, { kind: 'number', value: 417 }));
  assert.deepEqual(published.selected, run.lottery[417]);
  const rows = await statuses(a.assembly.id);
  assert.deepEqual(
    rows.filter((r) => r.status === 'selected').map((r) => r.reference),
    [...(run.lottery[417] ?? [])].sort(),
  );
  assert.equal(rows.filter((r) => r.status === 'not-selected').length, 14);
  assert.ok(rows.every((r) => r.probability !== null && r.probability > 0));
  assert.equal((await getAssembly(officer.ctx, a.slug)).status, 'running');

  const mail = await t.db.query<{ template: string; to_email: string; body: string }>(
    `select template, to_email, body from outbox where to_email like 'resident%@example.org' and body like '%Publish once%'`,
  );
  assert.equal(mail.filter((m) => m.template === 'assemblySelected').length, 6);
  assert.equal(mail.filter((m) => m.template === 'assemblyNotSelected').length, 14);
  assert.match(
    mail[0]?.body ?? '',
    /https:\/\/kith\.example\/trafford\/assemblies\/publish-once\/selection\/you/,
  );

  await assert.rejects(
    publishSelection(officer.ctx, site, a.slug, { randomKind: 'number', randomNumber: '3' }),
    Conflict,
  );
  await assert.rejects(runSelection(officer.ctx, a.slug), Conflict);
  const audits = await t.db.query<{ action: string }>(
    `select action from audit_log where target_id = $1 and action like 'assemblies.selection.%' order by at`,
    [a.assembly.id],
  );
  assert.deepEqual(
    audits.map((x) => x.action),
    ['assemblies.selection.run', 'assemblies.selection.publish'],
  );
});

test('a seed draws panel SHA-256(seed) mod 1000; bad numbers are refused', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const a = await assemblyWithPool(officer.ctx, 'Seeded draw');
  await assert.rejects(
    publishSelection(officer.ctx, site, a.slug, { randomKind: 'number', randomNumber: '5' }),
    (e: unknown) => e instanceof Invalid && 'randomKind' in e.fieldErrors,
  );
  await runSelection(officer.ctx, a.slug);
  for (const bad of [
    { randomKind: 'number', randomNumber: '1000' },
    { randomKind: 'number', randomNumber: 'four' },
    { randomKind: 'seed', randomSeed: '  ' },
    {},
  ]) {
    await assert.rejects(publishSelection(officer.ctx, site, a.slug, bad), Invalid);
  }
  const seed = 'Lotto 2026-12-05: 3 11 19 27 38 52';
  const published = await publishSelection(officer.ctx, { site: null }, a.slug, {
    randomKind: 'seed',
    randomSeed: seed,
  });
  assert.equal(published.panelIndex, drawIndex(1000, { kind: 'seed', value: seed }));
});

test('a pool that changed since the run must be run again before publishing', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const a = await assemblyWithPool(officer.ctx, 'Pool changed');
  await runSelection(officer.ctx, a.slug);
  await t.db.query("update assembly_respondents set status = 'withdrawn' where id = $1", [
    a.ids[0] as string,
  ]);
  await assert.rejects(
    publishSelection(officer.ctx, site, a.slug, { randomKind: 'number', randomNumber: '1' }),
    (e: unknown) =>
      e instanceof Invalid && e.fieldErrors.randomKind === 'assemblies.selection.errors.poolChanged',
  );
  await runSelection(officer.ctx, a.slug);
  const run = await latestRun(t.db, a.assembly.id);
  assert.equal(run?.n, 19);
  await publishSelection(officer.ctx, site, a.slug, { randomKind: 'number', randomNumber: '1' });
});

test('only officers assigned to the assembly (or place admins) run, publish or see members', async () => {
  const owner = await pbPerson(t.db, ['officer']);
  const other = await pbPerson(t.db, ['officer']);
  const resident = await pbPerson(t.db);
  const admin = await pbPerson(t.db, ['place-admin']);
  const a = await assemblyWithPool(owner.ctx, 'Assigned only');
  for (const who of [other, resident]) {
    await assert.rejects(runSelection(who.ctx, a.slug), Forbidden);
    await assert.rejects(selectionOverview(who.ctx, a.slug), Forbidden);
    await assert.rejects(membersOverview(who.ctx, a.slug), Forbidden);
  }
  await runSelection(admin.ctx, a.slug);
  await assert.rejects(
    publishSelection(other.ctx, site, a.slug, { randomKind: 'number', randomNumber: '1' }),
    Forbidden,
  );
  await publishSelection(owner.ctx, site, a.slug, { randomKind: 'number', randomNumber: '1' });
  const member = (await statuses(a.assembly.id)).find((r) => r.status === 'selected');
  await assert.rejects(
    recordDropout(other.ctx, a.slug, { member: member?.reference, reason: 'Moved away' }),
    Forbidden,
  );
});

test('a replacement keeps the quotas and everyone who stays, and never picks someone who dropped out', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const a = await assemblyWithPool(officer.ctx, 'Replacements', mixedPool(16));
  await runSelection(officer.ctx, a.slug);
  await publishSelection(officer.ctx, site, a.slug, { randomKind: 'number', randomNumber: '250' });
  const features = async () =>
    t.db.query<{ reference: string; features: Record<string, string> }>(
      "select reference, features from assembly_respondents where assembly_id = $1 and status = 'selected'",
      [a.assembly.id],
    );
  const before = await features();
  const gone: string[] = [];
  for (const [round, number] of ['7', '642'].entries()) {
    const panel = await features();
    const leaving = panel[round]?.reference as string;
    gone.push(leaving);
    await recordDropout(officer.ctx, a.slug, { member: leaving, reason: 'A new job on Saturdays' });
    assert.equal((await membersOverview(officer.ctx, a.slug)).pending?.seats, 1);
    const newcomers = await drawReplacement(officer.ctx, site, a.slug, {
      randomKind: 'number',
      randomNumber: number,
    });
    assert.equal(newcomers.length, 1);
    assert.ok(!gone.includes(newcomers[0] as string));
    const after = await features();
    assert.equal(after.length, 6);
    assert.ok(after.every((m) => !gone.includes(m.reference)));
    for (const m of panel.filter((p) => p.reference !== leaving))
      assert.ok(
        after.some((x) => x.reference === m.reference),
        `${m.reference} stays`,
      );
    const women = after.filter((m) => m.features.gender === 'woman').length;
    const young = after.filter((m) => m.features.age === 'young').length;
    assert.equal(women, 3);
    assert.ok(young >= 2 && young <= 4);
  }
  assert.equal(before.length, 6);
  const overview = await membersOverview(officer.ctx, a.slug);
  assert.equal(overview.dropouts.length, 2);
  assert.ok(overview.dropouts.every((d) => d.replacement && !gone.includes(d.replacement)));
  assert.equal(overview.pending, null);
  const mail = await t.db.query(
    "select 1 from outbox where template = 'assemblyReplacementSelected' and body like '%Replacements%'",
  );
  assert.equal(mail.length, 2);
  await assert.rejects(
    recordDropout(officer.ctx, a.slug, { member: gone[0], reason: 'Again' }),
    (e: unknown) => e instanceof Invalid && 'member' in e.fieldErrors,
  );
  await assert.rejects(
    drawReplacement(officer.ctx, site, a.slug, { randomKind: 'number', randomNumber: '1' }),
    Invalid,
  );
});

test('a respondent sees their own chance; nobody else sees it', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const linked = await pbPerson(t.db);
  const byEmail = await pbPerson(t.db);
  const stranger = await pbPerson(t.db);
  const pool = mixedPool(20).map((p, i) =>
    i === 0 ? { ...p, userId: linked.userId } : i === 1 ? { ...p, email: byEmail.email.toUpperCase() } : p,
  );
  const a = await assemblyWithPool(officer.ctx, 'Private chance', pool);
  const early = await myChance(linked.ctx, a.slug);
  assert.equal(early.me?.reference, 'R0001');
  assert.equal(early.published, false);
  await runSelection(officer.ctx, a.slug);
  await publishSelection(officer.ctx, site, a.slug, { randomKind: 'number', randomNumber: '99' });
  const mine = await myChance(linked.ctx, a.slug);
  const rows = await statuses(a.assembly.id);
  assert.equal(mine.me?.probability, rows[0]?.probability);
  assert.equal(mine.me?.status, rows[0]?.status);
  assert.equal((await myChance(byEmail.ctx, a.slug)).me?.reference, 'R0002');
  assert.equal((await myChance(stranger.ctx, a.slug)).me, null);
});

test('a drop-out nobody can replace within the quotas is still recorded, with the quotas that cannot hold', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  // Three men in the pool and three seats for men: every man is on the panel.
  const a = await assemblyWithPool(officer.ctx, 'No spare men', mixedPool(7));
  await runSelection(officer.ctx, a.slug);
  await publishSelection(officer.ctx, site, a.slug, { randomKind: 'number', randomNumber: '3' });
  const [man] = await t.db.query<{ reference: string }>(
    `select reference from assembly_respondents
     where assembly_id = $1 and status = 'selected' and features->>'gender' = 'man' order by reference limit 1`,
    [a.assembly.id],
  );
  const outcome = await recordDropout(officer.ctx, a.slug, { member: man?.reference, reason: 'Moved away' });
  assert.equal(outcome.kind, 'unfillable');
  assert.ok(
    outcome.kind === 'unfillable' && outcome.conflicts.some((c) => c.includes('Man')),
    'the gender quota is named',
  );
  const rows = await statuses(a.assembly.id);
  assert.equal(rows.find((r) => r.reference === man?.reference)?.status, 'dropped-out');
  const overview = await membersOverview(officer.ctx, a.slug);
  assert.equal(overview.pending, null);
  assert.equal(overview.dropouts.length, 1);
  assert.equal(overview.dropouts[0]?.replacement ?? null, null);
  assert.equal(overview.emptySeats, 1);

  // The officer widens the quota (a woman may take the seat) and makes the lottery again.
  await setFeatures(officer.ctx, a.slug, [
    {
      ...GENDER,
      values: [
        { value: 'woman', label: 'Woman', share: null, min: 3, max: 4 },
        { value: 'man', label: 'Man', share: null, min: 2, max: 3 },
      ],
    },
    AGE,
  ]);
  const again = await remakeReplacementLottery(officer.ctx, a.slug);
  assert.equal(again.kind, 'lottery');
  assert.equal((await membersOverview(officer.ctx, a.slug)).pending?.seats, 1);
  const newcomers = await drawReplacement(officer.ctx, site, a.slug, {
    randomKind: 'number',
    randomNumber: '5',
  });
  assert.equal(newcomers.length, 1);
  const after = await statuses(a.assembly.id);
  assert.equal(after.filter((r) => r.status === 'selected').length, 6);
  await assert.rejects(remakeReplacementLottery(officer.ctx, a.slug), Conflict);
});
