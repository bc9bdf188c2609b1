/**
 * The four files a selection writes. Their columns and keys are a public interface
 * (docs/sortition.md): observers check a draw from them, so they change only with the docs.
 */
import { stringify } from 'csv-stringify/sync';
import type { Algorithm, Lottery, Person } from './types.js';

/** The chosen people with every column of the people file, in file order. */
export function panelCsv(people: Person[], panel: number[]): string {
  const chosen = panel.map((index) => {
    const person = people[index];
    if (!person) throw new RangeError(`The panel names person ${index}, who is not in the pool.`);
    return person;
  });
  // People built without a file have no columns; their id is still worth writing.
  const header: string[] = [];
  for (const person of chosen) {
    for (const name of Object.keys(person.columns ?? { id: '' })) {
      if (!header.includes(name)) header.push(name);
    }
  }
  if (!header.length) header.push('id');
  const rows = chosen.map((person) =>
    header.map((name) => (person.columns ? (person.columns[name] ?? '') : name === 'id' ? person.id : '')),
  );
  return stringify([header, ...rows]);
}

/** Every respondent's chance of selection, in pool order. */
export function probabilitiesCsv(people: Person[], probabilities: number[]): string {
  if (probabilities.length !== people.length) {
    throw new RangeError(`There are ${people.length} people but ${probabilities.length} probabilities.`);
  }
  const rows = people.map((person, i) => [person.id, formatProbability(probabilities[i] as number)]);
  return stringify([['id', 'probability'], ...rows]);
}

/** Each lottery panel's members by id: one row per member per panel, panels in number order. */
export function lotteryCsv(people: Person[], lottery: Pick<Lottery, 'panels'>): string {
  const rows: string[][] = [['panel', 'id']];
  lottery.panels.forEach((panel, number) => {
    for (const index of panel) {
      const person = people[index];
      if (!person)
        throw new RangeError(`Lottery panel ${number} names person ${index}, who is not in the pool.`);
      rows.push([String(number), person.id]);
    }
  });
  return stringify(rows);
}

export interface Summary {
  algorithm: Algorithm;
  /** People in the pool. */
  n: number;
  /** Panel size. */
  k: number;
  min_probability: number;
  seconds: number;
  /** The public random number, or the seed, that picked the panel. */
  random: number | string;
  optimal?: boolean;
  bound?: number;
  lottery_size?: number;
  lottery_max_deviation?: number;
  /** The number of the drawn panel in the lottery (0 to lottery_size − 1). */
  panel?: number;
  lp_calls?: number;
  ilp_calls?: number;
  levels?: number;
}

const SUMMARY_KEYS = [
  'algorithm',
  'n',
  'k',
  'min_probability',
  'seconds',
  'random',
  'optimal',
  'bound',
  'lottery_size',
  'lottery_max_deviation',
  'panel',
  'lp_calls',
  'ilp_calls',
  'levels',
] as const satisfies readonly (keyof Summary)[];

/** Chances are written as plain decimals here too, so no reader meets 1e-7. */
const DECIMAL_KEYS = new Set<string>(['min_probability', 'bound', 'lottery_max_deviation']);

/** summary.json: the required keys first, then the extras that were given, always in this order. */
export function summaryJson(summary: Summary): string {
  const lines: string[] = [];
  for (const key of SUMMARY_KEYS) {
    const value = summary[key];
    if (value === undefined) continue;
    const text =
      typeof value === 'number' && DECIMAL_KEYS.has(key)
        ? formatProbability(value)
        : key === 'seconds' && typeof value === 'number'
          ? String(Math.round(value * 1000) / 1000)
          : JSON.stringify(value);
    lines.push(`  ${JSON.stringify(key)}: ${text}`);
  }
  return `{\n${lines.join(',\n')}\n}\n`;
}

/**
 * A chance as a plain decimal rounded to 10 places, never in exponent notation (1e-7 is written
 * 0.0000001), with 0 and 1 written as 0 and 1. Floating-point noise just outside 0 to 1 (an LP
 * solver's tolerance) is rounded in; anything further out is a bug and refused.
 */
export function formatProbability(p: number): string {
  if (!Number.isFinite(p) || p < -1e-6 || p > 1 + 1e-6) {
    throw new RangeError(`${p} is not a probability.`);
  }
  const clamped = Math.min(1, Math.max(0, p));
  // toFixed never uses exponent notation for numbers below 1e21.
  const text = clamped.toFixed(10).replace(/\.?0+$/, '');
  return text === '' ? '0' : text;
}
