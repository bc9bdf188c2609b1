/**
 * From a distribution over type panels (how many of each type sit on a panel) to one over person
 * panels in which every member of a type has exactly the type's chance, Σ weight·seats ÷ size.
 * Splitting every type panel evenly among all ways of seating each type would multiply the panels
 * beyond use; this keeps the count near (type panels + 2 × people).
 *
 * For each type of s members, first decide how much of each panel's time each member sits on it:
 * a share f ∈ [0, 1] per member and panel, the shares of a panel adding up to its seats for the
 * type and every member's shares, weighted by the panels' chances, adding up to the same total.
 * Members are served in turn, each taking what the members after them could not cover, then whole
 * panels, most seats first, until their total is reached: at most one panel is split per member,
 * so there are few fractional shares. Then each panel's time is cut where a member's share ends
 * (McNaughton's wrap-around rule: lay the fractional shares end to end along the seats, one unit
 * of time per seat; a share under one unit never sits on two seats at once), and each piece of
 * time becomes a person panel with the same seats per type, so it meets every quota.
 */

import type { RespondentTypes } from './respondent-types.js';
import { typeCounts } from './respondent-types.js';
import type { Distribution } from './types.js';

/** Shares and cut points within this of a whole number are that number (float noise). */
const SNAP = 1e-9;

/** A member's share of a panel's time, as a fraction of it. */
interface Share {
  person: number;
  share: number;
}

export function personDistribution(
  typePanels: readonly (readonly number[])[],
  typeWeights: readonly number[],
  types: RespondentTypes,
  n: number,
): Distribution {
  const counts = typePanels.map(typeCounts);
  const shares = typePanels.map(() => new Map<number, Share[]>());
  types.members.forEach((members, t) => {
    const split = counts.flatMap((seats, c) => {
      const taken = seats.get(t) ?? 0;
      return taken > 0 && taken < members.length ? [{ panel: c, seats: taken }] : [];
    });
    if (!split.length) return;
    for (const [c, list] of shareOut(members, split, typeWeights)) shares[c]?.set(t, list);
  });

  const merged = new Map<string, { panel: number[]; weight: number }>();
  typePanels.forEach((_, c) => {
    const whole: number[] = [];
    for (const [t, seats] of counts[c] as Map<number, number>) {
      if (!shares[c]?.has(t)) whole.push(...(types.members[t] as number[]).slice(0, seats));
    }
    for (const { panel, fraction } of cutPanel(whole, shares[c] as Map<number, Share[]>)) {
      const weight = (typeWeights[c] as number) * fraction;
      const key = panel.join(',');
      const entry = merged.get(key);
      if (entry) entry.weight += weight;
      else merged.set(key, { panel, weight });
    }
  });
  const panels = [...merged.values()].map((entry) => entry.panel);
  const weights = [...merged.values()].map((entry) => entry.weight);
  const probabilities = new Array<number>(n).fill(0);
  panels.forEach((panel, c) => {
    for (const i of panel) probabilities[i] = (probabilities[i] as number) + (weights[c] as number);
  });
  return { panels, weights, probabilities: probabilities.map((p) => Math.min(1, p)) };
}

/**
 * Each member's share of each panel on which the type has some but not all of its seats. Before
 * member i, with r members after them: every panel still needs d seats (d ≤ r + 1), and the
 * members left need equal totals; member i must take d − r of a panel (what the others cannot),
 * may take up to min(1, d), and both bounds bracket the equal total, so the turn always works.
 */
function shareOut(
  members: readonly number[],
  split: readonly { panel: number; seats: number }[],
  weights: readonly number[],
): Map<number, Share[]> {
  const s = members.length;
  const weight = split.map(({ panel }) => weights[panel] as number);
  const needed = split.map(({ seats }) => seats);
  const total = split.reduce((sum, { seats }, j) => sum + seats * (weight[j] as number), 0) / s;
  const result = new Map<number, Share[]>(split.map(({ panel }) => [panel, []]));
  members.forEach((person, i) => {
    const after = s - i - 1;
    const take = needed.map((d) => Math.max(0, d - after));
    let want = total - take.reduce((sum, x, j) => sum + x * (weight[j] as number), 0);
    const byNeed = needed.map((_, j) => j).sort((a, b) => (needed[b] as number) - (needed[a] as number));
    for (const j of byNeed) {
      if (after === 0 || want <= SNAP * total) break;
      const room = Math.min(1, needed[j] as number) - (take[j] as number);
      if (room <= 0) continue;
      const more = Math.min(room, want / (weight[j] as number));
      take[j] = (take[j] as number) + more;
      want -= more * (weight[j] as number);
    }
    take.forEach((x, j) => {
      if (x <= SNAP) return;
      const share = x >= 1 - SNAP ? 1 : x;
      needed[j] = snap((needed[j] as number) - share);
      result.get(split[j]?.panel as number)?.push({ person, share });
    });
  });
  return result;
}

/**
 * Cuts one panel's time into pieces on which everyone's seat is fixed: `whole` sit throughout;
 * each type's shares are laid end to end along its seats (seat e is [e, e + 1)), so at time τ
 * seat e holds the member whose stretch covers e + τ.
 */
function cutPanel(
  whole: readonly number[],
  shares: Map<number, Share[]>,
): { panel: number[]; fraction: number }[] {
  const stretches: { starts: number[]; people: number[]; seats: number }[] = [];
  const cuts = [0];
  for (const list of shares.values()) {
    const starts: number[] = [];
    const people: number[] = [];
    let position = 0;
    for (const { person, share } of list) {
      if (share === 1) {
        // Sits throughout: a stretch of exactly one seat.
        stretches.push({ starts: [0], people: [person], seats: 1 });
        continue;
      }
      starts.push(position);
      people.push(person);
      position += share;
      cuts.push(snap(position - Math.floor(position)) % 1);
    }
    if (people.length) stretches.push({ starts, people, seats: Math.round(position) });
  }
  cuts.sort((a, b) => a - b);
  const bounds = cuts.filter((cut, j) => j === 0 || cut - (cuts[j - 1] as number) > SNAP);
  bounds.push(1);
  const pieces: { panel: number[]; fraction: number }[] = [];
  for (let j = 0; j + 1 < bounds.length; j++) {
    const from = bounds[j] as number;
    const to = bounds[j + 1] as number;
    const middle = (from + to) / 2;
    const panel = [...whole];
    for (const { starts, people, seats } of stretches) {
      for (let e = 0; e < seats; e++) panel.push(people[lastAtOrBefore(starts, e + middle)] as number);
    }
    pieces.push({ panel: panel.sort((a, b) => a - b), fraction: to - from });
  }
  return pieces;
}

/** The index of the last entry of the ascending `starts` that is at most `x`. */
function lastAtOrBefore(starts: readonly number[], x: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] as number) <= x) low = mid;
    else high = mid - 1;
  }
  return low;
}

function snap(x: number): number {
  const nearest = Math.round(x);
  return Math.abs(x - nearest) <= SNAP ? nearest : x;
}
