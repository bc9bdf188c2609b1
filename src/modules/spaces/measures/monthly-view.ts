import { type MonthUse, percent1 } from '../../../lib/occupancy/index.js';
import type { Translate } from '../../../platform/i18n/i18n.js';
import type { UsePeriod } from './monthly-service.js';

/**
 * What the month-by-month templates draw: a table (the figures, and the accessible alternative to
 * the chart) and a horizontal bar chart of the booked share of opening hours, one bar a month.
 * The chart is drawn at its own size (340 wide) and only ever shrinks, so its text stays 12px on
 * a desktop and about 11px on a 360px-wide phone.
 */

const LOCALE: Record<string, string> = { en: 'en-GB', cy: 'cy-GB' };

export const CHART = { width: 340, left: 78, right: 48, top: 22, row: 22, bar: 14 } as const;

/** "March 2026" (or "Mar 2026") for a `YYYY-MM`, in the reader's language. */
export function monthLabel(key: string, lang: string, month: 'long' | 'short' = 'long'): string {
  return new Intl.DateTimeFormat(LOCALE[lang] ?? 'en-GB', { month, year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${key}-01T12:00:00Z`),
  );
}

/** Hours from minutes to two decimal places: minutes are exact, hours are for reading. */
export const hoursOf = (minutes: number) => Math.round((minutes / 60) * 100) / 100;

/** "18.8%", "0.0%" or "under 0.1%": some booked time never reads as nothing. */
export function percentText(m: Pick<MonthUse, 'share' | 'bookedOpenMinutes'>, t: Translate, lang: string) {
  const p = percent1(m.share);
  if (m.bookedOpenMinutes > 0 && p === 0) return t('spaces.measures.monthly.underTenth');
  const text = new Intl.NumberFormat(LOCALE[lang] ?? 'en-GB', {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(p);
  return t('spaces.measures.percent', { percent: text });
}

function row(m: MonthUse, label: string, t: Translate, lang: string) {
  return {
    label,
    hoursOpen: hoursOf(m.openMinutes),
    hoursBooked: hoursOf(m.bookedMinutes),
    occupancy: percentText(m, t, lang),
    community: hoursOf(m.communityMinutes),
    commercial: hoursOf(m.commercialMinutes),
    groups: m.groups.size,
  };
}

/** "April 2025 to March 2026". */
export function periodLabel(period: UsePeriod, t: Translate, lang: string): string {
  return t('spaces.measures.monthly.range', {
    from: monthLabel(period.first, lang),
    to: monthLabel(period.last, lang),
  });
}

export function monthlyView(
  months: MonthUse[],
  total: MonthUse,
  period: UsePeriod,
  subject: string,
  t: Translate,
  lang: string,
) {
  const range = periodLabel(period, t, lang);
  const percents = months.map((m) => percent1(m.share));
  const highest = Math.max(0, ...percents);
  // The axis runs to the next 10% above the busiest month (at least 10%), and says so.
  const top = Math.max(10, Math.ceil(highest / 10) * 10);
  const plot = CHART.width - CHART.left - CHART.right;
  const bars = months.map((m, i) => {
    const y = CHART.top + i * CHART.row;
    return {
      label: monthLabel(m.month, lang, 'short'),
      y,
      textY: y + CHART.bar / 2 + 4,
      width: Math.round((Math.min(percent1(m.share), top) / top) * plot * 10) / 10,
      value: percentText(m, t, lang),
    };
  });
  const ticks = [0, top / 2, top].map((p) => ({
    x: CHART.left + (p / top) * plot,
    label: t('spaces.measures.percent', { percent: String(p) }),
  }));
  let busiest: MonthUse | null = null;
  for (const m of months) if (m.share > 0 && (!busiest || m.share > busiest.share)) busiest = m;
  return {
    range,
    rows: months.map((m) => row(m, monthLabel(m.month, lang), t, lang)),
    totalRow: row(total, t('spaces.measures.monthly.total', { count: months.length }), t, lang),
    chart: {
      ...CHART,
      height: CHART.top + months.length * CHART.row + 4,
      plotRight: CHART.left + plot,
      bars,
      ticks,
      title: t('spaces.measures.monthly.chartTitle', { subject, range }),
      desc: busiest
        ? t('spaces.measures.monthly.chartDesc', {
            percent: percentText(total, t, lang),
            busiest: monthLabel(busiest.month, lang),
            busiestPercent: percentText(busiest, t, lang),
          })
        : t('spaces.measures.monthly.chartDescEmpty'),
    },
  };
}
