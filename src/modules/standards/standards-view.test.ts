import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addMonths, monthsEnding } from '../../lib/standards/performance.js';
import { translator } from '../../platform/i18n/i18n.js';
import type { Figure, Standard } from './standards-service.js';
import { historyMonths, summarise, trendChart } from './standards-view.js';

const t = translator('en');
const standard: Standard = {
  id: 's',
  serviceId: 'c',
  serviceSlug: 'waste',
  serviceName: 'Waste',
  slug: 'bins',
  promise: 'Bins collected',
  measure: 'Percentage collected',
  unit: 'percent',
  target: 9500,
  direction: 'higher-is-better',
  sinceMonth: '2025-01',
  position: 1,
};
const figure = (month: string, value: number): Figure => ({
  id: month,
  standardId: 's',
  month,
  value,
  numerator: null,
  denominator: null,
  note: '',
  action: '',
  source: 'form',
  createdAt: new Date(),
  updatedAt: new Date(),
});

test('the chart: twelve months, a gap in the line for a month with no figure, misses and target placed on a labelled scale', () => {
  const months = monthsEnding('2026-06', 12);
  const figures = months.filter((_, i) => i !== 4).map((m, i) => figure(m, i % 3 === 0 ? 9300 : 9700));
  const summary = summarise(t, standard, figures, '2026-06');
  const chart = trendChart(t, summary);
  assert.equal(chart.points.length, 12);
  assert.equal(chart.points[4]?.y, null);
  assert.equal(chart.points[4]?.status, 'no-figure');
  assert.equal((chart.line.match(/M/g) ?? []).length, 2, 'the line restarts after the gap');
  const missed = chart.points.filter((p) => p.status === 'missed');
  assert.ok(missed.length > 0);
  for (const p of missed)
    assert.ok(
      (p.y as number) > chart.target.y,
      'a miss of a higher-is-better standard sits below the target',
    );
  // The scale brackets every figure and the target, and says where it starts and ends.
  const top = chart.ticks.at(-1)?.y as number;
  const bottom = chart.ticks[0]?.y as number;
  for (const p of chart.points) if (p.y !== null) assert.ok(p.y >= top && p.y <= bottom);
  assert.ok(chart.target.y >= top && chart.target.y <= bottom);
  assert.match(chart.description, /The scale runs from \d+% to \d+%/);
  assert.match(chart.description, /1 with no figure/);
  assert.equal(chart.ticks.at(-1)?.text.endsWith('%'), true);
});

test('a standard that began recently reports only its own months, newest first in the table', () => {
  const recent = { ...standard, sinceMonth: '2026-04' };
  const summary = summarise(t, recent, [figure('2026-05', 9000)], '2026-06');
  assert.equal(summary.record.length, 3);
  assert.deepEqual(summary.yearTally, { met: 0, missed: 1, noFigure: 2, months: 3 });
  assert.deepEqual(historyMonths(recent, '2026-06'), ['2026-06', '2026-05', '2026-04']);
  assert.deepEqual(historyMonths({ ...standard, sinceMonth: addMonths('2026-06', 1) }, '2026-06'), []);
  // A standard with no figures at all still draws an empty, honest chart.
  const empty = trendChart(t, summarise(t, recent, [], '2026-06'));
  assert.equal(empty.line, '');
  assert.ok(empty.points.every((p) => p.status === 'no-figure'));
});
