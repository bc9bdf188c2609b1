import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { openForm, submitForm, uploadFile } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { findPlaceBySlug, type Place } from '../../../platform/places/place-service.js';
import { runGroupConfirmation } from './confirm-job.js';

let place: Place;
const t = useTestApp(undefined, async () => {
  place = (await findPlaceBySlug(t.db, 'trafford')) as Place;
});

const GROUP = {
  name: 'Gorse Hill Knit and Natter',
  summary: 'Knitting, crochet and a natter over tea, every Monday afternoon.',
  category: 'social-befriending',
  ward: 'gorse-hill-cornbrook',
  whereWhen: 'Gorse Hill Studios, Mondays 1pm to 3pm',
  days: ['MO'],
  times: ['afternoon'],
  contactEmail: 'knit@example.org',
  contactVisibility: 'signed-in',
  cost: 'free',
  status: 'active',
};

async function addGroup(cookie: string, fields: Record<string, string | string[]> = GROUP) {
  return submitForm(t.app, { cookie, formUrl: '/trafford/groups/new', postUrl: '/trafford/groups', fields });
}

async function searchRow(refId: string) {
  const rows = await t.db.query<{ visible: boolean; kind: string; title: string }>(
    'select visible, kind, title from search_documents where place_id = $1 and ref_id = $2',
    [place.id, refId],
  );
  return rows[0];
}

async function groupId(slug: string): Promise<string> {
  const rows = await t.db.query<{ id: string }>(
    'select id from directory_groups where place_id = $1 and slug = $2',
    [place.id, slug],
  );
  return rows[0]?.id as string;
}

test('the demo place lists several hundred real groups, with filters, paging and open data', async () => {
  const page = await t.app.inject({ url: '/trafford/groups' });
  assert.equal(page.statusCode, 200);
  const total = Number(/(\d[\d,]*) groups/.exec(page.body)?.[1]?.replace(/,/g, ''));
  assert.ok(total >= 300, `expected several hundred groups, got ${total}`);
  assert.match(page.body, /govuk-pagination/);
  // Every demo group is placed in a ward, so every list and figure can be broken down by ward.
  const [unplaced] = await t.db.query<{ n: number }>(
    'select count(*)::int as n from directory_groups where place_id = $1 and ward_code is null',
    [place.id],
  );
  assert.equal(unplaced?.n, 0);

  const json = await t.app.inject({ url: '/trafford/api/groups?ward=longford&per_page=200' });
  const body = json.json() as { total_items: number; contents: { ward_code: string; name: string }[] };
  assert.ok(body.total_items > 0);
  assert.ok(body.contents.every((g) => g.ward_code === 'E05015248' || g.ward_code !== null));
  assert.ok(body.contents.some((g) => g.name === 'Stretford Walking Group'));

  const csv = await t.app.inject({ url: '/trafford/api/groups.csv?category=faith' });
  assert.equal(csv.statusCode, 200);
  const lines = csv.body.trim().split('\n');
  assert.match(lines[0] as string, /^id,slug,name,summary,category/);
  assert.ok(lines.slice(1).every((l) => l.includes(',faith,')));
});

test('contact details follow the organiser’s choice on the page and in open data', async () => {
  const visitor = await t.app.inject({ url: '/trafford/groups/yogga-for-beginners-in-urmston' });
  assert.equal(visitor.statusCode, 200);
  assert.doesNotMatch(visitor.body, /yoga\.urmston@example\.org/);
  assert.match(visitor.body, /share their contact details with signed-in residents/);
  const resident = await makePerson(t.db);
  const signedIn = await t.app.inject({
    url: '/trafford/groups/yogga-for-beginners-in-urmston',
    headers: { cookie: resident.cookie },
  });
  assert.match(signedIn.body, /yoga\.urmston@example\.org/);
  // Open data is public, so only contact details made public are in it, signed in or not.
  const api = await t.app.inject({
    url: '/trafford/api/groups/yogga-for-beginners-in-urmston',
    headers: { cookie: resident.cookie },
  });
  assert.equal(api.json().contact_email, null);
  const csv = await t.app.inject({ url: '/trafford/api/groups.csv?ward=urmston' });
  assert.doesNotMatch(csv.body, /yoga\.urmston@example\.org/);
  const hidden = await t.app.inject({
    url: '/trafford/groups/caffi-cymraeg-altrincham',
    headers: { cookie: resident.cookie },
  });
  assert.match(hidden.body, /chosen not to list contact details/);
});

test('a new organiser’s group waits for a moderator, then is listed and searchable', async () => {
  const organiser = await makePerson(t.db);
  const created = await addGroup(organiser.cookie);
  assert.equal(created.statusCode, 303);
  assert.equal(created.headers.location, '/trafford/groups/gorse-hill-knit-and-natter?added=1');
  const own = await t.app.inject({
    url: created.headers.location as string,
    headers: { cookie: organiser.cookie },
  });
  assert.match(own.body, /a moderator will check it/);
  // Nobody else sees it yet, and it is not in search.
  assert.equal((await t.app.inject({ url: '/trafford/groups/gorse-hill-knit-and-natter' })).statusCode, 404);
  const id = await groupId('gorse-hill-knit-and-natter');
  assert.equal((await searchRow(id))?.visible, false);

  const officer = await makePerson(t.db, { roles: ['officer'] });
  const queue = await t.app.inject({
    url: '/trafford/admin/moderation',
    headers: { cookie: officer.cookie },
  });
  assert.match(queue.body, /Gorse Hill Knit and Natter/);
  // The queue holds other modules' posts too (the demo ideas'), so the group's item is found by id.
  const [item] = await t.db.query<{ id: string }>(
    "select id from moderation_items where module = 'directory' and content_id = $1",
    [id],
  );
  const itemId = item?.id;
  assert.ok(itemId && queue.body.includes(`value="${itemId}"`));
  const decided = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: '/trafford/admin/moderation',
    postUrl: '/trafford/admin/moderation/decide',
    fields: { itemId, decision: 'publish' },
  });
  assert.equal(decided.statusCode, 303);
  assert.equal((await t.app.inject({ url: '/trafford/groups/gorse-hill-knit-and-natter' })).statusCode, 200);
  assert.equal((await searchRow(id))?.visible, true);
});

test('the group form explains every problem, keeps what was typed, and refuses bad locations', async () => {
  const organiser = await makePerson(t.db);
  const res = await addGroup(organiser.cookie, {
    name: '',
    summary: 'x'.repeat(301),
    category: 'not-a-category',
    ward: 'atlantis',
    postcode: 'NOT A POSTCODE',
    ageMin: '30',
    ageMax: '12',
    website: 'javascript:alert(1)',
    days: ['MO', 'XX'],
    contactEmail: 'not-an-email',
  });
  assert.equal(res.statusCode, 422);
  for (const message of [
    'Enter the group’s name|Enter the group&#39;s name',
    'The summary must be 300 characters or fewer',
    'Choose what the group is mainly about',
    'Enter a real postcode',
    'Enter a web address starting with https://',
    'Choose days from the list',
    'Enter an email address in the right format',
  ])
    assert.match(res.body, new RegExp(message), message);
  assert.match(res.body, /value="NOT A POSTCODE"/);
  assert.doesNotMatch(res.body, /<script>/);

  const ages = await addGroup(organiser.cookie, {
    ...GROUP,
    name: 'Ages the wrong way round',
    ageMin: '30',
    ageMax: '12',
  });
  assert.equal(ages.statusCode, 422);
  assert.match(ages.body, /The oldest age must be the same as or more than the youngest/);

  const outside = await addGroup(organiser.cookie, {
    ...GROUP,
    name: 'Somewhere else',
    lat: '51.5',
    lon: '-0.12',
  });
  assert.equal(outside.statusCode, 422);
  assert.match(outside.body, /outside this place’s wards|outside this place&#39;s wards/);
  const unknownWard = await addGroup(organiser.cookie, { ...GROUP, name: 'Nowhere', ward: 'atlantis' });
  assert.equal(unknownWard.statusCode, 422);
  assert.match(unknownWard.body, /Choose a ward from the list/);
});

test('only organisers and officers can change a group; editing confirms it; members can join and leave', async () => {
  const organiser = await makePerson(t.db, { roles: ['officer'] }); // officers' posts are published at once
  const created = await addGroup(organiser.cookie, {
    ...GROUP,
    name: 'Flixton Litter Pickers',
    category: 'environment',
    ward: 'flixton',
  });
  assert.equal(created.statusCode, 303);
  const stranger = await makePerson(t.db);
  const edit = {
    ...GROUP,
    name: 'Flixton Litter Pickers',
    category: 'environment',
    ward: 'flixton',
    summary: 'Changed by a stranger',
  };
  const refused = await submitForm(t.app, {
    cookie: stranger.cookie,
    formUrl: '/trafford/groups/flixton-litter-pickers',
    postUrl: '/trafford/groups/flixton-litter-pickers/edit',
    fields: edit,
  });
  assert.equal(refused.statusCode, 403);

  // The stranger joins instead; the organiser sees them and makes them a co-organiser.
  const joined = await submitForm(t.app, {
    cookie: stranger.cookie,
    formUrl: '/trafford/groups/flixton-litter-pickers',
    postUrl: '/trafford/groups/flixton-litter-pickers/join',
    fields: {},
  });
  assert.equal(joined.statusCode, 303);
  const members = await t.app.inject({
    url: '/trafford/groups/flixton-litter-pickers/members',
    headers: { cookie: organiser.cookie },
  });
  assert.match(members.body, /2 people/);
  const promoted = await submitForm(t.app, {
    cookie: organiser.cookie,
    formUrl: '/trafford/groups/flixton-litter-pickers/members',
    postUrl: '/trafford/groups/flixton-litter-pickers/members/organiser',
    fields: { member: stranger.userId },
  });
  assert.equal(promoted.statusCode, 303);
  const saved = await submitForm(t.app, {
    cookie: stranger.cookie,
    formUrl: '/trafford/groups/flixton-litter-pickers/edit',
    postUrl: '/trafford/groups/flixton-litter-pickers/edit',
    fields: { ...edit, summary: 'Monthly litter picks around Flixton, all kit provided.', status: 'paused' },
  });
  assert.equal(saved.statusCode, 303);
  const page = await t.app.inject({ url: '/trafford/groups/flixton-litter-pickers' });
  assert.match(page.body, /Monthly litter picks around Flixton/);
  assert.match(page.body, /Paused for now/);
  const audit = await t.db.query<{ action: string }>(
    "select action from audit_log where target_type = 'directory-group' and target_id = $1 order by id",
    [await groupId('flixton-litter-pickers')],
  );
  assert.deepEqual(
    audit.map((a) => a.action),
    ['directory.group.create', 'directory.group.join', 'directory.group.organiser', 'directory.group.update'],
  );
});

test('a group whose organisers do not confirm it for a year is marked “may be out of date”', async () => {
  const organiser = await makePerson(t.db, { roles: ['officer'] });
  await addGroup(organiser.cookie, {
    ...GROUP,
    name: 'Davyhulme Chess Club',
    category: 'social-befriending',
    ward: 'davyhulme',
  });
  const id = await groupId('davyhulme-chess-club');
  // Today, with this group last confirmed a year and an hour ago (every other group is newer).
  const now = new Date();
  await t.db.query('update directory_groups set last_confirmed_at = $2 where id = $1', [
    id,
    new Date(now.getTime() - (365 * 24 + 1) * 3_600_000),
  ]);
  const first = await runGroupConfirmation(t.db, { publicUrl: 'https://kith.example', relay: null }, now);
  assert.equal(first.asked, 1);
  const mail = await t.db.query<{ subject: string; body: string }>(
    'select subject, body from outbox where to_email = $1',
    [organiser.email],
  );
  assert.equal(mail[0]?.subject, 'Is Davyhulme Chess Club still running?');
  assert.match(
    mail[0]?.body ?? '',
    /https:\/\/kith\.example\/trafford\/groups\/davyhulme-chess-club\/confirm/,
  );
  // Asking again the next day sends nothing new.
  await runGroupConfirmation(
    t.db,
    { publicUrl: 'https://kith.example', relay: null },
    new Date(now.getTime() + 86_400_000),
  );
  assert.equal((await t.db.query('select 1 from outbox where to_email = $1', [organiser.email])).length, 1);
  // 29 days on: not yet stale; 31 days on: stale, on the page and in the list.
  await runGroupConfirmation(
    t.db,
    { publicUrl: 'https://kith.example', relay: null },
    new Date(now.getTime() + 29 * 86_400_000),
  );
  assert.doesNotMatch(
    (await t.app.inject({ url: '/trafford/groups/davyhulme-chess-club' })).body,
    /may be out of date/,
  );
  const later = await runGroupConfirmation(
    t.db,
    { publicUrl: 'https://kith.example', relay: null },
    new Date(now.getTime() + 31 * 86_400_000),
  );
  assert.ok(later.markedStale >= 1);
  assert.match(
    (await t.app.inject({ url: '/trafford/groups/davyhulme-chess-club' })).body,
    /may be out of date/,
  );
  // The organiser confirms: the warning goes.
  const confirmed = await submitForm(t.app, {
    cookie: organiser.cookie,
    formUrl: '/trafford/groups/davyhulme-chess-club/confirm',
    fields: {},
  });
  assert.equal(confirmed.statusCode, 303);
  assert.doesNotMatch(
    (await t.app.inject({ url: '/trafford/groups/davyhulme-chess-club' })).body,
    /may be out of date/,
  );
});

test('an admin imports groups from CSV: preview with field errors, nothing written until they choose', async () => {
  const admin = await makePerson(t.db, { roles: ['place-admin'] });
  const csv = [
    'Name,Summary,Category,Ward,Days,Postcode,Website',
    'Brooklands Book Club,A monthly book club in Brooklands.,learning-language,Brooklands,TU;TH,M33 3NN,https://books.example.org',
    'Hale Bridge Club,,social-befriending,Hale,MO,,',
    'Timperley Tots,Play and song for under-fives.,children-families,Narnia,FR,NOT IT,',
    '"Sale Moor Allotment Society","Plots, seeds and advice.",environment,sale-moor,SA,,',
  ].join('\n');
  const before = (await t.db.query<{ n: number }>('select count(*)::int as n from directory_groups')).at(
    0,
  )?.n;
  const staged = await uploadFile(t.app, {
    cookie: admin.cookie,
    formUrl: '/trafford/admin/groups/import',
    field: 'file',
    filename: 'groups.csv',
    content: csv,
  });
  assert.equal(staged.statusCode, 303, staged.body);
  const previewUrl = staged.headers.location as string;
  const preview = await t.app.inject({ url: previewUrl, headers: { cookie: admin.cookie } });
  assert.match(preview.body, /4 rows: 2 ready to import, 2 with problems/);
  assert.match(preview.body, /<strong>Summary<\/strong>: Enter what the group does/);
  assert.match(preview.body, /<strong>Ward<\/strong>: Choose a ward from the list/);
  assert.match(preview.body, /<strong>Postcode<\/strong>: Enter a real postcode/);
  assert.equal(
    (await t.db.query<{ n: number }>('select count(*)::int as n from directory_groups')).at(0)?.n,
    before,
  );

  // "Import all" is refused while rows have problems; "only valid rows" imports two.
  const all = await submitForm(t.app, {
    cookie: admin.cookie,
    formUrl: previewUrl,
    fields: { choice: 'all' },
  });
  assert.equal(all.statusCode, 422);
  assert.match(all.body, /nothing was imported/);
  const submit = await openForm(t.app, { cookie: admin.cookie, formUrl: previewUrl });
  const valid = await submit({ choice: 'valid' });
  assert.equal(valid.statusCode, 200);
  assert.match(valid.body, /2 groups added; 2 rows left out/);
  assert.equal(
    (await t.db.query<{ n: number }>('select count(*)::int as n from directory_groups')).at(0)?.n,
    (before ?? 0) + 2,
  );
  const book = await t.app.inject({ url: '/trafford/groups/brooklands-book-club' });
  assert.match(book.body, /imported from a spreadsheet/);
  // A second click does not import twice.
  const again = await submit({ choice: 'valid' });
  assert.equal(again.statusCode, 422);
  assert.match(again.body, /already been imported/);

  const resident = await makePerson(t.db);
  assert.equal(
    (await t.app.inject({ url: '/trafford/admin/groups/import', headers: { cookie: resident.cookie } }))
      .statusCode,
    403,
  );
  const garbage = await uploadFile(t.app, {
    cookie: admin.cookie,
    formUrl: '/trafford/admin/groups/import',
    field: 'file',
    filename: 'notes.csv',
    content: 'just some words\nwithout a name column',
  });
  assert.equal(garbage.statusCode, 422);
  assert.match(garbage.body, /including one called name/);
});

test('a community hub lists its partners; only officers mark hubs', async () => {
  const hub = await t.app.inject({ url: '/trafford/groups/partington-community-hub' });
  assert.match(hub.body, /Partners working from this hub/);
  assert.match(hub.body, /Trafford Council Adult Social Care/);
  assert.match(hub.body, /Employment support/);
  const organiser = await makePerson(t.db);
  const refused = await submitForm(t.app, {
    cookie: organiser.cookie,
    formUrl: '/trafford/groups/stretford-walking-group',
    postUrl: '/trafford/groups/stretford-walking-group/hub',
    fields: { hub: 'yes' },
  });
  assert.equal(refused.statusCode, 403);
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const marked = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: '/trafford/groups/stretford-walking-group',
    postUrl: '/trafford/groups/stretford-walking-group/hub',
    fields: { hub: 'yes' },
  });
  assert.equal(marked.statusCode, 303);
  const id = await groupId('stretford-walking-group');
  assert.equal((await searchRow(id))?.kind, 'hub');
  const hubs = await t.app.inject({ url: '/trafford/api/groups?hubs=yes' });
  assert.ok((hubs.json().contents as { name: string }[]).some((g) => g.name === 'Stretford Walking Group'));
});

test('an import file over the size limit is refused on the form, with nothing staged', async () => {
  const admin = await makePerson(t.db, { roles: ['place-admin'] });
  const before = await t.db.query<{ n: number }>('select count(*)::int as n from directory_imports');
  const res = await uploadFile(t.app, {
    cookie: admin.cookie,
    formUrl: '/trafford/admin/groups/import',
    field: 'file',
    filename: 'groups.csv',
    content: `Name,Summary\n${'x'.repeat(5 * 1024 * 1024)}`,
  });
  assert.equal(res.statusCode, 422);
  assert.match(res.body, /The file must be smaller than 5 MB/);
  const after = await t.db.query<{ n: number }>('select count(*)::int as n from directory_imports');
  assert.equal(after[0]?.n, before[0]?.n);
});
