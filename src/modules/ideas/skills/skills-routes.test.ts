import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { openForm, submitForm } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { DEMO_IDEA_ID } from '../seed/demo-ideas.js';
import { DEMO_SKILL_OFFER_ID, DEMO_SKILL_PEOPLE, DEMO_SKILL_REQUEST_ID } from './skills-seed.js';

const t = useTestApp();
const BASE = '/trafford/ideas/skills';

let n = 0;
/** A signed-in resident with a name of their own, so the pages can be searched for it. */
async function person(name = `Quentin${++n} Zedbury${n}`) {
  const p = await makePerson(t.db);
  await t.db.query('update users set display_name = $2 where id = $1', [p.userId, name]);
  return { ...p, name };
}

async function teamMember() {
  const p = await person();
  await t.db.query(
    `insert into idea_team_members (idea_id, user_id, is_lead, role) values ($1, $2, false, 'Helping')`,
    [DEMO_IDEA_ID, p.userId],
  );
  return p;
}

const get = (url: string, cookie?: string) => t.app.inject({ url, headers: cookie ? { cookie } : {} });

const offerForm = (changes: Record<string, string | string[]> = {}) => ({
  skills: ['gardening', 'first-aid'],
  otherSkills: 'Ask me about raised beds',
  languages: ['en', 'so'],
  otherLanguages: '',
  time: '5-to-10',
  how: 'both',
  ward: 'urmston',
  visibility: 'private',
  ...changes,
});

async function listSkills(p: { cookie: string }, changes: Record<string, string | string[]> = {}) {
  const res = await submitForm(t.app, {
    cookie: p.cookie,
    formUrl: `${BASE}/mine?change=1`,
    postUrl: `${BASE}/mine`,
    fields: offerForm(changes),
  });
  assert.equal(res.statusCode, 303, res.body);
  return res;
}

async function offerOf(userId: string): Promise<string> {
  const [row] = await t.db.query<{ id: string }>('select id from skill_offers where user_id = $1', [userId]);
  return (row as { id: string }).id;
}

test('the skills page is public, searchable, and shows no private person’s name or any email', async () => {
  const page = await get(BASE);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Skills and talents/);
  assert.match(page.body, /People found: \d+/);
  assert.match(page.body, /Wendy/, 'a public offer shows a first name');
  assert.doesNotMatch(page.body, /Clarke/, 'but never a surname');
  assert.doesNotMatch(page.body, /Sam Okafor|Okafor|Tomasz|Nowak/, 'private offers are not named');
  assert.doesNotMatch(page.body, /@/, 'no email addresses');
  for (const p of DEMO_SKILL_PEOPLE) assert.doesNotMatch(page.body, new RegExp(p.id), 'no account ids');

  const gardening = await get(`${BASE}?skill=gardening&ward=urmston`);
  assert.equal(gardening.statusCode, 200);
  assert.match(gardening.body, new RegExp(`${BASE}/${DEMO_SKILL_OFFER_ID}/request`));
  assert.doesNotMatch(gardening.body, /A resident in Longford/);
  assert.match(gardening.body, /People found: 2/, 'Sam and Joe garden in Urmston');
  // Hostile or odd queries never fail the page.
  for (const q of [
    'skill=hacking',
    'ward=%3Cscript%3E',
    'page=-4',
    'page=99999',
    'skill[]=a&how[x]=1',
    'language=zz',
  ])
    assert.equal((await get(`${BASE}?${q}`)).statusCode, 200, q);
  assert.doesNotMatch((await get(`${BASE}?ward=%3Cscript%3E`)).body, /<script>/);
});

test('visitors are sent to sign in for everything but the search', async () => {
  for (const url of [
    `${BASE}/mine`,
    `${BASE}/mine/delete`,
    `${BASE}/requests`,
    `${BASE}/requests/${DEMO_SKILL_REQUEST_ID}`,
    `${BASE}/${DEMO_SKILL_OFFER_ID}/request`,
  ]) {
    const res = await get(url);
    assert.equal(res.statusCode, 303, url);
    assert.match(String(res.headers.location), /^\/account\/sign-in\?return=/);
  }
});

test('a resident lists their skills with a check-answers summary, changes them and removes them', async () => {
  const p = await person();
  const blank = await get(`${BASE}/mine`, p.cookie);
  assert.equal(blank.statusCode, 200);
  assert.match(blank.body, /List your skills/);
  assert.match(blank.body, /Only people I accept a request from see my name/);

  // Without the CSRF token: refused.
  const forged = await t.app.inject({
    method: 'POST',
    url: `${BASE}/mine`,
    headers: { cookie: p.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ time: '2-to-5' }).toString(),
  });
  assert.equal(forged.statusCode, 403);

  const bad = await submitForm(t.app, {
    cookie: p.cookie,
    formUrl: `${BASE}/mine`,
    fields: { skills: ['gardening', 'evil'], otherSkills: 'x'.repeat(501), ward: 'nowhere' },
  });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /govuk-error-summary/);
  assert.match(bad.body, /Choose skills from the list/);
  assert.match(bad.body, /500 characters or fewer/);
  assert.match(bad.body, /Choose how much time you could give/);
  assert.match(bad.body, /value="gardening" checked/, 'what was ticked stays ticked');

  const saved = await listSkills(p);
  assert.equal(saved.headers.location, `${BASE}/mine?done=saved`);
  const summary = await get(`${BASE}/mine?done=saved`, p.cookie);
  assert.match(summary.body, /Your skills are saved/);
  assert.match(summary.body, /Gardening, First aid/);
  assert.match(summary.body, /English, Somali/);
  assert.match(summary.body, /5 to 10 hours a month/);
  assert.match(summary.body, /Urmston/);
  const change = await get(`${BASE}/mine?change=1`, p.cookie);
  assert.match(change.body, /Change your skills/);
  assert.match(change.body, /value="first-aid" checked/);

  await listSkills(p, { visibility: 'public', skills: ['sewing'] });
  const search = await get(`${BASE}?skill=sewing&ward=urmston`);
  assert.match(search.body, new RegExp(p.name.split(' ')[0] as string));
  assert.doesNotMatch(search.body, new RegExp(p.name.split(' ')[1] as string));

  const confirm = await get(`${BASE}/mine/delete`, p.cookie);
  assert.equal(confirm.statusCode, 200);
  const gone = await submitForm(t.app, {
    cookie: p.cookie,
    formUrl: `${BASE}/mine/delete`,
    fields: {},
  });
  assert.equal(gone.statusCode, 303);
  assert.equal((await t.db.query('select 1 from skill_offers where user_id = $1', [p.userId])).length, 0);
  assert.equal((await get(`${BASE}/mine/delete`, p.cookie)).statusCode, 303, 'nothing left to remove');
});

test('asking for help: team members only, once per offer, not yourself; others’ requests are 404', async () => {
  const owner = await person();
  await listSkills(owner);
  const offer = await offerOf(owner.userId);
  const member = await teamMember();
  const stranger = await person();

  // Someone with no team is told how to get one, with no form.
  const noTeam = await get(`${BASE}/${offer}/request`, stranger.cookie);
  assert.equal(noTeam.statusCode, 200);
  assert.match(noTeam.body, /Only the team of an idea or the organiser of a community group can ask/);
  assert.doesNotMatch(noTeam.body, /name="message"/);
  const refused = await submitForm(t.app, {
    cookie: stranger.cookie,
    formUrl: `${BASE}/${offer}/request`,
    fields: { onBehalf: `idea:${DEMO_IDEA_ID}`, message: 'Hello' },
  });
  assert.equal(refused.statusCode, 403);

  // Your own offer.
  const own = await get(`${BASE}/${offer}/request`, owner.cookie);
  assert.equal(own.statusCode, 409);
  assert.match(own.body, /cannot ask yourself/);

  for (const bad of ['not-a-uuid', '00000000-0000-4000-8000-000000000000', "1'%20or%201=1"])
    assert.equal((await get(`${BASE}/${bad}/request`, member.cookie)).statusCode, 404, bad);

  const form = await get(`${BASE}/${offer}/request`, member.cookie);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /Benches and planters along Stamford New Road/);
  const empty = await submitForm(t.app, {
    cookie: member.cookie,
    formUrl: `${BASE}/${offer}/request`,
    fields: { onBehalf: '', message: '' },
  });
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, /Write a message saying what you need help with/);

  const post = await openForm(t.app, { cookie: member.cookie, formUrl: `${BASE}/${offer}/request` });
  const sent = await post({ onBehalf: `idea:${DEMO_IDEA_ID}`, message: 'Could you help on Saturday?' });
  assert.equal(sent.statusCode, 303);
  const requestUrl = String(sent.headers.location).replace(/\?.*$/, '');
  assert.match(requestUrl, new RegExp(`^${BASE}/requests/[0-9a-f-]{36}$`));
  const again = await post({ onBehalf: `idea:${DEMO_IDEA_ID}`, message: 'Again' });
  assert.equal(again.statusCode, 409);
  assert.match(again.body, /already asked this person/);

  // Only the two sides see it.
  assert.equal((await get(requestUrl, stranger.cookie)).statusCode, 404);
  assert.equal((await get(`${BASE}/requests/not-a-uuid`, member.cookie)).statusCode, 404);
  assert.equal((await get(`${BASE}/requests/${DEMO_SKILL_REQUEST_ID}`, member.cookie)).statusCode, 404);
  const strangerAccept = await submitForm(t.app, {
    cookie: stranger.cookie,
    formUrl: `${BASE}/mine`,
    postUrl: `${requestUrl}/accept`,
    fields: {},
  });
  assert.equal(strangerAccept.statusCode, 404);
  const senderAccept = await submitForm(t.app, {
    cookie: member.cookie,
    formUrl: requestUrl,
    postUrl: `${requestUrl}/accept`,
    fields: {},
  });
  assert.equal(senderAccept.statusCode, 403, 'the sender cannot accept their own request');

  const received = await get(`${BASE}/requests`, owner.cookie);
  assert.match(received.body, /Benches and planters/);
  const page = await get(requestUrl, owner.cookie);
  assert.match(page.body, /Yes, I can help/);
  assert.match(page.body, /Could you help on Saturday\?/);
  const accepted = await submitForm(t.app, {
    cookie: owner.cookie,
    formUrl: requestUrl,
    postUrl: `${requestUrl}/accept`,
    fields: {},
  });
  assert.equal(accepted.statusCode, 303);
  const after = await get(`${requestUrl}?done=accepted`, owner.cookie);
  assert.match(after.body, /You said yes/);
  assert.ok(after.body.includes(member.name) && after.body.includes(member.email));
  const theirs = await get(requestUrl, member.cookie);
  assert.ok(theirs.body.includes(owner.name) && theirs.body.includes(owner.email));
  const twice = await submitForm(t.app, {
    cookie: owner.cookie,
    formUrl: `${BASE}/mine?change=1`,
    postUrl: `${requestUrl}/decline`,
    fields: {},
  });
  assert.equal(twice.statusCode, 409);
});

test('every page of the part, as each person: a private person’s name and email only reach an accepted counterpart', async () => {
  const owner = await person('Ottoline Privatewoman');
  await listSkills(owner, { otherSkills: 'Call Ottoline on 07700 900123' });
  const offer = await offerOf(owner.userId);
  const sender = await teamMember();
  const outsider = await person();
  const post = await openForm(t.app, { cookie: sender.cookie, formUrl: `${BASE}/${offer}/request` });
  const sent = await post({ onBehalf: `idea:${DEMO_IDEA_ID}`, message: 'Please help with the planters' });
  const requestId = String(sent.headers.location).replace(/\?.*$/, '').split('/').at(-1) as string;

  const gets = t.app.routeTable
    .filter((r) => r.method === 'GET' && r.url.startsWith('/:place/ideas/skills'))
    .map((r) =>
      r.url.replace(':place', 'trafford').replace(':skillOffer', offer).replace(':skillRequest', requestId),
    );
  assert.ok(gets.length >= 6, gets.join(' '));
  const urls = [...gets, `${BASE}?skill=gardening&ward=urmston`, `${BASE}/mine?change=1`];
  const secretsOf = (p: { name: string; email: string }) => [p.name, p.email, ...p.name.split(' ')];
  const ownerSecrets = [...secretsOf(owner), '07700 900123'];

  async function sweep(accepted: boolean) {
    const viewers = [
      { who: 'visitor', cookie: undefined, mayKnow: [] as string[] },
      { who: 'outsider', cookie: outsider.cookie, mayKnow: [] },
      {
        who: 'owner',
        cookie: owner.cookie,
        mayKnow: accepted ? [...ownerSecrets, ...secretsOf(sender)] : ownerSecrets,
      },
      {
        who: 'sender',
        cookie: sender.cookie,
        mayKnow: accepted ? [...ownerSecrets, ...secretsOf(sender)] : secretsOf(sender),
      },
    ];
    for (const v of viewers)
      for (const url of urls) {
        const res = await get(url, v.cookie);
        assert.ok(res.statusCode < 500, `${v.who} ${url}: ${res.statusCode}`);
        for (const secret of [...ownerSecrets, ...secretsOf(sender)].filter((s) => !v.mayKnow.includes(s)))
          assert.ok(
            !res.body.includes(secret),
            `${v.who} sees “${secret}” at ${url} (accepted: ${accepted})`,
          );
      }
  }
  await sweep(false);
  const accept = await submitForm(t.app, {
    cookie: owner.cookie,
    formUrl: `${BASE}/requests/${requestId}`,
    postUrl: `${BASE}/requests/${requestId}/accept`,
    fields: {},
  });
  assert.equal(accept.statusCode, 303);
  await sweep(true);
  // And the accepted sides do see each other.
  const seen = await get(`${BASE}/requests/${requestId}`, sender.cookie);
  assert.ok(seen.body.includes(owner.email) && seen.body.includes('07700 900123'));
});
