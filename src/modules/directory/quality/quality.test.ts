import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { openForm, submitForm } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';

const t = useTestApp();

const REPAIR = {
  name: 'Sale Moor Repair Cafe',
  summary: 'Fix your broken things with volunteer menders.',
  category: 'environment',
  ward: 'sale-moor',
  cost: 'free',
  status: 'active',
  contactVisibility: 'public',
};

async function idOf(slug: string) {
  const [row] = await t.db.query<{ id: string }>('select id from directory_groups where slug = $1', [slug]);
  return row?.id as string;
}

test('adding a group that looks already listed asks first, and “add anyway” adds it', async () => {
  const organiser = await makePerson(t.db, { roles: ['officer'] });
  const asked = await submitForm(t.app, {
    cookie: organiser.cookie,
    formUrl: '/trafford/groups/new',
    postUrl: '/trafford/groups',
    fields: REPAIR,
  });
  assert.equal(asked.statusCode, 200);
  assert.match(asked.body, /Is your group already listed\?/);
  assert.match(asked.body, /href="\/trafford\/groups\/sale-moor-repair-cafe"[^>]*>Sale Moor Repair Café/);
  assert.equal(await idOf('sale-moor-repair-cafe-2'), undefined);
  // The question page carries everything typed, so adding anyway loses nothing.
  const post = await openForm(t.app, { cookie: organiser.cookie, formUrl: '/trafford/groups/new' });
  const added = await post({ ...REPAIR, notDuplicate: 'yes' }, '/trafford/groups');
  assert.equal(added.statusCode, 303);
  assert.equal(added.headers.location, '/trafford/groups/sale-moor-repair-cafe-2?added=1');
});

test('officers see likely duplicates and stale records by ward, and merge a duplicate group', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const keepId = await idOf('sale-moor-repair-cafe');
  const dupId = await idOf('sale-moor-repair-cafe-2');
  assert.ok(keepId && dupId, 'the previous test added the duplicate');
  // A name alone is weak evidence; the same name at the same postcode is not.
  await t.db.query("update directory_groups set postcode = 'M33 2BT' where id in ($1, $2)", [keepId, dupId]);
  await t.db.query(
    "update directory_groups set last_confirmed_at = now() - interval '400 days' where slug = 'bowdon-bird-watchers' or slug = 'stretford-walking-group'",
  );

  const page = await t.app.inject({
    url: '/trafford/admin/directory/quality?ward=sale-moor',
    headers: { cookie: officer.cookie },
  });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Same name|Similar names/);
  // Either may be proposed as the one to keep; the officer can swap them on the next page.
  const mergeLink = new RegExp(
    `/trafford/admin/directory/merge\\?keep=(${keepId}&(amp;)?duplicate=${dupId}|${dupId}&(amp;)?duplicate=${keepId})`,
  );
  assert.match(page.body, mergeLink);
  const longford = await t.app.inject({
    url: '/trafford/admin/directory/quality?ward=longford',
    headers: { cookie: officer.cookie },
  });
  assert.match(longford.body, /May be out of date \(\d+\)[\s\S]*Stretford Walking Group/);
  const csv = await t.app.inject({
    url: '/trafford/admin/directory/quality/stale.csv',
    headers: { cookie: officer.cookie },
  });
  assert.match(
    csv.body,
    /Longford,group,Stretford Walking Group,\d{4}-\d{2}-\d{2},false,demo:public-records,\/trafford\/groups\/stretford-walking-group/,
  );

  const preview = await t.app.inject({
    url: `/trafford/admin/directory/merge?keep=${keepId}&duplicate=${dupId}`,
    headers: { cookie: officer.cookie },
  });
  assert.equal(preview.statusCode, 200);
  assert.match(preview.body, /Merge the records/);
  const merged = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `/trafford/admin/directory/merge?keep=${keepId}&duplicate=${dupId}`,
    postUrl: '/trafford/admin/directory/merge',
    fields: { keep: keepId, duplicate: dupId },
  });
  assert.equal(merged.statusCode, 303);
  const old = await t.app.inject({ url: '/trafford/groups/sale-moor-repair-cafe-2' });
  assert.equal(old.statusCode, 301);
  assert.equal(old.headers.location, '/trafford/groups/sale-moor-repair-cafe');
  const [doc] = await t.db.query<{ visible: boolean }>(
    'select visible from search_documents where ref_id = $1',
    [dupId],
  );
  assert.equal(doc?.visible, false);
  // The merged-away group's organiser now helps run the kept one.
  const [member] = await t.db.query<{ n: number }>(
    "select count(*)::int as n from directory_group_members where group_id = $1 and role = 'organiser'",
    [keepId],
  );
  assert.equal(member?.n, 1);
  const after = await t.app.inject({
    url: '/trafford/admin/directory/quality?ward=sale-moor',
    headers: { cookie: officer.cookie },
  });
  assert.doesNotMatch(after.body, mergeLink);
});

test('pairs an officer says are different are no longer listed together', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const first = await idOf('stretford-walking-group');
  for (const slug of ['stretford-walking-group', 'sale-moor-repair-cafe']) {
    await t.db.query(
      "update directory_groups set website = 'https://walks.example.org/stretford' where slug = $1",
      [slug],
    );
  }
  const second = await idOf('sale-moor-repair-cafe');
  await t.db.query(
    "update directory_groups set name = 'Stretford Walking Group (Sale Moor)', ward_code = (select ward_code from directory_groups where id = $1) where id = $2",
    [first, second],
  );
  const listed = await t.app.inject({
    url: '/trafford/admin/directory/quality?ward=longford',
    headers: { cookie: officer.cookie },
  });
  assert.match(listed.body, /Stretford Walking Group \(Sale Moor\)/);
  const done = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: `/trafford/admin/directory/merge?keep=${first}&duplicate=${second}`,
    postUrl: '/trafford/admin/directory/not-duplicates',
    fields: { keep: first, duplicate: second },
  });
  assert.equal(done.statusCode, 303);
  const after = await t.app.inject({
    url: '/trafford/admin/directory/quality?ward=longford',
    headers: { cookie: officer.cookie },
  });
  assert.doesNotMatch(after.body, /Possible duplicates \([1-9][\s\S]*Stretford Walking Group \(Sale Moor\)/);
});

test('residents cannot see the data-quality page or merge records', async () => {
  const resident = await makePerson(t.db);
  const page = await t.app.inject({
    url: '/trafford/admin/directory/quality',
    headers: { cookie: resident.cookie },
  });
  assert.equal(page.statusCode, 403);
  const bad = await t.app.inject({
    url: '/trafford/admin/directory/merge?keep=x&duplicate=y',
    headers: { cookie: (await makePerson(t.db, { roles: ['officer'] })).cookie },
  });
  assert.equal(bad.statusCode, 422);
});
