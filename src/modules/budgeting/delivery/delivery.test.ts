import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { useTestApp } from '../../../../test/helpers/app.js';
import { submitForm } from '../../../../test/helpers/form-client.js';
import { pbPerson, processFields } from '../../../../test/helpers/pb-process.js';
import { Forbidden, Invalid, NotFound } from '../../../platform/http/errors.js';
import { castBallots, votingProcess } from '../results/result-fixtures.js';
import { closeAndCount } from '../results/result-service.js';
import { listDelivery, postDeliveryUpdate } from './delivery-service.js';

const t = useTestApp();
const get = (url: string, cookie?: string) => t.app.inject({ url, headers: cookie ? { cookie } : {} });

/** Projects 2 and 3 funded, 1 not (see the results tests for why). */
async function counted(title: string, count = true) {
  const officer = await pbPerson(t.db, ['officer']);
  const v = await votingProcess(officer.ctx, processFields({ title, budget: '100' }), [
    { cost: 10000, title: 'Skate park' },
    { cost: 5000, title: 'Benches' },
    { cost: 5000, title: 'Tree planting' },
  ]);
  await castBallots(t.db, v, [[1], [1], [1], [2, 3], [3, 2]]);
  if (count) await closeAndCount(officer.ctx, v.slug);
  return { officer, ...v, base: `/trafford/budgets/${v.slug}` };
}

test('officers post updates on funded projects; amounts in pounds are kept in exact pence, newest first', async () => {
  const v = await counted('Delivery exact');
  await postDeliveryUpdate(v.officer.ctx, v.slug, 2, {
    status: 'in-progress',
    note: 'Ordered',
    spent: '1,250.50',
  });
  await postDeliveryUpdate(v.officer.ctx, v.slug, 2, {
    status: 'delayed',
    note: 'Supplier late',
    spent: '£2500.07',
  });
  const d = await listDelivery(v.officer.ctx, v.slug);
  assert.deepEqual(
    d.projects.map((x) => [x.number, x.status, x.spentToDatePence, x.updates.length]),
    [
      [2, 'delayed', 250007n, 2],
      [3, 'not-started', 0n, 0],
    ],
  );
  assert.deepEqual(
    d.projects[0]?.updates.map((u) => u.spentToDatePence),
    [250007n, 125050n],
  );
  assert.equal(d.spentPence, 250007n);
  assert.equal(d.fundedPence, 10000n);
});

test('updates are refused to residents, for unfunded projects, before the count, and with bad input', async () => {
  const v = await counted('Delivery refused');
  const resident = await pbPerson(t.db);
  const ok = { status: 'delivered', note: 'Done', spent: '0' };
  await assert.rejects(postDeliveryUpdate(resident.ctx, v.slug, 2, ok), Forbidden);
  await assert.rejects(postDeliveryUpdate(v.officer.ctx, v.slug, 1, ok), NotFound);
  const early = await counted('Delivery early', false);
  await assert.rejects(postDeliveryUpdate(early.officer.ctx, early.slug, 2, ok), NotFound);
  for (const [field, bad] of [
    ['status', { ...ok, status: 'finished' }],
    ['note', { ...ok, note: '  ' }],
    ['note', { ...ok, note: 'x'.repeat(2001) }],
    ['spent', { ...ok, spent: '12.505' }],
    ['spent', { ...ok, spent: '-3' }],
    ['spent', { ...ok, spent: 'lots' }],
  ] as const) {
    await assert.rejects(postDeliveryUpdate(v.officer.ctx, v.slug, 2, bad), (e: unknown) => {
      assert.ok(e instanceof Invalid);
      assert.ok(
        field in e.fieldErrors,
        `${JSON.stringify(bad).slice(0, 80)} → ${JSON.stringify(e.fieldErrors)}`,
      );
      return true;
    });
  }
  assert.equal((await listDelivery(v.officer.ctx, v.slug)).projects[0]?.updates.length, 0);
});

test('the form posts an update that the public page, the CSV and the JSON all show', async () => {
  const v = await counted('Delivery pages');
  const resident = await pbPerson(t.db);
  assert.equal((await get(`${v.base}/delivery/3/update`, resident.cookie)).statusCode, 403);
  assert.equal((await get(`${v.base}/delivery/1/update`, v.officer.cookie)).statusCode, 404);

  const bad = await submitForm(t.app, {
    cookie: v.officer.cookie,
    formUrl: `${v.base}/delivery/3/update`,
    fields: { status: 'in-progress', note: '', spent: 'ten pounds' },
  });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /govuk-error-summary/);
  assert.match(bad.body, /Enter what has happened/);
  assert.match(bad.body, /Enter the total spent so far in pounds/);

  const done = await submitForm(t.app, {
    cookie: v.officer.cookie,
    formUrl: `${v.base}/delivery/3/update`,
    fields: { status: 'in-progress', note: 'Twenty trees ordered from the nursery', spent: '1,234.56' },
  });
  assert.equal(done.statusCode, 303);
  assert.match(String(done.headers.location), /\/delivery\?done=updated#project-3$/);

  const page = await get(`${v.base}/delivery`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Twenty trees ordered from the nursery/);
  assert.match(page.body, /£1,234.56 of £50/);
  assert.doesNotMatch(page.body, /Post an update/, 'the public see no officer links');

  const json = JSON.parse((await get(`/trafford/api/budgets/${v.slug}/delivery`)).body) as {
    projects: Record<string, unknown>[];
  };
  const tree = json.projects.find((p) => p.number === 3);
  assert.equal(tree?.spent_to_date_pence, 123456);
  assert.equal(tree?.status, 'in-progress');
  assert.deepEqual(
    ((tree?.history ?? []) as { note: string }[]).map((h) => h.note),
    ['Twenty trees ordered from the nursery'],
  );
  const rows = parse((await get(`${v.base}/delivery.csv`)).body, { columns: true }) as Record<
    string,
    string
  >[];
  assert.deepEqual(
    rows.map((r) => [r.number, r.status, r.spent_to_date_pence, r.cost_pence]),
    [
      ['2', 'not-started', '0', '5000'],
      ['3', 'in-progress', '123456', '5000'],
    ],
  );
});

test('the delivery page is not there before the count', async () => {
  const v = await counted('Delivery before', false);
  assert.equal((await get(`${v.base}/delivery`)).statusCode, 404);
  assert.equal((await get(`/trafford/api/budgets/${v.slug}/delivery`)).statusCode, 404);
});
