/**
 * The greedy rules most cities use. `greedy`: projects in order of score (supporters for approval
 * and ordinal ballots, points for cumulative and scoring ballots), most first; each is funded if
 * it still fits in what is left of the budget and skipped otherwise, and the count carries on
 * down the list. Every project is in the list, even one with no support: a project nobody chose
 * is still funded if money is left when its turn comes at the bottom. That is what pabulib's
 * `greedy` rule and pabutools' `greedy_utilitarian_welfare` do, so our outcomes match theirs.
 *
 * `greedy-card` orders by score per unit of cost instead, compared exactly by cross-multiplying
 * in BigInt. A free project with support has an infinite score per cost and comes first; a
 * project with no support has ratio 0 whatever it costs, free or not.
 *
 * Ties are decided by the explicit tie-break keys (see tie-break.ts).
 */
import type { Election } from './election.js';
import { formatMoney, ordinal, plural, scoreWords } from './money-text.js';
import type { CountResult, ProjectExplanation } from './result.js';
import { ballotNotes, spendingSummary } from './result-text.js';
import { type Support, scoresOf, supportOf } from './support.js';
import { type TieBreakKey, tieBreakComparator } from './tie-break.js';

export interface GreedyOptions {
  tieBreak: readonly TieBreakKey[];
}

/** Project indexes by score, highest first, ties by the tie-break. */
export function orderByScore(
  election: Election,
  tieBreak: readonly TieBreakKey[],
  support: Support = supportOf(election),
): number[] {
  const scores = scoresOf(election, support);
  const tie = tieBreakComparator(tieBreak, election.projects, support.supporters);
  // Scores are whole numbers below 2^53, so comparing them as doubles is exact.
  return election.projects
    .map((_, p) => p)
    .sort((a, b) => (scores[b] as number) - (scores[a] as number) || tie(a, b));
}

/** Project indexes by score per unit of cost, highest first, compared exactly. */
export function orderByScorePerCost(
  election: Election,
  tieBreak: readonly TieBreakKey[],
  support: Support = supportOf(election),
): number[] {
  const scores = scoresOf(election, support);
  const tie = tieBreakComparator(tieBreak, election.projects, support.supporters);
  // 2: free with support (infinite ratio); 0: no support (ratio 0); 1: an ordinary ratio.
  const kind = (p: number): number =>
    scores[p] === 0 ? 0 : (election.projects[p]?.cost as bigint) === 0n ? 2 : 1;
  const byRatio = (a: number, b: number): number => {
    const ka = kind(a);
    const kb = kind(b);
    if (ka !== kb) return kb - ka;
    if (ka !== 1) return 0;
    // a first when scoreA / costA > scoreB / costB, i.e. scoreA × costB > scoreB × costA.
    const left = BigInt(scores[a] as number) * (election.projects[b]?.cost as bigint);
    const right = BigInt(scores[b] as number) * (election.projects[a]?.cost as bigint);
    return left > right ? -1 : left < right ? 1 : 0;
  };
  return election.projects.map((_, p) => p).sort((a, b) => byRatio(a, b) || tie(a, b));
}

type OrderKind = 'score' | 'score-per-cost';

interface Walk {
  added: number[];
  explanations: Map<number, ProjectExplanation>;
  spent: bigint;
}

/**
 * Walks `order`, skipping projects already in `selected`, funding each that fits in
 * `budget - spent`. `stage` words the explanations for a whole count or a top-up.
 */
function walk(
  election: Election,
  order: readonly number[],
  selected: readonly number[],
  spentBefore: bigint,
  support: Support,
  orderKind: OrderKind,
  stage: 'count' | 'top-up',
): Walk {
  const already = new Set(selected);
  const scores = scoresOf(election, support);
  const words = scoreWords(election);
  const orderName = orderKind === 'score' ? `order of ${words.many}` : `order of ${words.many} for the cost`;
  const added: number[] = [];
  const explanations = new Map<number, ProjectExplanation>();
  let spent = spentBefore;
  let rank = 0;
  for (const p of order) {
    if (already.has(p)) continue;
    rank++;
    const project = election.projects[p];
    if (project === undefined) continue;
    const left = election.budget - spent;
    const score = scores[p] as number;
    const scoreText = plural(score, words.one, words.many);
    const cost = formatMoney(project.cost, election);
    const leftText = formatMoney(left, election);
    const funded = project.cost <= left;
    const where =
      stage === 'top-up'
        ? `${ordinal(rank)} in ${orderName} among the projects left`
        : `${ordinal(rank)} in ${orderName}`;
    const text = funded
      ? `${stage === 'top-up' ? 'Chosen in the greedy top-up' : 'Chosen'}, ${where} (${scoreText}): it cost ${cost} when ${leftText} was left.`
      : `Not funded: ${stage === 'top-up' ? 'in the greedy top-up, ' : ''}when its turn came (${where}, ${scoreText}) ${leftText} was left; it needed ${cost}.`;
    if (funded) {
      added.push(p);
      spent += project.cost;
    }
    explanations.set(p, {
      funded,
      text,
      trace: {
        stage: stage === 'top-up' ? 'greedy-top-up' : 'greedy',
        order: orderKind,
        rank,
        ...(funded ? { chosen: added.length } : {}),
        score,
        supporters: support.supporters[p] as number,
        cost: project.cost.toString(),
        leftBefore: left.toString(),
      },
    });
  }
  return { added, explanations, spent };
}

function countGreedy(
  election: Election,
  tieBreak: readonly TieBreakKey[],
  orderKind: OrderKind,
): CountResult {
  const support = supportOf(election);
  const order =
    orderKind === 'score'
      ? orderByScore(election, tieBreak, support)
      : orderByScorePerCost(election, tieBreak, support);
  const { added, explanations, spent } = walk(election, order, [], 0n, support, orderKind, 'count');
  const rule = orderKind === 'score' ? 'greedy' : 'greedy-card';
  return {
    rule,
    completion: 'none',
    tieBreak: [...tieBreak],
    budget: election.budget,
    spent,
    selected: added,
    notes: ballotNotes(election, rule),
    summary: spendingSummary(election, added, spent),
    explanations: election.projects.map((_, p) => explanations.get(p) as ProjectExplanation),
  };
}

/** The `greedy` rule: by supporters (or points), fund each project that still fits. */
export function greedy(election: Election, options: GreedyOptions): CountResult {
  return countGreedy(election, options.tieBreak, 'score');
}

/** The `greedy-card` rule: by supporters (or points) per unit of cost, fund each that still fits. */
export function greedyCard(election: Election, options: GreedyOptions): CountResult {
  return countGreedy(election, options.tieBreak, 'score-per-cost');
}

/**
 * Carries on greedily from a partial outcome (the `add1u` completion of Equal Shares): the
 * projects not yet selected, in the order `greedy` uses, each funded if it fits in the budget
 * left after `selected`. Returns the projects added in order, and an explanation for every
 * project not in `selected` (funded or not), worded as a greedy top-up.
 */
export function greedyFill(
  election: Election,
  selected: number[],
  tieBreak: TieBreakKey[],
): { added: number[]; explanations: Map<number, ProjectExplanation> } {
  const support = supportOf(election);
  let spent = 0n;
  for (const p of selected) spent += election.projects[p]?.cost ?? 0n;
  const order = orderByScore(election, tieBreak, support);
  const { added, explanations } = walk(election, order, selected, spent, support, 'score', 'top-up');
  return { added, explanations };
}
