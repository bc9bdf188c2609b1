/**
 * Method of Equal Shares benchmark: a seeded synthetic approval election the size of a large
 * city's (100,000 voters, 150 projects, about 6 approvals a ballot, a budget funding about 20
 * projects), counted with mes-cost and each completion.
 *
 *   npx tsx bench/pb-mes.ts [--voters 100000] [--projects 150] [--seed 1] [--repeat 3] [--cost-scale 1]
 *
 * Project popularity varies (a few projects are on many ballots), costs vary from £20,000 to
 * £400,000, and the budget is 20 times the mean cost. Prints the best of --repeat times in ms for
 * none, add1 and add1u (wall clock and CPU), the add1 runs, and how often the floats needed exact
 * fractions. --cost-scale multiplies every cost (and so the budget and each voter's share): add1
 * raises shares one currency unit at a time, so larger shares mean more runs.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { electionOf } from '../src/lib/pb-rules/election.js';
import { mes } from '../src/lib/pb-rules/mes.js';
import { DEFAULT_TIE_BREAK } from '../src/lib/pb-rules/tie-break.js';

const { values } = parseArgs({
  options: {
    voters: { type: 'string', default: '100000' },
    projects: { type: 'string', default: '150' },
    seed: { type: 'string', default: '1' },
    repeat: { type: 'string', default: '3' },
    'cost-scale': { type: 'string', default: '1' },
  },
});
const voters = Number(values.voters);
const projectCount = Number(values.projects);
let state = Number(values.seed) >>> 0 || 1;
// xorshift32: the same election for the same seed on every machine.
const random = () => {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state / 4294967296;
};

const costScale = Number(values['cost-scale']);
const costs = Array.from({ length: projectCount }, () =>
  Math.round((20_000 + random() * 380_000) * costScale),
);
// Popularity: a heavy-tailed weight per project; a ballot draws about 6 projects by weight.
const weight = Array.from({ length: projectCount }, () => 1 / (0.05 + random()) ** 1.2);
const cumulative: number[] = [];
let sum = 0;
for (const w of weight) {
  sum += w;
  cumulative.push(sum);
}
const draw = () => {
  const x = random() * sum;
  let lo = 0;
  let hi = projectCount - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};
const ballots: number[][] = [];
for (let v = 0; v < voters; v++) {
  const size = 1 + Math.floor(random() * 11); // 1 to 11, about 6
  const set = new Set<number>();
  while (set.size < Math.min(size, projectCount)) set.add(draw());
  ballots.push([...set]);
}
const meanCost = costs.reduce((a, b) => a + b, 0) / projectCount;
const election = electionOf({
  budget: Math.round(20 * meanCost),
  currency: 'GBP',
  projects: costs.map((cost, i) => ({ id: `p${String(i).padStart(3, '0')}`, cost })),
  ballots,
});
const approvals = election.approvals.length;
console.log(
  `election: ${voters} voters, ${projectCount} projects, ${(approvals / voters).toFixed(2)} approvals a ballot, budget ${election.budget} (${(Number(election.budget) / voters).toFixed(2)} a voter)`,
);

const repeat = Number(values.repeat);
for (const completion of ['none', 'add1', 'add1u'] as const) {
  let best = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  let result: ReturnType<typeof mes> | undefined;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    result = mes(election, { utility: 'cost', completion, tieBreak: [...DEFAULT_TIE_BREAK] });
    const cpu = process.cpuUsage(c0);
    best = Math.min(best, performance.now() - t0);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1000);
  }
  if (!result) continue;
  const stats = result.stats;
  console.log(
    `mes-cost ${completion.padEnd(5)} ${best.toFixed(1).padStart(8)} ms (CPU ${bestCpu.toFixed(0)} ms)  funded ${result.selected.length}, spent ${result.spent}, runs ${stats.runs}, exact fallbacks ${stats.exactFallbacks}, explain ${stats.explainMs.toFixed(1)} ms`,
  );
}
