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

export type ChartBar = {
  month: string;
  label: string;
  x: number;
  width: number;
  y: number;
  height: number;
  status: MonthStatus;
  valueText: string;
};

export type TrendChart = {
  width: number;
  height: number;
  plotBottom: number;
  bars: ChartBar[];
  target: { y: number; text: string };
  title: string;
  description: string;
};

const WIDTH = 720;
const HEIGHT = 280;
const TOP = 24;
const BOTTOM = 56;
const LEFT = 8;

/**
 * The twelve months as bars against a dashed target line, drawn on the server. A missed month's
 * bar is striped and marked with a cross, a met one is solid with a tick, and a month with no
 * figure says so, so nothing depends on colour alone. Bars start from zero. The page shows the
 * same figures in a table; the drawing has a title and a one-line description for screen readers.
 */
export function trendChart(t: Translate, summary: StandardSummary): TrendChart {
  const { standard, record } = summary;
  const values = record.map((r) => r.value ?? 0);
  const top = Math.max(standard.target, ...values, 1);
  // Head room above the tallest bar or the target line, for the labels.
  const max = Math.ceil((top * 1.15) / 100) * 100 || 100;
  const plot = HEIGHT - TOP - BOTTOM;
  const slot = (WIDTH - LEFT * 2) / Math.max(record.length, 1);
  const barWidth = Math.round(slot * 0.62);
  const yOf = (v: number) => Math.round(TOP + plot - (v / max) * plot);
  return {
    width: WIDTH,
    height: HEIGHT,
    plotBottom: TOP + plot,
    bars: record.map((r, i) => {
      const v = r.value ?? 0;
      const [year, m] = r.month.split('-');
      return {
        month: r.month,
        label: `${t(`standards.monthsShort.${Number(m)}`)} ${String(year).slice(2)}`,
        x: Math.round(LEFT + i * slot + (slot - barWidth) / 2),
        width: barWidth,
        y: yOf(v),
        height: TOP + plot - yOf(v),
        status: r.status,
        valueText: r.value === null ? t('standards.status.no-figure') : formatScaled(r.value),
      };
    }),
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
