import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { pbPerson, processFields } from '../../../../test/helpers/pb-process.js';
import { Conflict, Forbidden, Invalid } from '../../../platform/http/errors.js';
import { TooManyRequests } from '../../../platform/http/rate-limit.js';
import { createProcess, getProcess } from '../processes/process-service.js';
import { formatCode } from './codes.js';
import { claimInPersonCode, issueInPersonCode } from './in-person-service.js';
import { claimLetterCode, createLetterBatch, lettersOf, listLetterBatches } from './letter-service.js';
import { matchRegister, uploadRegister } from './register-service.js';
import { voterSummary } from './summary-service.js';
import { GUESSES_PER_ACCOUNT, RowsInvalid } from './verification-common.js';
import { verificationPrivacy } from './verification-privacy.js';
import { findVoter } from './voter-service.js';

const t = useTestApp();
const SECRET = 'test-secret-that-is-at-least-32-characters-long';
const ALL = 'email,letter,register,in-person';

let n = 0;
async function newProcess(changes: Record<string, string> = {}) {
  const officer = await pbPerson(t.db, ['officer']);
  const slug = await createProcess(
    officer.ctx,
    // Ages are judged on the last day of voting, so a fixed one keeps the age bands fixed.
    processFields({
      title: `Verification fund ${++n}`,
      verificationMethods: ALL,
      votingOpens: '2030-06-01',
      votingCloses: '2030-06-30',
      ...changes,
    }),
  );
  return { officer, slug, process: await getProcess(officer.ctx, slug) };
}

async function codesOf(officer: Awaited<ReturnType<typeof pbPerson>>, slug: string, batch: number) {
  const out: string[] = [];
  for await (const slice of lettersOf(officer.ctx, slug, batch)) out.push(...slice.map((l) => l.code));
  return out;
}

const ADDRESSES = `address,postcode,ward
"1 Church Road, Sale",m33 7zp,Altrincham
2 Church Road,M33 7ZP,
3 Church Road,M337ZP,
`;

test('an officer makes one code per address, in the file’s order, as a batch', async () => {
  const { officer, slug } = await newProcess();
  const batch = await createLetterBatch(officer.ctx, slug, ADDRESSES);
  assert.equal(batch, 1);
  const letters = [];
  for await (const slice of lettersOf(officer.ctx, slug, batch)) letters.push(...slice);
  assert.deepEqual(
    letters.map((l) => [l.address, l.postcode, l.wardName]),
    [
      ['1 Church Road, Sale', 'M33 7ZP', 'Altrincham'],
      ['2 Church Road', 'M33 7ZP', null],
      ['3 Church Road', 'M33 7ZP', null],
    ],
  );
  for (const l of letters) assert.match(l.code, /^[A-Z0-9]{12}$/);
  assert.equal(new Set(letters.map((l) => l.code)).size, 3);
  assert.equal(await createLetterBatch(officer.ctx, slug, ADDRESSES), 2);
  const batches = await listLetterBatches(officer.ctx, slug);
  assert.deepEqual(
    batches.map((b) => [b.batch, b.letters, b.used]),
    [
      [2, 3, 0],
      [1, 3, 0],
    ],
  );
});

test('an address file with problems is refused with every problem by line, and nothing is saved', async () => {
  const { officer, slug } = await newProcess();
  const bad = `address,postcode,ward
1 Good Street,M33 7ZP,
,M33 7ZP,
3 Bad Postcode,NOT A POSTCODE,
4 Odd Ward,M33 7ZP,Atlantis
`;
  await assert.rejects(createLetterBatch(officer.ctx, slug, bad), (e: unknown) => {
    assert.ok(e instanceof RowsInvalid);
    assert.deepEqual(
      e.problems.map((p) => [p.line, p.column]),
      [
        [3, 'address'],
        [4, 'postcode'],
        [5, 'ward'],
      ],
    );
    return true;
  });
  assert.deepEqual(await listLetterBatches(officer.ctx, slug), []);
  await assert.rejects(createLetterBatch(officer.ctx, slug, 'street,town\nA,B\n'), (e: unknown) => {
    assert.ok(e instanceof Invalid);
    assert.equal(e.fieldErrors.file, 'budgeting.verification.upload.errors.missingColumn.address');
    return true;
  });
});

test('a resident cannot make codes, and an officer cannot where the process does not use letters', async () => {
  const { slug } = await newProcess();
  const resident = await pbPerson(t.db);
  await assert.rejects(createLetterBatch(resident.ctx, slug, ADDRESSES), Forbidden);
  const emailOnly = await newProcess({ verificationMethods: 'email' });
  await assert.rejects(createLetterBatch(emailOnly.officer.ctx, emailOnly.slug, ADDRESSES), Conflict);
});

test('a letter code works once, however it is typed, and puts the resident on the register with its ward', async () => {
  const { officer, slug, process } = await newProcess();
  const [code] = await codesOf(officer, slug, await createLetterBatch(officer.ctx, slug, ADDRESSES));
  const resident = await pbPerson(t.db);
  await claimLetterCode(
    resident.ctx,
    slug,
    ` ${formatCode(code as string)
      .toLowerCase()
      .replace('-', ' ')} `,
  );
  const voter = await findVoter(t.db, process.id, resident.userId);
  assert.equal(voter?.method, 'letter');
  assert.equal(voter?.wardCode, 'E05015239');
  const other = await pbPerson(t.db);
  await assert.rejects(claimLetterCode(other.ctx, slug, code as string), (e: unknown) => {
    assert.ok(e instanceof Invalid);
    assert.equal(e.fieldErrors.code, 'budgeting.verification.errors.codeUsed');
    return true;
  });
  await assert.rejects(claimLetterCode(other.ctx, slug, '7KXM-3FRA-9HCT'), (e: unknown) => {
    assert.ok(e instanceof Invalid);
    assert.equal(e.fieldErrors.code, 'budgeting.verification.errors.codeWrong');
    return true;
  });
  await assert.rejects(claimLetterCode(other.ctx, slug, 'hello'), (e: unknown) => {
    assert.ok(e instanceof Invalid);
    assert.equal(e.fieldErrors.code, 'budgeting.verification.errors.codeFormat');
    return true;
  });
  assert.equal(await findVoter(t.db, process.id, other.userId), null);
  const batches = await listLetterBatches(officer.ctx, slug);
  assert.equal(batches[0]?.used, 1);
});

test('of 20 people claiming the same code at once, exactly one gets it', async () => {
  const { officer, slug, process } = await newProcess();
  const [code] = await codesOf(officer, slug, await createLetterBatch(officer.ctx, slug, ADDRESSES));
  const people = await Promise.all(Array.from({ length: 20 }, () => pbPerson(t.db)));
  const results = await Promise.allSettled(people.map((p) => claimLetterCode(p.ctx, slug, code as string)));
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  for (const r of results)
    if (r.status === 'rejected') assert.ok(r.reason instanceof Invalid, String(r.reason));
  const rows = await t.db.query<{ n: number }>(
    'select count(*)::int as n from pb_voters where process_id = $1',
    [process.id],
  );
  assert.equal(rows[0]?.n, 1);
});

test('guessing codes is rate limited per account', async () => {
  const { slug } = await newProcess();
  const guesser = await pbPerson(t.db);
  for (let i = 0; i < GUESSES_PER_ACCOUNT; i++)
    await assert.rejects(claimLetterCode(guesser.ctx, slug, '7KXM-3FRA-9HCT'), Invalid);
  await assert.rejects(claimLetterCode(guesser.ctx, slug, '7KXM-3FRA-9HCT'), TooManyRequests);
});

const REGISTER = `name,postcode,date_of_birth,ward
Siân O'Brien,M33 7ZP,03/02/1980,Altrincham
Tom Young,M33 7ZP,2015-01-01,
Ann Jones,WA14 1EP,1950-12-25,
ann jones,wa141ep,25/12/1950,
`;

test('a register upload keeps hashes only, skips the under-age and reports what it did', async () => {
  const { officer, slug, process } = await newProcess();
  const report = await uploadRegister(officer.ctx, slug, REGISTER, SECRET);
  assert.deepEqual(report, { rows: 4, added: 2, tooYoung: 1, duplicates: 1, alreadyUsed: 0, replaced: 0 });
  const stored = await t.db.query<Record<string, unknown>>(
    'select * from pb_register_entries where process_id = $1',
    [process.id],
  );
  assert.equal(stored.length, 2);
  const text = JSON.stringify(stored);
  for (const secret of ['Siân', 'Brien', 'M33', '1980', 'Ann', 'Jones'])
    assert.ok(!text.includes(secret), secret);
  assert.deepEqual(stored.map((s) => s.age_band).sort(), ['45-54', '75+']);
});

test('a register file with problems is refused by line', async () => {
  const { officer, slug } = await newProcess();
  const bad = `name,postcode,date_of_birth
Good Person,M33 7ZP,01/01/1970
,M33 7ZP,01/01/1970
No Date,M33 7ZP,31/02/1970
Future,M33 7ZP,01/01/2999
`;
  await assert.rejects(uploadRegister(officer.ctx, slug, bad, SECRET), (e: unknown) => {
    assert.ok(e instanceof RowsInvalid);
    assert.deepEqual(
      e.problems.map((p) => [p.line, p.column]),
      [
        [3, 'name'],
        [4, 'date_of_birth'],
        [5, 'date_of_birth'],
      ],
    );
    return true;
  });
});

test('a resident matches the register however they type their details, once', async () => {
  const { officer, slug, process } = await newProcess();
  await uploadRegister(officer.ctx, slug, REGISTER, SECRET);
  const resident = await pbPerson(t.db);
  await assert.rejects(
    matchRegister(
      resident.ctx,
      slug,
      { name: 'Sian OBrien', postcode: 'M33 7ZP', dateOfBirth: '1980-02-04' },
      SECRET,
    ),
    (e: unknown) => e instanceof Invalid && e.fieldErrors.name === 'budgeting.verification.errors.noMatch',
  );
  await matchRegister(
    resident.ctx,
    slug,
    { name: '  SIAN  o’brien ', postcode: 'm337zp', dateOfBirth: '1980-02-03' },
    SECRET,
  );
  const voter = await findVoter(t.db, process.id, resident.userId);
  assert.equal(voter?.method, 'register');
  assert.equal(voter?.ageBand, '45-54');
  assert.equal(voter?.wardCode, 'E05015239');
  // Someone else with the same details cannot use the entry again.
  const copycat = await pbPerson(t.db);
  await assert.rejects(
    matchRegister(
      copycat.ctx,
      slug,
      { name: "Siân O'Brien", postcode: 'M33 7ZP', dateOfBirth: '1980-02-03' },
      SECRET,
    ),
    Conflict,
  );
  // The under-age person was never added.
  await assert.rejects(
    matchRegister(
      copycat.ctx,
      slug,
      { name: 'Tom Young', postcode: 'M33 7ZP', dateOfBirth: '2015-01-01' },
      SECRET,
    ),
    Invalid,
  );
  // Uploading again replaces the unused entries and keeps the used one.
  const again = await uploadRegister(officer.ctx, slug, REGISTER, SECRET);
  assert.deepEqual(again, { rows: 4, added: 1, tooYoung: 1, duplicates: 1, alreadyUsed: 1, replaced: 1 });
});

test('a person verified by the register cannot verify again in person with the same details', async () => {
  const { officer, slug } = await newProcess();
  await uploadRegister(officer.ctx, slug, REGISTER, SECRET);
  const resident = await pbPerson(t.db);
  await matchRegister(
    resident.ctx,
    slug,
    { name: 'Ann Jones', postcode: 'WA14 1EP', dateOfBirth: '1950-12-25' },
    SECRET,
  );
  await assert.rejects(
    issueInPersonCode(
      officer.ctx,
      slug,
      { venue: 'Sale Library', name: 'ANN JONES', postcode: 'wa14 1ep', dateOfBirth: '1950-12-25' },
      SECRET,
    ),
    (e: unknown) => e instanceof Conflict && e.message === 'budgeting.verification.personAlreadyVerified',
  );
});

test('a code issued in person with details blocks the register for that person, and works once', async () => {
  const { officer, slug, process } = await newProcess();
  await uploadRegister(officer.ctx, slug, REGISTER, SECRET);
  const issued = await issueInPersonCode(
    officer.ctx,
    slug,
    {
      venue: 'Sale Library',
      ward: 'altrincham',
      name: 'Ann Jones',
      postcode: 'WA14 1EP',
      dateOfBirth: '1950-12-25',
    },
    SECRET,
  );
  assert.equal(issued.ageBand, '75+');
  assert.equal(issued.wardCode, 'E05015239');
  await assert.rejects(
    issueInPersonCode(
      officer.ctx,
      slug,
      { venue: 'Pop-up', name: 'ann jones', postcode: 'WA141EP', dateOfBirth: '1950-12-25' },
      SECRET,
    ),
    Conflict,
  );
  const resident = await pbPerson(t.db);
  await claimInPersonCode(resident.ctx, slug, formatCode(issued.code));
  const voter = await findVoter(t.db, process.id, resident.userId);
  assert.equal(voter?.method, 'in-person');
  assert.equal(voter?.ageBand, '75+');
  // The same person (another account) cannot then match the register.
  const second = await pbPerson(t.db);
  await assert.rejects(
    matchRegister(
      second.ctx,
      slug,
      { name: 'Ann Jones', postcode: 'WA14 1EP', dateOfBirth: '1950-12-25' },
      SECRET,
    ),
    Conflict,
  );
  await assert.rejects(claimInPersonCode(second.ctx, slug, issued.code), Invalid);
  const summary = await voterSummary(officer.ctx, slug);
  assert.deepEqual(
    summary.map((s) => [s.method, s.verified]),
    [
      ['email', 0],
      ['letter', 0],
      ['register', 0],
      ['in-person', 1],
    ],
  );
});

test('in person, the minimum age is checked and details are all or nothing; residents cannot issue codes', async () => {
  const { officer, slug } = await newProcess({ minAge: '18' });
  await assert.rejects(
    issueInPersonCode(
      officer.ctx,
      slug,
      { venue: 'Stall', name: 'Kid', postcode: 'M33 7ZP', dateOfBirth: '2015-05-05' },
      SECRET,
    ),
    (e: unknown) =>
      e instanceof Invalid && e.fieldErrors.dateOfBirth === 'budgeting.verification.inPerson.errors.tooYoung',
  );
  await assert.rejects(
    issueInPersonCode(officer.ctx, slug, { venue: 'Stall', name: 'Only A Name' }, SECRET),
    (e: unknown) => e instanceof Invalid && 'postcode' in e.fieldErrors && 'dateOfBirth' in e.fieldErrors,
  );
  await assert.rejects(issueInPersonCode(officer.ctx, slug, { venue: '' }, SECRET), Invalid);
  const plain = await issueInPersonCode(officer.ctx, slug, { venue: 'Stall', ageBand: '25-34' }, SECRET);
  assert.equal(plain.ageBand, '25-34');
  const resident = await pbPerson(t.db);
  await assert.rejects(issueInPersonCode(resident.ctx, slug, { venue: 'Stall' }, SECRET), Forbidden);
});

test('the register minimum age uses the last day of voting', async () => {
  const { officer, slug } = await newProcess({
    minAge: '16',
    votingOpens: '2030-06-01',
    votingCloses: '2030-06-30',
  });
  const report = await uploadRegister(
    officer.ctx,
    slug,
    'name,postcode,date_of_birth\nJust Sixteen,M33 7ZP,30/06/2014\nNot Yet,M33 7ZP,01/07/2014\n',
    SECRET,
  );
  assert.equal(report.added, 1);
  assert.equal(report.tooYoung, 1);
});

test('deleting an account keeps its place on the register without it; codes go 90 days after results', async () => {
  const { officer, slug, process } = await newProcess();
  const [code] = await codesOf(officer, slug, await createLetterBatch(officer.ctx, slug, ADDRESSES));
  const resident = await pbPerson(t.db);
  await claimLetterCode(resident.ctx, slug, code as string);
  const exported = await verificationPrivacy.exportFor?.(t.db, {
    userId: resident.userId,
    email: resident.email,
  });
  assert.equal(exported?.participatory_budget_voter_register?.[0]?.method, 'letter');
  const kept = await t.db.transaction(
    async (tx) =>
      (await verificationPrivacy.eraseFor?.(tx, { userId: resident.userId, email: resident.email })) ?? [],
  );
  assert.deepEqual(kept, ['budgeting.verification.privacy.keptOnErase']);
  const rows = await t.db.query<{ user_id: string | null; credential_id: string }>(
    'select user_id, credential_id from pb_voters where process_id = $1',
    [process.id],
  );
  assert.equal(rows.length, 1);
  assert.equal(rows[0]?.user_id, null);
  // The code still cannot be used again.
  const again = await pbPerson(t.db);
  await assert.rejects(claimLetterCode(again.ctx, slug, code as string), Invalid);

  // Results counted 91 days ago: codes and register entries go; a process still voting keeps its own.
  const live = await newProcess();
  await createLetterBatch(live.officer.ctx, live.slug, ADDRESSES);
  await t.db.query(`update pb_processes set phase = 'results' where id = $1`, [process.id]);
  await t.db.query(
    `insert into pb_results (process_id, round, rule, completion, official, result, ballots, counted_at)
     values ($1, 1, 'mes-cost', 'add1u', true, '{}'::jsonb, 0, now() - interval '91 days')`,
    [process.id],
  );
  const removed = await t.db.transaction(
    async (tx) => (await verificationPrivacy.applyRetention?.(tx, new Date())) ?? 0,
  );
  assert.ok(removed >= 3);
  const left = await t.db.query('select 1 from pb_letter_codes where process_id = $1', [process.id]);
  assert.equal(left.length, 0);
  const others = await t.db.query('select 1 from pb_letter_codes where process_id = $1', [live.process.id]);
  assert.equal(others.length, 3);
});
