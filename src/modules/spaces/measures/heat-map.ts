import type { HourOfWeekOccupancy } from '../../../lib/occupancy/index.js';
import type { Translate } from '../../../platform/i18n/i18n.js';

/**
 * What the heat-map template draws: an SVG grid (7 days × 24 hours) whose every square carries
 * its percentage as text, so colour is never the only signal, and the rows of the data table
 * behind it. Five bands of one hue; text on each band passes WCAG AA contrast (4.5:1).
 */
export const BANDS = [
  { key: 'keyNone', fill: '#ffffff', text: '#0b0c0c' },
  { key: 'keyLow', fill: '#d2e2f1', text: '#0b0c0c' },
  { key: 'keyMid', fill: '#8eb8dc', text: '#0b0c0c' },
  { key: 'keyHigh', fill: '#2b6cb0', text: '#ffffff' },
  { key: 'keyTop', fill: '#0b2d59', text: '#ffffff' },
] as const;

export const CELL_W = 30;
export const CELL_H = 26;
export const LEFT = 44;
export const TOP = 22;

/**
 * The same map turned on its side for narrow screens (phones, below the GOV.UK desktop
 * breakpoint): days across, hours down, drawn at its own size (314 by 504) so its numbers stay
 * 11px on a 360px-wide screen, where the wide map would shrink them to 4px.
 */
export const TALL = { cellW: 38, cellH: 20, left: 46, top: 22 } as const;

export function bandOf(percent: number): number {
  if (percent <= 0) return 0;
  if (percent < 25) return 1;
  if (percent < 50) return 2;
  if (percent < 75) return 3;
  return 4;
}

const pad = (h: number) => `${String(h).padStart(2, '0')}:00`;

export function heatMapView(occupancy: HourOfWeekOccupancy, t: Translate, subject: string, year: number) {
  const percentOf = (share: number) => Math.round(share * 100);
  let busiest: { weekday: number; hour: number; share: number } | null = null;
  for (const c of occupancy.cells.flat()) {
    if (c.occupiedMinutes > 0 && (!busiest || c.share > busiest.share)) busiest = c;
  }
  const square = (c: HourOfWeekOccupancy['cells'][number][number]) => {
    const percent = percentOf(c.share);
    const band = BANDS[bandOf(c.occupiedMinutes > 0 ? Math.max(1, percent) : 0)] ?? BANDS[0];
    return {
      // A shaded square never says 0: some use rounds to "<1".
      percent: c.occupiedMinutes > 0 && percent === 0 ? '<1' : String(percent),
      fill: band.fill,
      text: band.text,
      occurs: c.totalMinutes > 0,
    };
  };
  const rows = occupancy.cells.map((row, d) => ({
    label: t(`spaces.measures.weekdaysShort.${d}`),
    y: TOP + d * CELL_H,
    cells: row.map((c) => ({ ...square(c), x: LEFT + c.hour * CELL_W })),
  }));
  // On its side: one row per hour, one column per day.
  const tall = {
    ...TALL,
    width: TALL.left + 7 * TALL.cellW + 2,
    height: TALL.top + 24 * TALL.cellH + 2,
    days: Array.from({ length: 7 }, (_, d) => ({
      x: TALL.left + d * TALL.cellW + TALL.cellW / 2,
      label: t(`spaces.measures.weekdaysShort.${d}`),
    })),
    rows: Array.from({ length: 24 }, (_, hour) => ({
      label: pad(hour),
      y: TALL.top + hour * TALL.cellH,
      cells: occupancy.cells.map((row, d) => ({
        ...square(row[hour] as HourOfWeekOccupancy['cells'][number][number]),
        x: TALL.left + d * TALL.cellW,
      })),
    })),
  };
  // The table runs hour by hour (24 rows) with a column per day: narrow enough for a phone.
  const tableRows = Array.from({ length: 24 }, (_, hour) => ({
    label: t('spaces.measures.hourRange', { from: pad(hour), to: pad((hour + 1) % 24) }),
    cells: occupancy.cells.map((row) => {
      const c = row[hour];
      if (!c || c.totalMinutes === 0) return t('spaces.measures.notInYear');
      const percent = percentOf(c.share);
      return c.occupiedMinutes > 0 && percent === 0
        ? t('spaces.measures.underOnePercent')
        : t('spaces.measures.percent', { percent: String(percent) });
    }),
  }));
  return {
    width: LEFT + 24 * CELL_W + 2,
    height: TOP + 7 * CELL_H + 2,
    cellW: CELL_W,
    cellH: CELL_H,
    hours: Array.from({ length: 24 }, (_, h) => ({
      x: LEFT + h * CELL_W + CELL_W / 2,
      label: String(h).padStart(2, '0'),
    })),
    rows,
    tall,
    bands: BANDS.map((b) => ({ ...b, label: t(`spaces.measures.${b.key}`) })),
    title: t('spaces.measures.heatMapTitle', { subject, year: String(year) }),
    desc: busiest
      ? t('spaces.measures.heatMapDesc', {
          percent: String(percentOf(occupancy.share)),
          busiest: t('spaces.measures.busiestSlot', {
            weekday: t(`spaces.measures.weekdays.${busiest.weekday}`),
            hour: pad(busiest.hour),
          }),
          busiestPercent: String(percentOf(busiest.share)),
        })
      : t('spaces.measures.heatMapDescEmpty'),
    days: Array.from({ length: 7 }, (_, d) => t(`spaces.measures.weekdays.${d}`)),
    tableRows,
    caption: t('spaces.measures.tableCaption', { year: String(year) }),
  };
}
