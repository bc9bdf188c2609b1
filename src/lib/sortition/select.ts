/**
 * One entry point for every selection algorithm, so the CLI and the assemblies module ask the
 * same question the same way: given a pool, quotas and a panel size, what is each respondent's
 * chance, and over which panels?
 */
import { findQuotaConflict } from './conflicts.js';
import { legacyLottery } from './legacy.js';
import { leximin, NoPanelError } from './leximin.js';
import type { Selection, SelectionProblem, SelectOptions } from './types.js';

/** The quotas cannot all be met by any panel from this pool. */
export class InfeasibleQuotasError extends Error {
  constructor(readonly conflicts: string[]) {
    super(
      conflicts.length
        ? `No panel from this pool meets these quotas together: ${conflicts.join('; ')}.`
        : 'No panel from this pool meets the quotas.',
    );
  }
}

/** How many panels the legacy selector draws to estimate everyone's chance. */
export const LEGACY_DRAWS = 1000;

export async function selectPanel(problem: SelectionProblem, options: SelectOptions): Promise<Selection> {
  checkShape(problem);
  if (options.algorithm === 'legacy') return legacySelection(problem, options);
  try {
    return await leximin(problem, {
      maxLevels: options.algorithm === 'maximin' ? 1 : undefined,
      timeLimitSeconds: options.timeLimitSeconds,
      onProgress: options.onProgress,
    });
  } catch (error) {
    if (error instanceof NoPanelError) {
      const conflict = await findQuotaConflict(problem);
      throw new InfeasibleQuotasError(conflict?.rows ?? []);
    }
    throw error;
  }
}

/**
 * The chances of the legacy greedy selector are not known in closed form, so it is run
 * LEGACY_DRAWS times with the seed and each run counts as an equally likely panel: the
 * "distribution" is exactly the lottery the draws make.
 */
function legacySelection(problem: SelectionProblem, options: SelectOptions): Selection {
  const started = performance.now();
  let drawn: ReturnType<typeof legacyLottery>;
  try {
    drawn = legacyLottery(problem, LEGACY_DRAWS, options.seed ?? 1);
  } catch (error) {
    throw new InfeasibleQuotasError([(error as Error).message]);
  }
  const weights = drawn.panels.map(() => 1 / drawn.panels.length);
  const minimum = Math.min(...drawn.probabilities);
  return {
    algorithm: 'legacy',
    distribution: { panels: drawn.panels, weights, probabilities: drawn.probabilities },
    optimal: false,
    bound: minimum,
    stats: { lpCalls: 0, ilpCalls: 0, levels: 0, seconds: (performance.now() - started) / 1000 },
  };
}

/**
 * A pool of respondents and a panel from it, less the members who dropped out: the problem whose
 * panels keep everyone who stays and fill the empty seats from the rest of the pool, within the
 * same quotas. Solving it with LEXIMIN gives every remaining respondent as fair a chance of a
 * seat as the quotas allow.
 */
export function replacementProblem(
  problem: SelectionProblem,
  panel: readonly number[],
  dropped: readonly number[],
): SelectionProblem {
  const droppedSet = new Set(dropped);
  for (const i of dropped) {
    if (!panel.includes(i)) throw new RangeError(`${problem.people[i]?.id ?? i} is not on the panel.`);
  }
  return {
    ...problem,
    required: panel.filter((i) => !droppedSet.has(i)),
    excluded: [...new Set([...(problem.excluded ?? []), ...dropped])],
  };
}

function checkShape(problem: SelectionProblem): void {
  const n = problem.people.length;
  if (!Number.isInteger(problem.k) || problem.k < 1)
    throw new RangeError('The panel size must be a whole number of at least 1.');
  if (problem.k > n)
    throw new InfeasibleQuotasError([`the panel has ${problem.k} members but the pool has only ${n} people`]);
  problem.people.forEach((person) => {
    if (person.values.length !== problem.features.length) {
      throw new RangeError(
        `${person.id} has ${person.values.length} feature values; there are ${problem.features.length} features.`,
      );
    }
  });
}
