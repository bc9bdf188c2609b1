import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freshDatabase } from '../../../test/helpers/database.js';
import { makePerson } from '../../../test/helpers/people.js';
import { withTransaction } from '../db/transaction.js';
import type { Db } from '../db/types.js';
import { findPlaceBySlug, type Place } from '../places/place-service.js';
import type { Actor } from '../roles/permissions.js';
import { commentSeenBy, commentsSeenBy, type StoredComment } from './comment-visibility.js';
import { decide, registerPost } from './moderation-service.js';

const AUTHOR = '00000000-0000-4000-8000-00000000000a';
const author: Actor = { userId: AUTHOR, roles: ['resident'], platformAdmin: false };
const neighbour: Actor = {
  userId: '00000000-0000-4000-8000-00000000000b',
  roles: ['resident'],
  platformAdmin: false,
};
const moderator: Actor = {
  userId: '00000000-0000-4000-8000-00000000000c',
  roles: ['officer'],
  platformAdmin: false,
};
const item = { itemId: 'item-1', hiddenReason: 'Names a neighbour' };

const comment = (status: StoredComment['moderation_status']): StoredComment => ({
  id: 'c1',
  author_id: AUTHOR,
  author_name: 'Ann',
  body: 'The bins are late again',
  moderation_status: status,
  created_at: new Date('2026-11-01T10:00:00Z'),
});

test('a published comment is shown to everyone, marked as their own to its author', () => {
  for (const viewer of [null, neighbour, author, moderator]) {
    const seen = commentSeenBy(viewer, comment('published'), { itemId: 'item-1', hiddenReason: null });
    assert.equal(seen?.body, 'The bins are late again');
    assert.equal(seen?.authorName, 'Ann');
    assert.equal(seen?.moderationItemId, 'item-1');
    assert.equal(seen?.mine, viewer === author);
  }
});

test('a pending comment is shown only to its author and moderators', () => {
  assert.equal(commentSeenBy(null, comment('pending'), item), null);
  assert.equal(commentSeenBy(neighbour, comment('pending'), item), null);
  assert.equal(commentSeenBy(author, comment('pending'), item)?.body, 'The bins are late again');
  assert.equal(commentSeenBy(moderator, comment('pending'), item)?.body, 'The bins are late again');
});

test('a hidden comment stays in place for everyone, its words and reason for its author and moderators', () => {
  for (const viewer of [null, neighbour]) {
    const seen = commentSeenBy(viewer, comment('hidden'), item);
    assert.equal(seen?.status, 'hidden');
    assert.equal(seen?.body, null);
    assert.equal(seen?.authorName, null);
    assert.equal(seen?.hiddenReason, null);
  }
  for (const viewer of [author, moderator]) {
    const seen = commentSeenBy(viewer, comment('hidden'), item);
    assert.equal(seen?.body, 'The bins are late again');
    assert.equal(seen?.authorName, 'Ann');
    assert.equal(seen?.hiddenReason, 'Names a neighbour');
  }
});

test('a comment whose author has gone is nobody’s own, even to a visitor', () => {
  const orphan = { ...comment('published'), author_id: null, author_name: null };
  assert.equal(commentSeenBy(null, orphan, undefined)?.mine, false);
  assert.equal(commentSeenBy(null, orphan, undefined)?.moderationItemId, null);
});

let db: Db;
let place: Place;
before(async () => {
  db = await freshDatabase();
  place = (await findPlaceBySlug(db, 'trafford')) as Place;
});
after(() => db.close());

test('comments are matched with their moderation items, keeping their order', async () => {
  const writer = await makePerson(db);
  const officer = await makePerson(db, { roles: ['officer'] });
  const writerActor: Actor = { userId: writer.userId, roles: ['resident'], platformAdmin: false };
  const officerActor: Actor = { userId: officer.userId, roles: ['officer'], platformAdmin: false };
  const kind = { module: 'test-comments', contentType: 'comment' };
  for (const id of ['first', 'second']) {
    await withTransaction(db, (tx) =>
      registerPost(
        tx,
        { db, place, actor: officerActor, requestId: 'test' },
        { ...kind, contentId: id, summary: id, url: `/trafford/test-comments/${id}` },
      ),
    );
  }
  const [first] = await db.query<{ id: string }>(
    "select id from moderation_items where module = 'test-comments' and content_id = 'first'",
  );
  await decide(
    { db, place, actor: officerActor, requestId: 'test', baseUrl: 'http://localhost' },
    { itemId: first?.id as string, decision: 'hide', reason: 'Off topic' },
  );
  const rows: StoredComment[] = ['first', 'second'].map((id) => ({
    ...comment(id === 'first' ? 'hidden' : 'published'),
    id,
    author_id: writer.userId,
  }));
  const forWriter = await commentsSeenBy({ db, place, actor: writerActor }, kind, rows);
  assert.deepEqual(
    forWriter.map((c) => [c.row.id, c.seen.hiddenReason]),
    [
      ['first', 'Off topic'],
      ['second', null],
    ],
  );
  assert.equal(forWriter[0]?.seen.moderationItemId, first?.id);
  const forVisitor = await commentsSeenBy({ db, place, actor: null }, kind, rows);
  assert.equal(forVisitor[0]?.seen.hiddenReason, null);
});
