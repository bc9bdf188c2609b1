import {
  addMonths,
  type Direction,
  formatScaled,
  type MonthFigure,
  type MonthStatus,
  monthlyRecord,
  type Tally,
  type Trend,
  tally,
  trendOf,
  type Unit,
} from '../../lib/standards/performance.js';
import type { Translate } from '../../platform/i18n/i18n.js';
import type { Figure, Standard } from './standards-service.js';

/** How each status is tagged: the words carry the meaning, the colour only helps. */
export const STATUS_TAG: Record<MonthStatus, string> = {
  met: 'govuk-tag--green',
  missed: 'govuk-tag--red',
  'no-figure': 'govuk-tag--grey',
};

/** A value with its unit, in words: "97.25%", "1.5 days", "12". */
export function valueText(t: Translate, scaled: number, unit: Unit): string {
  return t(`standards.units.${unit}`, { value: formatScaled(scaled) });
}

/** "March 2026" from "2026-03". */
export function monthName(t: Translate, month: string): string {
  const [year, m] = month.split('-');
  return t('standards.monthName', { month: t(`standards.months.${Number(m)}`), year: String(year) });
}

export type StandardSummary = {
  standard: Standard;
  targetText: string;
  latest: { month: string; monthText: string; status: MonthStatus; valueText: string | null };
  record: MonthFigure[];
  yearTally: Tally;
  trend: Trend;
};

/**
 * A standard's last twelve months (ending with the latest month a figure can be given for),
 * the latest month's status, how many were met, and the trend.
 */
export function summarise(
  t: Translate,
  standard: Standard,
  figures: readonly Figure[],
  latestMonth: string,
): StandardSummary {
  const values = new Map(figures.filter((f) => f.standardId === standard.id).map((f) => [f.month, f.value]));
  const record = monthlyRecord(
    values,
    latestMonth,
    12,
    standard.target,
    standard.direction,
    standard.sinceMonth,
  );
  const latestValue = values.get(latestMonth);
  return {
    standard,
    targetText: targetText(t, standard.target, standard.unit, standard.direction),
    latest: {
      month: latestMonth,
      monthText: monthName(t, latestMonth),
      status:
        latestMonth < standard.sinceMonth ? 'no-figure' : (record[record.length - 1]?.status ?? 'no-figure'),
      valueText: latestValue === undefined ? null : valueText(t, latestValue, standard.unit),
    },
    record,
    yearTally: tally(record),
    trend: trendOf(values, latestMonth, standard.target, standard.direction),
  };
}

/** "at least 95%" or "at most 2 days". */
export function targetText(t: Translate, target: number, unit: Unit, direction: Direction): string {
  return t(`standards.target.${direction}`, { value: valueText(t, target, unit) });
}

export type ChartPoint = {
  month: string;
  label: string;
  /** The middle of the month's slot. */
  x: number;
  /** Where the figure sits; null for a month with no figure. */
  y: number | null;
  status: MonthStatus;
  valueText: string;
};

export type TrendChart = {
  width: number;
  height: number;
  plotLeft: number;
  plotTop: number;
  plotBottom: number;
  points: ChartPoint[];
  /** SVG path data joining consecutive months that have figures (a gap breaks the line). */
  line: string;
  ticks: { y: number; text: string }[];
  target: { y: number; text: string };
  title: string;
  description: string;
};

const WIDTH = 720;
const HEIGHT = 300;
const TOP = 28;
const BOTTOM = 60;
const LEFT = 64;
const RIGHT = 12;

/** A round step for the axis: 1, 2 or 5 times a power of ten, giving at most five intervals. */
function niceStep(span: number): number {
  const rough = Math.max(span, 1) / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const m of [1, 2, 5, 10]) if (m * power >= rough) return Math.max(1, Math.round(m * power));
  return Math.max(1, Math.round(10 * power));
}

/**
 * The twelve months as points joined by a line, against a dashed target line, drawn on the
 * server. The axis is zoomed to the figures and the target (so small misses can be seen) and is
 * labelled, so nobody is misled about where it starts. A missed month is a large cross with its
 * figure in bold, a met one a dot with a tick, and a month with no figure says so, so nothing
 * depends on colour alone. The page shows the same figures in a table; the drawing has a title and
 * a one-line description for screen readers.
 */
export function trendChart(t: Translate, summary: StandardSummary): TrendChart {
  const { standard, record } = summary;
  const shown = record.filter((r) => r.value !== null).map((r) => r.value as number);
  const step = niceStep(Math.max(...shown, standard.target) - Math.min(...shown, standard.target));
  let lo = Math.floor((Math.min(...shown, standard.target) - step / 2) / step) * step;
  let hi = Math.ceil((Math.max(...shown, standard.target) + step / 2) / step) * step;
  lo = Math.max(0, lo);
  if (standard.unit === 'percent') hi = Math.min(hi, 10_000);
  if (hi <= lo) hi = lo + step;
  const plotBottom = HEIGHT - BOTTOM;
  const yOf = (v: number) => Math.round(plotBottom - ((v - lo) / (hi - lo)) * (plotBottom - TOP));
  const slot = (WIDTH - LEFT - RIGHT) / Math.max(record.length, 1);
  const points = record.map((r, i) => {
    const [year, m] = r.month.split('-');
    return {
      month: r.month,
      label: `${t(`standards.monthsShort.${Number(m)}`)} ${String(year).slice(2)}`,
      x: Math.round(LEFT + i * slot + slot / 2),
      y: r.value === null ? null : yOf(r.value),
      status: r.status,
      valueText: r.value === null ? t('standards.status.no-figure') : formatScaled(r.value),
    };
  });
  let line = '';
  let joined = false;
  for (const p of points) {
    if (p.y !== null) line += `${joined ? 'L' : 'M'}${p.x} ${p.y} `;
    joined = p.y !== null;
  }
  const ticks: { y: number; text: string }[] = [];
  for (let v = lo; v <= hi; v += step) ticks.push({ y: yOf(v), text: valueText(t, v, standard.unit) });
  return {
    width: WIDTH,
    height: HEIGHT,
    plotLeft: LEFT,
    plotTop: TOP,
    plotBottom,
    points,
    line: line.trim(),
    ticks,
    target: {
      y: yOf(standard.target),
      text: t('standards.chart.targetLine', { target: summary.targetText }),
    },
    title: t('standards.chart.title', { promise: standard.promise }),
    description: t('standards.chart.description', {
      from: monthName(t, record[0]?.month ?? summary.latest.month),
      to: summary.latest.monthText,
      met: summary.yearTally.met,
      missed: summary.yearTally.missed,
      noFigure: summary.yearTally.noFigure,
      target: summary.targetText,
      low: valueText(t, lo, standard.unit),
      high: valueText(t, hi, standard.unit),
    }),
  };
}

/** The months of the standard's whole history, newest first, for the table under the chart. */
export function historyMonths(standard: Standard, latestMonth: string): string[] {
  const months: string[] = [];
  for (let m = latestMonth; m >= standard.sinceMonth && months.length < 120; m = addMonths(m, -1))
    months.push(m);
  return months;
}
