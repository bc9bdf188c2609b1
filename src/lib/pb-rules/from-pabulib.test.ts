import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { parsePabulibText } from '../pabulib/index.js';
import type { PbFile } from '../pabulib/types.js';
import { electionFromPabulib, PbCountError } from './from-pabulib.js';
import { greedy } from './greedy.js';
import { DEFAULT_TIE_BREAK } from './tie-break.js';

const tieBreak = [...DEFAULT_TIE_BREAK];

/** An example file from the repository's copy of real pabulib data, read by the real parser. */
function readExample(name: string): PbFile {
  const text = fs.readFileSync(new URL(`../../../schemas/pabulib/examples/${name}`, import.meta.url), 'utf8');
  return parsePabulibText(text).file;
}

const ids = (e: { projects: { id: string }[] }, selected: number[]) => selected.map((p) => e.projects[p]?.id);

test('Gdynia: greedy skips project 3 and funds project 1, where the city stopped (greedy-no-skip)', () => {
  // Budget 190,170 PLN. Votes: 2 (353, 105,755 PLN), 3 (204, 118,375 PLN), 1 (127, 61,300 PLN).
  // Greedy: 2 (84,415 PLN left); 3 does not fit; 1 does. The file's `selected` column, from the
  // city's greedy-no-skip rule, funds 2 only.
  const { election, notes } = electionFromPabulib(readExample('Poland_Gdynia_2020_Kamienna_Gora__large.pb'));
  assert.equal(election.voters, 477);
  assert.equal(election.currency, 'PLN');
  assert.deepEqual(notes, []);
  const result = greedy(election, { tieBreak });
  assert.deepEqual(ids(election, result.selected), ['2', '1']);
  assert.equal(
    result.explanations[1]?.text,
    'Not funded: when its turn came (2nd in order of votes, 204 votes) 84,415 PLN was left; it needed 118,375 PLN.',
  );
});

test('Częstochowa: cumulative ballots are counted by points', () => {
  // Budget 225,862 PLN. By points: 196 (435, 25,000), 443 (378, 156,794), 448 (286, 141,450),
  // 177 (259, 100,500), 463 (215, 6,500), 47 (188, 12,000), 198 (130, 15,000), 89 (77, 224,400).
  // 196 → 200,862 left; 443 → 44,068; 448 and 177 too dear; 463 → 37,568; 47 → 25,568;
  // 198 → 10,568; 89 too dear.
  const { election } = electionFromPabulib(readExample('Poland_Czestochowa_2020_Grabowka.pb'));
  assert.equal(election.ballotKind, 'cumulative');
  assert.deepEqual(ids(election, greedy(election, { tieBreak }).selected), [
    '196',
    '443',
    '463',
    '47',
    '198',
  ]);
});

test('Amsterdam: choose-1 ballots are approval ballots', () => {
  const { election } = electionFromPabulib(readExample('Netherlands_Amsterdam_643.pb'));
  assert.equal(election.ballotKind, 'approval');
  assert.equal(election.currency, 'EUR');
  // Budget €5,720: 44251 (40 votes, €5,000), then 44250 (€2,000) and 44252 (€2,000) do not fit.
  assert.deepEqual(ids(election, greedy(election, { tieBreak }).selected), ['44251']);
});

const small = (over: Partial<PbFile> & { voteType?: string; budget?: string } = {}): PbFile => ({
  meta: [
    ['budget', over.budget ?? '1000.5'],
    ['vote_type', over.voteType ?? 'approval'],
    ['currency', 'gbp'],
  ],
  projectColumns: ['project_id', 'cost', 'name'],
  projects: over.projects ?? [
    { id: 'a', cost: '500.25', fields: { name: 'Benches' }, line: 6 },
    { id: 'b', cost: '300', fields: {}, line: 7 },
  ],
  voteColumns: ['voter_id', 'vote'],
  votes: over.votes ?? [
    { voterId: 'v1', vote: ['a', 'b'], fields: {}, line: 10 },
    { voterId: 'v2', vote: ['b'], fields: {}, line: 11 },
  ],
});

test('money with decimals is scaled exactly to whole units', () => {
  const { election } = electionFromPabulib(small());
  assert.equal(election.scale, 100n);
  assert.equal(election.budget, 100050n);
  assert.deepEqual(
    election.projects.map((p) => [p.id, p.name, p.cost]),
    [
      ['a', 'Benches', 50025n],
      ['b', 'b', 30000n],
    ],
  );
  assert.equal(election.currency, 'GBP');
  assert.deepEqual([...election.approvals], [0, 1, 1]);
  assert.deepEqual([...election.offsets], [0, 2, 3]);
  assert.equal(
    greedy(election, { tieBreak }).summary[0],
    'Funded 2 of 2 projects, spending £800.25 of £1,000.50.',
  );
});

test('ordinal ballots are read as approval of every project ranked, with a note', () => {
  const { election, notes } = electionFromPabulib(small({ voteType: 'ordinal' }));
  assert.equal(election.ballotKind, 'ordinal');
  assert.deepEqual(notes, ['Ordinal ballots were counted as approval of every project ranked.']);
});

test('zero-point votes are left out of the ballot, with a note', () => {
  const { election, notes } = electionFromPabulib(
    small({
      voteType: 'cumulative',
      votes: [
        { voterId: 'v1', vote: ['a', 'b'], points: [0, 3], fields: {}, line: 10 },
        { voterId: 'v2', vote: ['a'], points: [2], fields: {}, line: 11 },
      ],
    }),
  );
  assert.deepEqual([...election.approvals], [1, 0]);
  assert.deepEqual([...(election.points ?? [])], [3, 2]);
  assert.deepEqual([...election.offsets], [0, 1, 2]);
  assert.deepEqual(notes, [
    '1 vote with 0 points on 1 ballot was left out: a ballot supports a project only when it gives it points.',
  ]);
});

test('files that cannot be counted are refused with a message saying where', () => {
  const refuse = (file: PbFile, message: RegExp) =>
    assert.throws(
      () => electionFromPabulib(file),
      (e: unknown) => e instanceof PbCountError && message.test(e.message),
    );
  refuse(
    small({
      voteType: 'cumulative',
      votes: [{ voterId: 'v9', vote: ['a'], points: [1.5], fields: {}, line: 12 }],
    }),
    /^Voter v9 \(line 12\) gives project a 1.5 points/,
  );
  refuse(
    small({
      voteType: 'scoring',
      votes: [{ voterId: 'v9', vote: ['a'], points: [-1], fields: {}, line: 12 }],
    }),
    /-1 points; points must be whole numbers/,
  );
  refuse(
    small({ votes: [{ voterId: 'v3', vote: ['a', 'z'], fields: {}, line: 13 }] }),
    /^Voter v3 \(line 13\) votes for project z, which is not in PROJECTS/,
  );
  refuse(small({ votes: [{ voterId: 'v3', vote: ['a', 'a'], fields: {}, line: 13 }] }), /more than once/);
  refuse(small({ voteType: 'borda' }), /vote_type "borda" is not one we can count/);
  refuse(small({ budget: '1e6' }), /The budget in META must be an amount/);
  refuse(
    small({ projects: [{ id: 'a', cost: '-5', fields: {}, line: 6 }] }),
    /^The cost of project a \(line 6\) must be an amount/,
  );
});
