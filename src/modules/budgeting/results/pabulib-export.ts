import { londonParts } from '../../../lib/london-clock.js';
import type { PbFile } from '../../../lib/pabulib/types.js';
import { engineBallotKind } from '../../../lib/pb-ballot/ballot-rules.js';
import type { Completion, RuleName } from '../../../lib/pb-rules/result.js';
import type { PbProcess } from '../processes/process-service.js';
import type { BallotProposal, CountedBallot } from './election.js';

/**
 * A process's vote as a pabulib file (shared/schemas/pabulib/README.md), so that anyone can
 * recount it with `kith pb count` or any pabulib tool. Money is written in pounds with exact
 * pence ("1250.00") so the reader counts in pence, as the results did; ballots carry only an
 * opaque id, never a voter, a time or a channel.
 */

/** Pence as pounds with exactly two decimals: 123456 → "1234.56". */
export function pbAmount(pence: bigint): string {
  return `${pence / 100n}.${(pence % 100n).toString().padStart(2, '0')}`;
}

/** How pabulib names a counting rule (`rule` in META). */
export function pabulibRuleName(rule: RuleName, completion: Completion): string {
  if (rule.startsWith('mes-')) return completion === 'none' ? 'equalshares' : `equalshares/${completion}`;
  return rule;
}

/** DD.MM.YYYY for a London date (YYYY-MM-DD). */
function dotted(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}.${m}.${y}`;
}

export type ExportInput = {
  process: PbProcess;
  placeName: string;
  proposals: readonly BallotProposal[];
  ballots: readonly CountedBallot[];
  /** The engine rule and completion the official result used (or will use). */
  rule: RuleName;
  completion: Completion;
  /** Project numbers funded by the official result, once counted; null before. */
  selected: ReadonlySet<number> | null;
  /** When the vote closed, if it has (the count), for date_end. */
  closedAt: Date | null;
};

export function pabulibFileOf(input: ExportInput): PbFile {
  const { process: p, proposals, ballots } = input;
  const kind = engineBallotKind(p.ballotType);
  const withPoints = kind === 'cumulative';

  const votes = new Array<number>(proposals.length).fill(0);
  const score = new Array<number>(proposals.length).fill(0);
  for (const b of ballots) {
    b.projects.forEach((i, k) => {
      votes[i] = (votes[i] ?? 0) + 1;
      score[i] = (score[i] ?? 0) + (b.points?.[k] ?? 1);
    });
  }

  const begin = p.votingOpensAt ?? p.lockedAt;
  const endInstant = input.closedAt ?? (p.votingClosesAt ? new Date(p.votingClosesAt.getTime() - 1) : null);
  const end = endInstant ?? new Date();
  const meta: Array<[string, string]> = [
    ['description', p.title],
    ['country', 'GB'],
    ['unit', input.placeName],
    ['instance', londonParts(end).date.slice(0, 4)],
  ];
  if (p.wardName) meta.push(['district', p.wardName]);
  meta.push(
    ['num_projects', String(proposals.length)],
    ['num_votes', String(ballots.length)],
    ['budget', pbAmount(p.budgetPence)],
    ['vote_type', kind],
    ['rule', pabulibRuleName(input.rule, input.completion)],
    ['currency', 'GBP'],
    ['language', 'en'],
  );
  if (begin) meta.push(['date_begin', dotted(londonParts(begin).date)]);
  meta.push(['date_end', dotted(londonParts(end).date)]);
  if (p.ballotType === 'approval' || p.ballotType === 'ranked') {
    meta.push(['min_length', String(p.minSelections)]);
    if (p.maxSelections !== null) meta.push(['max_length', String(p.maxSelections)]);
  } else if (p.ballotType === 'knapsack') {
    meta.push(['min_length', String(p.minSelections)], ['max_sum_cost', pbAmount(p.budgetPence)]);
  } else if (p.pointsTotal !== null) {
    meta.push(['min_length', String(p.minSelections)], ['max_sum_points', String(p.pointsTotal)]);
  }

  const projectColumns = ['project_id', 'cost', 'name', 'category', 'votes'];
  if (withPoints) projectColumns.push('score');
  if (input.selected) projectColumns.push('selected');

  return {
    meta,
    projectColumns,
    projects: proposals.map((pr, i) => {
      const cost = pbAmount(pr.costPence);
      const fields: Record<string, string> = {
        cost,
        name: pr.title,
        category: pr.category,
        votes: String(votes[i] ?? 0),
      };
      if (withPoints) fields.score = String(score[i] ?? 0);
      if (input.selected) fields.selected = input.selected.has(pr.number) ? '1' : '0';
      return { id: String(pr.number), cost, fields, line: 0 };
    }),
    voteColumns: withPoints ? ['voter_id', 'vote', 'points'] : ['voter_id', 'vote'],
    votes: ballots.map((b) => ({
      voterId: b.publicId,
      vote: b.projects.map((i) => String(proposals[i]?.number)),
      ...(withPoints ? { points: b.points ?? b.projects.map(() => 1) } : {}),
      fields: {},
      line: 0,
    })),
  };
}
