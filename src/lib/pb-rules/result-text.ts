/**
 * Notes and summary lines every rule's result shares, so the wording is the same everywhere.
 */
import type { Election } from './election.js';
import { formatMoney, plural } from './money-text.js';
import type { RuleName } from './result.js';

/** Notes about how the ballots were read, true for the given rule. */
export function ballotNotes(election: Election, rule: RuleName): string[] {
  const notes: string[] = [];
  if (election.ballotKind === 'ordinal')
    notes.push('Ordinal ballots were counted as approval of every project ranked.');
  if (election.points !== null && (rule === 'phragmen' || rule === 'mes-cost' || rule === 'mes-card'))
    notes.push(
      `This rule ignores the points: a ballot counts as approving every project it gives points to.`,
    );
  return notes;
}

/** "Funded 12 of 40 projects, spending £950,000 of £1,000,000." and what was left. */
export function spendingSummary(election: Election, selected: readonly number[], spent: bigint): string[] {
  const lines = [
    `Funded ${selected.length} of ${plural(election.projects.length, 'project', 'projects')}, spending ${formatMoney(
      spent,
      election,
    )} of ${formatMoney(election.budget, election)}.`,
  ];
  const left = election.budget - spent;
  if (left > 0n) lines.push(`${formatMoney(left, election)} was left unspent.`);
  return lines;
}
