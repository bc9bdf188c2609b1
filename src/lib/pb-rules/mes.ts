/**
 * The Method of Equal Shares (mes-cost, mes-card, mes-points) with completion none, add1 or
 * add1u, as in the reference implementation used in Wieliczka and Aarau, counted exactly.
 * See docs/pb-mes.md.
 */
import type { Election } from './election.js';
import { greedyFill } from './greedy.js';
import { MesEngine } from './mes-engine.js';
import { explainMes, mesSummary } from './mes-explain.js';
import { add1Loop, checkUtility, MesError, type MesOptions } from './mes-support.js';
import type { CountResult, ProjectExplanation, RuleName } from './result.js';
import { ballotNotes, spendingSummary } from './result-text.js';

export { ADD1_STOPS, type Add1Stop, MesError, type MesOptions } from './mes-support.js';

export interface MesResult extends CountResult {
  stats: {
    /** Fixed-budget counts made (1 with completion none). */
    runs: number;
    /** The total virtual budget of the count kept. */
    virtualBudget: bigint;
    /** Decisions the floats could not settle, settled with fractions instead. */
    exactFallbacks: number;
    /** Time spent on the exact figures for the explanations. */
    explainMs: number;
  };
}

export function mes(election: Election, options: MesOptions): MesResult {
  checkUtility(election, options.utility);
  if (!MesEngine.fits(election))
    throw new MesError(
      'The budget and costs are too large to count: together they must be under 2^48 money units.',
    );
  const rule = `mes-${options.utility}` as RuleName;
  const engine = new MesEngine(election, options.utility, options.tieBreak);
  const outcome = add1Loop(
    election,
    engine.sup,
    (b) => engine.run(b),
    options.completion === 'none' ? 'none' : 'add1',
    options.add1Stop,
  );
  const fallbacks = engine.exactFallbacks;
  // globalThis.performance: a clock without importing anything that does I/O into src/lib.
  const t0 = globalThis.performance.now();
  // The explanations need the engine to hold the rounds of the count kept; with add1 the last
  // count made is often a later one (that overspent), so count the kept one again.
  if (engine.lastBudget !== outcome.virtualBudget) engine.run(outcome.virtualBudget);
  const facts = {
    utility: options.utility,
    virtualBudget: outcome.virtualBudget,
    completion: options.completion,
  };
  const explanations = explainMes(election, engine, facts);
  const explainMs = globalThis.performance.now() - t0;
  let mesSpent = 0n;
  for (const p of outcome.selected) mesSpent += election.projects[p]?.cost ?? 0n;
  const selected = [...outcome.selected];
  const summary: string[] = [];
  let spent = mesSpent;
  if (options.completion === 'add1u') {
    const fill = greedyFill(election, outcome.selected, options.tieBreak);
    for (const [p, greedyWhy] of fill.explanations) {
      const mesWhy = explanations[p] as ProjectExplanation;
      explanations[p] = {
        funded: greedyWhy.funded,
        text: `${mesWhy.text} ${greedyWhy.text}`,
        trace: { ...mesWhy.trace, greedy: greedyWhy.trace },
      };
    }
    for (const p of fill.added) {
      selected.push(p);
      spent += election.projects[p]?.cost ?? 0n;
    }
  }
  summary.push(...spendingSummary(election, selected, spent));
  summary.push(...mesSummary(election, facts, outcome.runs, mesSpent));
  if (options.completion === 'add1u' && selected.length > outcome.selected.length)
    summary.push(
      `Greedy completion (add1u) then funded ${selected.length - outcome.selected.length} more in order of votes while they fitted.`,
    );
  return {
    rule,
    completion: options.completion,
    ...(options.completion === 'none' ? {} : { add1Stop: options.add1Stop ?? 'exhaustive' }),
    tieBreak: [...options.tieBreak],
    budget: election.budget,
    spent,
    selected,
    notes: ballotNotes(election, rule),
    summary,
    explanations,
    stats: { runs: outcome.runs, virtualBudget: outcome.virtualBudget, exactFallbacks: fallbacks, explainMs },
  };
}
