/**
 * The shapes shared by every part of the sortition engine. People are referred to by their index
 * in `SelectionProblem.people` throughout, so panels are short sorted arrays of numbers.
 */

/** One value of a feature with how many panel members must have it. */
export interface QuotaValue {
  value: string;
  min: number;
  max: number;
}

/** A feature (e.g. "Gender") and its values, each with its quota. */
export interface Feature {
  name: string;
  values: QuotaValue[];
}

/** A respondent. `values[f]` is their value of `features[f]` (always one of its values). */
export interface Person {
  id: string;
  values: string[];
  /** People with the same household key may not sit on the same panel. */
  household?: string;
  /** Every column of the person's row as read, for panel.csv (kept in file order). */
  columns?: Record<string, string>;
}

export interface SelectionProblem {
  features: Feature[];
  people: Person[];
  /** Panel size. */
  k: number;
  /** People who must be on every panel (the members who stay, when choosing replacements). */
  required?: number[];
  /** People who may not be on any panel (those who dropped out or were replaced). */
  excluded?: number[];
}

/** A probability distribution over panels, and what it gives each person. */
export interface Distribution {
  /** Each panel as the sorted indices of its members. */
  panels: number[][];
  /** The probability of each panel; they sum to 1. */
  weights: number[];
  /** Each person's chance of selection: the sum of the weights of the panels they are on. */
  probabilities: number[];
}

export const ALGORITHMS = ['leximin', 'maximin', 'legacy'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

/** Progress reports for long runs (the CLI prints them on stderr). */
export interface Progress {
  level: number;
  fixed: number;
  n: number;
  minimum: number;
  seconds: number;
  /**
   * While LEXIMIN aims straight at the chances fractional panels would give (leximin.ts): the
   * share of that target chance that every person has at least. Absent while it proves levels.
   */
  share?: number;
}

/** A uniform lottery: each of its `panels` is drawn with chance 1 / panels.length. */
export interface Lottery {
  /** The m panels, numbered by their position (0 to m − 1), each as sorted person indices. */
  panels: number[][];
  /** Each person's chance of selection under the lottery (their panel count ÷ m). */
  probabilities: number[];
  /** The largest difference between a person's lottery chance and their chance in the distribution. */
  maxDeviation: number;
}

/** Counts for the benchmark and summary. */
export interface SolveStats {
  lpCalls: number;
  ilpCalls: number;
  levels: number;
  seconds: number;
}

/** What a selection run found. */
export interface Selection {
  algorithm: Algorithm;
  distribution: Distribution;
  /** False when a time limit stopped the search before the fairest distribution was proven. */
  optimal: boolean;
  /** A proven upper bound on the smallest chance any distribution can give (equal to the minimum when optimal). */
  bound: number;
  stats: SolveStats;
}

export interface SelectOptions {
  algorithm: Algorithm;
  /** Stop early and return the best distribution found so far. */
  timeLimitSeconds?: number;
  onProgress?: (progress: Progress) => void;
  /** Seed for the legacy selector's draws (it is random by nature). */
  seed?: number;
}

/** The public random number that picks one panel from a lottery. */
export type RandomSource = { kind: 'number'; value: number } | { kind: 'seed'; value: string };
