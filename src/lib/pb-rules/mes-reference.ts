/**
 * The Method of Equal Shares written as plainly as possible, with exact fractions for every voter:
 * slow, but easy to check by eye against the definition. The fast implementation (mes-engine.ts)
 * is tested against it.
 */
import type { Election } from './election.js';
import { add1Loop, checkUtility, type MesOptions, type MesUtility, supportersOf } from './mes-support.js';
import { add, cmp, div, type Frac, frac, mul, sub, ZERO } from './rational.js';
import { type TieBreakKey, tieBreakComparator } from './tie-break.js';

export interface ReferenceRound {
  project: number;
  /** Money per unit of utility each supporter who could afford it paid. */
  rho: Frac;
  /** What each supporter paid, by voter (absent: not a supporter). */
  payments: Map<number, Frac>;
}

export interface ReferenceRun {
  selected: number[];
  rounds: ReferenceRound[];
  /** Each voter's money at the end. */
  budgets: Frac[];
}

/** One fixed-budget run: every voter starts with totalBudget / voters. */
export function mesFixedReference(
  election: Election,
  utility: MesUtility,
  totalBudget: bigint,
  tieBreak: readonly TieBreakKey[],
): ReferenceRun {
  checkUtility(election, utility);
  const sup = supportersOf(election, utility);
  const n = election.voters;
  const budgets: Frac[] = Array.from({ length: n }, () => (n > 0 ? frac(totalBudget, n) : ZERO));
  const tie = tieBreakComparator(tieBreak, election.projects, sup.named);
  const util = (p: number, k: number): bigint =>
    utility === 'cost' ? (election.projects[p]?.cost ?? 0n) : BigInt(sup.weights[k] as number);
  const remaining = new Set<number>();
  election.projects.forEach((p, i) => {
    if (p.cost > 0n && (sup.offsets[i + 1] as number) > (sup.offsets[i] as number)) remaining.add(i);
  });
  const rounds: ReferenceRound[] = [];
  for (;;) {
    let best = -1;
    let bestRho: Frac | null = null;
    for (const p of [...remaining]) {
      const cost = frac(election.projects[p]?.cost ?? 0n);
      const ks: number[] = [];
      for (let k = sup.offsets[p] as number; k < (sup.offsets[p + 1] as number); k++) ks.push(k);
      const money = ks.reduce((s, k) => add(s, budgets[sup.voters[k] as number] as Frac), ZERO);
      if (cmp(money, cost) < 0) {
        remaining.delete(p);
        continue;
      }
      // Poorest per unit of utility first; each pays rho × utility or, if that is more, all they have.
      ks.sort((a, b) =>
        cmp(
          div(budgets[sup.voters[a] as number] as Frac, frac(util(p, a))),
          div(budgets[sup.voters[b] as number] as Frac, frac(util(p, b))),
        ),
      );
      let paid = ZERO;
      let denominator = ks.reduce((s, k) => s + util(p, k), 0n);
      let rho: Frac | null = null;
      for (const k of ks) {
        const r = div(sub(cost, paid), frac(denominator));
        const b = budgets[sup.voters[k] as number] as Frac;
        if (cmp(mul(r, frac(util(p, k))), b) > 0) {
          paid = add(paid, b);
          denominator -= util(p, k);
        } else {
          rho = r;
          break;
        }
      }
      if (rho === null) throw new Error('unreachable: an affordable project always has a rho');
      const c = bestRho === null ? -1 : cmp(rho, bestRho);
      if (c < 0 || (c === 0 && tie(p, best) < 0)) {
        best = p;
        bestRho = rho;
      }
    }
    if (best < 0 || bestRho === null) break;
    remaining.delete(best);
    const payments = new Map<number, Frac>();
    for (let k = sup.offsets[best] as number; k < (sup.offsets[best + 1] as number); k++) {
      const v = sup.voters[k] as number;
      const share = mul(bestRho, frac(util(best, k)));
      const b = budgets[v] as Frac;
      const pay = cmp(b, share) > 0 ? share : b;
      payments.set(v, pay);
      budgets[v] = sub(b, pay);
    }
    rounds.push({ project: best, rho: bestRho, payments });
  }
  return { selected: rounds.map((r) => r.project), rounds, budgets };
}

/** The whole rule with completion none or add1 (add1u's greedy part is not in the reference). */
export function mesReference(
  election: Election,
  options: Omit<MesOptions, 'completion'> & { completion: 'none' | 'add1' },
): { selected: number[]; virtualBudget: bigint; runs: number } {
  checkUtility(election, options.utility);
  const sup = supportersOf(election, options.utility);
  return add1Loop(
    election,
    sup,
    (b) => mesFixedReference(election, options.utility, b, options.tieBreak).selected,
    options.completion,
    options.add1Stop,
  );
}
