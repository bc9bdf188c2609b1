/**
 * One entry point for every rule, and the result as the public JSON shape that scripts read
 * (`kith pb count --json`; documented in docs/pb-rules.md — keep it stable).
 */
import type { Election } from './election.js';
import { greedy, greedyCard } from './greedy.js';
import { type Add1Stop, mes } from './mes.js';
import { splitAmount } from './money-text.js';
import { phragmen } from './phragmen.js';
import type { Completion, CountResult, RuleName } from './result.js';
import type { TieBreakKey } from './tie-break.js';

export interface CountOptions {
  rule: RuleName;
  /** Only the Method of Equal Shares uses it; other rules report 'none'. */
  completion: Completion;
  /** MES add1: stop when the outcome is exhaustive (default) or only when it would overspend. */
  add1Stop?: Add1Stop;
  tieBreak: readonly TieBreakKey[];
  /** Notes from reading the file (see electionFromPabulib), put before the rule's own. */
  notes?: readonly string[];
}

function countByRule(election: Election, options: CountOptions): CountResult {
  const tieBreak = [...options.tieBreak];
  const add1Stop = options.add1Stop ?? 'exhaustive';
  switch (options.rule) {
    case 'greedy':
      return greedy(election, { tieBreak });
    case 'greedy-card':
      return greedyCard(election, { tieBreak });
    case 'phragmen':
      return phragmen(election, { tieBreak });
    case 'mes-cost':
      return mes(election, { utility: 'cost', completion: options.completion, tieBreak, add1Stop });
    case 'mes-card':
      return mes(election, { utility: 'card', completion: options.completion, tieBreak, add1Stop });
    case 'mes-points':
      return mes(election, { utility: 'points', completion: options.completion, tieBreak, add1Stop });
  }
}

export function count(election: Election, options: CountOptions): CountResult {
  const result = countByRule(election, options);
  const notes = [...new Set([...(options.notes ?? []), ...result.notes])];
  return { ...result, notes };
}

/**
 * An amount of money units as currency units for JSON: a number when its JSON text is the exact
 * amount (String(Number(x)) gives back the same decimal), else a string of the exact decimal, so
 * no script ever reads a rounded budget. Real budgets are always numbers.
 */
export function amountForJson(units: bigint, scale: bigint): number | string {
  const { negative, whole, fraction } = splitAmount(units, scale);
  const rest = fraction.replace(/0+$/, '');
  const text = `${negative ? '-' : ''}${whole}${rest === '' ? '' : `.${rest}`}`;
  return String(Number(text)) === text ? Number(text) : text;
}

export interface ResultJson {
  rule: RuleName;
  completion: Completion;
  tieBreak: TieBreakKey[];
  budget: number | string;
  spent: number | string;
  selected: string[];
  explanations: Record<string, { funded: boolean; text: string; trace: Record<string, unknown> }>;
  notes: string[];
  summary: string[];
  /** Only for the Method of Equal Shares with add1 or add1u. */
  add1Stop?: Add1Stop;
}

/** The result as the documented public JSON object, keys always in this order. */
export function resultToJson(result: CountResult, election: Election): ResultJson {
  const explanations: ResultJson['explanations'] = {};
  election.projects.forEach((project, p) => {
    const e = result.explanations[p];
    if (e) explanations[project.id] = { funded: e.funded, text: e.text, trace: e.trace };
  });
  return {
    rule: result.rule,
    completion: result.completion,
    tieBreak: [...result.tieBreak],
    budget: amountForJson(result.budget, election.scale),
    spent: amountForJson(result.spent, election.scale),
    selected: result.selected.map((p) => election.projects[p]?.id as string),
    explanations,
    notes: [...result.notes],
    summary: [...result.summary],
    ...(result.add1Stop ? { add1Stop: result.add1Stop } : {}),
  };
}
