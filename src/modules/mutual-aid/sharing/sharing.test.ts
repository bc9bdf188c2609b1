import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { submitForm } from '../../../../test/helpers/form-client.js';
import { pdfTextRuns } from '../../../../test/helpers/pdf-text.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import { sharingPrivacy } from './sharing-privacy.js';
import { DEMO_AGREEMENT_ID, DEMO_REFERRAL_ID } from './sharing-seed.js';

const t = useTestApp();

type Person = Awaited<ReturnType<typeof makePerson>>;

/** A published group made by an officer, with `organiser` as one of its organisers. */
async function groupWithOrganiser(name: string, organiser: Person): Promise<string> {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const res = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: '/trafford/groups/new',
    postUrl: '/trafford/groups',
    fields: {
      name,
      summary: `${name}: neighbours helping each other every week.`,
      category: 'social-befriending',
      ward: 'flixton',
      days: ['MO'],
      times: ['afternoon'],
      contactVisibility: 'hidden',
      cost: 'free',
      status: 'active',
    },
  });
  assert.equal(res.statusCode, 303, res.body.slice(0, 300));
  const [g] = await t.db.query<{ id: string; place_id: string }>(
    'select id, place_id from directory_groups where name = $1',
    [name],
  );
  await t.db.query(
    "insert into directory_group_members (place_id, group_id, user_id, role) values ($1, $2, $3, 'organiser')",
    [g?.place_id ?? null, g?.id ?? null, organiser.userId],
  );
  return g?.id as string;
}

function post(cookie: string, formUrl: string, fields: Record<string, string | string[]>, postUrl?: string) {
  return submitForm(t.app, { cookie, formUrl, postUrl: postUrl ?? formUrl, fields });
}

const AGREEMENT = {
  purpose: 'Referring residents who need shopping done to the group.',
  fields: ['name', 'phone', 'needs'],
  retentionDays: '60',
  'reviewDate-day': '31',
  'reviewDate-month': '3',
  'reviewDate-year': '2099',
};

/** Drafts, sends and has both sides sign an agreement; returns its id. */
async function signedAgreement(groupId: string, organiser: Person, officer: Person, fields = AGREEMENT) {
  const made = await post(
    officer.cookie,
    '/trafford/help/data-sharing/agreements/new',
    { ...fields, groupId },
    '/trafford/help/data-sharing/agreements',
  );
  assert.equal(made.statusCode, 303, made.body.slice(0, 2000));
  const id = (made.headers.location as string).split('/').pop() as string;
  const url = `/trafford/help/data-sharing/agreements/${id}`;
  assert.equal((await post(officer.cookie, url, {}, `${url}/send`)).statusCode, 303);
  assert.equal(
    (await post(organiser.cookie, `${url}/sign`, { fullName: 'Olive Organiser', authority: 'yes' }))
      .statusCode,
    303,
  );
  const signed = await post(officer.cookie, `${url}/sign`, {
    fullName: 'Owen Officer',
    jobTitle: 'Community Hubs Manager',
    authority: 'yes',
  });
  assert.equal(signed.statusCode, 303);
  return id;
}

const pdfText = (pdf: Buffer) => pdfTextRuns(pdf).join('');

test('the lawful-basis register is public as a page, JSON and CSV, and an officer can word a row for the place', async () => {
  const board = await t.app.inject('/trafford/help');
  assert.match(board.body, /href="\/trafford\/help\/data-sharing">How we share information lawfully/);
  const page = await t.app.inject('/trafford/help/data-sharing');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /How we share information lawfully/);
  assert.match(page.body, /Referrals from the council or a hub to a group, under a data-sharing agreement/);
  assert.match(page.body, /Article 6\(1\)\(e\)/);
  assert.match(page.body, /Schedule 1, paragraph 16/);
  const json = JSON.parse((await t.app.inject('/trafford/api/help/data-sharing')).body);
  assert.equal(json.contents.length, 9);
  const dbs = json.contents.find((r: { flow: string }) => r.flow === 'dbs-questions');
  assert.equal(dbs.basis, 'none');
  const csv = await t.app.inject('/trafford/api/help/data-sharing.csv');
  assert.match(csv.body, /^flow,title,basis,basis_text,article_9_condition/);
  assert.match(csv.body, /referral-consent/);

  const resident = await makePerson(t.db);
  const refused = await t.app.inject({
    url: '/trafford/help/data-sharing/flows/care-circles',
    headers: { cookie: resident.cookie },
  });
  assert.equal(refused.statusCode, 403);
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const url = '/trafford/help/data-sharing/flows/care-circles';
  const empty = await post(officer.cookie, url, {
    basis: 'consent',
    condition: 'explicit-consent',
    purpose: '',
  });
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, /Enter the purpose/);
  const saved = await post(officer.cookie, url, {
    basis: 'consent',
    condition: 'explicit-consent',
    purpose: 'Circles of support agreed with Trafford’s DPO in 2026.',
    dataItems: 'Name and phone number',
    recipients: 'Circle members',
    retention: 'Until the circle closes',
    notes: 'DPIA ref T-42',
  });
  assert.equal(saved.statusCode, 303);
  const after = await t.app.inject('/trafford/help/data-sharing');
  assert.match(after.body, /Circles of support agreed with Trafford’s DPO in 2026/);
  assert.match(after.body, /Worded locally/);
  assert.equal((await post(officer.cookie, url, { action: 'reset' })).statusCode, 303);
  const reset = await t.app.inject('/trafford/help/data-sharing');
  assert.doesNotMatch(reset.body, /DPIA ref T-42/);
  const [audited] = await t.db.query<{ n: number }>(
    "select count(*)::int as n from audit_log where action like 'mutual-aid.sharing.register-%'",
  );
  assert.equal(audited?.n, 2);
});

test('an agreement is signed by the group first, then the council, and its terms are then fixed', async () => {
  const organiser = await makePerson(t.db);
  const otherOrganiser = await makePerson(t.db);
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const groupId = await groupWithOrganiser('Flixton Shopping Buddies', organiser);
  await groupWithOrganiser('Some Other Group', otherOrganiser);

  const bad = await post(
    officer.cookie,
    '/trafford/help/data-sharing/agreements/new',
    { ...AGREEMENT, groupId, fields: [], 'reviewDate-day': '31', 'reviewDate-month': '2' },
    '/trafford/help/data-sharing/agreements',
  );
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /Select what may be shared/);
  const made = await post(
    officer.cookie,
    '/trafford/help/data-sharing/agreements/new',
    { ...AGREEMENT, groupId },
    '/trafford/help/data-sharing/agreements',
  );
  assert.equal(made.statusCode, 303);
  const url = made.headers.location as string;

  // A draft is seen by the two parties only.
  assert.equal((await t.app.inject(url)).statusCode, 404);
  assert.equal((await t.app.inject({ url, headers: { cookie: otherOrganiser.cookie } })).statusCode, 404);
  const draft = await t.app.inject({ url, headers: { cookie: organiser.cookie } });
  assert.match(draft.body, /This is a draft/);

  // Nobody signs a draft; once sent, the council cannot sign before the group.
  const early = await post(
    organiser.cookie,
    url,
    { fullName: 'Olive Organiser', authority: 'yes' },
    `${url}/sign`,
  );
  assert.equal(early.statusCode, 422);
  assert.match(early.body, /has not been sent to the group to sign yet/);
  assert.equal((await post(officer.cookie, url, {}, `${url}/send`)).statusCode, 303);
  const councilFirst = await post(
    officer.cookie,
    url,
    { fullName: 'Owen Officer', jobTitle: 'Lead', authority: 'yes' },
    `${url}/sign`,
  );
  assert.equal(councilFirst.statusCode, 422);
  assert.match(councilFirst.body, /An organiser of the group signs first/);
  // Only this group's organisers sign for it.
  const stranger = await post(
    otherOrganiser.cookie,
    url,
    { fullName: 'Someone Else', authority: 'yes' },
    `${url}/sign`,
  );
  assert.equal(stranger.statusCode, 403);
  const noAuthority = await post(organiser.cookie, `${url}/sign`, { fullName: 'Olive Organiser' });
  assert.equal(noAuthority.statusCode, 422);
  assert.match(noAuthority.body, /Confirm that you have the authority to sign/);
  assert.equal(
    (await post(organiser.cookie, `${url}/sign`, { fullName: 'Olive Organiser', authority: 'yes' }))
      .statusCode,
    303,
  );

  // Signed by one side: the terms are fixed.
  const change = await post(officer.cookie, `${url}/edit`, { ...AGREEMENT, purpose: 'Something broader' });
  assert.notEqual(change.statusCode, 303);
  const [row] = await t.db.query<{ purpose: string; status: string }>(
    'select purpose, status from aid_sharing_agreements where id = $1',
    [url.split('/').pop() ?? null],
  );
  assert.equal(row?.purpose, AGREEMENT.purpose);
  assert.equal(row?.status, 'awaiting-council');
  const organiserAgain = await post(
    organiser.cookie,
    url,
    { fullName: 'Olive Organiser', authority: 'yes' },
    `${url}/sign`,
  );
  assert.equal(organiserAgain.statusCode, 422);
  assert.match(organiserAgain.body, /Only an officer can sign for the council/);
  const noTitle = await post(officer.cookie, `${url}/sign`, { fullName: 'Owen Officer', authority: 'yes' });
  assert.equal(noTitle.statusCode, 422);
  assert.match(noTitle.body, /Enter your job title/);
  const signed = await post(officer.cookie, `${url}/sign`, {
    fullName: 'Owen Officer',
    jobTitle: 'Community Hubs Manager',
    authority: 'yes',
  });
  assert.equal(signed.statusCode, 303);

  // Published openly: terms and dates, but not who signed.
  const publicPage = await t.app.inject(url);
  assert.equal(publicPage.statusCode, 200);
  assert.match(publicPage.body, /Signed by both sides/);
  assert.match(publicPage.body, /Referring residents who need shopping done to the group/);
  assert.doesNotMatch(publicPage.body, /Olive Organiser|Owen Officer/);
  const open = await t.app.inject('/trafford/api/help/data-sharing-agreements');
  const listed = JSON.parse(open.body).contents.find(
    (a: { group: string }) => a.group === 'Flixton Shopping Buddies',
  );
  assert.deepEqual(listed.fields, ['name', 'phone', 'needs']);
  assert.equal(listed.status, 'signed');
  assert.doesNotMatch(open.body, /Olive Organiser|Owen Officer/);
  const csv = await t.app.inject('/trafford/api/help/data-sharing-agreements.csv');
  assert.match(csv.body, /Flixton Shopping Buddies/);
  const actions = await t.db.query<{ action: string }>(
    "select action from audit_log where target_type = 'aid-sharing-agreement' and target_id = $1 order by id",
    [url.split('/').pop() ?? null],
  );
  assert.deepEqual(
    actions.map((a) => a.action),
    [
      'mutual-aid.agreement.create',
      'mutual-aid.agreement.send',
      'mutual-aid.agreement.sign-group',
      'mutual-aid.agreement.sign-council',
    ],
  );

  // Either party may end it, once they confirm; then it is marked ended for everyone.
  const unconfirmed = await post(organiser.cookie, url, {}, `${url}/end`);
  assert.equal(unconfirmed.statusCode, 422);
  assert.match(unconfirmed.body, /Confirm that you want to end the agreement/);
  assert.equal((await post(organiser.cookie, url, { confirmEnd: 'yes' }, `${url}/end`)).statusCode, 303);
  assert.match((await t.app.inject(url)).body, /This agreement has ended/);
});

test('a signed agreement downloads as a PDF for the two parties, naming them, the purpose and the signatures', async () => {
  const organiser = await makePerson(t.db);
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const groupId = await groupWithOrganiser('Davyhulme Dog Walkers', organiser);
  const id = await signedAgreement(groupId, organiser, officer);
  const url = `/trafford/help/data-sharing/agreements/${id}.pdf`;
  const res = await t.app.inject({ url, headers: { cookie: organiser.cookie } });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/pdf');
  assert.equal(res.rawPayload.subarray(0, 5).toString('latin1'), '%PDF-');
  const text = pdfText(res.rawPayload);
  assert.match(text, /Data-sharing agreement between Trafford Council and Davyhulme Dog Walkers/);
  assert.match(text, /Referring residents who need shopping done to the group\./);
  assert.match(text, /Name, Phone number, What help they need/);
  assert.match(text, /60 days from each referral/);
  assert.match(text, /Olive Organiser/);
  assert.match(text, /Owen Officer/);
  assert.match(text, /Community Hubs Manager/);
  assert.match(text, /kith-dsa-1/);
  assert.match(text, /Signed on \d/);
  // Not for the public, nor for residents who are not a party.
  assert.equal((await t.app.inject(url)).statusCode, 303);
  const resident = await makePerson(t.db);
  assert.equal((await t.app.inject({ url, headers: { cookie: resident.cookie } })).statusCode, 403);
  const page = await t.app.inject({ url: url.replace('.pdf', ''), headers: { cookie: organiser.cookie } });
  assert.match(page.body, /Download the signed agreement \(PDF\)/);
});

const PERSON = {
  personName: 'Winifred Referral',
  personPhone: '0161 496 0777',
  needs: 'A weekly shop',
};

test('a referral needs a signed agreement covering what is sent, or the person’s consent', async () => {
  const organiser = await makePerson(t.db);
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const connector = await makePerson(t.db, { roles: ['connector'] });
  const covered = await groupWithOrganiser('Urmston Good Neighbours', organiser);
  const uncovered = await groupWithOrganiser('Flixton Gardeners', organiser);
  const form = '/trafford/help/referrals/new';
  const refer = (fields: Record<string, string>) =>
    post(connector.cookie, form, { fromGroupId: '', ...fields }, '/trafford/help/referrals');

  // No agreement, no consent: refused with what to do.
  const none = await refer({ ...PERSON, toGroupId: uncovered, basis: 'agreement' });
  assert.equal(none.statusCode, 422);
  assert.match(none.body, /There is no signed data-sharing agreement with this group/);
  assert.match(none.body, /Winifred Referral/); // nothing typed is lost

  // With consent recorded at the time: allowed, and the consent names the group.
  const withConsent = await refer({
    ...PERSON,
    toGroupId: uncovered,
    basis: 'consent',
    consentHow: 'phone',
    consentConfirmed: 'yes',
  });
  assert.equal(withConsent.statusCode, 303);
  const [consent] = await t.db.query<{ id: string; recipient_group_id: string; how_given: string }>(
    'select c.id, c.recipient_group_id, c.how_given from aid_referrals r join aid_consents c on c.id = r.consent_id where r.to_group_id = $1',
    [uncovered],
  );
  assert.equal(consent?.recipient_group_id, uncovered);
  assert.equal(consent?.how_given, 'phone');

  // Under a signed agreement: allowed for the fields it covers, refused for more.
  await signedAgreement(covered, organiser, officer);
  const ok = await refer({ ...PERSON, toGroupId: covered, basis: 'agreement' });
  assert.equal(ok.statusCode, 303);
  const tooMuch = await refer({
    ...PERSON,
    health: 'Recovering from a hip operation',
    toGroupId: covered,
    basis: 'agreement',
  });
  assert.equal(tooMuch.statusCode, 422);
  assert.match(tooMuch.body, /does not cover everything you are sending/);
  const address = await refer({
    ...PERSON,
    personAddress: '1 Example Way',
    toGroupId: covered,
    basis: 'agreement',
  });
  assert.equal(address.statusCode, 422);

  // Past its review date an agreement is flagged, but still in force.
  await t.db.query('update aid_sharing_agreements set review_date = current_date - 1 where group_id = $1', [
    covered,
  ]);
  const list = await t.app.inject('/trafford/help/data-sharing/agreements');
  assert.match(list.body, /Urmston Good Neighbours[\s\S]*?Review due/);
  const stillOk = await refer({ ...PERSON, toGroupId: covered, basis: 'agreement' });
  assert.equal(stillOk.statusCode, 303);

  // A withdrawn consent cannot be relied on.
  await t.db.query('update aid_consents set withdrawn_at = now() where id = $1', [consent?.id]);
  const withdrawn = await refer({
    ...PERSON,
    toGroupId: uncovered,
    basis: 'consent',
    consentId: consent?.id as string,
  });
  assert.equal(withdrawn.statusCode, 422);
  assert.match(withdrawn.body, /They have withdrawn that consent/);

  // An ended agreement allows none.
  await t.db.query(
    "update aid_sharing_agreements set status = 'ended', ended_at = now() where group_id = $1",
    [covered],
  );
  const ended = await refer({ ...PERSON, toGroupId: covered, basis: 'agreement' });
  assert.equal(ended.statusCode, 422);
  assert.match(ended.body, /There is no signed data-sharing agreement/);

  // A resident who organises no hub cannot refer at all.
  const resident = await makePerson(t.db);
  assert.equal((await t.app.inject({ url: form, headers: { cookie: resident.cookie } })).statusCode, 403);
});

test('the receiving group’s organisers see a referral and answer it; nobody else sees the person’s details', async () => {
  const organiser = await makePerson(t.db);
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const hubOrganiser = await makePerson(t.db);
  const group = await groupWithOrganiser('Quillmoor Befrienders', organiser);
  const hub = await groupWithOrganiser('Quillmoor Hub for Test', hubOrganiser);
  await t.db.query('update directory_groups set is_hub = true where id = $1', [hub]);
  await signedAgreement(group, organiser, officer);
  // A hub organiser (no council role) refers from their hub.
  const sent = await post(
    hubOrganiser.cookie,
    '/trafford/help/referrals/new',
    { ...PERSON, personName: 'Harold Hubreferral', fromGroupId: hub, toGroupId: group, basis: 'agreement' },
    '/trafford/help/referrals',
  );
  assert.equal(sent.statusCode, 303, sent.body.slice(0, 3000));
  const url = (sent.headers.location as string).replace('?sent=1', '');

  const inbox = await t.app.inject({
    url: '/trafford/help/referrals',
    headers: { cookie: organiser.cookie },
  });
  assert.match(inbox.body, /Referrals to your groups/);
  assert.match(inbox.body, /Harold Hubreferral/);
  assert.match(inbox.body, /Quillmoor Hub for Test/);
  for (const viewer of [officer, await makePerson(t.db, { roles: ['connector'] })]) {
    const page = await t.app.inject({ url, headers: { cookie: viewer.cookie } });
    assert.equal(page.statusCode, 404);
  }
  const page = await t.app.inject({ url, headers: { cookie: organiser.cookie } });
  assert.match(page.body, /0161 496 0777/);
  assert.match(page.body, /Can your group help\?/);
  const answered = await post(organiser.cookie, url, { decision: 'accepted' }, `${url}/respond`);
  assert.equal(answered.statusCode, 303);
  const mine = await t.app.inject({ url, headers: { cookie: hubOrganiser.cookie } });
  assert.match(mine.body, /Accepted/);
  const again = await post(
    organiser.cookie,
    '/trafford/help/needs/new',
    { decision: 'declined' },
    `${url}/respond`,
  );
  assert.equal(again.statusCode, 422);

  // No public page or API shows referred people's details (the demo's included).
  const secrets = ['Harold Hubreferral', '0161 496 0777', 'Elsie', '0161 496 0501', '9 Example Road'];
  const stranger = await makePerson(t.db, { roles: ['officer'] });
  const { demoUrl } = await import('../../../platform/demo-params.js');
  const leaks: string[] = [];
  for (const route of t.app.routeTable.filter((r) => r.method === 'GET' && r.url.includes('help'))) {
    const u = demoUrl(route.url);
    if (!u) continue;
    for (const headers of [{}, { cookie: stranger.cookie }]) {
      const res = await t.app.inject({ url: u, headers });
      for (const s of secrets) if (res.body.includes(s)) leaks.push(`${u}: ${s}`);
    }
  }
  assert.deepEqual(leaks, []);
});

test('withdrawing consent takes down the posts and unanswered referrals that relied on it', async () => {
  const connector = await makePerson(t.db, { roles: ['connector'] });
  const organiser = await makePerson(t.db);
  const group = await groupWithOrganiser('Timperley Helpers', organiser);
  const posted = await post(
    connector.cookie,
    '/trafford/help/needs/new',
    {
      title: 'Lift to the library',
      category: 'lifts',
      ward: 'flixton',
      when: 'this-week',
      privateName: 'Mabel',
      onBehalf: 'yes',
      consentHow: 'in-person',
      consentConfirmed: 'yes',
    },
    '/trafford/help/needs',
  );
  assert.equal(posted.statusCode, 303);
  const [c] = await t.db.query<{ consent_id: string }>(
    "select consent_id from aid_posts where title = 'Lift to the library'",
  );
  // The same person agreed to a referral later, recorded against the same consent.
  await t.db.query('update aid_consents set recipient_group_id = $2 where id = $1', [
    c?.consent_id ?? null,
    group,
  ]);
  const referred = await post(
    connector.cookie,
    '/trafford/help/referrals/new',
    {
      ...PERSON,
      personName: 'Mabel',
      fromGroupId: '',
      toGroupId: group,
      basis: 'consent',
      consentId: c?.consent_id as string,
    },
    '/trafford/help/referrals',
  );
  assert.equal(referred.statusCode, 303);

  const list = await t.app.inject({ url: '/trafford/help/consents', headers: { cookie: connector.cookie } });
  assert.match(list.body, /They told me in person/);
  assert.match(list.body, /1 needs or offers, 1 referrals/);
  const other = await makePerson(t.db, { roles: ['connector'] });
  const notTheirs = await post(
    other.cookie,
    '/trafford/help/needs/new',
    {},
    `/trafford/help/consents/${c?.consent_id}/withdraw`,
  );
  assert.equal(notTheirs.statusCode, 404);
  const done = await post(
    connector.cookie,
    '/trafford/help/consents',
    {},
    `/trafford/help/consents/${c?.consent_id}/withdraw`,
  );
  assert.equal(done.statusCode, 303);
  const after = await t.app.inject({
    url: done.headers.location as string,
    headers: { cookie: connector.cookie },
  });
  assert.match(after.body, /Consent withdrawn\. 2 needs, offers or referrals/);
  const [p] = await t.db.query<{ status: string }>(
    "select status from aid_posts where title = 'Lift to the library'",
  );
  assert.equal(p?.status, 'withdrawn');
  const [r] = await t.db.query<{ status: string; person_name: string }>(
    'select status, person_name from aid_referrals where consent_id = $1',
    [c?.consent_id ?? null],
  );
  assert.equal(r?.status, 'withdrawn');
  assert.equal(r?.person_name, '');
});

test('referred people’s details are cleared when the retention period ends, exported and erased on request', async () => {
  const [before] = await t.db.query<{ person_name: string }>(
    'select person_name from aid_referrals where id = $1',
    [DEMO_REFERRAL_ID],
  );
  assert.equal(before?.person_name, 'Elsie');
  await t.db.query("update aid_referrals set person_email = 'elsie@example.com' where id = $1", [
    DEMO_REFERRAL_ID,
  ]);
  const exported = await sharingPrivacy.exportFor?.(t.db, {
    userId: '00000000-0000-0000-0000-000000000000',
    email: 'elsie@example.com',
  });
  assert.equal(exported?.referrals_about_you?.[0]?.person_name, 'Elsie');
  const later = new Date(Date.now() + 100 * 86_400_000);
  const cleared = await withTransaction(
    t.db,
    (tx) => sharingPrivacy.applyRetention?.(tx, later) ?? Promise.resolve(0),
  );
  assert.ok((cleared ?? 0) >= 2);
  const [after] = await t.db.query<{ person_name: string; person_phone: string; needs: string }>(
    'select person_name, person_phone, needs from aid_referrals where id = $1',
    [DEMO_REFERRAL_ID],
  );
  assert.deepEqual(after, { person_name: '', person_phone: '', needs: '' });
  const signedDemo = await t.app.inject(`/trafford/help/data-sharing/agreements/${DEMO_AGREEMENT_ID}`);
  assert.equal(signedDemo.statusCode, 200);
  assert.match(signedDemo.body, /Partington Community Hub/);
});
