import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { pbPerson } from '../../../../test/helpers/pb-process.js';
import { quotasConsistent } from '../../../lib/sortition/quota-suggestions.js';
import { Forbidden, Invalid } from '../../../platform/http/errors.js';
import { translator } from '../../../platform/i18n/i18n.js';
import { findPlaceBySlug } from '../../../platform/places/place-service.js';
import { listWards } from '../../wards/ward-service.js';
import { DEMO_FINISHED_SLUG, DEMO_RECRUITING_SLUG } from '../seed/demo-assemblies.js';
import { createAssembly, getAssembly, setFeatures, updateAssembly } from './assembly-service.js';
import { censusFeatures, censusSuggestions } from './census-shares.js';
import { assignPlaceOfficer, listOfficers, unassignOfficer } from './officer-service.js';
import { addCustomFeature, fillFromCensus, readQuotaForm } from './quota-service.js';
import { addSession, removeSession, updateSession } from './session-service.js';
import { ASSEMBLY_OFFICER, seedSetup } from './setup-seed.js';

const t = useTestApp();
const en = translator('en');

const details = (changes: Record<string, unknown> = {}) => ({
  title: 'Transport Assembly',
  question: 'How should we get around Trafford in 2040?',
  summary: '',
  panelSize: 30,
  expensesBudgetPence: 500_000n,
  algorithm: 'leximin',
  ...changes,
});

async function invalidFields(run: () => Promise<unknown>): Promise<Record<string, string>> {
  try {
    await run();
  } catch (error) {
    if (error instanceof Invalid) return error.fieldErrors;
    throw error;
  }
  assert.fail('expected Invalid');
}

test('an officer creates an assembly, is assigned to it, and can change it; a resident cannot', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const slug = await createAssembly(officer.ctx, details());
  assert.equal(slug, 'transport-assembly');
  await updateAssembly(officer.ctx, slug, details({ panelSize: 45, algorithm: 'maximin' }));
  const a = await getAssembly(officer.ctx, slug);
  assert.equal(a.panelSize, 45);
  assert.equal(a.algorithm, 'maximin');
  assert.equal(a.expensesBudgetPence, 500_000n);
  assert.equal(a.status, 'setup');
  const officers = await listOfficers(officer.ctx, slug);
  assert.ok(officers.some((o) => o.userId === officer.userId && o.assigned));

  const resident = await pbPerson(t.db, ['resident']);
  await assert.rejects(createAssembly(resident.ctx, details()), Forbidden);
  await assert.rejects(updateAssembly(resident.ctx, slug, details()), Forbidden);
  const connector = await pbPerson(t.db, ['connector']);
  await assert.rejects(addSession(connector.ctx, slug, {}), Forbidden);
  await assert.rejects(fillFromCensus(connector.ctx, slug, en), Forbidden);
});

test('bad details give one field error each, as catalogue keys', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const errors = await invalidFields(() =>
    createAssembly(officer.ctx, details({ title: ' ', panelSize: 3, algorithm: 'coin-toss' })),
  );
  assert.deepEqual(errors, {
    title: 'assemblies.setup.errors.titleRequired',
    panelSize: 'assemblies.setup.errors.panelSizeRange',
    algorithm: 'assemblies.setup.errors.algorithmRequired',
  });
});

test("Trafford's suggested features come from the mid-2024 estimates and Census 2021, with their sources", async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const wards = await listWards(officer.ctx);
  const features = censusFeatures('trafford', wards, en);
  assert.ok(features);
  assert.deepEqual(
    features.map((f) => f.key),
    ['gender', 'age', 'ward', 'ethnicity', 'disability'],
  );
  const byKey = new Map(features.map((f) => [f.key, f]));
  const wardFeature = byKey.get('ward');
  assert.equal(wardFeature?.counts.length, 21);
  // Residents aged 16 and over: the same people counted by gender, by age band and by ward.
  const total = (key: string) => (byKey.get(key)?.counts ?? []).reduce((s, c) => s + c.count, 0);
  assert.equal(total('gender'), total('age'));
  assert.equal(total('gender'), total('ward'));
  assert.ok(total('gender') > 180_000 && total('gender') < 220_000, `16+ population ${total('gender')}`);
  // Census 2021: Trafford had about 235,000 usual residents, most of them White.
  assert.ok(total('ethnicity') > 225_000 && total('ethnicity') < 245_000);
  const white = byKey.get('ethnicity')?.counts.find((c) => c.value === 'white')?.count ?? 0;
  assert.ok(white / total('ethnicity') > 0.7 && white / total('ethnicity') < 0.85);
  assert.match(byKey.get('age')?.source ?? '', /mid-2024.*16 and over/);
  assert.match(byKey.get('disability')?.source ?? '', /Census 2021/);
  assert.equal(censusFeatures('elsewhere', wards, en), null);

  for (const k of [5, 30, 40, 500]) {
    const suggested = censusSuggestions('trafford', wards, k, en) ?? [];
    for (const f of suggested) assert.ok(quotasConsistent(f.values, k), `${f.key} for ${k}`);
  }
});

test('the Census fill keeps an officer’s own feature, and edited quotas are checked before saving', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const slug = await createAssembly(officer.ctx, details({ title: 'Quota Assembly', panelSize: 40 }));
  await addCustomFeature(officer.ctx, slug, { name: 'Attitude to change', values: 'Keen\nUnsure\nAgainst' });
  assert.equal(await fillFromCensus(officer.ctx, slug, en), true);
  const a = await getAssembly(officer.ctx, slug);
  assert.deepEqual(
    a.features.map((f) => f.key),
    ['gender', 'age', 'ward', 'ethnicity', 'disability', 'attitude-to-change'],
  );
  const own = a.features.at(-1);
  assert.deepEqual(
    own?.values.map((v) => [v.value, v.min, v.max, v.share]),
    [
      ['keen', 0, 40, null],
      ['unsure', 0, 40, null],
      ['against', 0, 40, null],
    ],
  );

  // The quotas form as posted: everything as suggested, but women's minimum raised past the maximum.
  const body: Record<string, string> = {};
  for (const f of a.features)
    for (const v of f.values) {
      body[`${f.key}.${v.value}.min`] = String(v.min);
      body[`${f.key}.${v.value}.max`] = String(v.max);
    }
  body['gender.female.min'] = '30';
  body['age.16-29.max'] = 'lots';
  const bad = readQuotaForm(a, body);
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.deepEqual(bad.errors, { 'q-age-16-29-max': 'assemblies.setup.errors.maxWhole' });
  body['age.16-29.max'] = '12';
  const overMax = readQuotaForm(a, body);
  assert.equal(overMax.ok, false);
  if (!overMax.ok)
    assert.deepEqual(overMax.errors, {
      'q-gender-female-min': 'assemblies.setup.errors.minOverMax',
      'q-gender-name': 'assemblies.setup.errors.minsOverPanel',
    });
});

test('quota arithmetic that cannot hold is refused by the service with the feature named', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const slug = await createAssembly(officer.ctx, details({ title: 'Arithmetic Assembly', panelSize: 10 }));
  const errors = await invalidFields(() =>
    setFeatures(officer.ctx, slug, [
      {
        key: 'gender',
        name: 'Gender',
        source: '',
        values: [
          { value: 'female', label: 'Female', share: 0.5, min: 6, max: 7 },
          { value: 'male', label: 'Male', share: 0.5, min: 6, max: 7 },
        ],
      },
    ]),
  );
  assert.deepEqual(errors, { gender: 'assemblies.setup.errors.minsOverPanel' });
});

test('sessions are kept in date order, at London times, and can be changed and removed', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const slug = await createAssembly(officer.ctx, details({ title: 'Timetable Assembly' }));
  const session = (title: string, date: string) => ({
    title,
    date,
    startTime: '10:00',
    endTime: '16:00',
    location: 'Sale Waterside',
    summary: '',
  });
  assert.equal(await addSession(officer.ctx, slug, session('Second', '2026-06-13')), 1);
  assert.equal(await addSession(officer.ctx, slug, session('First', '2026-01-10')), 1);
  let a = await getAssembly(officer.ctx, slug);
  assert.deepEqual(
    a.sessions.map((s) => [s.position, s.title]),
    [
      [1, 'First'],
      [2, 'Second'],
    ],
  );
  // 10:00 in London is 10:00 UTC in January and 09:00 UTC in June (British Summer Time).
  assert.equal(a.sessions[0]?.startsAt.toISOString(), '2026-01-10T10:00:00.000Z');
  assert.equal(a.sessions[1]?.startsAt.toISOString(), '2026-06-13T09:00:00.000Z');

  await updateSession(officer.ctx, slug, '2', {
    ...session('Second, moved', '2026-06-20'),
    endTime: '17:30',
  });
  await removeSession(officer.ctx, slug, '1');
  a = await getAssembly(officer.ctx, slug);
  assert.equal(a.sessions.length, 1);
  assert.equal(a.sessions[0]?.position, 1);
  assert.equal(a.sessions[0]?.title, 'Second, moved');
  assert.equal(a.sessions[0]?.endsAt.toISOString(), '2026-06-20T16:30:00.000Z');

  const errors = await invalidFields(() =>
    addSession(officer.ctx, slug, { ...session('', '2026-02-30'), startTime: '14:00', endTime: '13:00' }),
  );
  assert.deepEqual(errors, {
    title: 'assemblies.setup.errors.sessionTitleRequired',
    date: 'assemblies.setup.errors.sessionDateInvalid',
    endTime: 'assemblies.setup.errors.endBeforeStart',
  });
});

test('only the place’s officers can be assigned, and the last one cannot be taken off', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const colleague = await pbPerson(t.db, ['officer']);
  const resident = await pbPerson(t.db, ['resident']);
  const slug = await createAssembly(officer.ctx, details({ title: 'Officer Assembly' }));
  assert.deepEqual(await invalidFields(() => assignPlaceOfficer(officer.ctx, slug, resident.userId)), {
    officer: 'assemblies.setup.errors.officerRequired',
  });
  await assignPlaceOfficer(officer.ctx, slug, colleague.userId);
  assert.ok((await listOfficers(officer.ctx, slug)).find((o) => o.userId === colleague.userId)?.assigned);
  await unassignOfficer(officer.ctx, slug, officer.userId);
  assert.deepEqual(await invalidFields(() => unassignOfficer(officer.ctx, slug, colleague.userId)), {
    officer: 'assemblies.setup.errors.lastOfficer',
  });
});

test('the demo seed makes the two assemblies once, with Census quotas, timetables and the officer', async () => {
  const place = await findPlaceBySlug(t.db, 'trafford');
  assert.ok(place);
  await seedSetup({ db: t.db, place, log: () => {} });
  const ctx = { db: t.db, place, actor: null };
  const climate = await getAssembly(ctx, DEMO_FINISHED_SLUG);
  assert.equal(climate.title, 'Trafford Climate Assembly');
  assert.equal(climate.status, 'finished');
  assert.equal(climate.panelSize, 40);
  assert.equal(climate.sessions.length, 5);
  assert.deepEqual(
    climate.features.map((f) => f.key),
    ['gender', 'age', 'ward', 'ethnicity', 'disability', 'climate-concern'],
  );
  for (const f of climate.features) assert.ok(quotasConsistent(f.values, 40), f.key);
  const streets = await getAssembly(ctx, DEMO_RECRUITING_SLUG);
  assert.equal(streets.status, 'recruiting');
  assert.equal(streets.panelSize, 30);
  assert.ok(streets.sessions.every((s) => s.startsAt.getUTCFullYear() === 2027));
  const assigned = await t.db.query(
    'select 1 from assembly_officers where user_id = $1 and assembly_id in ($2, $3)',
    [ASSEMBLY_OFFICER.id, climate.id, streets.id],
  );
  assert.equal(assigned.length, 2);
});
