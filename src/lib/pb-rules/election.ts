/**
 * An election to count: projects with costs, a budget and ballots, with money as exact integers.
 * Ballots are stored compactly (one flat array of project indexes with offsets, like a CSR
 * matrix) because real elections have 100,000+ voters and the rules walk them many times.
 */

/** What the voters were asked to do. Every rule reads an ordinal ballot as approval of every project ranked. */
export type BallotKind = 'approval' | 'cumulative' | 'ordinal' | 'scoring';

export interface ElectionProject {
  /** The project's id as the file or the process gives it; string order is the `id` tie-break. */
  id: string;
  name: string;
  /** Cost in money units (see Election.scale). */
  cost: bigint;
}

export interface Election {
  /** The budget in money units. */
  budget: bigint;
  /**
   * Money units per currency unit: 1 when every amount is a whole number, 100 when the file has
   * pennies, and so on. "One currency unit" in add1 completion is `scale` money units.
   */
  scale: bigint;
  /** ISO 4217 code when known (GBP, PLN, EUR), else ''. Only used in explanations. */
  currency: string;
  projects: ElectionProject[];
  ballotKind: BallotKind;
  /** Number of ballots. */
  voters: number;
  /**
   * Ballot v names the project indexes approvals[offsets[v]] … approvals[offsets[v + 1] - 1],
   * each at most once, in the order the voter gave them (ranking order for ordinal ballots).
   * offsets.length === voters + 1.
   */
  offsets: Uint32Array;
  approvals: Uint32Array;
  /** Points aligned with `approvals` for cumulative and scoring ballots (whole numbers ≥ 0); else null. */
  points: Uint32Array | null;
}

/** Builds an election from ballots given as lists of project indexes (tests and small callers). */
export function electionOf(input: {
  budget: bigint | number;
  projects: Array<{ id: string; cost: bigint | number; name?: string }>;
  ballots: number[][];
  points?: number[][];
  ballotKind?: BallotKind;
  scale?: bigint | number;
  currency?: string;
}): Election {
  const offsets = new Uint32Array(input.ballots.length + 1);
  let total = 0;
  input.ballots.forEach((b, v) => {
    total += b.length;
    offsets[v + 1] = total;
  });
  const approvals = new Uint32Array(total);
  const points = input.points ? new Uint32Array(total) : null;
  input.ballots.forEach((b, v) => {
    approvals.set(b, offsets[v]);
    if (points) points.set(input.points?.[v] ?? [], offsets[v]);
  });
  return {
    budget: BigInt(input.budget),
    scale: BigInt(input.scale ?? 1),
    currency: input.currency ?? '',
    projects: input.projects.map((p) => ({ id: p.id, name: p.name ?? p.id, cost: BigInt(p.cost) })),
    ballotKind: input.ballotKind ?? (input.points ? 'cumulative' : 'approval'),
    voters: input.ballots.length,
    offsets,
    approvals,
    points,
  };
}
