/**
 * How much support each project has, in one pass over the flat ballot arrays: the number of
 * ballots naming it (with points above 0, for cumulative and scoring ballots) and the points it
 * received. Totals fit exactly in a Float64Array far beyond any real election (2^53 points).
 */
import type { Election } from './election.js';

export interface Support {
  /** Ballots supporting each project (points > 0 where there are points). */
  supporters: Uint32Array;
  /** Sum of points per project; equal to `supporters` for approval and ordinal ballots. */
  points: Float64Array;
}

export function supportOf(election: Election): Support {
  const n = election.projects.length;
  const supporters = new Uint32Array(n);
  const points = new Float64Array(n);
  const { approvals, points: pts } = election;
  const total = election.offsets[election.voters] ?? 0;
  if (pts === null) {
    for (let i = 0; i < total; i++) {
      const p = approvals[i] as number;
      supporters[p] = (supporters[p] as number) + 1;
    }
    for (let p = 0; p < n; p++) points[p] = supporters[p] as number;
  } else {
    for (let i = 0; i < total; i++) {
      const w = pts[i] as number;
      if (w > 0) {
        const p = approvals[i] as number;
        supporters[p] = (supporters[p] as number) + 1;
        points[p] = (points[p] as number) + w;
      }
    }
  }
  return { supporters, points };
}

/**
 * The score the greedy rules order by: supporters for approval and ordinal ballots, points for
 * cumulative and scoring ballots.
 */
export function scoresOf(election: Election, support: Support = supportOf(election)): Float64Array {
  return election.points === null ? Float64Array.from(support.supporters) : support.points;
}
