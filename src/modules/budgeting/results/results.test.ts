import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { pbPerson, processFields } from '../../../../test/helpers/pb-process.js';
import { pabulibToString, parsePabulibText } from '../../../lib/pabulib/index.js';
import { Conflict, Forbidden, NotFound } from '../../../platform/http/errors.js';
import { runPbCli } from '../count-cli.js';
import { getProcess } from '../processes/process-service.js';
import { processElection } from './election.js';
import { castBallots, votingProcess } from './result-fixtures.js';
import { closeAndCount, exportElection, getResults } from './result-service.js';

const t = useTestApp();

/** Approvals as lists of project indexes, one list per ballot, read back from the engine's arrays. */
function ballotsOf(e: {
  voters: number;
  offsets: Uint32Array;
  approvals: Uint32Array;
  points: Uint32Array | null;
}) {
  return Array.from({ length: e.voters }, (_, v) => {
    const from = e.offsets[v] as number;
    const to = e.offsets[v + 1] as number;
    return {
      projects: [...e.approvals.slice(from, to)],
      points: e.points ? [...e.points.slice(from, to)] : null,
    };
  });
}

const sorted = (xs: { projects: number[]; points: number[] | null }[]) =>
  xs.map((x) => JSON.stringify(x)).sort();

test('the election is built per ballot type: approval and knapsack as approval, ranked as ordinal in rank order, cumulative with points', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const projects = [{ cost: 100000 }, { cost: 250050 }, { cost: 300000 }];
  for (const [ballotType, extra] of [
    ['approval', {}],
    ['knapsack', { maxSelections: '' }],
    ['ranked', { maxSelections: '3' }],
    ['cumulative', { pointsTotal: '10', maxSelections: '' }],
  ] as const) {
    const v = await votingProcess(
      officer.ctx,
      processFields({ title: `Built ${ballotType}`, ballotType, budget: '5000.50', ...extra }),
      projects,
    );
    if (ballotType === 'cumulative')
      await castBallots(t.db, v, [
        { projects: [3, 1], points: [7, 3] },
        { projects: [2, 1], points: [10, 0] },
      ]);
    else
      await castBallots(t.db, v, [
        [3, 1],
        [2, 1],
      ]);
    const p = await getProcess(officer.ctx, v.slug);
    const { election } = await processElection(t.db, p);
    assert.equal(election.budget, 500050n);
    assert.equal(election.scale, 100n);
    assert.equal(election.currency, 'GBP');
    assert.deepEqual(
      election.projects.map((x) => [x.id, x.cost]),
      [
        ['1', 100000n],
        ['2', 250050n],
        ['3', 300000n],
      ],
    );
    assert.equal(election.voters, 2);
    const kind = { approval: 'approval', knapsack: 'approval', ranked: 'ordinal', cumulative: 'cumulative' }[
      ballotType
    ];
    assert.equal(election.ballotKind, kind);
    if (ballotType === 'cumulative')
      // The 0 points given to project 1 are no support at all.
      assert.deepEqual(
        sorted(ballotsOf(election)),
        sorted([
          { projects: [2, 0], points: [7, 3] },
          { projects: [1], points: [10] },
        ]),
      );
    else
      assert.deepEqual(
        sorted(ballotsOf(election)),
        sorted([
          { projects: [2, 0], points: null },
          { projects: [1, 0], points: null },
        ]),
      );
  }
});

/**
 * Budget £100. Three people want project 1 (£100); two others want projects 2 and 3 (£50 each).
 * Greedy funds the most popular project and nothing else; Equal Shares gives each voter £20:
 * project 1's three supporters hold £60 of the £100 it needs, so the money goes to the two
 * projects the other voters share (with add1u completion); Phragmén funds 2 and then stops at 1.
 */
async function smallVote(title: string, rule = 'mes-cost') {
  const officer = await pbPerson(t.db, ['officer']);
  const v = await votingProcess(officer.ctx, processFields({ title, budget: '100', rule }), [
    { cost: 10000, title: 'Skate park', ward: 'altrincham' },
    { cost: 5000, title: 'Benches' },
    { cost: 5000, title: 'Tree planting', ward: 'altrincham' },
  ]);
  await castBallots(t.db, v, [[1], [1], [1], [2, 3], [3, 2]]);
  return { officer, ...v };
}

test('a small vote counted by hand: Equal Shares funds 2 and 3, and greedy would have funded 1', async () => {
  const { officer, slug } = await smallVote('Hand count');
  await closeAndCount(officer.ctx, slug);
  const r = await getResults(officer.ctx, slug);
  assert.ok(r);
  assert.equal(r.process.phase, 'results');
  assert.equal(r.rule, 'mes-cost');
  assert.equal(r.completion, 'add1u');
  assert.equal(r.ballots, 5);
  assert.deepEqual(r.funded.map((f) => f.number).sort(), [2, 3]);
  assert.equal(r.spentPence, 10000n);
  assert.equal(r.leftPence, 0n);
  assert.deepEqual(
    r.projects.map((x) => [x.number, x.votes, x.funded]),
    [
      [1, 3, false],
      [2, 2, true],
      [3, 2, true],
    ],
  );
  assert.ok(
    r.projects.every((x) => x.explanation.length > 10),
    'every project is explained',
  );
  // Money per ward: £50 in Altrincham (tree planting), £50 for the whole place (benches).
  assert.deepEqual(
    r.wards.map((w) => [w.wardName, w.pence]),
    [
      ['Altrincham', 5000n],
      [null, 5000n],
    ],
  );
  const greedy = r.whatIf.find((w) => w.rule === 'greedy');
  assert.deepEqual(greedy?.funded, [1]);
  assert.deepEqual(greedy?.gained, [1]);
  assert.deepEqual(greedy?.lost, [2, 3]);
  assert.equal(greedy?.spentPence, 10000n);
  // Phragmén stops at project 1, the first it picks that no longer fits.
  assert.deepEqual(r.whatIf.find((w) => w.rule === 'phragmen')?.funded, [2]);
  assert.equal(r.whatIf.find((w) => w.official)?.rule, 'mes-cost');
  assert.deepEqual(
    r.turnout.byChannel.map((c) => [c.channel, c.ballots]),
    [['online', 5]],
  );
});

test('the tally from the database equals the tally of the exported .pb file counted by the CLI', async () => {
  for (const rule of ['mes-cost', 'greedy', 'phragmen']) {
    const { officer, slug } = await smallVote(`Recount ${rule}`, rule);
    await closeAndCount(officer.ctx, slug);
    const r = await getResults(officer.ctx, slug);
    assert.ok(r);
    const { file, filename } = await exportElection(officer.ctx, slug);
    assert.match(filename, /\.pb$/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-pb-'));
    const where = path.join(dir, 'election.pb');
    fs.writeFileSync(where, pabulibToString(file));
    let out = '';
    const code = await runPbCli(
      [
        'count',
        where,
        '--json',
        '--rule',
        r.rule,
        '--completion',
        r.completion,
        '--tie-break',
        r.tieBreak.join(','),
      ],
      { out: (s) => (out += s), err: () => {} },
    );
    assert.equal(code, 0);
    const cli = JSON.parse(out) as { selected: string[]; spent: number; budget: number };
    assert.deepEqual(cli.selected.map(Number).sort(), r.funded.map((f) => f.number).sort());
    assert.equal(cli.budget, 100);
    assert.equal(Math.round(cli.spent * 100), Number(r.spentPence));
    // Votes per project in the file equal the page's.
    const parsed = parsePabulibText(fs.readFileSync(where, 'utf8')).file;
    const inFile = new Map<string, number>();
    for (const v of parsed.votes) for (const id of v.vote) inFile.set(id, (inFile.get(id) ?? 0) + 1);
    for (const x of r.projects) {
      assert.equal(inFile.get(String(x.number)) ?? 0, x.votes, `votes for ${x.number}`);
      const row = parsed.projects.find((pr) => pr.id === String(x.number));
      assert.equal(row?.fields.votes, String(x.votes));
      assert.equal(row?.fields.selected, x.funded ? '1' : '0');
    }
    fs.rmSync(dir, { recursive: true });
  }
});

test('a cumulative vote recounts the same from its .pb file, points and all', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const v = await votingProcess(
    officer.ctx,
    processFields({
      title: 'Points fund',
      ballotType: 'cumulative',
      pointsTotal: '10',
      maxSelections: '',
      budget: '1000.50',
    }),
    [{ cost: 40000 }, { cost: 35025 }, { cost: 30000 }, { cost: 25000 }],
  );
  await castBallots(t.db, v, [
    { projects: [1, 2], points: [6, 4] },
    { projects: [1], points: [10] },
    { projects: [3, 4], points: [5, 5] },
    { projects: [2, 3, 4], points: [2, 3, 5] },
    { projects: [4, 1], points: [9, 1] },
  ]);
  await closeAndCount(officer.ctx, v.slug);
  const r = await getResults(officer.ctx, v.slug);
  assert.ok(r);
  assert.equal(r.rule, 'mes-points');
  assert.deepEqual(
    r.projects.map((x) => x.points),
    [17, 6, 8, 19],
  );
  const { file } = await exportElection(officer.ctx, v.slug);
  const text = pabulibToString(file);
  const meta = new Map(parsePabulibText(text).file.meta);
  assert.equal(meta.get('vote_type'), 'cumulative');
  assert.equal(meta.get('max_sum_points'), '10');
  assert.equal(meta.get('budget'), '1000.50');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-pb-'));
  fs.writeFileSync(path.join(dir, 'e.pb'), text);
  let out = '';
  await runPbCli(['count', path.join(dir, 'e.pb'), '--json', '--rule', 'mes-points'], {
    out: (s) => (out += s),
    err: () => {},
  });
  fs.rmSync(dir, { recursive: true });
  assert.deepEqual(
    (JSON.parse(out) as { selected: string[] }).selected.map(Number),
    r.funded.map((f) => f.number),
  );
});

test('the export parses and round-trips, with its META, exact pence and opaque ballot ids', async () => {
  const { officer, slug } = await smallVote('Round trip');
  await closeAndCount(officer.ctx, slug);
  const { file } = await exportElection(officer.ctx, slug);
  const text = pabulibToString(file);
  const read = parsePabulibText(text);
  assert.deepEqual(read.warnings, []);
  assert.equal(pabulibToString(read.file), text);
  const meta = new Map(read.file.meta);
  assert.equal(meta.get('country'), 'GB');
  assert.equal(meta.get('unit'), 'Trafford Together');
  assert.equal(meta.get('currency'), 'GBP');
  assert.equal(meta.get('budget'), '100.00');
  assert.equal(meta.get('vote_type'), 'approval');
  assert.equal(meta.get('rule'), 'equalshares/add1u');
  assert.equal(meta.get('num_votes'), '5');
  assert.equal(meta.get('num_projects'), '3');
  assert.equal(meta.get('max_length'), '3');
  assert.match(meta.get('date_end') ?? '', /^\d\d\.\d\d\.\d{4}$/);
  assert.deepEqual(
    read.file.projects.map((p) => [p.id, p.cost, p.fields.name]),
    [
      ['1', '100.00', 'Skate park'],
      ['2', '50.00', 'Benches'],
      ['3', '50.00', 'Tree planting'],
    ],
  );
  const ids = read.file.votes.map((v) => v.voterId);
  assert.ok(ids.every((id) => /^[0-9a-f]{12}$/.test(id)));
  assert.deepEqual(ids, [...ids].sort(), 'ballots are in id order, not voting order');
  // Ranked order is kept: the voter who put 3 before 2.
  assert.ok(read.file.votes.some((v) => v.vote.join(',') === '3,2'));
});

test('results, and the .pb file, are hidden before the count', async () => {
  const { officer, slug } = await smallVote('Not yet');
  const resident = await pbPerson(t.db);
  assert.equal(await getResults(resident.ctx, slug), null);
  assert.equal(await getResults(officer.ctx, slug), null);
  await assert.rejects(exportElection(resident.ctx, slug), NotFound);
});

test('closing is refused to residents, outside voting, and while paper ballots are unsettled', async () => {
  const { officer, slug, id } = await smallVote('Refusals');
  const resident = await pbPerson(t.db);
  await assert.rejects(closeAndCount(resident.ctx, slug), Forbidden);
  await t.db.query(
    `insert into pb_paper_ballots (process_id, round, paper_number, status) values ($1, 1, '17', 'mismatch')`,
    [id],
  );
  await assert.rejects(closeAndCount(officer.ctx, slug), Conflict);
  await t.db.query(`update pb_paper_ballots set status = 'spoilt' where process_id = $1`, [id]);
  await closeAndCount(officer.ctx, slug);
  await assert.rejects(closeAndCount(officer.ctx, slug), Conflict, 'a count happens once');
  const before = await pbPerson(t.db, ['officer']);
  const { slug: early } = await votingProcess(before.ctx, processFields({ title: 'Still in ideas' }), [
    { cost: 100 },
  ]).then(async (v) => {
    await t.db.query(`update pb_processes set phase = 'feasibility' where id = $1`, [v.id]);
    return v;
  });
  await assert.rejects(closeAndCount(before.ctx, early), Conflict);
});

test('turnout counts online voters from the register and paper voters from their papers, by ward and age band', async () => {
  const { officer, slug, id } = await smallVote('Turnout');
  for (const [ward, band, channel] of [
    ['E05000820', '25-34', 'online'],
    ['E05000820', '25-34', 'online'],
    [null, null, 'online'],
    ['E05000820', '75+', 'paper'],
  ] as const) {
    await t.db.query(
      `insert into pb_voters (process_id, method, ward_code, age_band, voted, channel, identity_hash) values ($1, $2, $3, $4, true, $5, $6)`,
      [id, channel === 'paper' ? 'in-person' : 'email', ward, band, channel, Math.random().toString()],
    );
  }
  await t.db.query(
    `insert into pb_paper_ballots (process_id, round, paper_number, status, ward_code, age_band) values ($1, 1, '1', 'counted', null, '75+'), ($1, 1, '2', 'counted', 'E05000820', '16-24')`,
    [id],
  );
  await closeAndCount(officer.ctx, slug);
  const r = await getResults(officer.ctx, slug);
  assert.ok(r);
  const wardRow = r.turnout.byWard.find((w) => w.wardCode === 'E05000820');
  assert.equal(wardRow?.voters, 3, 'two online voters and one paper, not the paper voter twice');
  assert.equal(r.turnout.byWard.find((w) => w.wardCode === null)?.voters, 2);
  assert.deepEqual(
    r.turnout.byAgeBand.map((a) => [a.ageBand, a.voters]),
    [
      ['16-24', 1],
      ['25-34', 2],
      ['75+', 1],
      [null, 1],
    ],
  );
  assert.deepEqual(
    r.turnout.byMethod.map((m) => [m.method, m.voters]),
    [
      ['email', 3],
      ['in-person', 1],
    ],
  );
});
