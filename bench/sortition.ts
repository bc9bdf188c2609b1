/**
 * Sortition benchmark (issue 11): seeded synthetic pools with six Census-like features (gender,
 * 5 age bands, 6 wards, 4 ethnic groups, 3 education levels, 3 attitude levels), quotas from the
 * population shares of k. Prints, for LEXIMIN and maximin, the time, the smallest selection
 * probability and how many linear (LP) and integer (ILP) programs were solved.
 *
 *   npx tsx bench/sortition.ts [--pool small|hard|large|all] [--algorithm leximin|maximin|both] [--seed N]
 *                              [--time-limit SECONDS] [--progress] [--search auto|types|people]
 *
 * - small: n = 200, k = 20, no response bias, quotas ± 1 (target: LEXIMIN under 10 s)
 * - hard:  n = 400, k = 40, older, more educated and White respondents answer 2–4 times as often,
 *          quotas ± 1 (target: LEXIMIN under 60 s)
 * - large: n = 2,000, k = 200, no response bias, quotas ± 2 (target: LEXIMIN under 10 minutes)
 *
 * --search chooses how the engine searches: over respondent types, person by person, or (auto, the
 * default) as the engine decides (types when there are at most half as many types as people).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { leximin } from '../src/lib/sortition/leximin.js';
import { CENSUS_LIKE, CENSUS_UNBIASED, syntheticProblem } from '../src/lib/sortition/synthetic.js';
import type { SelectionProblem } from '../src/lib/sortition/types.js';

const { values } = parseArgs({
  options: {
    pool: { type: 'string', default: 'all' },
    algorithm: { type: 'string', default: 'both' },
    seed: { type: 'string', default: '2026' },
    progress: { type: 'boolean', default: false },
    search: { type: 'string', default: 'auto' },
    'time-limit': { type: 'string' },
  },
});
const seed = Number(values.seed);
const SEARCHES: Record<string, boolean | undefined> = { auto: undefined, types: true, people: false };
const search = values.search ?? 'auto';
if (!(search in SEARCHES)) throw new Error(`Unknown search ${search}; use auto, types or people.`);

const POOLS: Record<string, () => SelectionProblem> = {
  small: () => syntheticProblem({ n: 200, k: 20, features: CENSUS_UNBIASED, seed, slack: 1 }),
  hard: () => syntheticProblem({ n: 400, k: 40, features: CENSUS_LIKE, seed, slack: 1 }),
  large: () => syntheticProblem({ n: 2000, k: 200, features: CENSUS_UNBIASED, seed, slack: 2 }),
};

console.log(
  `Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const pools = values.pool === 'all' ? Object.keys(POOLS) : [values.pool ?? 'small'];
const algorithms = values.algorithm === 'both' ? ['maximin', 'leximin'] : [values.algorithm ?? 'leximin'];
for (const name of pools) {
  const make = POOLS[name];
  if (!make) throw new Error(`Unknown pool ${name}; use small, hard, large or all.`);
  const problem = make();
  for (const algorithm of algorithms) {
    const result = await leximin(problem, {
      maxLevels: algorithm === 'maximin' ? 1 : undefined,
      aggregate: SEARCHES[search],
      timeLimitSeconds: values['time-limit'] ? Number(values['time-limit']) : undefined,
      onProgress: values.progress
        ? (p) =>
            process.stderr.write(
              p.share === undefined
                ? `  level ${p.level}, ${p.fixed}/${p.n} fixed, minimum ${p.minimum.toFixed(5)}, ${p.seconds.toFixed(1)} s\n`
                : `  share of the fractional answer ${p.share.toFixed(7)}, minimum at least ${p.minimum.toFixed(5)}, ${p.seconds.toFixed(1)} s\n`,
            )
        : undefined,
    });
    const probabilities = result.distribution.probabilities;
    const min = Math.min(...probabilities);
    console.log(
      `${name.padEnd(5)} n=${problem.people.length} k=${problem.k} ${algorithm.padEnd(7)} ` +
        `${result.stats.seconds.toFixed(1).padStart(7)} s  min probability ${min.toFixed(5)}  ` +
        `LP ${result.stats.lpCalls}  ILP ${result.stats.ilpCalls}  levels ${result.stats.levels}  ` +
        `panels ${result.distribution.panels.length}` +
        (result.optimal
          ? ''
          : `  (stopped by the time limit: not proven optimal; bound on the minimum ${result.bound.toFixed(5)})`),
    );
  }
}
