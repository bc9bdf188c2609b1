import type { Add1Stop } from './mes-support.js';
import type { TieBreakKey } from './tie-break.js';

/** The rules, named as in code, the CLI and results. */
export const RULES = ['greedy', 'greedy-card', 'mes-cost', 'mes-card', 'mes-points', 'phragmen'] as const;
export type RuleName = (typeof RULES)[number];

/** How the Method of Equal Shares spends what it leaves over (ignored by the other rules). */
export const COMPLETIONS = ['none', 'add1', 'add1u'] as const;
export type Completion = (typeof COMPLETIONS)[number];

/** Why one project was or was not funded: plain English for people, a trace for machines. */
export interface ProjectExplanation {
  funded: boolean;
  /** One or two plain-English sentences, money in the election's currency. */
  text: string;
  /** Rule-specific, machine-readable facts behind the text (JSON-safe: money as strings of money units). */
  trace: Record<string, unknown>;
}

export interface CountResult {
  rule: RuleName;
  /** The completion used; 'none' for rules that have none. */
  completion: Completion;
  /** With add1 or add1u: when raising shares stopped (see Add1Stop in mes-support.ts). */
  add1Stop?: Add1Stop;
  tieBreak: TieBreakKey[];
  budget: bigint;
  spent: bigint;
  /** Project indexes in the order the rule chose them. */
  selected: number[];
  /** Things the reader must know, e.g. "Ordinal ballots were counted as approval of every project ranked." */
  notes: string[];
  /** Plain-English summary lines. */
  summary: string[];
  /** By project index. */
  explanations: ProjectExplanation[];
}
