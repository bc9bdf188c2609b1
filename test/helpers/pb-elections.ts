/**
 * Random small elections for property tests of the PB counting rules. Small on purpose: the
 * slow reference implementations in the tests are exact and quadratic.
 */
import fc from 'fast-check';
import { type Election, electionOf } from '../../src/lib/pb-rules/election.js';

export interface ElectionShape {
  maxProjects?: number;
  maxVoters?: number;
  maxCost?: number;
  /** Give the ballots points (cumulative) instead of plain approval. */
  points?: boolean;
}

export function arbitraryElection(shape: ElectionShape = {}): fc.Arbitrary<Election> {
  const maxProjects = shape.maxProjects ?? 7;
  const maxVoters = shape.maxVoters ?? 12;
  const maxCost = shape.maxCost ?? 20;
  return fc
    .integer({ min: 1, max: maxProjects })
    .chain((n) =>
      fc.record({
        costs: fc.array(fc.integer({ min: 0, max: maxCost }), { minLength: n, maxLength: n }),
        budget: fc.integer({ min: 0, max: maxCost * 3 }),
        ballots: fc.array(fc.subarray([...Array(n).keys()]), { minLength: 0, maxLength: maxVoters }),
        seed: fc.array(fc.integer({ min: 1, max: 5 }), {
          minLength: n * maxVoters,
          maxLength: n * maxVoters,
        }),
      }),
    )
    .map(({ costs, budget, ballots, seed }) =>
      electionOf({
        budget,
        projects: costs.map((cost, i) => ({ id: `p${String(i).padStart(2, '0')}`, cost })),
        ballots,
        ...(shape.points
          ? {
              points: ballots.map((b, v) =>
                b.map((_, k) => seed[(v * costs.length + k) % seed.length] as number),
              ),
            }
          : {}),
      }),
    );
}

/** The same election with its ballots in another order. */
export function withBallotsReordered(election: Election, order: number[]): Election {
  const ballots: number[][] = [];
  const points: number[][] = [];
  for (const v of order) {
    const from = election.offsets[v] as number;
    const to = election.offsets[v + 1] as number;
    ballots.push([...election.approvals.subarray(from, to)]);
    if (election.points) points.push([...election.points.subarray(from, to)]);
  }
  return electionOf({
    budget: election.budget,
    scale: election.scale,
    currency: election.currency,
    projects: election.projects,
    ballots,
    ...(election.points ? { points } : {}),
    ballotKind: election.ballotKind,
  });
}

/** Ballots as lists of project indexes, for slow reference implementations. */
export function ballotsOf(election: Election): number[][] {
  const out: number[][] = [];
  for (let v = 0; v < election.voters; v++)
    out.push([...election.approvals.subarray(election.offsets[v], election.offsets[v + 1])]);
  return out;
}
