import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../test/helpers/app.js';
import { makePerson } from '../../../test/helpers/people.js';
import { addMonths } from '../../lib/standards/performance.js';
import { withTransaction } from '../../platform/db/transaction.js';
import { Forbidden, Invalid } from '../../platform/http/errors.js';
import type { ServiceContext } from '../../platform/http/request-context.js';
import type { Role } from '../../platform/module-definition.js';
import { findPlaceBySlug, type Place } from '../../platform/places/place-service.js';
import { confirmFiguresImport, getStagedImport, stageFiguresImport } from './figure-import.js';
import { standardsPrivacy } from './standards-privacy.js';
import {
  checkFigure,
  createService,
  createStandard,
  currentMonth,
  figuresOf,
  getStandard,
  latestReportableMonth,
  saveFigure,
  updateStandard,
} from './standards-service.js';
import { standardsStats } from './standards-stats.js';

const t = useTestApp();

async function as(roles: Role[] | null): Promise<ServiceContext> {
  const place = (await findPlaceBySlug(t.db, 'trafford')) as Place;
  if (!roles) return { db: t.db, place, actor: null };
  const p = await makePerson(t.db, { roles });
  return {
    db: t.db,
    place,
    actor: { userId: p.userId, roles: [...roles, 'resident'], platformAdmin: false },
  };
}

async function fieldErrors(p: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof Invalid, String(e));
    return e.fieldErrors;
  }
  assert.fail('expected Invalid');
}

const LAST = latestReportableMonth();

/** A fresh standard of the given kind, starting two years ago, with no figures. */
async function freshStandard(ctx: ServiceContext, unit: string, direction: string, target: string) {
  const slug = await createStandard(ctx, 'libraries', {
    promise: `Test promise ${Math.random()}`,
    measure: 'Something measured',
    unit,
    direction,
    target,
    since: addMonths(LAST, -24),
  });
  return getStandard(ctx, 'libraries', slug);
}

test('only officers and place admins may enter figures, or add services and standards', async () => {
  for (const roles of [null, ['resident'], ['connector'], ['organiser']] as (Role[] | null)[]) {
    const ctx = await as(roles);
    await assert.rejects(
      saveFigure(ctx, 'libraries', 'reservations', { month: LAST, value: '90' }),
      Forbidden,
    );
    await assert.rejects(createService(ctx, { name: 'Parks' }), Forbidden);
    await assert.rejects(stageFiguresImport(ctx, 'x.csv', 'standard,month,value\n'), Forbidden);
  }
  const officer = await as(['officer']);
  assert.equal(
    (await saveFigure(officer, 'libraries', 'reservations', { month: LAST, value: '90' })).met,
    true,
  );
  const admin = await as(['place-admin']);
  assert.equal(await createService(admin, { name: 'Parks and green spaces' }), 'parks-and-green-spaces');
});

test('exactly at the target is met in both directions and needs no action; a miss must say what is being done', async () => {
  const officer = await as(['officer']);
  const higher = await freshStandard(officer, 'percent', 'higher-is-better', '95');
  const lower = await freshStandard(officer, 'days', 'lower-is-better', '2.5');
  const month = addMonths(LAST, -1);
  assert.equal((await saveFigure(officer, 'libraries', higher.slug, { month, value: '95.00' })).met, true);
  assert.equal((await saveFigure(officer, 'libraries', lower.slug, { month, value: '2.5' })).met, true);
  assert.deepEqual(
    await fieldErrors(saveFigure(officer, 'libraries', higher.slug, { month: LAST, value: '94.99' })),
    {
      action: 'standards.errors.actionRequired',
    },
  );
  assert.deepEqual(
    await fieldErrors(
      saveFigure(officer, 'libraries', lower.slug, { month: LAST, value: '2.51', action: '   ' }),
    ),
    { action: 'standards.errors.actionRequired' },
  );
  const saved = await saveFigure(officer, 'libraries', lower.slug, {
    month: LAST,
    value: '2.51',
    action: 'A new van arrives next month.',
  });
  assert.deepEqual(saved, { month: LAST, result: 'created', met: false });
  const [figure] = (await figuresOf(officer, [lower.id])).filter((f) => f.month === LAST);
  assert.equal(figure?.value, 251);
  assert.equal(figure?.action, 'A new van arrives next month.');
  assert.equal(figure?.source, 'form');
});

test('one figure per standard per month: entering it again changes it, keeps the old one and audits both', async () => {
  const officer = await as(['officer']);
  const s = await freshStandard(officer, 'percent', 'higher-is-better', '90');
  const month = addMonths(LAST, -2);
  await saveFigure(officer, 'libraries', s.slug, {
    month,
    value: '85',
    action: 'First try at an explanation.',
  });
  const again = await saveFigure(officer, 'libraries', s.slug, {
    month,
    value: '85',
    action: 'We have hired two more drivers.',
  });
  assert.equal(again.result, 'updated');
  const same = await saveFigure(officer, 'libraries', s.slug, {
    month,
    value: '85',
    action: 'We have hired two more drivers.',
  });
  assert.equal(same.result, 'unchanged');
  const figures = (await figuresOf(officer, [s.id])).filter((f) => f.month === month);
  assert.equal(figures.length, 1);
  assert.equal(figures[0]?.action, 'We have hired two more drivers.');
  const versions = await t.db.query<{ action: string; value: number }>(
    'select action, value from standard_figure_versions where figure_id = $1',
    [figures[0]?.id as string],
  );
  assert.deepEqual(
    versions.map((v) => [v.action, Number(v.value)]),
    [['First try at an explanation.', 8500]],
  );
  const audits = await t.db.query<{
    action: string;
    before: { action: string } | null;
    after: { action: string };
  }>(`select action, before, after from audit_log where target_id = $1 order by id`, [
    figures[0]?.id as string,
  ]);
  assert.deepEqual(
    audits.map((a) => a.action),
    ['standards.figure.create', 'standards.figure.update'],
  );
  assert.equal(audits[1]?.before?.action, 'First try at an explanation.');
  assert.equal(audits[1]?.after.action, 'We have hired two more drivers.');
});

test('months not yet over, before the standard began, or not real are refused', async () => {
  const officer = await as(['officer']);
  const s = await freshStandard(officer, 'count', 'lower-is-better', '10');
  const cases: [string, string][] = [
    [currentMonth(), 'standards.errors.monthFuture'],
    [addMonths(currentMonth(), 1), 'standards.errors.monthFuture'],
    [addMonths(s.sinceMonth, -1), 'standards.errors.monthBeforeStandard'],
    ['2026-13', 'standards.errors.monthInvalid'],
    ['not-a-month', 'standards.errors.monthInvalid'],
    ['', 'standards.errors.monthRequired'],
  ];
  for (const [month, key] of cases)
    assert.equal(
      (await fieldErrors(saveFigure(officer, 'libraries', s.slug, { month, value: '3' }))).month,
      key,
      month,
    );
  assert.equal(
    (await fieldErrors(saveFigure(officer, 'libraries', s.slug, { month: LAST, value: '3.5' }))).value,
    'standards.errors.valueWhole',
  );
});

test('counts give the value exactly, halves rounded up; values out of range or not matching are refused', async () => {
  const officer = await as(['officer']);
  const s = await freshStandard(officer, 'percent', 'higher-is-better', '3.13');
  // 1 of 32 is 3.125%: rounded up to 3.13, which meets a 3.13% target.
  const saved = await saveFigure(officer, 'libraries', s.slug, {
    month: LAST,
    numerator: '1',
    denominator: '32',
  });
  assert.equal(saved.met, true);
  const [f] = await figuresOf(officer, [s.id]);
  assert.deepEqual([f?.value, f?.numerator, f?.denominator], [313, 1, 32]);
  const check = (raw: Record<string, string>) => {
    const r = checkFigure(s, { month: LAST, ...raw });
    return 'problems' in r ? r.problems : {};
  };
  assert.deepEqual(check({ value: '100.01' }), { value: 'standards.errors.valueTooHigh' });
  assert.deepEqual(check({ numerator: '33', denominator: '32' }), { value: 'standards.errors.valueTooHigh' });
  assert.deepEqual(check({ value: '3.12', numerator: '1', denominator: '32' }), {
    value: 'standards.errors.valueMismatch',
  });
  assert.deepEqual(check({ numerator: '1' }), { numerator: 'standards.errors.ratioBoth' });
  assert.deepEqual(check({ numerator: '1', denominator: '0' }), {
    denominator: 'standards.errors.denominatorZero',
  });
  assert.deepEqual(check({ numerator: '1.5', denominator: '3' }), {
    numerator: 'standards.errors.ratioWhole',
  });
  assert.deepEqual(check({ value: '-1' }), { value: 'standards.errors.valueInvalid' });
  assert.deepEqual(check({ value: '1e2' }), { value: 'standards.errors.valueInvalid' });
  assert.deepEqual(check({}), { value: 'standards.errors.valueRequired' });
  assert.deepEqual(check({ value: '50', action: 'x'.repeat(2001) }), {
    action: 'standards.errors.actionTooLong',
  });
});

test('services and standards: reserved and taken web address names, targets the unit cannot take', async () => {
  const officer = await as(['officer']);
  assert.deepEqual(await fieldErrors(createService(officer, { name: 'Import' })), {
    slug: 'standards.errors.slugReserved',
  });
  assert.deepEqual(await fieldErrors(createService(officer, { name: 'Highways' })), {
    slug: 'standards.errors.slugTaken',
  });
  assert.deepEqual(
    await fieldErrors(createService(officer, { name: '', contactUrl: 'javascript:alert(1)' })),
    {
      name: 'standards.errors.nameRequired',
      contactUrl: 'standards.errors.contactUrlInvalid',
    },
  );
  const base = { promise: 'P', measure: 'M', direction: 'higher-is-better', since: LAST };
  assert.deepEqual(
    await fieldErrors(createStandard(officer, 'libraries', { ...base, unit: 'percent', target: '101' })),
    {
      target: 'standards.errors.targetTooHigh',
    },
  );
  assert.deepEqual(
    await fieldErrors(createStandard(officer, 'libraries', { ...base, unit: 'count', target: '1.5' })),
    {
      target: 'standards.errors.targetWhole',
    },
  );
  assert.deepEqual(
    await fieldErrors(
      createStandard(officer, 'libraries', { ...base, slug: 'edit', unit: 'count', target: '1' }),
    ),
    { slug: 'standards.errors.slugReserved' },
  );
  assert.deepEqual(
    await fieldErrors(
      createStandard(officer, 'libraries', { ...base, unit: 'furlongs', target: '1', since: '2026-1' }),
    ),
    { unit: 'standards.errors.unitRequired', since: 'standards.errors.sinceInvalid' },
  );
  // A standard cannot start after months it already has figures for.
  assert.deepEqual(
    await fieldErrors(
      updateStandard(officer, 'libraries', 'reservations', {
        ...base,
        unit: 'percent',
        target: '85',
        since: LAST,
      }),
    ),
    { since: 'standards.errors.sinceAfterFigures' },
  );
});

test('a CSV import lists every problem per row and writes nothing until confirmed', async () => {
  const officer = await as(['officer']);
  const s = await freshStandard(officer, 'percent', 'higher-is-better', '90');
  const key = `libraries/${s.slug}`;
  const csv = [
    'standard,month,value,numerator,denominator,note,action',
    `${key},${addMonths(LAST, -3)},91.5,,,,`,
    `${key},${addMonths(LAST, -2)},,170,200,Counted by hand,Two new staff start next month`,
    'libraries/no-such-standard,2026-01,50,,,,',
    `${key},2026-13,50,,,,`,
    `${key},${currentMonth()},95,,,,`,
    `${key},${addMonths(LAST, -1)},150,,,,`,
    `${key},${LAST},80,,,,`,
    `${key},${addMonths(LAST, -3)},92,,,,`,
  ].join('\n');
  const id = await stageFiguresImport(officer, 'figures.csv', csv);
  const staged = await getStagedImport(officer, id);
  const problems = staged.rows.map((r) => r.problems.map((p) => p.messageKey));
  assert.deepEqual(problems, [
    [],
    [],
    ['standards.import.errors.standardUnknown'],
    // Every problem in the row at once: 50% also misses the 90% target with nothing said.
    ['standards.errors.monthInvalid', 'standards.errors.actionRequired'],
    ['standards.errors.monthFuture'],
    ['standards.errors.valueTooHigh'],
    ['standards.errors.actionRequired'],
    ['standards.import.errors.duplicateRow'],
  ]);
  assert.equal(staged.rows[1]?.met, false);
  assert.equal((await figuresOf(officer, [s.id])).length, 0, 'nothing written yet');
  assert.deepEqual(await fieldErrors(confirmFiguresImport(officer, id, false)), {
    choice: 'standards.import.errors.notAllValid',
  });
  await assert.rejects(confirmFiguresImport(await as(['resident']), id, true), Forbidden);
  const done = await confirmFiguresImport(officer, id, true);
  assert.deepEqual(done, { created: 2, updated: 0, unchanged: 0, skipped: 6 });
  const figures = await figuresOf(officer, [s.id]);
  assert.deepEqual(
    figures.map((f) => [f.month, f.value, f.source, f.action]),
    [
      [addMonths(LAST, -3), 9150, 'csv', ''],
      [addMonths(LAST, -2), 8500, 'csv', 'Two new staff start next month'],
    ],
  );
  assert.deepEqual(await fieldErrors(confirmFiguresImport(officer, id, true)), {
    choice: 'standards.import.errors.alreadyImported',
  });
  for (const [content, key2] of [
    ['', 'standards.import.errors.empty'],
    ['name,value\nx,1', 'standards.import.errors.missingColumns'],
    ['standard,month\n"unclosed', 'standards.import.errors.notCsv'],
  ] as const)
    assert.deepEqual(await fieldErrors(stageFiguresImport(officer, 'x.csv', content)), { file: key2 });
});

test('the annual figures count met, missed and missing months over the last year', async () => {
  const stats = await standardsStats(await as(null));
  const byKey = Object.fromEntries(stats.map((s) => [s.key, s.value]));
  assert.ok((byKey['standards.standards'] ?? 0) >= 9);
  assert.ok((byKey['standards.met'] ?? 0) > 0);
  assert.ok((byKey['standards.missed'] ?? 0) > 0);
  assert.ok((byKey['standards.noFigure'] ?? 0) > 0);
});

test("an officer's figures are in their data download; on erasure the figures stay but no longer name them", async () => {
  const officer = await as(['officer']);
  const s = await freshStandard(officer, 'count', 'lower-is-better', '10');
  await saveFigure(officer, 'libraries', s.slug, { month: LAST, value: '4' });
  const person = { userId: officer.actor?.userId as string, email: 'x@example.org' };
  const exported = await standardsPrivacy.exportFor?.(t.db, person);
  assert.equal(exported?.service_standard_figures_entered?.length, 1);
  const kept = await withTransaction(
    t.db,
    async (tx) => (await standardsPrivacy.eraseFor?.(tx, person)) ?? [],
  );
  assert.deepEqual(kept, ['standards.privacy.keptOnErase']);
  const [row] = await t.db.query<{ entered_by: string | null; value: number }>(
    'select entered_by, value from standard_figures where standard_id = $1',
    [s.id],
  );
  assert.equal(row?.entered_by, null);
  assert.equal(Number(row?.value), 400);
  assert.equal(
    typeof (await withTransaction(
      t.db,
      (tx) => standardsPrivacy.applyRetention?.(tx, new Date()) ?? Promise.resolve(0),
    )),
    'number',
  );
});
