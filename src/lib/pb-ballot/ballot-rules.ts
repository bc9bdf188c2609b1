/**
 * What a valid ballot is, for each ballot type a PB process can use, and how each type is
 * counted by the engine (src/lib/pb-rules) and written to pabulib. Pure: the voting service
 * checks online and paper ballots with it, so both follow one set of rules.
 */

export const BALLOT_TYPES = ['approval', 'cumulative', 'knapsack', 'ranked'] as const;
export type BallotType = (typeof BALLOT_TYPES)[number];

export interface BallotRules {
  type: BallotType;
  /** Fewest projects a voter must choose (0 lets a voter return a blank ballot). */
  minSelections: number;
  /** Most projects: approval and ranked; null means any number. */
  maxSelections: number | null;
  /** Cumulative: the points each voter spreads (all or some of them). */
  pointsTotal: number | null;
  /** Knapsack: what the chosen projects may cost together, in pence. */
  budgetPence: bigint;
}

export interface BallotProject {
  id: string;
  costPence: bigint;
}

/** A ballot as cast: project ids (in rank order for ranked ballots), points for cumulative. */
export interface CastBallot {
  projects: string[];
  points?: number[];
}

/** Why a ballot is not valid: a key for the message and the numbers it needs. */
export type BallotProblem =
  | { code: 'unknown-project' }
  | { code: 'repeated-project' }
  | { code: 'too-few'; min: number }
  | { code: 'too-many'; max: number }
  | { code: 'over-budget'; budgetPence: bigint; totalPence: bigint }
  | { code: 'points-missing' }
  | { code: 'points-not-whole' }
  | { code: 'too-many-points'; max: number; given: number };

/**
 * Checks a ballot against the rules and the projects on it. Cumulative ballots list only the
 * projects given at least one point; a project given 0 points is dropped, not an error.
 */
export function checkBallot(
  rules: BallotRules,
  projects: readonly BallotProject[],
  cast: CastBallot,
): { ok: true; ballot: CastBallot } | { ok: false; problem: BallotProblem } {
  const byId = new Map(projects.map((p) => [p.id, p]));
  let ids = cast.projects;
  let points: number[] | undefined;
  if (rules.type === 'cumulative') {
    if (!cast.points || cast.points.length !== ids.length) return fail({ code: 'points-missing' });
    if (cast.points.some((p) => !Number.isSafeInteger(p) || p < 0)) return fail({ code: 'points-not-whole' });
    const kept = ids.map((id, i) => [id, cast.points?.[i] ?? 0] as const).filter(([, p]) => p > 0);
    ids = kept.map(([id]) => id);
    points = kept.map(([, p]) => p);
  }
  if (ids.some((id) => !byId.has(id))) return fail({ code: 'unknown-project' });
  if (new Set(ids).size !== ids.length) return fail({ code: 'repeated-project' });
  if (ids.length < rules.minSelections) return fail({ code: 'too-few', min: rules.minSelections });
  if (rules.maxSelections !== null && (rules.type === 'approval' || rules.type === 'ranked')) {
    if (ids.length > rules.maxSelections) return fail({ code: 'too-many', max: rules.maxSelections });
  }
  if (rules.type === 'knapsack') {
    const totalPence = ids.reduce((sum, id) => sum + (byId.get(id)?.costPence ?? 0n), 0n);
    if (totalPence > rules.budgetPence)
      return fail({ code: 'over-budget', budgetPence: rules.budgetPence, totalPence });
  }
  if (rules.type === 'cumulative' && points) {
    const given = points.reduce((a, b) => a + b, 0);
    const max = rules.pointsTotal ?? 0;
    if (given > max) return fail({ code: 'too-many-points', max, given });
  }
  return { ok: true, ballot: points ? { projects: ids, points } : { projects: ids } };
}

function fail(problem: BallotProblem) {
  return { ok: false as const, problem };
}

/**
 * How the engine reads each ballot type: knapsack ballots are approval of the chosen projects
 * (as pabulib records them); ranked ballots are ordinal, which every rule reads as approval of
 * every project ranked; cumulative ballots carry points (counted by mes-points when chosen).
 */
export function engineBallotKind(type: BallotType): 'approval' | 'cumulative' | 'ordinal' {
  if (type === 'cumulative') return 'cumulative';
  if (type === 'ranked') return 'ordinal';
  return 'approval';
}
