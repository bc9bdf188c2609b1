/**
 * A seeded synthetic approval election written as a pabulib file, for bench/pb.ts: projects of
 * varied cost and popularity, ballots of about six approvals drawn by popularity, and a budget that
 * funds about twenty average projects. The same seed always gives the same file.
 */
import { seededRandom } from '../src/lib/random/seeded.js';

export interface SyntheticOptions {
  voters: number;
  projects: number;
  meanApprovals: number;
  fundedProjects: number;
  seed: number;
}

export function* syntheticPabulib(o: SyntheticOptions): Generator<string> {
  const random = seededRandom(o.seed);
  // Costs from 20,000 to about 1,000,000, most of them small (log-uniform).
  const costs = Array.from(
    { length: o.projects },
    () => Math.round(Math.exp(Math.log(20_000) + random() * Math.log(50)) / 100) * 100,
  );
  const meanCost = costs.reduce((a, b) => a + b, 0) / o.projects;
  const budget = Math.round((meanCost * o.fundedProjects) / 1000) * 1000;
  // Popularity: a few favourites and a long tail (Zipf-like weights, shuffled against cost).
  const weights = Array.from({ length: o.projects }, (_, i) => 1 / (i + 1) ** 0.8);
  for (let i = weights.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [weights[i], weights[j]] = [weights[j] as number, weights[i] as number];
  }
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) {
    sum += w;
    cumulative.push(sum);
  }

  yield 'META\nkey;value\n';
  yield `description;Synthetic approval election (seed ${o.seed})\ncountry;United Kingdom\nunit;Benchmark\ninstance;${o.seed}\n`;
  yield `num_projects;${o.projects}\nnum_votes;${o.voters}\nbudget;${budget}\nvote_type;approval\nrule;greedy\ncurrency;GBP\n`;
  yield 'PROJECTS\nproject_id;cost;name\n';
  for (let p = 0; p < o.projects; p++) yield `${p + 1};${costs[p]};Project ${p + 1}\n`;
  yield 'VOTES\nvoter_id;vote\n';
  const chosen = new Set<number>();
  let block = '';
  for (let v = 0; v < o.voters; v++) {
    // 1 to 2 × mean - 1 approvals, uniformly: mean as asked.
    const length = 1 + Math.floor(random() * (2 * o.meanApprovals - 1));
    chosen.clear();
    while (chosen.size < Math.min(length, o.projects)) {
      const r = random() * sum;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((cumulative[mid] as number) < r) lo = mid + 1;
        else hi = mid;
      }
      chosen.add(lo + 1);
    }
    block += `${v + 1};${[...chosen].join(',')}\n`;
    if (block.length > 1 << 16) {
      yield block;
      block = '';
    }
  }
  yield block;
}
