import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { submitForm } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { demoUrl } from '../../../platform/demo-params.js';
import { DEMO_NEED_ID } from './post-seed.js';

const t = useTestApp();

const NEED = {
  title: 'Help carrying shopping upstairs',
  category: 'shopping',
  ward: 'flixton',
  when: 'this-week',
  privateName: 'Joan',
  privateAddress: '27 Private Lane, Flixton',
  privatePhone: '0161 496 0999',
};

function ask(cookie: string, fields: Record<string, string | string[]> = NEED) {
  return submitForm(t.app, {
    cookie,
    formUrl: '/trafford/help/needs/new',
    postUrl: '/trafford/help/needs',
    fields,
  });
}

test('a resident asks for help: only the ward is public, and their private details are theirs alone', async () => {
  const resident = await makePerson(t.db, { roles: ['officer'] }); // published at once, to check the public view
  const res = await ask(resident.cookie);
  assert.equal(res.statusCode, 303);
  const url = (res.headers.location as string).replace('?posted=1', '');
  const own = await t.app.inject({ url, headers: { cookie: resident.cookie } });
  assert.match(own.body, /27 Private Lane, Flixton/);
  assert.match(own.body, /Somewhere in Flixton/);
  for (const viewer of [undefined, (await makePerson(t.db)).cookie]) {
    const page = await t.app.inject({ url, headers: viewer ? { cookie: viewer } : {} });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Help carrying shopping upstairs/);
    assert.doesNotMatch(page.body, /Private Lane|0161 496 0999|Joan/);
  }
  const board = await t.app.inject('/trafford/help?ward=flixton');
  assert.match(board.body, /Help carrying shopping upstairs/);
});

test('a new account’s first post waits for a moderator; contact details in the public part are refused', async () => {
  const resident = await makePerson(t.db);
  const refused = await ask(resident.cookie, {
    ...NEED,
    title: 'Call me on 07700 900123',
    details: 'or me@example.org',
  });
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, /Remove the email address, phone number or postcode/);
  const posted = await ask(resident.cookie, {
    ...NEED,
    title: 'Lift to the GP on Tuesday',
    category: 'lifts',
  });
  assert.equal(posted.statusCode, 303);
  const url = (posted.headers.location as string).replace('?posted=1', '');
  assert.equal((await t.app.inject(url)).statusCode, 404);
  const mine = await t.app.inject({
    url: posted.headers.location as string,
    headers: { cookie: resident.cookie },
  });
  assert.match(mine.body, /a moderator will check it/);
});

test('only connectors post for someone else, and only with recorded consent', async () => {
  const resident = await makePerson(t.db);
  const notAllowed = await ask(resident.cookie, {
    ...NEED,
    onBehalf: 'yes',
    consentHow: 'phone',
    consentConfirmed: 'yes',
  });
  assert.equal(notAllowed.statusCode, 422);
  assert.match(notAllowed.body, /Only connectors and officers can post for someone else/);
  const connector = await makePerson(t.db, { roles: ['connector'] });
  const noConsent = await ask(connector.cookie, { ...NEED, onBehalf: 'yes' });
  assert.equal(noConsent.statusCode, 422);
  assert.match(noConsent.body, /Confirm that they agreed, and how/);
  const done = await ask(connector.cookie, {
    ...NEED,
    title: 'Weekly shop for a neighbour',
    onBehalf: 'yes',
    consentHow: 'phone',
    consentConfirmed: 'yes',
  });
  assert.equal(done.statusCode, 303);
  const [row] = await t.db.query<{ how_given: string; private_email: string | null }>(
    `select c.how_given, p.private_email from aid_posts p join aid_consents c on c.id = p.consent_id
     where p.title = 'Weekly shop for a neighbour'`,
  );
  assert.equal(row?.how_given, 'phone');
  // The connector's own email is not passed off as the person's.
  assert.equal(row?.private_email, null);
});

test('no page, API, export or search result shows anyone’s private details', async () => {
  const [demo] = await t.db.query<{ n: number }>(
    "select count(*)::int as n from aid_posts where private_phone <> ''",
  );
  assert.ok((demo?.n ?? 0) >= 3, 'the demo has private details to look for');
  const secrets = (
    await t.db.query<{ private_address: string; private_phone: string; private_email: string | null }>(
      'select private_address, private_phone, private_email from aid_posts',
    )
  ).flatMap((r) => [r.private_address, r.private_phone, r.private_email ?? ''].filter((s) => s.length > 5));
  // What two neighbours said to each other in a match is private too.
  const messages = await t.db.query<{ body: string }>('select body from aid_match_messages');
  assert.ok(messages.length >= 2, 'the demo match has messages to look for');
  secrets.push(...messages.map((m) => m.body));
  const stranger = await makePerson(t.db, { roles: ['officer'] });
  const leaks: string[] = [];
  const gets = t.app.routeTable.filter((r) => r.method === 'GET' && !r.url.startsWith('/assets'));
  for (const route of gets) {
    const url = demoUrl(route.url);
    if (!url) continue;
    for (const headers of [{}, { cookie: stranger.cookie }]) {
      const res = await t.app.inject({ url, headers });
      for (const s of secrets) if (res.body.includes(s)) leaks.push(`${url}: ${s}`);
    }
  }
  for (const url of [
    '/trafford/api/help?per_page=200',
    '/trafford/api/help.csv',
    '/trafford/search?q=prescription',
  ]) {
    const res = await t.app.inject(url);
    for (const s of secrets) if (res.body.includes(s)) leaks.push(`${url}: ${s}`);
  }
  assert.deepEqual(leaks, []);
  assert.ok(gets.length > 50);
  const demoNeed = await t.app.inject(`/trafford/help/needs/${DEMO_NEED_ID}`);
  assert.equal(demoNeed.statusCode, 200);
});

test('contact details are cleared 30 days after a post expires, and go when the poster deletes their account', async () => {
  const { postPrivacy } = await import('./post-privacy.js');
  const { withTransaction } = await import('../../../platform/db/transaction.js');
  await t.db.query(
    "update aid_posts set expires_at = now() - interval '40 days', updated_at = now() - interval '40 days' where id = $1",
    [DEMO_NEED_ID],
  );
  const cleared = await withTransaction(
    t.db,
    (tx) => postPrivacy.applyRetention?.(tx, new Date()) ?? Promise.resolve(0),
  );
  assert.ok((cleared ?? 0) >= 1);
  const [row] = await t.db.query<{ private_address: string; private_phone: string; title: string }>(
    'select private_address, private_phone, title from aid_posts where id = $1',
    [DEMO_NEED_ID],
  );
  assert.equal(row?.private_address, '');
  assert.equal(row?.private_phone, '');
  assert.equal(row?.title, 'Collecting a prescription on Fridays');

  const person = await makePerson(t.db, { roles: ['officer'] });
  await ask(person.cookie, { ...NEED, title: 'Someone to post a parcel', privatePhone: '0161 496 0777' });
  await withTransaction(t.db, (tx) => postPrivacy.eraseFor?.(tx, person) ?? Promise.resolve([]));
  const [gone] = await t.db.query<{ private_phone: string; status: string }>(
    "select private_phone, status from aid_posts where title = 'Someone to post a parcel'",
  );
  assert.equal(gone?.private_phone, '');
  assert.equal(gone?.status, 'withdrawn');
});

test('the person who asked sees offers that fit, never their own, best first', async () => {
  const helper = await makePerson(t.db, { roles: ['officer'] });
  const offered = await submitForm(t.app, {
    cookie: helper.cookie,
    formUrl: '/trafford/help/offers/new',
    postUrl: '/trafford/help/offers',
    fields: {
      title: 'Prescription pick-ups around Davyhulme',
      categories: ['prescriptions', 'shopping'],
      ward: 'davyhulme',
      days: ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'],
      times: ['morning', 'afternoon', 'evening'],
      distance: '5000',
      offerFor: 'month',
    },
  });
  assert.equal(offered.statusCode, 303);
  const asker = await makePerson(t.db, { roles: ['officer'] });
  await submitForm(t.app, {
    cookie: asker.cookie,
    formUrl: '/trafford/help/offers/new',
    postUrl: '/trafford/help/offers',
    fields: {
      title: 'My own offer of prescription runs',
      categories: ['prescriptions'],
      ward: 'davyhulme',
      days: ['MO'],
      times: ['morning'],
      distance: '5000',
      offerFor: 'month',
    },
  });
  const asked = await ask(asker.cookie, {
    ...NEED,
    title: 'Prescription from the chemist',
    category: 'prescriptions',
    ward: 'flixton',
    when: 'two-weeks',
  });
  const page = await t.app.inject({
    url: asked.headers.location as string,
    headers: { cookie: asker.cookie },
  });
  assert.match(page.body, /Neighbours who might help/);
  assert.match(page.body, /Prescription pick-ups around Davyhulme/);
  assert.doesNotMatch(page.body, /My own offer of prescription runs/);
  // Nobody else sees the suggestions on someone's need, except connectors and coordinators.
  const url = (asked.headers.location as string).replace('?posted=1', '');
  const other = await t.app.inject({ url, headers: { cookie: (await makePerson(t.db)).cookie } });
  assert.doesNotMatch(other.body, /Neighbours who might help/);
  const connector = await makePerson(t.db, { roles: ['connector'] });
  assert.match(
    (await t.app.inject({ url, headers: { cookie: connector.cookie } })).body,
    /Neighbours who might help/,
  );
});
