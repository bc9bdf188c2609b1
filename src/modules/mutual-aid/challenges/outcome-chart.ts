import type { Disclosed } from '../../../lib/disclosure/index.js';
import type { ChallengeView } from './challenge-service.js';

export type ChartBar = {
  x: number;
  y: number;
  width: number;
  height: number;
  label: string;
  date: Date | null;
  value: Disclosed;
};
export type OutcomeChart = {
  width: number;
  height: number;
  bars: ChartBar[];
  target: { y: number; value: number } | null;
};

const WIDTH = 600;
const HEIGHT = 220;
const TOP = 20;
const BOTTOM = 40;

/**
 * The outcome measure over time as bars: the starting point, then each progress update that
 * gave a value. A suppressed value gets no bar (its height would give it away), only its label.
 * The page shows the same numbers in a table; the drawing is for the eye only.
 */
export function outcomeChart(c: ChallengeView, t: (key: string) => string): OutcomeChart | null {
  const points: { label: string; date: Date | null; value: Disclosed }[] = [];
  if (c.measureBaseline)
    points.push({ label: t('mutualAid.challenges.progress.start'), date: null, value: c.measureBaseline });
  for (const u of c.updates)
    if (u.measureValue) points.push({ label: '', date: u.asOf, value: u.measureValue });
  if (points.length === 0) return null;
  const max = Math.max(
    10,
    c.measureTarget ?? 0,
    ...points.map((p) => (p.value.status === 'shown' ? p.value.value : 0)),
  );
  const plot = HEIGHT - TOP - BOTTOM;
  const slot = WIDTH / points.length;
  const width = Math.min(80, slot * 0.6);
  const yOf = (v: number) => TOP + plot - (v / max) * plot;
  return {
    width: WIDTH,
    height: HEIGHT,
    bars: points.map((p, i) => {
      const v = p.value.status === 'shown' ? p.value.value : 0;
      return {
        x: Math.round(i * slot + (slot - width) / 2),
        y: Math.round(yOf(v)),
        width: Math.round(width),
        height: Math.round(TOP + plot - yOf(v)),
        label: p.label,
        date: p.date,
        value: p.value,
      };
    }),
    target: c.measureTarget === null ? null : { y: Math.round(yOf(c.measureTarget)), value: c.measureTarget },
  };
}
