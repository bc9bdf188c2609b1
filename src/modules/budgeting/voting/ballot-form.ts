import type { BallotProblem, BallotRules, CastBallot } from '../../../lib/pb-ballot/ballot-rules.js';
import type { FormError } from '../../../platform/http/forms.js';
import type { Translate } from '../../../platform/i18n/i18n.js';
import type { BallotProject } from './voting-service.js';

/**
 * The ballot form, the same for the online ballot page, the change page and officers' paper
 * entry: approval and knapsack ballots tick `projects` (proposal numbers); cumulative ballots
 * give `points-<number>`; ranked ballots choose a number for each `rank-<n>`.
 */

/** What the form shows again after an error: the boxes ticked, the points and the ranks. */
export type BallotValues = {
  chosen: string[];
  points: Record<string, string>;
  ranks: Record<string, string>;
};

export const emptyValues = (): BallotValues => ({ chosen: [], points: {}, ranks: {} });

/** How many rank boxes a ranked ballot shows. */
export function rankCount(rules: BallotRules, projects: readonly unknown[]): number {
  return Math.min(projects.length, rules.maxSelections ?? projects.length);
}

const strings = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

export type BallotFormResult =
  | { ok: true; cast: CastBallot; values: BallotValues }
  | { ok: false; errors: FormError[]; values: BallotValues };

/** Reads a posted ballot form; a malformed field is a field error, never trusted. */
export function readBallotForm(
  rules: BallotRules,
  projects: readonly BallotProject[],
  body: unknown,
  t: Translate,
): BallotFormResult {
  const form = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const byNumber = new Map(projects.map((p) => [String(p.number), p]));
  const values = emptyValues();
  const errors: FormError[] = [];
  // A number that is not on the ballot becomes an id that is not either, so checkBallot names it.
  const idOf = (n: string) => byNumber.get(n)?.id ?? `unknown:${n}`;
  if (rules.type === 'approval' || rules.type === 'knapsack') {
    values.chosen = strings(form.projects).slice(0, 1000);
    return { ok: true, cast: { projects: values.chosen.map(idOf) }, values };
  }
  if (rules.type === 'cumulative') {
    const ids: string[] = [];
    const points: number[] = [];
    for (const p of projects) {
      const field = `points-${p.number}`;
      const raw = (strings(form[field])[0] ?? '').trim();
      values.points[String(p.number)] = raw;
      if (raw === '') continue;
      if (!/^[0-9]{1,4}$/.test(raw)) {
        errors.push({
          field,
          text: t('budgeting.voting.errors.pointsNotWhole'),
          href: `#${field}`,
        });
        continue;
      }
      ids.push(p.id);
      points.push(Number(raw));
    }
    if (errors.length) return { ok: false, errors, values };
    return { ok: true, cast: { projects: ids, points }, values };
  }
  const ids: string[] = [];
  for (let rank = 1; rank <= rankCount(rules, projects); rank++) {
    const raw = (strings(form[`rank-${rank}`])[0] ?? '').trim();
    values.ranks[String(rank)] = raw;
    // A gap (rank 2 left empty, rank 3 chosen) closes up: the order is what counts.
    if (raw !== '') ids.push(idOf(raw));
  }
  return { ok: true, cast: { projects: ids }, values };
}

/** The field an error about the whole ballot points at: the first box, points or rank. */
export function ballotField(rules: BallotRules, projects: readonly BallotProject[]): string {
  if (rules.type === 'cumulative') return projects[0] ? `points-${projects[0].number}` : 'projects';
  if (rules.type === 'ranked') return 'rank-1';
  return 'projects';
}

/** The message for a ballot problem, with its numbers in words and pounds. */
export function problemText(
  t: Translate,
  problem: BallotProblem,
  rules: BallotRules,
  money: (pence: bigint) => string,
): string {
  const ranked = rules.type === 'ranked';
  switch (problem.code) {
    case 'too-few':
      return t(
        `budgeting.voting.errors.${ranked ? 'rankTooFew' : rules.type === 'cumulative' ? 'pointsTooFew' : 'tooFew'}${problem.min === 1 ? 'One' : ''}`,
        { min: problem.min },
      );
    case 'too-many':
      return t(
        `budgeting.voting.errors.${ranked ? 'rankTooMany' : 'tooMany'}${problem.max === 1 ? 'One' : ''}`,
        { max: problem.max },
      );
    case 'over-budget':
      return t('budgeting.voting.errors.overBudget', {
        total: money(problem.totalPence),
        budget: money(problem.budgetPence),
      });
    case 'too-many-points':
      return t('budgeting.voting.errors.tooManyPoints', { given: problem.given, max: problem.max });
    case 'repeated-project':
      return t(ranked ? 'budgeting.voting.errors.rankRepeated' : 'budgeting.voting.errors.repeatedProject');
    case 'unknown-project':
      return t('budgeting.voting.errors.unknownProject');
    case 'points-missing':
      return t('budgeting.voting.errors.pointsMissing');
    case 'points-not-whole':
      return t('budgeting.voting.errors.pointsNotWhole');
  }
}
