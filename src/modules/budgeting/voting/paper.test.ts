import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { pbPerson } from '../../../../test/helpers/pb-process.js';
import { pdfTextRuns } from '../../../../test/helpers/pdf-text.js';
import { Conflict, Forbidden } from '../../../platform/http/errors.js';
import { stopVote } from '../processes/process-service.js';
import { renderBallotPapers } from './paper-pdf.js';
import { enterPaper, listPapers, sameEntry } from './paper-service.js';
import { turnout } from './turnout.js';
import { castBallot, InvalidBallot } from './voting-service.js';
import { openVote, verifiedVoter } from './voting-test-support.js';

const t = useTestApp();

const entry = (
  paperNumber: string,
  projects: string[],
  more: Partial<Parameters<typeof enterPaper>[2]> = {},
) => ({
  paperNumber,
  spoilt: false,
  cast: { projects },
  wardCode: null,
  ageBand: null,
  ...more,
});

const paperBallots = (processId: string) =>
  t.db.query<{ projects: string[]; channel: string }>(
    `select projects, channel from pb_ballots where process_id = $1 and channel = 'paper'`,
    [processId],
  );

test('two officers entering a paper alike put it in the ballot box; one officer cannot enter it twice', async () => {
  const vote = await openVote(t.db, { changes: { title: 'Paper fund' } });
  const [a, b] = vote.ids as [string, string];
  const first = await pbPerson(t.db, ['officer']);
  const second = await pbPerson(t.db, ['officer']);
  assert.deepEqual(await enterPaper(first.ctx, vote.slug, entry('0042', [b, a])), {
    paperNumber: '42',
    status: 'pending',
  });
  await assert.rejects(enterPaper(first.ctx, vote.slug, entry('42', [a, b])), (e: unknown) => {
    assert.ok(e instanceof Conflict);
    assert.equal(e.message, 'budgeting.voting.paper.sameOfficer');
    return true;
  });
  assert.equal((await paperBallots(vote.process.id)).length, 0, 'one entry is not enough');
  // The same choices in another order are the same approval ballot.
  assert.deepEqual(await enterPaper(second.ctx, vote.slug, entry('42', [a, b])), {
    paperNumber: '42',
    status: 'counted',
  });
  const ballots = await paperBallots(vote.process.id);
  assert.equal(ballots.length, 1);
  assert.deepEqual(new Set(ballots[0]?.projects), new Set([a, b]));
  const third = await pbPerson(t.db, ['officer']);
  await assert.rejects(enterPaper(third.ctx, vote.slug, entry('42', [a])), Conflict);
  // Residents cannot enter papers.
  const resident = await pbPerson(t.db);
  await assert.rejects(enterPaper(resident.ctx, vote.slug, entry('43', [a])), Forbidden);
});

test('entries that differ are flagged, and a third officer’s entry decides the paper', async () => {
  const vote = await openVote(t.db, { changes: { title: 'Mismatch fund' } });
  const [a, b, c] = vote.ids as [string, string, string];
  const [first, second, third] = [
    await pbPerson(t.db, ['officer']),
    await pbPerson(t.db, ['officer']),
    await pbPerson(t.db, ['officer']),
  ];
  await enterPaper(first.ctx, vote.slug, entry('7', [a, b]));
  assert.equal((await enterPaper(second.ctx, vote.slug, entry('7', [a, c]))).status, 'mismatch');
  const flagged = await listPapers(first.ctx, vote.slug, 'mismatch');
  assert.deepEqual(
    flagged.map((p) => [p.paperNumber, p.entries.length]),
    [['7', 2]],
  );
  assert.equal((await paperBallots(vote.process.id)).length, 0);
  // Neither officer who disagreed may decide it.
  await assert.rejects(enterPaper(second.ctx, vote.slug, entry('7', [a, b])), Conflict);
  assert.equal((await enterPaper(third.ctx, vote.slug, entry('7', [a, b]))).status, 'counted');
  assert.deepEqual((await paperBallots(vote.process.id))[0]?.projects, [a, b]);
  const decided = await t.db.query<{ actor_id: string; after: { status: string } }>(
    `select actor_id, after from audit_log where action = 'budgeting.paper.decide' order by id desc limit 1`,
  );
  assert.equal(decided[0]?.actor_id, third.userId);
  assert.equal(decided[0]?.after.status, 'counted');
  assert.deepEqual(await listPapers(first.ctx, vote.slug, 'mismatch'), []);
});

test('a ward or age band that differs is a mismatch; spoilt papers agreed as spoilt are not counted', async () => {
  const vote = await openVote(t.db, { changes: { title: 'Spoilt fund' } });
  const [a] = vote.ids as [string];
  const ward = (await t.db.query<{ code: string }>('select code from wards order by code limit 2')).map(
    (w) => w.code,
  );
  const [first, second] = [await pbPerson(t.db, ['officer']), await pbPerson(t.db, ['officer'])];
  await enterPaper(first.ctx, vote.slug, entry('1', [a], { wardCode: ward[0] ?? null, ageBand: '25-34' }));
  const status = (
    await enterPaper(second.ctx, vote.slug, entry('1', [a], { wardCode: ward[1] ?? null, ageBand: '25-34' }))
  ).status;
  assert.equal(status, 'mismatch');

  await enterPaper(first.ctx, vote.slug, entry('2', [], { spoilt: true }));
  assert.equal((await enterPaper(second.ctx, vote.slug, entry('2', [], { spoilt: true }))).status, 'spoilt');
  assert.equal((await paperBallots(vote.process.id)).length, 0);

  // A paper that breaks the ballot's rules cannot be entered as a vote.
  await assert.rejects(enterPaper(first.ctx, vote.slug, entry('3', [])), InvalidBallot);
});

test('sameEntry: ranked papers compare in order, the others as sets', () => {
  const base = { points: null, spoilt: false, wardCode: null, ageBand: null };
  assert.equal(sameEntry({ ...base, projects: ['a', 'b'] }, { ...base, projects: ['b', 'a'] }, false), true);
  assert.equal(sameEntry({ ...base, projects: ['a', 'b'] }, { ...base, projects: ['b', 'a'] }, true), false);
  assert.equal(
    sameEntry(
      { ...base, projects: ['a', 'b'], points: [1, 2] },
      { ...base, projects: ['b', 'a'], points: [1, 2] },
      false,
    ),
    false,
  );
});

test('papers are entered only while voting is open, and a stopped vote spoils its papers', async () => {
  const vote = await openVote(t.db, { changes: { title: 'Closed paper fund' } });
  const [a] = vote.ids as [string];
  const officer = await pbPerson(t.db, ['officer']);
  await enterPaper(officer.ctx, vote.slug, entry('5', [a]));
  await stopVote(vote.officer.ctx, vote.slug, 'Wrong costs on the ballot.');
  await assert.rejects(enterPaper(officer.ctx, vote.slug, entry('5', [a])), Conflict);
});

test('turnout counts online and paper ballots, the register by method, ward and age band', async () => {
  const vote = await openVote(t.db, {
    changes: { title: 'Turnout fund', verificationMethods: 'email,letter' },
  });
  const [a, b] = vote.ids as [string, string];
  const wards = (await t.db.query<{ code: string }>('select code from wards order by code limit 2')).map(
    (w) => w.code,
  );
  const [w1, w2] = wards as [string, string];
  const v1 = await verifiedVoter(t.db, vote.slug, { wardCode: w1, ageBand: '16-24' });
  await verifiedVoter(t.db, vote.slug, { wardCode: w1, ageBand: '75+' });
  const v3 = await verifiedVoter(t.db, vote.slug, { wardCode: w2 });
  await castBallot(v1.ctx, vote.slug, { projects: [a] });
  await castBallot(v3.ctx, vote.slug, { projects: [b] });
  // A letter-verified voter who has not voted.
  await t.db.query(
    `insert into pb_voters (process_id, user_id, method, ward_code, age_band) values ($1, null, 'letter', $2, '35-44')`,
    [vote.process.id, w2],
  );
  const [o1, o2] = [await pbPerson(t.db, ['officer']), await pbPerson(t.db, ['officer'])];
  await enterPaper(o1.ctx, vote.slug, entry('10', [a, b], { wardCode: w2, ageBand: '75+' }));
  await enterPaper(o2.ctx, vote.slug, entry('10', [a, b], { wardCode: w2, ageBand: '75+' }));
  await enterPaper(o1.ctx, vote.slug, entry('11', [a]));

  const f = await turnout(t.db, vote.process);
  assert.deepEqual(f.ballots, { online: 2, paper: 1, total: 3 });
  assert.deepEqual(f.register.byMethod.email, { verified: 3, voted: 2 });
  assert.deepEqual(f.register.byMethod.letter, { verified: 1, voted: 0 });
  assert.deepEqual(f.register.byMethod['in-person'], { verified: 0, voted: 0 });
  assert.deepEqual(
    f.byWard.map((w) => [w.wardCode, w.verified, w.voted, w.paperBallots]),
    [
      [w1, 2, 1, 0],
      [w2, 2, 1, 1],
    ],
  );
  assert.deepEqual(
    f.byAgeBand.map((x) => [x.ageBand, x.verified, x.voted, x.paperBallots]),
    [
      ['16-24', 1, 1, 0],
      ['35-44', 1, 0, 0],
      ['75+', 1, 0, 1],
      [null, 1, 1, 0],
    ],
  );
  assert.deepEqual(f.papers, { pending: 1, mismatch: 0, counted: 1, spoilt: 0 });
});

test('printed ballot papers are numbered, list the projects and link to the online ballot', async () => {
  const vote = await openVote(t.db, {
    changes: { title: 'Printed fund', ballotType: 'knapsack' },
    costs: [1_250_000, 3_000_000],
  });
  const officer = await pbPerson(t.db, ['officer']);
  const res = await t.app.inject({
    url: `/trafford/budgets/${vote.slug}/paper-ballots.pdf?from=41&count=2`,
    headers: { cookie: officer.cookie },
  });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/pdf');
  assert.equal(res.headers['cache-control'], 'private, no-store');
  assert.equal(res.rawPayload.subarray(0, 5).toString(), '%PDF-');
  const words = [
    'Printed fund',
    'Paper 41',
    '1. Project 1',
    '£12,500. A project for the test',
    'Vote online instead',
  ];
  const papers = {
    title: 'Printed fund',
    caption: 'Trafford: ballot paper',
    author: 'Trafford',
    lang: 'en',
    numberLabel: (n: number) => `Paper ${n}`,
    continued: (n: number) => `Paper ${n}, continued`,
    instructions: ['Tick the projects.'],
    boxHint: 'Tick the boxes.',
    projects: [
      { label: '1. Project 1', detail: '£12,500. A project for the test' },
      { label: '2. Project 2', detail: '£30,000. A project for the test' },
    ],
    about: {
      heading: 'About you',
      note: 'Optional.',
      ward: 'Ward:',
      ageBand: 'Age:',
      ageBands: ['16-24', '75+'],
    },
    qr: {
      heading: 'Vote online instead',
      text: 'Scan the code.',
      url: `http://localhost/trafford/budgets/${vote.slug}/vote`,
      alt: 'QR code',
    },
  };
  const pdf = await renderBallotPapers(papers, { from: 41, count: 2 }, { compress: false, now: new Date() });
  const runs = pdfTextRuns(pdf).join('\n');
  for (const w of [...words, 'Paper 42', papers.qr.url]) assert.ok(runs.includes(w), `${w} is on the paper`);
  assert.ok(!runs.includes('Paper 43'));
  const resident = await pbPerson(t.db);
  const refused = await t.app.inject({
    url: `/trafford/budgets/${vote.slug}/paper-ballots.pdf`,
    headers: { cookie: resident.cookie },
  });
  assert.equal(refused.statusCode, 403);
  const tooMany = await t.app.inject({
    url: `/trafford/budgets/${vote.slug}/paper-ballots.pdf?count=501`,
    headers: { cookie: officer.cookie },
  });
  assert.equal(tooMany.statusCode, 422);
});
