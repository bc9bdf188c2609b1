import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { useTestApp } from '../../../../test/helpers/app.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { FileStore } from '../../../platform/files/file-store.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { decide, statusOf } from '../../../platform/moderation/moderation-service.js';
import type { Role } from '../../../platform/module-definition.js';
import { findPlaceBySlug, type Place } from '../../../platform/places/place-service.js';
import { DEMO_CALL_ID, DEMO_IDEA_ID, DEMO_IDEAS, DEMO_PENDING_IDEA_ID } from '../seed/demo-ideas.js';
import { addComment, commentThread } from './comment-service.js';
import { ideaPostingPrivacy } from './idea-privacy.js';
import {
  followersOf,
  followIdea,
  getIdea,
  ideaPhoto,
  openCalls,
  postIdea,
  similarIdeas,
  supportIdea,
  unfollowIdea,
  withdrawSupport,
} from './idea-service.js';
import { DEMO_IDEA_COMMENT_ID } from './posting-seed.js';

const t = useTestApp();
const TOOL_LIBRARY = DEMO_IDEAS[1]?.id as string;
const META = { ip: '203.0.113.9' };

let place: Place;
async function thePlace() {
  place ??= (await findPlaceBySlug(t.db, 'trafford')) as Place;
  return place;
}
async function person(roles: Role[] = []) {
  const p = await makePerson(t.db, { roles });
  const ctx: ServiceContext = {
    db: t.db,
    place: await thePlace(),
    actor: { userId: p.userId, roles: [...roles, 'resident'], platformAdmin: false },
    requestId: 'test',
  };
  return { ...p, ctx };
}
const visitor = async (): Promise<ServiceContext> => ({ db: t.db, place: await thePlace(), actor: null });

let files: FileStore;
async function store() {
  files ??= new FileStore(await fs.mkdtemp(path.join(os.tmpdir(), 'kith-ideas-')));
  return files;
}

const IDEA = {
  title: 'A repair café in the old bank',
  summary: 'Volunteers fix toasters, bikes and clothes once a month, so less goes to landfill.',
  whoItHelps: 'Anyone with something broken, and people who like fixing things.',
  ward: 'altrincham',
  area: '',
  theme: 'environment',
};

async function fieldErrors(p: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await p;
  } catch (error) {
    if (error instanceof Invalid) return error.fieldErrors;
    throw error;
  }
  assert.fail('expected Invalid');
}

async function moderate(
  itemFor: { type: 'idea' | 'idea-comment'; id: string },
  decision: 'publish' | 'hide',
  reason = '',
) {
  const officer = await person(['officer']);
  const items = await statusOf(t.db, (await thePlace()).id, 'ideas', itemFor.type, [itemFor.id]);
  const item = items.get(itemFor.id);
  assert.ok(item, 'the post is in the moderation queue');
  await decide(
    { ...officer.ctx, requestId: 'test', baseUrl: 'http://localhost' },
    {
      itemId: item.itemId,
      decision,
      reason,
    },
  );
}

test('posting checks every field at once and refuses what is missing, too long or not a real choice', async () => {
  const { ctx } = await person();
  const f = await store();
  const empty = await fieldErrors(postIdea(ctx, f, {}, [], META));
  assert.deepEqual(Object.keys(empty).sort(), ['summary', 'theme', 'title', 'ward', 'whoItHelps']);
  assert.equal(empty.title, 'ideas.posting.errors.titleMissing');

  const long = await fieldErrors(
    postIdea(
      ctx,
      f,
      { ...IDEA, title: 'x'.repeat(121), summary: 'y'.repeat(4001), theme: 'knitting' },
      [],
      META,
    ),
  );
  assert.equal(long.title, 'ideas.posting.errors.titleTooLong');
  assert.equal(long.summary, 'ideas.posting.errors.summaryTooLong');
  assert.equal(long.theme, 'ideas.posting.errors.themeMissing');

  const where = await fieldErrors(postIdea(ctx, f, { ...IDEA, ward: 'elsewhere', area: ' ' }, [], META));
  assert.deepEqual(where, { area: 'ideas.posting.errors.areaMissing' });
  const noWard = await fieldErrors(postIdea(ctx, f, { ...IDEA, ward: 'atlantis' }, [], META));
  assert.deepEqual(noWard, { ward: 'ideas.posting.errors.wardMissing' });

  const answers = await fieldErrors(
    postIdea(
      ctx,
      f,
      {
        ...IDEA,
        answers: 'challenge:00000000-0000-4000-8000-000000000000',
        group: 'aaaaaaaa-0000-4000-8000-000000000000',
      },
      [],
      META,
    ),
  );
  assert.deepEqual(answers, {
    answers: 'ideas.posting.errors.answersUnknown',
    group: 'ideas.posting.errors.groupUnknown',
  });

  // Photos: not a picture, and a real one without its description.
  const photo = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#336699' } })
    .jpeg()
    .toBuffer();
  const pics = await fieldErrors(
    postIdea(
      ctx,
      f,
      IDEA,
      [
        { bytes: Buffer.from('not a photo'), tooLarge: false },
        { bytes: photo, tooLarge: false },
        { bytes: null, tooLarge: true },
      ],
      META,
    ),
  );
  assert.deepEqual(pics, {
    photo1: 'ideas.posting.errors.photo-notImage',
    photo2Alt: 'ideas.posting.errors.altMissing',
    photo3: 'ideas.posting.errors.photoTooLarge',
  });
  const rows = await t.db.query('select 1 from ideas where author_id = $1', [ctx.actor?.userId ?? '']);
  assert.equal(rows.length, 0, 'nothing was written');
  await assert.rejects(postIdea(await visitor(), f, IDEA, [], META), Forbidden);
});

test('a new account’s first idea waits for a moderator; once published the next goes straight up', async () => {
  const author = await person();
  const other = await person();
  const f = await store();
  const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#99cc00' } })
    .withMetadata({ exif: { IFD0: { Artist: 'Secret Person' } } })
    .jpeg()
    .toBuffer();
  const first = await postIdea(
    author.ctx,
    f,
    {
      ...IDEA,
      title: 'Répair Café in the OLD bank',
      answers: `call:${DEMO_CALL_ID}`,
      photo1Alt: 'The old bank',
    },
    [{ bytes: photo, tooLarge: false }],
    META,
  );
  assert.ok(first);
  assert.equal(first.status, 'pending');
  const [row] = await t.db.query<{
    moderation_status: string;
    fuzzy_text: string;
    call_id: string;
    ward_code: string;
  }>('select moderation_status, fuzzy_text, call_id, ward_code from ideas where id = $1', [first.id]);
  assert.equal(row?.moderation_status, 'pending');
  assert.match(row?.fuzzy_text ?? '', /^repair cafe in the old bank volunteers fix/);
  assert.equal(row?.call_id, DEMO_CALL_ID);
  assert.ok(row?.ward_code);

  // Only the author and moderators see it; it cannot be supported yet.
  await assert.rejects(getIdea(await visitor(), first.id), NotFound);
  await assert.rejects(getIdea(other.ctx, first.id), NotFound);
  const own = await getIdea(author.ctx, first.id);
  assert.equal(own.moderationStatus, 'pending');
  assert.equal(own.followerCount, 1, 'the author follows their own idea');
  assert.equal(own.photos.length, 1);
  assert.equal(own.photos[0]?.alt, 'The old bank');
  await assert.rejects(supportIdea(author.ctx, first.id), Conflict);
  await assert.rejects(supportIdea(other.ctx, first.id), NotFound);

  // The photo is a WebP with no camera details, only for those who may see the idea.
  const name = own.photos[0]?.url.split('/').pop() as string;
  const file = await ideaPhoto(author.ctx, f, first.id, name);
  assert.equal((await sharp(file.bytes).metadata()).format, 'webp');
  assert.equal((await sharp(file.bytes).metadata()).exif, undefined);
  assert.equal(file.published, false);
  await assert.rejects(ideaPhoto(await visitor(), f, first.id, name), NotFound);
  await assert.rejects(ideaPhoto(author.ctx, f, first.id, '../../etc/passwd'), NotFound);

  await moderate({ type: 'idea', id: first.id }, 'publish');
  const published = await getIdea(await visitor(), first.id);
  assert.equal(published.moderationStatus, 'published');
  assert.equal(published.postedBy.kind, 'person');

  const second = await postIdea(author.ctx, f, { ...IDEA, title: 'Bike racks by the station' }, [], META);
  assert.equal(second?.status, 'published');

  // A bot filling the hidden field is thanked and nothing is kept.
  assert.equal(await postIdea(author.ctx, f, IDEA, [], { ...META, honeypot: 'http://spam' }), null);
});

test('similar ideas: misspellings, accents and capitals find the idea; unrelated titles and hidden ideas do not', async () => {
  const ctx = await visitor();
  const titles = async (q: string) => (await similarIdeas(ctx, q)).map((s) => s.title);
  for (const q of ['tool libary', 'Tool Library', 'TOOL LIBRRY in stretford'])
    assert.equal((await titles(q))[0], 'A tool library in Stretford', q);
  for (const q of ['bench planter', 'benches', 'Bènches & plantérs'])
    assert.equal((await titles(q))[0], 'Benches and planters along Stamford New Road', q);
  assert.equal((await titles('homwork club'))[0], 'Evening homework club at the library');
  for (const q of [
    'street party',
    'a skate park in Urmston',
    'swimming pool',
    'more buses',
    'a dog park',
    '',
    'the and',
  ])
    assert.deepEqual(await titles(q), [], q);

  // The community fridge is waiting for a moderator: not suggested until it is published.
  assert.deepEqual(await titles('comunity fridge'), []);
  await moderate({ type: 'idea', id: DEMO_PENDING_IDEA_ID }, 'publish');
  for (const q of ['comunity fridge', 'communty frige', 'COMMUNITY FRIDGÉ', 'a fridge for the community'])
    assert.equal((await titles(q))[0], 'A community fridge at the church hall', q);
  const [found] = await similarIdeas(ctx, 'tool libary');
  assert.equal(found?.url, `/trafford/ideas/${TOOL_LIBRARY}`);
  assert.equal(found?.supportCount, 9);
});

test('support is one per person, can be withdrawn, is not for one’s own idea, and bumps the activity', async () => {
  const { ctx } = await person();
  const before = await getIdea(ctx, TOOL_LIBRARY);
  assert.equal(before.supportCount, 9);
  assert.equal(await supportIdea(ctx, TOOL_LIBRARY), true);
  assert.equal(await supportIdea(ctx, TOOL_LIBRARY), false, 'again is harmless');
  const after = await getIdea(ctx, TOOL_LIBRARY);
  assert.equal(after.supportCount, 10);
  assert.equal(after.viewer.supports, true);
  assert.ok(after.lastActivityAt > before.lastActivityAt);
  assert.equal(await withdrawSupport(ctx, TOOL_LIBRARY), true);
  assert.equal(await withdrawSupport(ctx, TOOL_LIBRARY), false);
  assert.equal((await getIdea(ctx, TOOL_LIBRARY)).supportCount, 9);

  // Priya posted the benches idea: her support is implicit, not counted twice.
  const priya: ServiceContext = {
    ...ctx,
    actor: { userId: '1dea0000-0000-4000-8000-000000000801', roles: ['resident'], platformAdmin: false },
  };
  await assert.rejects(
    supportIdea(priya, DEMO_IDEA_ID),
    (e) => e instanceof Conflict && e.message === 'ideas.posting.errors.ownIdea',
  );
  await assert.rejects(supportIdea(ctx, 'not-a-uuid'), NotFound);
  await assert.rejects(supportIdea(await visitor(), TOOL_LIBRARY), Forbidden);
});

test('following: on and off, and followersOf lists who to write to', async () => {
  const { ctx, userId, email } = await person();
  assert.equal(await followIdea(ctx, TOOL_LIBRARY), true);
  assert.equal(await followIdea(ctx, TOOL_LIBRARY), false);
  const followers = await followersOf(t.db, TOOL_LIBRARY);
  assert.ok(followers.some((f) => f.userId === userId && f.email === email && f.language === 'en'));
  assert.ok(
    followers.some((f) => f.userId === '1dea0000-0000-4000-8000-000000000802'),
    'the author',
  );
  assert.equal(await unfollowIdea(ctx, TOOL_LIBRARY), true);
  assert.ok(!(await followersOf(t.db, TOOL_LIBRARY)).some((f) => f.userId === userId));
  assert.deepEqual(await followersOf(t.db, 'nope'), []);
});

test('comments: threaded replies must answer a published comment on the same idea; deep replies join level 3', async () => {
  const seeded = await commentThread(await visitor(), DEMO_IDEA_ID);
  const first = seeded.find((c) => c.id === DEMO_IDEA_COMMENT_ID);
  assert.ok(first);
  assert.equal(first.depth, 1);
  const second = first.replies[0];
  assert.equal(second?.depth, 2);
  const third = second?.replies[0];
  assert.equal(third?.depth, 3);
  // The fourth level is listed under the third, at the same depth, saying whom it answers.
  const fourth = third?.replies[0];
  assert.equal(fourth?.depth, 3);
  assert.equal(fourth?.inReplyTo, third?.authorName);

  const { ctx } = await person();
  const otherIdeaComment = (await commentThread(await visitor(), TOOL_LIBRARY))[0]?.id as string;
  const wrong = await fieldErrors(
    addComment(ctx, DEMO_IDEA_ID, { body: 'Me too', parentId: otherIdeaComment }, META),
  );
  assert.deepEqual(wrong, { body: 'ideas.posting.errors.parentUnknown' });
  assert.deepEqual(await fieldErrors(addComment(ctx, DEMO_IDEA_ID, { body: '  ' }, META)), {
    body: 'ideas.posting.errors.commentMissing',
  });
  assert.deepEqual(await fieldErrors(addComment(ctx, DEMO_IDEA_ID, { body: 'x'.repeat(2001) }, META)), {
    body: 'ideas.posting.errors.commentTooLong',
  });

  // A new account's first comment waits; nobody else sees it, nor can they reply to it.
  const added = await addComment(
    ctx,
    DEMO_IDEA_ID,
    { body: 'Could the benches have arms?', parentId: DEMO_IDEA_COMMENT_ID },
    META,
  );
  assert.equal(added?.status, 'pending');
  const seenByOthers = await commentThread(await visitor(), DEMO_IDEA_ID);
  assert.ok(!JSON.stringify(seenByOthers).includes('have arms'));
  const seenByAuthor = await commentThread(ctx, DEMO_IDEA_ID);
  const mine = seenByAuthor
    .find((c) => c.id === DEMO_IDEA_COMMENT_ID)
    ?.replies.find((r) => r.id === added?.id);
  assert.equal(mine?.status, 'pending');
  assert.equal(mine?.depth, 2);
  const replier = await person();
  assert.deepEqual(
    await fieldErrors(
      addComment(replier.ctx, DEMO_IDEA_ID, { body: 'Yes!', parentId: added?.id as string }, META),
    ),
    { body: 'ideas.posting.errors.parentUnknown' },
  );
  await moderate({ type: 'idea-comment', id: added?.id as string }, 'publish');
  const reply = await addComment(
    replier.ctx,
    DEMO_IDEA_ID,
    { body: 'Yes, arms help people get up.', parentId: added?.id as string },
    META,
  );
  assert.ok(reply);
});

test('a hidden comment shows as hidden to others, with its words and reason for its author only', async () => {
  const author = await person();
  // An author with a published post already: the comment goes straight up.
  await t.db.query(
    `insert into moderation_items (place_id, module, content_type, content_id, author_id, summary, url, status)
     values ($1, 'ideas', 'idea-comment', 'earlier', $2, 'earlier', '/', 'published')`,
    [(await thePlace()).id, author.userId],
  );
  const added = await addComment(author.ctx, TOOL_LIBRARY, { body: 'Buy my drills at drillz dot com' }, META);
  assert.equal(added?.status, 'published');
  await moderate(
    { type: 'idea-comment', id: added?.id as string },
    'hide',
    'Advertising is against the house rules',
  );
  const others = (await commentThread(await visitor(), TOOL_LIBRARY)).find((c) => c.id === added?.id);
  assert.equal(others?.status, 'hidden');
  assert.equal(others?.body, null);
  assert.equal(others?.authorName, null);
  assert.equal(others?.hiddenReason, null);
  const own = (await commentThread(author.ctx, TOOL_LIBRARY)).find((c) => c.id === added?.id);
  assert.equal(own?.body, 'Buy my drills at drillz dot com');
  assert.equal(own?.hiddenReason, 'Advertising is against the house rules');
  assert.equal(
    (await getIdea(await visitor(), TOOL_LIBRARY)).commentCount,
    2,
    'the two seeded comments, not the hidden one',
  );
});

test('open calls are those open today; a closed one cannot be answered', async () => {
  const ctx = await visitor();
  assert.ok((await openCalls(ctx)).some((c) => c.id === DEMO_CALL_ID));
  const [closed] = await t.db.query<{ id: string }>(
    `insert into idea_calls (place_id, question, opens_on, closes_on)
     values ($1, 'An old question', current_date - 60, current_date - 30) returning id`,
    [(await thePlace()).id],
  );
  assert.ok(!(await openCalls(ctx)).some((c) => c.id === closed?.id));
  const { ctx: me } = await person();
  assert.deepEqual(
    await fieldErrors(postIdea(me, await store(), { ...IDEA, answers: `call:${closed?.id}` }, [], META)),
    {
      answers: 'ideas.posting.errors.callClosed',
    },
  );
});

test('privacy: export lists ideas, comments, supports and follows; erasure keeps ideas and comments unsigned', async () => {
  const p = await person();
  const idea = await postIdea(
    p.ctx,
    await store(),
    { ...IDEA, title: 'Swap shop for school uniforms' },
    [],
    META,
  );
  await supportIdea(p.ctx, TOOL_LIBRARY);
  await followIdea(p.ctx, TOOL_LIBRARY);
  await t.db.query(
    `insert into moderation_items (place_id, module, content_type, content_id, author_id, summary, url, status)
     values ($1, 'ideas', 'idea-comment', 'earlier2', $2, 'earlier', '/', 'published')`,
    [(await thePlace()).id, p.userId],
  );
  const comment = await addComment(p.ctx, TOOL_LIBRARY, { body: 'I have a ladder to lend.' }, META);
  const data = await ideaPostingPrivacy.exportFor?.(t.db, p);
  assert.equal(data?.ideas?.length, 1);
  assert.equal(data?.idea_comments?.length, 1);
  assert.equal(data?.idea_supports?.length, 1);
  assert.equal(data?.idea_follows?.length, 2, 'their own idea and the one they follow');
  const kept = await t.db.transaction((tx) => ideaPostingPrivacy.eraseFor?.(tx, p) ?? Promise.resolve([]));
  assert.deepEqual(kept, ['ideas.posting.privacy.keptOnErase']);
  const [i] = await t.db.query<{ author_id: string | null }>('select author_id from ideas where id = $1', [
    idea?.id ?? '',
  ]);
  assert.equal(i?.author_id, null);
  const [c] = await t.db.query<{ author_id: string | null; body: string }>(
    'select author_id, body from idea_comments where id = $1',
    [comment?.id ?? ''],
  );
  assert.equal(c?.author_id, null);
  assert.equal(c?.body, 'I have a ladder to lend.');
  const left = await t.db.query(
    'select 1 from idea_supports where user_id = $1 union all select 1 from idea_follows where user_id = $1',
    [p.userId],
  );
  assert.equal(left.length, 0);
});

test('an organiser may post for their group, answering a council challenge; the group is shown, not the person', async () => {
  const p = await person();
  const [group] = await t.db.query<{ id: string; name: string }>(
    `select g.id, g.name from directory_groups g join places pl on pl.id = g.place_id
     where pl.slug = 'trafford' and g.merged_into is null order by g.name limit 1`,
  );
  assert.ok(group);
  await t.db.query(
    `insert into directory_group_members (place_id, group_id, user_id, role)
     select place_id, id, $2, 'organiser' from directory_groups where id = $1`,
    [group.id, p.userId],
  );
  const [challenge] = await t.db.query<{ id: string; title: string }>(
    "select id, title from aid_challenges where status = 'published' order by published_at desc limit 1",
  );
  assert.ok(challenge, 'the demo has a published challenge');
  const posted = await postIdea(
    p.ctx,
    await store(),
    { ...IDEA, title: 'Group litter picks on Sunday', group: group.id, answers: `challenge:${challenge.id}` },
    [],
    META,
  );
  assert.ok(posted);
  const idea = await getIdea(p.ctx, posted.id);
  assert.deepEqual(idea.postedBy, {
    kind: 'group',
    name: group.name,
    slug: idea.postedBy.kind === 'group' ? idea.postedBy.slug : '',
  });
  assert.deepEqual(idea.challenge, { id: challenge.id, title: challenge.title });
  // Someone who does not organise it cannot post in its name.
  const other = await person();
  assert.deepEqual(
    await fieldErrors(postIdea(other.ctx, await store(), { ...IDEA, group: group.id }, [], META)),
    {
      group: 'ideas.posting.errors.groupUnknown',
    },
  );
});
