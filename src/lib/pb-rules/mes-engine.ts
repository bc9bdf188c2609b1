/**
 * The fast Method of Equal Shares: float64 arithmetic with rigorous error bounds for speed, and
 * exact fractions whenever a bound cannot settle a choice, so outcomes never depend on rounding.
 *
 * The idea that makes exactness cheap: a voter who has ever been unable to pay a full share has
 * nothing left, and every other voter's money is the start minus the shares they paid. So voters
 * fall into a few "classes" (same payment history, same money): a class is its parent class less
 * one payment. Each class keeps a float with an error bound; its exact value is worked out only on
 * demand, from its parent's exact value and the exact price of the round that made it, which in
 * turn comes from the exact money of the classes that round capped. Nearly every decision is
 * settled by the floats; ties and near-ties fall back to fractions.
 *
 * Words: a project's supporters pay `tau` per unit of weight (weight = points for mes-points,
 * else 1); rho, the price per unit of utility, is tau / uScale (uScale = the cost for cost
 * utilities, else 1). A supporter is capped when their money is below their share and pays all of it.
 */
import type { Election } from './election.js';
import { checkUtility, type MesUtility, type Supporters, supportersOf } from './mes-support.js';
import { add, cmp, div, type Frac, frac, mul, sub, toFloat, ZERO } from './rational.js';
import { type TieBreakKey, tieBreakComparator } from './tie-break.js';

const EPS = 2 ** -53;
const ZERO_CLASS = 0;
const START_CLASS = 1;

/** One funded project of a run, with what is needed to work out its exact price later. */
export interface EngineRound {
  project: number;
  tau: number;
  tauErr: number;
  tauExact: Frac | null;
  /** Classes (and how many of the project's supporters in each) that paid all they had, below the share. */
  cappedCls: number[];
  cappedCnt: number[];
  /** Sum of the weights of the supporters who paid a full share. */
  fullWeight: number;
  full: number;
  capped: number;
  /** Supporters who had nothing left. */
  empty: number;
}

export class MesEngine {
  readonly sup: Supporters;
  private readonly election: Election;
  private readonly n: number;
  private readonly costF: Float64Array;
  private readonly uScaleF: Float64Array;
  private readonly uScale: bigint[];
  private readonly totalWeight: Float64Array;
  private readonly candidates: number[];
  private readonly tie: (a: number, b: number) => number;
  private readonly usePoints: boolean;

  // Classes of voters (see the file comment), in growable arrays.
  private cap = 0;
  private count = 0;
  private bf = new Float64Array(0);
  private be = new Float64Array(0);
  private parent = new Int32Array(0);
  private cround = new Int32Array(0);
  private cw = new Float64Array(0);
  private exact: Array<Frac | undefined> = [];
  private groupOf = new Int32Array(0);
  private groupStamp = new Int32Array(0);
  private stamp = 0;
  private readonly voterClass: Int32Array;
  // Per run, each project's supporters who still have money: a copy of the supporter lists that
  // gather() compacts as voters run out, so later rounds do not walk the spent ones again.
  private readonly liveVoters: Uint32Array;
  private readonly liveWeights: Uint32Array;
  private readonly liveEnd: Uint32Array;

  // Scratch for one project's supporters grouped by (class, weight).
  private readonly gCls: Int32Array;
  private readonly gW: Float64Array;
  private readonly gCnt: Float64Array;
  private readonly gR: Float64Array;
  private readonly gNew: Int32Array;
  // A copy of the groups of the round's best project so far, so that charging it (usually the
  // winner) need not walk its supporters once more.
  private readonly sCls: Int32Array;
  private readonly sW: Float64Array;
  private readonly sCnt: Float64Array;
  private sM = 0;
  private sZero = 0;
  private sProject = -1;
  private m = 0;
  private zeroCnt = 0;
  private readonly pointsKey = new Map<number, number>();

  // The last evaluation.
  private eTau = 0;
  private eErr = 0;
  private eExact: Frac | null = null;

  rounds: EngineRound[] = [];
  /** The total budget of the last run, whose details `rounds` holds. */
  lastBudget = -1n;
  /** How often the floats could not decide and fractions were used (for tests and the benchmark). */
  exactFallbacks = 0;

  constructor(election: Election, utility: MesUtility, tieBreak: readonly TieBreakKey[]) {
    checkUtility(election, utility);
    this.election = election;
    this.n = election.voters;
    this.usePoints = utility === 'points';
    this.sup = supportersOf(election, utility);
    const mp = election.projects.length;
    this.costF = new Float64Array(mp);
    this.uScaleF = new Float64Array(mp);
    this.uScale = [];
    this.totalWeight = new Float64Array(mp);
    this.candidates = [];
    let most = 0;
    for (let p = 0; p < mp; p++) {
      const cost = election.projects[p]?.cost ?? 0n;
      this.costF[p] = Number(cost);
      this.uScale.push(utility === 'cost' ? cost : 1n);
      this.uScaleF[p] = utility === 'cost' ? Number(cost) : 1;
      const from = this.sup.offsets[p] as number;
      const to = this.sup.offsets[p + 1] as number;
      let w = 0;
      for (let k = from; k < to; k++) w += this.sup.weights[k] as number;
      this.totalWeight[p] = w;
      most = Math.max(most, to - from);
      if (cost > 0n && to > from) this.candidates.push(p);
    }
    this.tie = tieBreakComparator(tieBreak, election.projects, this.sup.named);
    this.voterClass = new Int32Array(this.n);
    this.liveVoters = new Uint32Array(this.sup.voters.length);
    this.liveWeights = new Uint32Array(this.usePoints ? this.sup.weights.length : 0);
    this.liveEnd = new Uint32Array(mp);
    this.gCls = new Int32Array(most + 1);
    this.gW = new Float64Array(most + 1);
    this.gCnt = new Float64Array(most + 1);
    this.gR = new Float64Array(most + 1);
    this.gNew = new Int32Array(most + 1);
    this.sCls = new Int32Array(most + 1);
    this.sW = new Float64Array(most + 1);
    this.sCnt = new Float64Array(most + 1);
    this.grow(1024);
  }

  /** Whether the float path's integers (costs, budgets, weights) are exact doubles. */
  static fits(election: Election): boolean {
    let total = election.budget;
    for (const p of election.projects) total += p.cost;
    return total < 2n ** 48n;
  }

  private grow(min: number): void {
    if (min <= this.cap) return;
    const cap = Math.max(min, this.cap * 2);
    const g = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.bf = g(this.bf, (k) => new Float64Array(k));
    this.be = g(this.be, (k) => new Float64Array(k));
    this.parent = g(this.parent, (k) => new Int32Array(k));
    this.cround = g(this.cround, (k) => new Int32Array(k));
    this.cw = g(this.cw, (k) => new Float64Array(k));
    this.groupOf = g(this.groupOf, (k) => new Int32Array(k));
    this.groupStamp = g(this.groupStamp, (k) => new Int32Array(k));
    this.cap = cap;
  }

  private newClass(parent: number, round: number, w: number, bf: number, be: number): number {
    if (this.count === this.cap) this.grow(this.count + 1);
    const c = this.count++;
    this.parent[c] = parent;
    this.cround[c] = round;
    this.cw[c] = w;
    this.bf[c] = bf;
    this.be[c] = be;
    this.groupStamp[c] = 0;
    this.exact[c] = undefined;
    return c;
  }

  /**
   * A class's exact money: the start less the shares along its history, one fraction per round
   * it paid in; also tightens its float to the nearest double.
   */
  exactOf(c: number): Frac {
    const known = this.exact[c];
    if (known) return known;
    let value = this.exact[START_CLASS] as Frac;
    for (let x = c; x > START_CLASS; x = this.parent[x] as number)
      value = sub(value, mul(this.exactTau(this.cround[x] as number), frac(this.cw[x] as number)));
    this.exact[c] = value;
    this.bf[c] = toFloat(value);
    this.be[c] = 4 * EPS * Math.abs(this.bf[c] as number);
    return value;
  }

  /**
   * A round's exact price per unit of weight. What its capped supporters paid is their number
   * times the start less, for each earlier round, its price times a whole-number weight (summed
   * along their histories), so it takes one fraction per earlier round, not one per class.
   */
  exactTau(r: number): Frac {
    const rec = this.rounds[r] as EngineRound;
    if (!rec.tauExact)
      rec.tauExact = div(
        sub(frac(this.election.projects[rec.project]?.cost ?? 0n), this.cappedTotal(r)),
        frac(rec.fullWeight),
      );
    return rec.tauExact;
  }

  /** Exactly what the capped supporters of round r paid between them (all they had). */
  cappedTotal(r: number): Frac {
    const rec = this.rounds[r] as EngineRound;
    const coef = new Float64Array(r);
    let capped = 0;
    rec.cappedCls.forEach((c, i) => {
      const cnt = rec.cappedCnt[i] as number;
      capped += cnt;
      for (let x = c; x > START_CLASS; x = this.parent[x] as number) {
        const j = this.cround[x] as number;
        coef[j] = (coef[j] as number) + cnt * (this.cw[x] as number);
      }
    });
    let paid = mul(this.exact[START_CLASS] as Frac, frac(capped));
    for (let j = 0; j < r; j++)
      if ((coef[j] as number) !== 0) paid = sub(paid, mul(this.exactTau(j), frac(coef[j] as number)));
    return paid;
  }

  /** Groups project p's supporters by (class, weight) into the scratch arrays. */
  private gather(p: number): void {
    const offsets = this.sup.offsets;
    const voters = this.liveVoters;
    const weights = this.liveWeights;
    const vc = this.voterClass;
    let m = 0;

    const st = ++this.stamp;
    const from = offsets[p] as number;
    const to = this.liveEnd[p] as number;
    let at = from;
    if (!this.usePoints) {
      const gs = this.groupStamp;
      const go = this.groupOf;
      const gCnt = this.gCnt;
      const gCls = this.gCls;
      const gW = this.gW;
      for (let k = from; k < to; k++) {
        const v = voters[k] as number;
        const c = vc[v] as number;
        if (c === ZERO_CLASS) continue;
        voters[at++] = v;
        if (gs[c] === st) {
          const g = go[c] as number;
          gCnt[g] = (gCnt[g] as number) + 1;
        } else {
          gs[c] = st;
          go[c] = m;
          gCls[m] = c;
          gW[m] = 1;
          gCnt[m] = 1;
          m++;
        }
      }
    } else {
      const keys = this.pointsKey;
      keys.clear();
      for (let k = from; k < to; k++) {
        const v = voters[k] as number;
        const c = vc[v] as number;
        if (c === ZERO_CLASS) continue;
        const w = weights[k] as number;
        voters[at] = v;
        weights[at] = w;
        at++;
        const key = c * 4294967296 + w;
        const g = keys.get(key);
        if (g !== undefined) this.gCnt[g] = (this.gCnt[g] as number) + 1;
        else {
          keys.set(key, m);
          this.gCls[m] = c;
          this.gW[m] = w;
          this.gCnt[m] = 1;
          m++;
        }
      }
    }
    const live = at - from;
    this.liveEnd[p] = at;
    this.m = m;
    this.zeroCnt = (offsets[p + 1] as number) - from - live;
  }

  private groupIndex(c: number, w: number): number {
    return this.usePoints ? (this.pointsKey.get(c * 4294967296 + w) as number) : (this.groupOf[c] as number);
  }

  /**
   * Works out the gathered project's price per unit of weight into eTau/eErr (and eExact when it
   * took fractions). Returns false when its supporters cannot afford it.
   */
  private evaluate(p: number): boolean {
    const m = this.m;
    const { gCls, gW, gCnt, gR, bf, be } = this;
    const cost = this.costF[p] as number;
    let money = 0;
    let moneyErr = 0;
    for (let g = 0; g < m; g++) {
      const c = gCls[g] as number;
      money += (gCnt[g] as number) * (bf[c] as number);
      moneyErr += (gCnt[g] as number) * (be[c] as number);
      gR[g] = (bf[c] as number) / (gW[g] as number);
    }
    moneyErr = 2 * (moneyErr + (m + 2) * EPS * money);
    if (money + moneyErr < cost) return false;
    if (money - moneyErr < cost) return this.evaluateExact(p);
    // Water-filling from below: cap every group whose money per weight is under the current
    // price, recompute the price from the rest, and repeat until no further group is capped. The
    // price only rises and stays at most the true one, so this ends in a few passes without sorting.
    const inCap = this.gNew;
    let weightAll = 0;
    for (let g = 0; g < m; g++) {
      weightAll += (gCnt[g] as number) * (gW[g] as number);
      inCap[g] = 0;
    }
    let tau = cost / weightAll;
    let paid = 0;
    let weight = weightAll;
    let capped = 0;
    for (let pass = 0; ; pass++) {
      if (pass > m + 2) return this.evaluateExact(p);
      let more = 0;
      for (let g = 0; g < m; g++) {
        if (inCap[g] === 0 && (gR[g] as number) < tau) {
          inCap[g] = 1;
          more++;
          paid += (gCnt[g] as number) * (bf[gCls[g] as number] as number);
          weight -= (gCnt[g] as number) * (gW[g] as number);
        }
      }
      if (more === 0) break;
      capped += more;
      if (capped === m || weight <= 0) return this.evaluateExact(p);
      tau = (cost - paid) / weight;
    }
    // Recompute the capped sum in one go (the passes added in another order) with its error bound.
    paid = 0;
    let paidErr = 0;
    for (let g = 0; g < m; g++) {
      if (inCap[g] === 0) continue;
      const c = gCls[g] as number;
      paid += (gCnt[g] as number) * (bf[c] as number);
      paidErr += (gCnt[g] as number) * (be[c] as number);
    }
    tau = (cost - paid) / weight;
    paidErr = 2 * (paidErr + (capped + 2) * EPS * paid);
    const numErr = paidErr + 2 * EPS * (cost + paid);
    const err = 2 * (numErr / weight + 2 * EPS * tau);
    // Certify the split: every capped group's money per weight at most tau, every other at least.
    const lo = tau - err;
    const hi = tau + err;
    for (let g = 0; g < m; g++) {
      const c = gCls[g] as number;
      const w = gW[g] as number;
      if (inCap[g] === 1) {
        if ((((bf[c] as number) + (be[c] as number)) / w) * (1 + 4 * EPS) > lo) return this.evaluateExact(p);
      } else if ((((bf[c] as number) - (be[c] as number)) / w) * (1 - 4 * EPS) < hi)
        return this.evaluateExact(p);
    }
    this.eTau = tau;
    this.eErr = err;
    this.eExact = null;
    return true;
  }

  /** The same in fractions, for the gathered groups. */
  private evaluateExact(p: number): boolean {
    this.exactFallbacks++;
    const m = this.m;
    const cost = frac(this.election.projects[p]?.cost ?? 0n);
    const items: Array<{ b: Frac; w: bigint; cnt: bigint }> = [];
    let money = ZERO;
    for (let g = 0; g < m; g++) {
      const b = this.exactOf(this.gCls[g] as number);
      const cnt = BigInt(this.gCnt[g] as number);
      items.push({ b, w: BigInt(this.gW[g] as number), cnt });
      money = add(money, mul(b, frac(cnt)));
    }
    if (cmp(money, cost) < 0) return false;
    items.sort((x, y) => {
      const l = x.b.num * y.b.den * y.w;
      const r = y.b.num * x.b.den * x.w;
      return l < r ? -1 : l > r ? 1 : 0;
    });
    let paid = ZERO;
    let weight = items.reduce((s, it) => s + it.cnt * it.w, 0n);
    for (const it of items) {
      const tau = div(sub(cost, paid), frac(weight));
      if (cmp(mul(tau, frac(it.w)), it.b) > 0) {
        paid = add(paid, mul(it.b, frac(it.cnt)));
        weight -= it.cnt * it.w;
      } else {
        this.eExact = tau;
        this.eTau = toFloat(tau);
        this.eErr = 4 * EPS * this.eTau;
        return true;
      }
    }
    throw new Error('unreachable: an affordable project always has a price');
  }

  /** Interval for rho = tau / uScale from the last evaluation. */
  private rhoBounds(p: number): [number, number] {
    const u = this.uScaleF[p] as number;
    return [((this.eTau - this.eErr) / u) * (1 - 4 * EPS), ((this.eTau + this.eErr) / u) * (1 + 4 * EPS)];
  }

  /** One fixed-budget run; the funded projects in order. Details stay in `rounds` until the next run. */
  run(totalBudget: bigint): number[] {
    const n = this.n;
    this.lastBudget = totalBudget;
    this.rounds = [];
    if (n === 0) return [];
    this.count = 0;
    this.exact.length = 0;
    this.newClass(ZERO_CLASS, -1, 0, 0, 0);
    this.exact[ZERO_CLASS] = ZERO;
    const start = frac(totalBudget, n);
    const startF = toFloat(start);
    this.newClass(START_CLASS, -1, 0, startF, 4 * EPS * startF);
    this.exact[START_CLASS] = start;
    this.voterClass.fill(START_CLASS);
    this.sProject = -1;
    this.liveVoters.set(this.sup.voters);
    if (this.usePoints) this.liveWeights.set(this.sup.weights);
    this.liveEnd.set(this.sup.offsets.subarray(1));

    const mp = this.election.projects.length;
    // Rho never falls as money is spent, so the last bound found for a project stays a lower bound.
    const lb = new Float64Array(mp);
    for (const p of this.candidates)
      lb[p] =
        ((this.costF[p] as number) / (this.totalWeight[p] as number) / (this.uScaleF[p] as number)) *
        (1 - 8 * EPS);
    let remaining = [...this.candidates];
    const selected: number[] = [];
    const evTau = new Float64Array(mp);
    const evErr = new Float64Array(mp);
    const evExact: Array<Frac | null> = new Array(mp).fill(null);
    const evLo = new Float64Array(mp);
    const evHi = new Float64Array(mp);
    const dropped = new Uint8Array(mp);
    for (;;) {
      remaining.sort((a, b) => (lb[a] as number) - (lb[b] as number));
      let bestHi = Number.POSITIVE_INFINITY;
      const evaluated: number[] = [];
      for (const p of remaining) {
        if ((lb[p] as number) > bestHi) break;
        this.gather(p);
        if (!this.evaluate(p)) {
          dropped[p] = 1;
          continue;
        }
        const [lo, hi] = this.rhoBounds(p);
        evTau[p] = this.eTau;
        evErr[p] = this.eErr;
        evExact[p] = this.eExact;
        evLo[p] = lo;
        evHi[p] = hi;
        if (lo > (lb[p] as number)) lb[p] = lo;
        evaluated.push(p);
        if (hi < bestHi) {
          bestHi = hi;
          this.keepGroups(p);
        }
      }
      remaining = remaining.filter((p) => dropped[p] === 0);
      if (evaluated.length === 0) break;
      const contenders = evaluated.filter((p) => (evLo[p] as number) <= bestHi);
      let winner = contenders[0] as number;
      if (contenders.length > 1) {
        let bestRho: Frac | null = null;
        for (const p of contenders) {
          if (!evExact[p]) {
            this.gather(p);
            this.evaluateExact(p);
            evExact[p] = this.eExact;
            evTau[p] = this.eTau;
            evErr[p] = this.eErr;
          }
          const rho = div(evExact[p] as Frac, frac(this.uScale[p] as bigint));
          const c = bestRho === null ? -1 : cmp(rho, bestRho);
          if (c < 0 || (c === 0 && this.tie(p, winner) < 0)) {
            winner = p;
            bestRho = rho;
          }
        }
      }
      this.charge(winner, evTau[winner] as number, evErr[winner] as number, evExact[winner] ?? null);
      selected.push(winner);
      remaining = remaining.filter((p) => p !== winner);
    }
    return selected;
  }

  private keepGroups(p: number): void {
    const m = this.m;
    this.sCls.set(this.gCls.subarray(0, m));
    this.sW.set(this.gW.subarray(0, m));
    this.sCnt.set(this.gCnt.subarray(0, m));
    this.sM = m;
    this.sZero = this.zeroCnt;
    this.sProject = p;
  }

  /** Puts back the kept groups of p (nobody has paid since they were gathered), or gathers anew. */
  private regather(p: number): void {
    if (this.sProject !== p) {
      this.gather(p);
      return;
    }
    const m = this.sM;
    this.gCls.set(this.sCls.subarray(0, m));
    this.gW.set(this.sW.subarray(0, m));
    this.gCnt.set(this.sCnt.subarray(0, m));
    this.m = m;
    this.zeroCnt = this.sZero;
    if (this.usePoints) {
      this.pointsKey.clear();
      for (let g = 0; g < m; g++)
        this.pointsKey.set((this.gCls[g] as number) * 4294967296 + (this.gW[g] as number), g);
    } else for (let g = 0; g < m; g++) this.groupOf[this.gCls[g] as number] = g;
  }

  /** Charges project p's supporters at tau per unit of weight and records the round. */
  private charge(p: number, tauF: number, errF: number, tauExact: Frac | null): void {
    this.regather(p);
    this.sProject = -1;
    const m = this.m;
    const { gCls, gW, gCnt, gNew } = this;
    const r = this.rounds.length;
    const rec: EngineRound = {
      project: p,
      tau: tauF,
      tauErr: errF,
      tauExact,
      cappedCls: [],
      cappedCnt: [],
      fullWeight: 0,
      full: 0,
      capped: 0,
      empty: this.zeroCnt,
    };
    this.rounds.push(rec);
    let tau = tauF;
    let err = errF;
    // -1: capped (pays all, below the share); 0: exactly the share (pays all, a full share); 1: more.
    const state = new Int8Array(m);
    let unsure = false;
    for (let g = 0; g < m; g++) {
      const c = gCls[g] as number;
      const w = gW[g] as number;
      const bf = this.bf[c] as number;
      const be = this.be[c] as number;
      if (((bf + be) / w) * (1 + 4 * EPS) < tau - err) state[g] = -1;
      else if (((bf - be) / w) * (1 - 4 * EPS) > tau + err) state[g] = 1;
      else {
        state[g] = 2;
        unsure = true;
      }
    }
    if (unsure) {
      if (!tauExact) {
        this.evaluateExact(p);
        tauExact = this.eExact as Frac;
        rec.tauExact = tauExact;
        tau = rec.tau = this.eTau;
        err = rec.tauErr = this.eErr;
      }
      for (let g = 0; g < m; g++) {
        if (state[g] !== 2) continue;
        this.exactFallbacks++;
        const c = gCls[g] as number;
        state[g] = cmp(this.exactOf(c), mul(tauExact, frac(gW[g] as number))) as -1 | 0 | 1;
      }
    }
    for (let g = 0; g < m; g++) {
      const c = gCls[g] as number;
      const w = gW[g] as number;
      const cnt = gCnt[g] as number;
      if (state[g] === -1) {
        rec.capped += cnt;
        rec.cappedCls.push(c);
        rec.cappedCnt.push(cnt);
        gNew[g] = ZERO_CLASS;
        continue;
      }
      rec.full += cnt;
      rec.fullWeight += cnt * w;
      if (state[g] === 0) {
        gNew[g] = ZERO_CLASS;
        continue;
      }
      const bf = this.bf[c] as number;
      const be = this.be[c] as number;
      gNew[g] = this.newClass(c, r, w, bf - tau * w, be + w * err + 4 * EPS * (bf + tau * w));
    }
    const voters = this.liveVoters;
    const weights = this.liveWeights;
    const vc = this.voterClass;
    const from = this.sup.offsets[p] as number;
    const to = this.liveEnd[p] as number;
    if (!this.usePoints) {
      const go = this.groupOf;
      for (let k = from; k < to; k++) {
        const v = voters[k] as number;
        const c = vc[v] as number;
        if (c !== ZERO_CLASS) vc[v] = gNew[go[c] as number] as number;
      }
    } else
      for (let k = from; k < to; k++) {
        const v = voters[k] as number;
        const c = vc[v] as number;
        if (c !== ZERO_CLASS) vc[v] = gNew[this.groupIndex(c, weights[k] as number)] as number;
      }
  }

  /** The money project p's supporters have left now (float, for explanations). */
  moneyBehind(p: number): number {
    this.gather(p);
    let money = 0;
    for (let g = 0; g < this.m; g++)
      money += (this.gCnt[g] as number) * (this.bf[this.gCls[g] as number] as number);
    return money;
  }
}
