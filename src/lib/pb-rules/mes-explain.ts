/**
 * Plain-English explanations (and JSON-safe traces) for an Equal Shares count, from the engine's
 * record of the run whose outcome was kept.
 */
import type { Election } from './election.js';
import type { MesEngine } from './mes-engine.js';
import type { MesUtility } from './mes-support.js';
import { formatMoney, formatMoneyApprox, fracText, plural } from './money-text.js';
import { div, type Frac, frac, mul } from './rational.js';
import type { ProjectExplanation } from './result.js';

export interface MesRunFacts {
  utility: MesUtility;
  /** Total (virtual) budget of the run kept. */
  virtualBudget: bigint;
  completion: 'none' | 'add1' | 'add1u';
}

/** Explanations for every project, from the engine's last run (which must be the run kept). */
export function explainMes(election: Election, engine: MesEngine, facts: MesRunFacts): ProjectExplanation[] {
  const out: ProjectExplanation[] = new Array(election.projects.length);
  const n = election.voters;
  const perVoter = n > 0 ? frac(facts.virtualBudget, n) : frac(0);
  const common = {
    stage: 'mes',
    utility: facts.utility,
    virtualBudget: facts.virtualBudget.toString(),
    perVoterBudget: fracText(perVoter),
  };
  engine.rounds.forEach((r, i) => {
    const project = election.projects[r.project];
    if (!project) return;
    const tau = engine.exactTau(i);
    const rho = facts.utility === 'cost' ? div(tau, frac(project.cost)) : tau;
    const cappedPaid = engine.cappedTotal(i);
    const fullPaid = mul(tau, frac(r.fullWeight));
    const share =
      facts.utility === 'points'
        ? `${formatMoneyApprox(tau, election)} for each point they gave it`
        : `an equal share of ${formatMoneyApprox(tau, election)} each`;
    const parts = [
      `Funded in round ${i + 1} of Equal Shares, costing ${formatMoney(project.cost, election)}: ${plural(r.full, 'supporter', 'supporters')} paid ${share}`,
    ];
    if (r.capped > 0)
      parts.push(
        r.capped === 1
          ? `1 supporter with less than that left paid all they had, ${formatMoneyApprox(cappedPaid, election)}`
          : `${plural(r.capped, 'supporter', 'supporters')} with less than that left paid all they had, ${formatMoneyApprox(cappedPaid, election)} between them`,
      );
    if (r.empty > 0) parts.push(`${plural(r.empty, 'supporter', 'supporters')} had nothing left to pay`);
    out[r.project] = {
      funded: true,
      text: `${parts.join('; ')}.`,
      trace: {
        ...common,
        round: i + 1,
        rho: fracText(rho),
        sharePerUnit: fracText(tau),
        fullPayers: r.full,
        fullPaid: fracText(fullPaid),
        cappedPayers: r.capped,
        cappedPaid: fracText(cappedPaid),
        emptySupporters: r.empty,
        cost: project.cost.toString(),
      },
    };
  });
  election.projects.forEach((project, p) => {
    if (out[p]) return;
    const supporters = engine.sup.named[p] as number;
    const cost = formatMoney(project.cost, election);
    if (supporters === 0) {
      out[p] = {
        funded: false,
        text: 'Not funded: nobody voted for it.',
        trace: { ...common, reason: 'no-supporters', supporters, cost: project.cost.toString() },
      };
      return;
    }
    if (project.cost === 0n) {
      out[p] = {
        funded: false,
        text: 'Not funded by Equal Shares, which only shares out projects that cost something.',
        trace: { ...common, reason: 'free', supporters, cost: '0' },
      };
      return;
    }
    // Every project still unfunded at the end of a run is out of its supporters' reach (the run
    // stops only then); the figure is rounded to the money unit, the decision itself was exact.
    const left = BigInt(Math.round(engine.moneyBehind(p)));
    out[p] = {
      funded: false,
      text: `Not funded by Equal Shares: its ${plural(supporters, 'supporter', 'supporters')} had ${formatMoney(
        left,
        election,
      )} left${supporters === 1 ? '' : ' between them'}; it needed ${cost}.`,
      trace: {
        ...common,
        reason: 'unaffordable',
        supporters,
        moneyLeft: left.toString(),
        cost: project.cost.toString(),
      },
    };
  });
  return out;
}

/** Summary lines about the Equal Shares part of the count. */
export function mesSummary(election: Election, facts: MesRunFacts, runs: number, mesSpent: bigint): string[] {
  const lines: string[] = [];
  const n = election.voters;
  if (n === 0) return ['There were no ballots, so Equal Shares funded nothing.'];
  const share = (b: bigint): string => formatMoneyApprox(frac(b, n) as Frac, election);
  lines.push(
    `Equal Shares gave each of the ${plural(n, 'voter', 'voters')} an equal share of ${
      facts.virtualBudget === election.budget ? 'the budget' : 'a virtual budget'
    }: ${share(facts.virtualBudget)} each.`,
  );
  if (facts.completion !== 'none') {
    if (facts.virtualBudget === election.budget)
      lines.push(
        `Raising each voter's share by ${formatMoney(election.scale, election)} (add1 completion) did not give an outcome within the budget that used more of it, so the count at the real budget stands (${plural(runs, 'count', 'counts')} in all).`,
      );
    else
      lines.push(
        `The add1 completion raised each voter's share ${formatMoney(election.scale, election)} at a time while the outcome still fitted the real budget of ${formatMoney(
          election.budget,
          election,
        )}; the outcome kept came from a virtual budget of ${formatMoney(facts.virtualBudget, election)} and spends ${formatMoney(
          mesSpent,
          election,
        )} (${plural(runs, 'count', 'counts')} in all).`,
      );
  }
  return lines;
}
