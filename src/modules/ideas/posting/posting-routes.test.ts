import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { cookiesFrom, useTestApp } from '../../../../test/helpers/app.js';
import { openForm, submitForm, uploadFile } from '../../../../test/helpers/form-client.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { DEMO_CALL_ID, DEMO_IDEA_ID, DEMO_IDEAS, DEMO_PENDING_IDEA_ID } from '../seed/demo-ideas.js';
import { DEMO_IDEA_COMMENT_ID } from './posting-seed.js';

const t = useTestApp();
const IDEAS = '/trafford/ideas';
const TOOL_LIBRARY = DEMO_IDEAS[1]?.id as string;

const FIELDS = {
  title: 'Outdoor table tennis in Walton Park',
  summary: 'A concrete table tennis table by the play area, free to use, with bats to borrow from the café.',
  whoItHelps: 'Teenagers, families and anyone who wants a free game.',
  ward: 'altrincham',
  area: 'Walton Park',
  theme: 'sport-and-play',
  answers: '',
};

test('an idea’s page: what it is, who posted it, support, and the threaded comments', async () => {
  const res = await t.app.inject(`${IDEAS}/${DEMO_IDEA_ID}`);
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /<h1 class="govuk-heading-l">Benches and planters along Stamford New Road<\/h1>/);
  assert.match(res.body, /Proposed/);
  assert.match(res.body, /High streets and town centres/);
  assert.match(res.body, /Altrincham/);
  assert.match(res.body, /Priya Shah/);
  assert.match(res.body, />23</, 'the number of supporters');
  assert.match(res.body, /How might we make our high streets places to linger\?/);
  assert.match(res.body, new RegExp(`href="/trafford/ideas/calls/${DEMO_CALL_ID}"`));
  assert.match(res.body, /href="\/trafford\/ideas\/house-rules"/);
  assert.match(res.body, /Sign in to support or follow this idea/);
  assert.match(res.body, /Sign in to comment/);
  assert.doesNotMatch(res.body, /Report this idea/, 'reporting needs an account');
  assert.match(res.body, /replying to Sam A\./, 'the fourth-level reply names whom it answers');
  assert.match(res.body, new RegExp(`id="comment-${DEMO_IDEA_COMMENT_ID}"`));
  assert.doesNotMatch(res.body, /@trafford-together\.example/);

  const person = await makePerson(t.db);
  const signedIn = await t.app.inject({
    url: `${IDEAS}/${DEMO_IDEA_ID}`,
    headers: { cookie: person.cookie },
  });
  assert.match(signedIn.body, /Support this idea/);
  assert.match(signedIn.body, /Follow this idea/);
  assert.match(signedIn.body, /href="\/trafford\/report\?item=[0-9a-f-]{36}">Report this idea/);
  assert.match(signedIn.body, new RegExp(`comments/${DEMO_IDEA_COMMENT_ID}/reply`));
});

test('hostile addresses: bad ids are 404, never 500; a pending idea is hidden from other people', async () => {
  const person = await makePerson(t.db);
  for (const url of [
    `${IDEAS}/not-a-uuid`,
    `${IDEAS}/00000000-0000-4000-8000-000000000000`,
    `/trafford/api/ideas/%27%20or%201%3D1`,
    `${IDEAS}/${DEMO_PENDING_IDEA_ID}`,
    `/trafford/api/ideas/${DEMO_PENDING_IDEA_ID}`,
    `${IDEAS}/${DEMO_IDEA_ID}/photos/..%2F..%2Fsecret.webp`,
    `${IDEAS}/${DEMO_IDEA_ID}/photos/00000000-0000-4000-8000-000000000000.webp`,
  ]) {
    const res = await t.app.inject({ url, headers: { cookie: person.cookie } });
    assert.equal(res.statusCode, 404, url);
  }
  const reply = await t.app.inject({
    url: `${IDEAS}/${TOOL_LIBRARY}/comments/${DEMO_IDEA_COMMENT_ID}/reply`,
    headers: { cookie: person.cookie },
  });
  assert.equal(reply.statusCode, 404, 'a comment on another idea');
  const support = await submitForm(t.app, {
    cookie: person.cookie,
    formUrl: `${IDEAS}/${DEMO_IDEA_ID}`,
    postUrl: `${IDEAS}/nope/support`,
    fields: {},
  });
  assert.equal(support.statusCode, 404);

  const moderator = await makePerson(t.db, { roles: ['officer'] });
  const seen = await t.app.inject({
    url: `${IDEAS}/${DEMO_PENDING_IDEA_ID}`,
    headers: { cookie: moderator.cookie },
  });
  assert.equal(seen.statusCode, 200);
  assert.match(seen.body, /Waiting for moderation/);
});

test('the JSON API gives one idea’s public fields, and similar ideas by title', async () => {
  const res = await t.app.inject(`/trafford/api/ideas/${DEMO_IDEA_ID}`);
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /^application\/json/);
  const body = res.json();
  assert.deepEqual(Object.keys(body).sort(), [
    'area',
    'callId',
    'challengeId',
    'commentCount',
    'createdAt',
    'id',
    'stage',
    'summary',
    'supportCount',
    'theme',
    'title',
    'url',
    'ward',
    'whoItHelps',
  ]);
  assert.equal(body.id, DEMO_IDEA_ID);
  assert.deepEqual(Object.keys(body.ward).sort(), ['code', 'name']);
  assert.equal(body.ward.name, 'Altrincham');
  assert.equal(body.supportCount, 23);
  assert.equal(body.commentCount, 5);
  assert.equal(body.callId, DEMO_CALL_ID);
  assert.match(body.url, new RegExp(`/trafford/ideas/${DEMO_IDEA_ID}$`));
  assert.doesNotMatch(res.body, /Priya|author/);

  const similar = await t.app.inject(`${IDEAS}/similar?title=tool%20libary`);
  assert.equal(similar.statusCode, 200);
  assert.equal(similar.json().ideas[0].title, 'A tool library in Stretford');
  assert.equal(similar.json().ideas[0].path, `/trafford/ideas/${TOOL_LIBRARY}`);
  assert.deepEqual((await t.app.inject(`${IDEAS}/similar?title=${'x'.repeat(5000)}`)).json(), { ideas: [] });
  assert.deepEqual((await t.app.inject(`${IDEAS}/similar?title=a&title=b`)).json(), { ideas: [] });
  const js = await t.app.inject(`${IDEAS}/similar.js`);
  assert.equal(js.statusCode, 200);
  assert.match(js.headers['content-type'] as string, /javascript/);
});

test('posting: sign-in needed, every error listed, CSRF required, a call pre-selected', async () => {
  const out = await t.app.inject(`${IDEAS}/new`);
  assert.equal(out.statusCode, 303);
  assert.match(out.headers.location as string, /^\/account\/sign-in/);

  const person = await makePerson(t.db);
  const form = await t.app.inject({
    url: `${IDEAS}/new?call=${DEMO_CALL_ID}`,
    headers: { cookie: person.cookie },
  });
  assert.equal(form.statusCode, 200);
  assert.match(form.body, new RegExp(`value="call:${DEMO_CALL_ID}" checked`));
  assert.match(form.body, /aria-live="polite"/);
  assert.match(form.body, /similar\.js\?v=/);
  assert.match(form.body, /href="\/trafford\/ideas\/house-rules"/);

  const empty = await submitForm(t.app, { cookie: person.cookie, formUrl: `${IDEAS}/new`, fields: {} });
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, /govuk-error-summary/);
  for (const text of [
    'Enter a title for your idea',
    'Tell us who your idea would help',
    'Choose what your idea is about',
  ])
    assert.match(empty.body, new RegExp(text));

  const long = await submitForm(t.app, {
    cookie: person.cookie,
    formUrl: `${IDEAS}/new`,
    fields: { ...FIELDS, title: 'T'.repeat(500), summary: 'S'.repeat(50_000), ward: 'elsewhere', area: '' },
  });
  assert.equal(long.statusCode, 422);
  assert.match(long.body, /The title must be 120 characters or fewer/);
  assert.match(long.body, /Tell us where the idea is, in words/);

  const page = await t.app.inject({ url: `${IDEAS}/new`, headers: { cookie: person.cookie } });
  const noCsrf = await t.app.inject({
    method: 'POST',
    url: `${IDEAS}/new`,
    headers: {
      cookie: `${person.cookie}; ${cookiesFrom(page.headers['set-cookie'])}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: new URLSearchParams(FIELDS).toString(),
  });
  assert.equal(noCsrf.statusCode, 403);
  const rows = await t.db.query('select 1 from ideas where author_id = $1', [person.userId]);
  assert.equal(rows.length, 0);
});

test('without JavaScript, a title like an existing idea shows the similar ideas first, then posts anyway', async () => {
  const person = await makePerson(t.db);
  const post = await openForm(t.app, { cookie: person.cookie, formUrl: `${IDEAS}/new` });
  const first = await post({ ...FIELDS, title: 'A tool libary for Stretford' });
  assert.equal(first.statusCode, 200);
  assert.match(first.body, /Similar ideas already posted — you could support one of these instead/);
  assert.match(first.body, new RegExp(`href="/trafford/ideas/${TOOL_LIBRARY}">A tool library in Stretford`));
  assert.match(first.body, /Post my idea anyway/);
  assert.match(first.body, /name="confirmedNotDuplicate" value="yes"/);
  assert.match(first.body, /value="A tool libary for Stretford"/, 'what they wrote is kept');
  assert.match(first.body, /Walton Park/);
  assert.equal((await t.db.query('select 1 from ideas where author_id = $1', [person.userId])).length, 0);

  // "Post my idea anyway" sends the same form with the confirmation.
  const posted = await post({
    ...FIELDS,
    title: 'A tool libary for Stretford',
    confirmedNotDuplicate: 'yes',
  });
  assert.equal(posted.statusCode, 303, posted.body.slice(0, 300));
  const location = posted.headers.location as string;
  assert.match(location, /^\/trafford\/ideas\/[0-9a-f-]{36}\?posted=1$/);
  const confirmation = await t.app.inject({ url: location, headers: { cookie: person.cookie } });
  assert.equal(confirmation.statusCode, 200);
  assert.match(confirmation.body, /Your idea has been sent/);
  assert.match(confirmation.body, /waiting for a moderator/);
  assert.equal((await t.app.inject(location.split('?')[0] as string)).statusCode, 404, 'not public yet');
});

test('a photo is uploaded with its description and served as WebP', async () => {
  const person = await makePerson(t.db);
  await t.db.query(
    `insert into moderation_items (place_id, module, content_type, content_id, author_id, summary, url, status)
     select id, 'ideas', 'idea', 'earlier', $1, 'earlier', '/', 'published' from places where slug = 'trafford'`,
    [person.userId],
  );
  const photo = await sharp({ create: { width: 80, height: 60, channels: 3, background: '#c05020' } })
    .png()
    .toBuffer();
  const res = await uploadFile(t.app, {
    cookie: person.cookie,
    formUrl: `${IDEAS}/new`,
    field: 'photo1',
    filename: 'table.png',
    contentType: 'image/png',
    content: photo,
    fields: {
      ...FIELDS,
      title: 'Ping pong under the bandstand',
      photo1Alt: 'A table tennis table',
      confirmedNotDuplicate: 'yes',
    },
  });
  assert.equal(res.statusCode, 303, res.body.slice(0, 500));
  const url = (res.headers.location as string).split('?')[0] as string;
  const page = await t.app.inject({ url: `${url}?posted=1`, headers: { cookie: person.cookie } });
  assert.match(page.body, /Your idea is live/);
  const src = /<img class="kith-photo" src="([^"]+)" alt="A table tennis table"/.exec(page.body)?.[1];
  assert.ok(src);
  const img = await t.app.inject(src);
  assert.equal(img.statusCode, 200);
  assert.equal(img.headers['content-type'], 'image/webp');
});

test('support, follow and comment as a signed-in resident; replies; a too-long comment is refused', async () => {
  const person = await makePerson(t.db);
  const url = `${IDEAS}/${TOOL_LIBRARY}`;
  const support = await submitForm(t.app, {
    cookie: person.cookie,
    formUrl: url,
    postUrl: `${url}/support`,
    fields: {},
  });
  assert.equal(support.statusCode, 303);
  const after = await t.app.inject({ url: `${url}?done=supported`, headers: { cookie: person.cookie } });
  assert.match(after.body, /You support this idea/);
  assert.match(after.body, />10</);
  assert.match(after.body, /Withdraw my support/);
  const again = await submitForm(t.app, {
    cookie: person.cookie,
    formUrl: url,
    postUrl: `${url}/support`,
    fields: {},
  });
  assert.equal(again.statusCode, 303);
  assert.equal((await t.app.inject(`/trafford/api/ideas/${TOOL_LIBRARY}`)).json().supportCount, 10);
  const withdraw = await submitForm(t.app, {
    cookie: person.cookie,
    formUrl: url,
    postUrl: `${url}/support/withdraw`,
    fields: {},
  });
  assert.equal(withdraw.statusCode, 303);
  assert.equal((await t.app.inject(`/trafford/api/ideas/${TOOL_LIBRARY}`)).json().supportCount, 9);

  const follow = await submitForm(t.app, {
    cookie: person.cookie,
    formUrl: url,
    postUrl: `${url}/follow`,
    fields: {},
  });
  assert.equal(follow.statusCode, 303);
  assert.match((await t.app.inject({ url, headers: { cookie: person.cookie } })).body, /Stop following/);

  const tooLong = await submitForm(t.app, {
    cookie: person.cookie,
    formUrl: url,
    postUrl: `${url}/comments`,
    fields: { body: 'x'.repeat(2001) },
  });
  assert.equal(tooLong.statusCode, 422);
  assert.match(tooLong.body, /Your comment must be 2,000 characters or fewer/);
  assert.match(tooLong.body, /A tool library in Stretford/);

  const comment = await submitForm(t.app, {
    cookie: person.cookie,
    formUrl: url,
    postUrl: `${url}/comments`,
    fields: { body: 'I can lend a wallpaper steamer.' },
  });
  assert.equal(comment.statusCode, 303);
  assert.match(comment.headers.location as string, /done=comment-pending#comment-/);
  const own = await t.app.inject({ url, headers: { cookie: person.cookie } });
  assert.match(own.body, /I can lend a wallpaper steamer\./);
  assert.match(own.body, /Only you and the moderators can see this comment/);
  assert.doesNotMatch((await t.app.inject(url)).body, /wallpaper steamer/);

  const seeded = (
    await t.db.query<{ id: string }>(
      'select id from idea_comments where idea_id = $1 and parent_id is null order by created_at limit 1',
      [TOOL_LIBRARY],
    )
  )[0]?.id as string;
  const replyUrl = `${url}/comments/${seeded}/reply`;
  const replyPage = await t.app.inject({ url: replyUrl, headers: { cookie: person.cookie } });
  assert.equal(replyPage.statusCode, 200);
  assert.match(replyPage.body, /repair café at the library/);
  const empty = await submitForm(t.app, {
    cookie: person.cookie,
    formUrl: replyUrl,
    postUrl: `${url}/comments`,
    fields: { body: '', parentId: seeded },
  });
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, /Enter your comment/);
  assert.match(empty.body, /Reply to a comment/);
  const reply = await submitForm(t.app, {
    cookie: person.cookie,
    formUrl: replyUrl,
    postUrl: `${url}/comments`,
    fields: { body: 'The repair café sounds ideal.', parentId: seeded },
  });
  assert.equal(reply.statusCode, 303);
  const [row] = await t.db.query<{ parent_id: string }>(
    'select parent_id from idea_comments where body = $1',
    ['The repair café sounds ideal.'],
  );
  assert.equal(row?.parent_id, seeded);
});

test('the house rules are public and plain', async () => {
  const res = await t.app.inject(`${IDEAS}/house-rules`);
  assert.equal(res.statusCode, 200);
  for (const text of [
    'Be kind',
    'Advertise',
    'personal details',
    'not complaints',
    'always give a reason',
    'appeal',
  ])
    assert.match(res.body, new RegExp(text));
});

test('reporting an idea uses the platform flow; a hidden idea shows its author why, and is gone for others', async () => {
  const reporter = await makePerson(t.db);
  const page = await t.app.inject({ url: `${IDEAS}/${TOOL_LIBRARY}`, headers: { cookie: reporter.cookie } });
  const reportUrl = /href="(\/trafford\/report\?item=[0-9a-f-]{36})">Report this idea/.exec(page.body)?.[1];
  assert.ok(reportUrl);
  const report = await submitForm(t.app, {
    cookie: reporter.cookie,
    formUrl: reportUrl,
    fields: { reason: 'spam', details: 'Selling drills' },
  });
  assert.equal(report.statusCode, 200);
  const [row] = await t.db.query<{ content_id: string }>(
    `select i.content_id from moderation_reports r join moderation_items i on i.id = r.item_id
     where r.reporter_id = $1`,
    [reporter.userId],
  );
  assert.equal(row?.content_id, TOOL_LIBRARY);

  // An author's idea hidden by a moderator, with a reason.
  const author = await makePerson(t.db);
  const posted = await submitForm(t.app, {
    cookie: author.cookie,
    formUrl: `${IDEAS}/new`,
    fields: { ...FIELDS, title: 'Buy cheap garden gnomes here', confirmedNotDuplicate: 'yes' },
  });
  const url = (posted.headers.location as string).split('?')[0] as string;
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const [item] = await t.db.query<{ id: string }>(
    "select id from moderation_items where module = 'ideas' and content_type = 'idea' and content_id = $1",
    [url.split('/').pop() as string],
  );
  const hide = await submitForm(t.app, {
    cookie: officer.cookie,
    formUrl: '/trafford/admin/moderation',
    postUrl: '/trafford/admin/moderation/decide',
    fields: { itemId: item?.id as string, decision: 'hide', reason: 'Advertising is not allowed' },
  });
  assert.equal(hide.statusCode, 303);
  const own = await t.app.inject({ url, headers: { cookie: author.cookie } });
  assert.equal(own.statusCode, 200);
  assert.match(own.body, /A moderator hid this idea because: Advertising is not allowed/);
  assert.equal((await t.app.inject({ url, headers: { cookie: reporter.cookie } })).statusCode, 404);
});
