import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { addressKey, drawInvitations } from '../../../lib/sortition/invitation-draw.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import { Conflict, Forbidden, Invalid } from '../../../platform/http/errors.js';
import { assignOfficer, getAssembly, setStatus } from '../setup/assembly-service.js';
import { RowsInvalid, uploadAddressList } from './address-service.js';
import { readInvitationCode } from './invitation-codes.js';
import { drawAssemblyInvitations, invitationsOf, publishedDraw } from './invitation-service.js';
import { addressCsv, newAssembly, person, registrationFields, visitor } from './recruitment-test-support.js';
import { ERASED_NAME, respondentPrivacy } from './respondent-privacy.js';
import {
  listRespondents,
  publicRespondentCounts,
  registerRespondent,
  respondentFigures,
  respondentsForExport,
} from './respondent-service.js';

const t = useTestApp();

async function drawn(count = 20, letters = 10, seed = 'dice 6 2 5 1') {
  const officer = await person(t.db);
  const slug = await newAssembly(officer);
  await uploadAddressList(officer.ctx, slug, { filename: 'list.csv', content: addressCsv(count) });
  await drawAssemblyInvitations(officer.ctx, slug, { count: String(letters), seed });
  const assembly = await getAssembly(officer.ctx, slug);
  const codes: string[] = [];
  for await (const slice of invitationsOf(officer.ctx, assembly)) codes.push(...slice.map((i) => i.code));
  return { officer, slug, assembly, codes };
}

async function refusal(promise: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Invalid) return error.fieldErrors;
    throw error;
  }
  assert.fail('expected a refusal');
}

test('an address file with bad rows is refused with every problem by line, and nothing is saved', async () => {
  const officer = await person(t.db);
  const slug = await newAssembly(officer, 'setup');
  const content = [
    'Address,Postcode,UPRN,Ward',
    '1 Church Road,M33 7ZP,1,',
    ',M33 7ZP,2,',
    '3 Church Road,not a postcode,3,',
    '1 CHURCH  ROAD,m337zp,4,',
    '5 Church Road,M33 7ZP,1,',
    '6 Church Road,M33 7ZP,x6,Atlantis',
  ].join('\n');
  try {
    await uploadAddressList(officer.ctx, slug, { filename: 'bad.csv', content });
    assert.fail('expected the file to be refused');
  } catch (error) {
    assert.ok(error instanceof RowsInvalid);
    assert.deepEqual(
      error.problems.map((p) => [p.line, p.column, p.key.split('.').pop(), p.vars?.line]),
      [
        [3, 'address', 'addressMissing', undefined],
        [4, 'postcode', 'postcodeInvalid', undefined],
        [5, 'address', 'addressTwice', '2'],
        [6, 'uprn', 'uprnTwice', '2'],
        [7, 'uprn', 'uprnInvalid', undefined],
        [7, 'ward', 'wardUnknown', undefined],
      ],
    );
  }
  const assembly = await getAssembly(officer.ctx, slug);
  assert.equal(await publishedDraw(officer.ctx, assembly), null);
  const rows = await t.db.query('select 1 from assembly_addresses where assembly_id = $1', [assembly.id]);
  assert.equal(rows.length, 0);
  // Files that are not address lists at all are refused on the file.
  assert.deepEqual(
    await refusal(uploadAddressList(officer.ctx, slug, { filename: 'x.csv', content: 'name\nBob\n' })),
    {
      file: 'assemblies.recruitment.upload.errors.missingColumn.address',
    },
  );
  assert.deepEqual(
    await refusal(uploadAddressList(officer.ctx, slug, { filename: 'x.csv', content: '  ' })),
    {
      file: 'assemblies.recruitment.upload.errors.empty',
    },
  );
});

test('there is no draw without an address list, and the draw is the published rule, reproducible from the seed', async () => {
  const officer = await person(t.db);
  const slug = await newAssembly(officer, 'setup');
  await assert.rejects(
    drawAssemblyInvitations(officer.ctx, slug, { count: '5', seed: 'abc' }),
    (e) => e instanceof Conflict && e.message === 'assemblies.recruitment.draw.noList',
  );
  await uploadAddressList(officer.ctx, slug, { filename: 'list.csv', content: addressCsv(50) });
  assert.deepEqual(await refusal(drawAssemblyInvitations(officer.ctx, slug, { count: '51', seed: 'abc' })), {
    count: 'assemblies.recruitment.draw.errors.countOverList',
  });
  assert.deepEqual(await refusal(drawAssemblyInvitations(officer.ctx, slug, { count: '5', seed: '   ' })), {
    seed: 'assemblies.recruitment.draw.errors.seedMissing',
  });
  const draw = await drawAssemblyInvitations(officer.ctx, slug, { count: '12', seed: ' 4 4 1 6 2 3 ' });
  assert.equal(draw.seed, '4 4 1 6 2 3');
  assert.equal(draw.addresses, 50);
  assert.equal(draw.drawn, 12);
  // Anyone with the list repeats the draw with the published seed, in a different order.
  const list = Array.from({ length: 50 }, (_, i) => ({
    address: `${50 - i} Church Road, Sale`,
    postcode: 'M33 7ZP',
  }));
  const expected = drawInvitations(list, (a) => addressKey(a.address, a.postcode), draw.seed, draw.drawn).map(
    (d) => d.item.address,
  );
  const assembly = await getAssembly(officer.ctx, slug);
  const invitations = [];
  for await (const slice of invitationsOf(officer.ctx, assembly)) invitations.push(...slice);
  assert.deepEqual(
    invitations.map((i) => i.address),
    expected,
  );
  assert.equal(new Set(invitations.map((i) => i.code)).size, 12);
  assert.ok(invitations.every((i) => readInvitationCode(i.code) === i.code));
  // One draw per assembly, and the list it came from cannot be replaced.
  await assert.rejects(drawAssemblyInvitations(officer.ctx, slug, { count: '5', seed: 'again' }), Conflict);
  await assert.rejects(
    uploadAddressList(officer.ctx, slug, { filename: 'new.csv', content: addressCsv(10) }),
    (e) => e instanceof Conflict && e.message === 'assemblies.recruitment.upload.alreadyDrawn',
  );
});

test('an officer who is not assigned to the assembly cannot upload, draw or see respondents', async () => {
  const { officer, assembly, slug, codes } = await drawn();
  await registerRespondent(await visitor(t.db), slug, registrationFields(codes[0] as string));
  const other = await person(t.db);
  await assert.rejects(
    uploadAddressList(other.ctx, slug, { filename: 'a.csv', content: addressCsv(3) }),
    Forbidden,
  );
  await assert.rejects(drawAssemblyInvitations(other.ctx, slug, { count: '1', seed: 'x' }), Forbidden);
  await assert.rejects(listRespondents(other.ctx, assembly), Forbidden);
  await assert.rejects(respondentFigures(other.ctx, assembly), Forbidden);
  await assert.rejects(respondentsForExport(other.ctx, assembly), Forbidden);
  await assert.rejects(
    registerRespondent(other.ctx, slug, registrationFields(codes[1] as string), { byOfficer: true }),
    Forbidden,
  );
  const resident = await person(t.db, ['resident']);
  await assert.rejects(listRespondents(resident.ctx, assembly), Forbidden);
  // Once assigned, they can.
  await assignOfficer(officer.ctx, slug, other.userId);
  assert.equal((await listRespondents(other.ctx, assembly)).length, 1);
});

test('one registration per code; codes of another assembly and wrong codes are refused; references count up', async () => {
  const one = await drawn();
  const two = await drawn();
  const anyone = await visitor(t.db);
  const resident = await person(t.db, ['resident']);
  const first = await registerRespondent(resident.ctx, one.slug, registrationFields(one.codes[0] as string));
  assert.equal(first, 'R0001');
  // Typed with spaces and in lower case, it is still the code.
  const typed = (one.codes[1] as string).toLowerCase().replace(/^(.{4})/, '$1 ');
  assert.equal(await registerRespondent(anyone, one.slug, registrationFields(typed)), 'R0002');
  assert.deepEqual(
    await refusal(registerRespondent(anyone, one.slug, registrationFields(one.codes[0] as string))),
    {
      code: 'assemblies.recruitment.register.errors.codeUsed',
    },
  );
  assert.deepEqual(
    await refusal(registerRespondent(anyone, one.slug, registrationFields(two.codes[0] as string))),
    {
      code: 'assemblies.recruitment.register.errors.codeOtherAssembly',
    },
  );
  assert.deepEqual(await refusal(registerRespondent(anyone, one.slug, registrationFields('3333-3333'))), {
    code: 'assemblies.recruitment.register.errors.codeWrong',
  });
  assert.deepEqual(await refusal(registerRespondent(anyone, one.slug, registrationFields('0000-OOOO'))), {
    code: 'assemblies.recruitment.register.errors.codeFormat',
  });
  // Every missing answer at once.
  const missing = await refusal(
    registerRespondent(
      anyone,
      one.slug,
      registrationFields(one.codes[2] as string, {
        name: '',
        email: '',
        'feature-gender': 'unicorn',
        'feature-age': '',
        consent: '',
      }),
    ),
  );
  assert.deepEqual(Object.keys(missing).sort(), [
    'consent',
    'email',
    'feature-age',
    'feature-gender',
    'name',
  ]);
  const rows = await t.db.query<{
    reference: string;
    user_id: string | null;
    household: string;
    features: object;
  }>(
    'select reference, user_id, household, features from assembly_respondents where assembly_id = $1 order by reference',
    [one.assembly.id],
  );
  assert.equal(rows[0]?.user_id, resident.userId, 'a signed-in resident is linked to their record');
  assert.equal(rows[1]?.user_id, null);
  assert.match(rows[0]?.household ?? '', /^\d+ CHURCH ROAD, SALE\|M337ZP$/);
  assert.deepEqual(rows[0]?.features, { gender: 'female', age: '30-59' });
});

test('registration is open only while the assembly is recruiting', async () => {
  const { officer, slug, codes } = await drawn();
  await setStatus(officer.ctx, slug, 'selecting');
  await assert.rejects(
    registerRespondent(await visitor(t.db), slug, registrationFields(codes[0] as string)),
    (e) => e instanceof Conflict && e.message === 'assemblies.recruitment.register.closed',
  );
  await assert.rejects(
    registerRespondent(officer.ctx, slug, registrationFields(codes[0] as string), { byOfficer: true }),
    Conflict,
  );
});

test('the dashboard counts answers against quotas; the public sees counts with small ones hidden', async () => {
  const { officer, slug, assembly, codes } = await drawn(30, 20);
  const anyone = await visitor(t.db);
  const answers = [
    ...Array(6).fill({ 'feature-gender': 'female', 'feature-age': '30-59' }),
    ...Array(2).fill({ 'feature-gender': 'male', 'feature-age': '60+' }),
  ];
  for (const [i, a] of answers.entries())
    await registerRespondent(anyone, slug, registrationFields(codes[i] as string, a));
  await registerRespondent(
    officer.ctx,
    slug,
    registrationFields(codes[10] as string, { email: '', phone: '0161 912 1212' }),
    {
      byOfficer: true,
    },
  );
  const figures = await respondentFigures(officer.ctx, assembly);
  assert.equal(figures.total, 9);
  const gender = figures.features.find((f) => f.key === 'gender');
  assert.deepEqual(
    gender?.values.map((v) => [v.value, v.count, v.tooFew]),
    [
      ['female', 7, false],
      ['male', 2, true],
    ],
  );
  const age = figures.features.find((f) => f.key === 'age');
  assert.deepEqual(
    age?.values.map((v) => [v.value, v.count, v.tooFew]),
    [
      ['16-29', 0, true],
      ['30-59', 7, false],
      ['60+', 2, false],
    ],
  );
  const open = await publicRespondentCounts(anyone, assembly);
  assert.equal(open.total, 9);
  // 2 men is hidden; so is the 7 women, or 9 − 7 would give it away.
  assert.deepEqual(
    open.features.find((f) => f.key === 'gender')?.values.map((v) => [v.value, v.count, v.fewerThan]),
    [
      ['female', null, undefined],
      ['male', null, 5],
    ],
  );
  assert.deepEqual(
    open.features.find((f) => f.key === 'age')?.values.map((v) => [v.value, v.count]),
    [
      ['16-29', 0],
      ['30-59', null],
      ['60+', null],
    ],
  );
  const people = await respondentsForExport(officer.ctx, assembly);
  assert.equal(people.length, 9);
  assert.equal(people.find((p) => p.phone)?.reference, 'R0009');
});

test('privacy: a person downloads their registration, and erasing it leaves only the reference and answers', async () => {
  const { slug, assembly, codes, officer } = await drawn();
  const resident = await person(t.db, ['resident']);
  await registerRespondent(
    resident.ctx,
    slug,
    registrationFields(codes[0] as string, { email: 'someone@example.org' }),
  );
  // Registered by phone with the same email, not linked to the account.
  await registerRespondent(
    officer.ctx,
    slug,
    registrationFields(codes[1] as string, { email: resident.email.toUpperCase() }),
    {
      byOfficer: true,
    },
  );
  const exported = await respondentPrivacy.exportFor?.(t.db, {
    userId: resident.userId,
    email: resident.email,
  });
  assert.deepEqual(
    exported?.assembly_respondents?.map((r) => r.reference),
    ['R0001', 'R0002'],
  );
  assert.equal(exported?.assembly_respondents?.[0]?.name, 'Ada Lovelace');
  const kept = await withTransaction(
    t.db,
    (tx) =>
      respondentPrivacy.eraseFor?.(tx, { userId: resident.userId, email: resident.email }) ??
      Promise.resolve([]),
  );
  assert.deepEqual(kept, ['assemblies.recruitment.privacy.keptOnErase']);
  const rows = await t.db.query<Record<string, unknown>>(
    `select reference, name, email, phone, address, postcode, household, user_id, status, features
     from assembly_respondents where assembly_id = $1 order by reference`,
    [assembly.id],
  );
  for (const r of rows) {
    assert.equal(r.name, ERASED_NAME);
    assert.equal(r.email, null);
    assert.equal(r.address, '');
    assert.equal(r.household, '');
    assert.equal(r.user_id, null);
    assert.equal(r.status, 'withdrawn');
    assert.deepEqual(r.features, { gender: 'female', age: '30-59' });
  }
  const after = await respondentPrivacy.exportFor?.(t.db, { userId: resident.userId, email: resident.email });
  assert.deepEqual(after?.assembly_respondents, []);
});
