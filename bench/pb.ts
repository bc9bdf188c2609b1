/**
 * Participatory budgeting counting benchmark (issue 9): a seeded synthetic approval election of
 * 100,000 voters, 150 projects and about 6 approvals per ballot, with a budget funding about 20
 * projects. Prints the time to parse the .pb file from disk, and to count it by greedy, the
 * Method of Equal Shares (cost utilities, add1u completion) and Phragmén.
 *
 *   npx tsx bench/pb.ts [--voters N] [--runs N] [--seed N]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parsePabulib } from '../src/lib/pabulib/index.js';
import { count } from '../src/lib/pb-rules/count.js';
import { electionFromPabulib } from '../src/lib/pb-rules/from-pabulib.js';
import type { RuleName } from '../src/lib/pb-rules/result.js';
import { DEFAULT_TIE_BREAK } from '../src/lib/pb-rules/tie-break.js';
import { syntheticPabulib } from './pb-synthetic.js';

const { values } = parseArgs({
  options: {
    voters: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '5' },
    seed: { type: 'string', default: '2026' },
  },
});
const voters = Number(values.voters);
const runs = Math.max(1, Number(values.runs));
const seed = Number(values.seed);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const ms = (x: number) => `${x.toFixed(1)} ms`;

console.log(
  `Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-bench-pb-'));
const file = path.join(dir, 'synthetic.pb');
fs.writeFileSync(
  file,
  [...syntheticPabulib({ voters, projects: 150, meanApprovals: 6, fundedProjects: 20, seed })].join(''),
);
console.log(`Synthetic election: ${file} (${(fs.statSync(file).size / 1e6).toFixed(1)} MB), seed ${seed}`);

const parseTimes: number[] = [];
let parsed: Awaited<ReturnType<typeof parsePabulib>> | undefined;
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  parsed = await parsePabulib(fs.createReadStream(file));
  parseTimes.push(performance.now() - start);
}
if (!parsed) throw new Error('nothing parsed');
const buildStart = performance.now();
const { election } = electionFromPabulib(parsed.file);
const buildMs = performance.now() - buildStart;
const approvals = election.approvals.length;
console.log(
  `${election.voters.toLocaleString('en-GB')} ballots, ${election.projects.length} projects, ${(approvals / election.voters).toFixed(2)} approvals per ballot, budget ${election.budget}\n`,
);

const rows: Array<[string, number, string]> = [
  [`parse the .pb file from disk (median of ${runs})`, median(parseTimes), 'under 1,000 ms'],
  ['turn it into an election to count', buildMs, ''],
];
const cases: Array<[RuleName, string, string]> = [
  ['greedy', 'none', 'under 100 ms'],
  ['mes-cost', 'add1u', 'under 2,000 ms'],
  ['phragmen', 'none', ''],
];
for (const [rule, completion, target] of cases) {
  const times: number[] = [];
  let funded = 0;
  let counts = '';
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = count(election, {
      rule,
      completion: completion as 'none' | 'add1u',
      tieBreak: [...DEFAULT_TIE_BREAK],
    });
    times.push(performance.now() - start);
    funded = result.selected.length;
    if ('stats' in result) counts = ` after ${(result as { stats: { runs: number } }).stats.runs} counts`;
  }
  rows.push([
    `${rule}${completion !== 'none' ? ` ${completion}` : ''} (median of ${runs}; funds ${funded}${counts})`,
    median(times),
    target,
  ]);
}
const width = Math.max(...rows.map((r) => r[0].length));
for (const [what, time, target] of rows) {
  console.log(`${what.padEnd(width)}  ${ms(time).padStart(11)}${target ? `   target ${target}` : ''}`);
}
fs.rmSync(dir, { recursive: true });
