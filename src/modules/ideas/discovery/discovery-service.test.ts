import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { listWards } from '../../wards/ward-service.js';
import { DEMO_CALL_ID, DEMO_IDEAS, DEMO_PENDING_IDEA_ID } from '../seed/demo-ideas.js';
import { NO_FILTERS, NO_WARD, readFilters } from './discovery-filters.js';
import { ideaCountsByWard, ideaStats, listIdeas, resolveFilters } from './discovery-service.js';
import {
  comment,
  insertCall,
  insertIdea,
  publicContext,
  support,
  trafford,
} from './discovery-test-fixtures.js';

const t = useTestApp();
const DEMO_CHALLENGE = '7c1e2b9a-3d4f-4a5b-8c6d-0e1f2a3b4c01';

async function setup() {
  const place = await trafford(t.db);
  const ctx = publicContext(t.db, place);
  const wards = new Map((await listWards(ctx)).map((w) => [w.slug, w.code]));
  const code = (slug: string) => wards.get(slug) as string;
  return { place, ctx, code };
}

const ids = (items: { id: string }[]) => items.map((i) => i.id);
const titles = (items: { title: string }[]) => items.map((i) => i.title);
const demo = (n: number) => DEMO_IDEAS[n - 1]?.id as string;

test('the list shows published ideas only, newest first, without their authors', async () => {
  const { ctx, place } = await setup();
  const hidden = await insertIdea(t.db, place, { title: 'A hidden idea', status: 'hidden' });
  const { items, total } = await listIdeas(ctx, NO_FILTERS);
  assert.ok(!ids(items).includes(DEMO_PENDING_IDEA_ID), 'the idea waiting for moderation');
  assert.ok(!ids(items).includes(hidden), 'a hidden idea');
  assert.equal(total, items.length);
  assert.deepEqual(
    ids(items),
    ids([...items].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())),
    'newest first',
  );
  for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) assert.ok(ids(items).includes(demo(n)), `demo idea ${n}`);
  assert.ok(!('authorId' in (items[0] as object)), 'no author');
});

test('a ward filters by code or slug; "none" finds ideas for an area described in words', async () => {
  const { ctx, code } = await setup();
  const bySlug = await resolveFilters(ctx, { ward: 'altrincham' });
  assert.equal(bySlug.filters.ward, code('altrincham'));
  const byCode = await resolveFilters(ctx, { ward: code('altrincham') });
  assert.equal(byCode.filters.ward, code('altrincham'));
  const { items } = await listIdeas(ctx, bySlug.filters);
  assert.ok(items.length >= 2);
  assert.ok(items.every((i) => i.wardCode === code('altrincham') && i.wardName === 'Altrincham'));
  assert.ok(ids(items).includes(demo(1)) && ids(items).includes(demo(6)));

  const none = await resolveFilters(ctx, { ward: 'none' });
  assert.equal(none.filters.ward, NO_WARD);
  const words = await listIdeas(ctx, none.filters);
  assert.ok(ids(words.items).includes(demo(8)));
  assert.ok(words.items.every((i) => i.wardCode === null));
  assert.equal(words.items.find((i) => i.id === demo(8))?.area, 'Partington and Carrington');
});

test('stages and themes filter by any of those chosen', async () => {
  const { ctx } = await setup();
  const developing = await listIdeas(ctx, { ...NO_FILTERS, stages: ['developing'] });
  assert.ok(developing.items.every((i) => i.stage === 'developing'));
  assert.ok(ids(developing.items).includes(demo(4)) && ids(developing.items).includes(demo(5)));
  const two = await listIdeas(ctx, { ...NO_FILTERS, stages: ['adopted', 'learned'] });
  assert.deepEqual(new Set(two.items.map((i) => i.stage)), new Set(['adopted', 'learned']));

  const food = await listIdeas(ctx, { ...NO_FILTERS, themes: ['food'] });
  assert.ok(food.items.every((i) => i.theme === 'food'));
  assert.ok(ids(food.items).includes(demo(3)));
  const both = await listIdeas(ctx, { ...NO_FILTERS, themes: ['high-streets'], stages: ['testing'] });
  assert.ok(ids(both.items).includes(demo(6)));
  assert.ok(!ids(both.items).includes(demo(1)), 'a high-streets idea that is only proposed');
});

test('an open call filters to the ideas answering it; a challenge also finds ideas through its calls', async () => {
  const { ctx, place } = await setup();
  const call = await listIdeas(ctx, { ...NO_FILTERS, callId: DEMO_CALL_ID });
  assert.deepEqual(new Set(ids(call.items)), new Set([demo(1), demo(5), demo(6)]));

  const challengeCall = await insertCall(t.db, place, { challengeId: DEMO_CHALLENGE });
  const throughCall = await insertIdea(t.db, place, { title: 'Lunch club by call', callId: challengeCall });
  const direct = await insertIdea(t.db, place, { title: 'Lunch club direct', challengeId: DEMO_CHALLENGE });
  const other = await insertIdea(t.db, place, { title: 'Unrelated' });
  const resolved = await resolveFilters(ctx, { challenge: DEMO_CHALLENGE });
  assert.deepEqual(resolved.rejected, {});
  const { items } = await listIdeas(ctx, resolved.filters);
  assert.deepEqual(new Set(ids(items)), new Set([throughCall, direct]));
  assert.ok(!ids(items).includes(other));
});

test('where the place does not use mutual aid, there are no challenges to filter by', async () => {
  const { ctx } = await setup();
  const without = {
    ...ctx,
    place: { ...ctx.place, modules: ctx.place.modules.filter((m) => m !== 'mutual-aid') },
  };
  assert.deepEqual((await resolveFilters(ctx, { challenge: DEMO_CHALLENGE })).rejected, {});
  const off = await resolveFilters(without, { challenge: DEMO_CHALLENGE });
  assert.equal(off.filters.challengeId, null);
  assert.equal(off.rejected.challenge, 'ideas.discovery.errors.challenge');
});

test('words find ideas by title or summary, accents and small misspellings too', async () => {
  const { ctx, place } = await setup();
  const cafe = await listIdeas(ctx, { ...NO_FILTERS, q: 'CAFÉ' });
  assert.deepEqual(ids(cafe.items), [demo(6)]);
  const misspelt = await listIdeas(ctx, { ...NO_FILTERS, q: 'benchs' });
  assert.ok(ids(misspelt.items).includes(demo(1)));
  const summary = await listIdeas(ctx, { ...NO_FILTERS, q: 'drill ladders' });
  assert.deepEqual(ids(summary.items), [demo(2)], 'every word must be found');
  const nothing = await listIdeas(ctx, { ...NO_FILTERS, q: 'xylophone orchestra' });
  assert.equal(nothing.total, 0);

  // LIKE's wildcards are plain characters; short words still search.
  const percent = await insertIdea(t.db, place, { title: 'Give 100% to the park' });
  assert.deepEqual(ids((await listIdeas(ctx, { ...NO_FILTERS, q: '100%' })).items), [percent]);
  assert.equal((await listIdeas(ctx, { ...NO_FILTERS, q: '%' })).items.length, 1);
  assert.equal((await listIdeas(ctx, { ...NO_FILTERS, q: '_' })).total, 0);
  assert.ok((await listIdeas(ctx, { ...NO_FILTERS, q: 'in' })).total >= 1);
});

test('most supported counts supports then newest; comments count published ones only', async () => {
  const { ctx, place } = await setup();
  const call = await insertCall(t.db, place);
  const older = await insertIdea(t.db, place, { callId: call, daysAgo: 30 });
  const newer = await insertIdea(t.db, place, { callId: call, daysAgo: 2 });
  const popular = await insertIdea(t.db, place, { callId: call, daysAgo: 50 });
  await support(t.db, popular, 3);
  await support(t.db, older, 1);
  await support(t.db, newer, 1);
  await comment(t.db, older, 'published');
  await comment(t.db, older, 'published');
  await comment(t.db, older, 'pending');
  await comment(t.db, older, 'hidden');

  const { items } = await listIdeas(ctx, { ...NO_FILTERS, callId: call, sort: 'supported' });
  assert.deepEqual(ids(items), [popular, newer, older]);
  assert.deepEqual(
    items.map((i) => i.supports),
    [3, 1, 1],
  );
  assert.equal(items.find((i) => i.id === older)?.comments, 2);

  const newest = await listIdeas(ctx, { ...NO_FILTERS, callId: call });
  assert.deepEqual(ids(newest.items), [newer, older, popular]);
});

test('most active sorts by the last activity, not when the idea was posted', async () => {
  const { ctx, place } = await setup();
  const call = await insertCall(t.db, place);
  const quiet = await insertIdea(t.db, place, { callId: call, daysAgo: 1, activeDaysAgo: 1 });
  const busy = await insertIdea(t.db, place, { callId: call, daysAgo: 90, activeDaysAgo: 0 });
  const stale = await insertIdea(t.db, place, { callId: call, daysAgo: 5, activeDaysAgo: 5 });
  const { items } = await listIdeas(ctx, { ...NO_FILTERS, callId: call, sort: 'active' });
  assert.deepEqual(ids(items), [busy, quiet, stale]);
});

test('paging gives the total and a page at a time, past the end an empty page', async () => {
  const { ctx } = await setup();
  const all = await listIdeas(ctx, NO_FILTERS);
  const first = await listIdeas(ctx, NO_FILTERS, { limit: 3, offset: 0 });
  const second = await listIdeas(ctx, NO_FILTERS, { limit: 3, offset: 3 });
  assert.equal(first.total, all.total);
  assert.deepEqual([...ids(first.items), ...ids(second.items)], ids(all.items).slice(0, 6));
  const beyond = await listIdeas(ctx, NO_FILTERS, { limit: 3, offset: 10_000 });
  assert.deepEqual(beyond.items, []);
  assert.equal(beyond.total, all.total);
});

test('what cannot be understood in a query is left out and named, never an error', async () => {
  const { ctx } = await setup();
  const hostile = await resolveFilters(ctx, {
    stage: ['proposed', 'nonsense', "'; drop table ideas; --"],
    theme: 'food,<script>',
    ward: 'atlantis',
    call: 'not-a-uuid',
    challenge: '00000000-0000-4000-8000-000000000000',
    sort: 'random',
    q: `${'x'.repeat(500)}\u0000`,
  });
  assert.deepEqual(hostile.filters.stages, ['proposed']);
  assert.deepEqual(hostile.filters.themes, ['food']);
  assert.equal(hostile.filters.ward, null);
  assert.equal(hostile.filters.callId, null);
  assert.equal(hostile.filters.challengeId, null);
  assert.equal(hostile.filters.sort, 'newest');
  assert.equal(hostile.filters.q.length, 200);
  assert.deepEqual(Object.keys(hostile.rejected).sort(), [
    'call',
    'challenge',
    'sort',
    'stage',
    'theme',
    'ward',
  ]);
  await listIdeas(ctx, hostile.filters);

  // A well-formed call id of another place (or none) is unknown here.
  const unknownCall = await resolveFilters(ctx, { call: '1dea0000-0000-4000-8000-000000099999' });
  assert.equal(unknownCall.rejected.call, 'ideas.discovery.errors.call');
  // Odd shapes: objects, numbers, nested arrays.
  const odd = readFilters({ stage: { a: 1 }, ward: ['altrincham', 'sale'], q: 42, sort: ['supported'] });
  assert.deepEqual(odd.filters.stages, []);
  assert.equal(odd.wardAsked, 'altrincham');
  assert.equal(odd.filters.q, '');
  assert.equal(odd.filters.sort, 'supported');
  assert.deepEqual(readFilters(null).filters, NO_FILTERS);
});

test('counts by ward list every ward, by stage, with the ideas not in one ward apart', async () => {
  const { ctx, place, code } = await setup();
  const before = await ideaCountsByWard(ctx);
  assert.ok(before.wards.length > 10, 'every ward, with noughts');
  const altrincham = before.wards.find((w) => w.code === code('altrincham'));
  assert.ok(altrincham && altrincham.byStage.proposed >= 1 && altrincham.byStage.testing >= 1);
  assert.ok(before.noWard.byStage.learned >= 1, 'the homework club, for an area in words');
  assert.equal(before.total, before.wards.reduce((n, w) => n + w.total, 0) + before.noWard.total);
  assert.equal(before.total, (await listIdeas(ctx, NO_FILTERS)).total);

  await insertIdea(t.db, place, { wardCode: code('longford'), stage: 'testing', theme: 'older-people' });
  await insertIdea(t.db, place, { wardCode: code('longford'), status: 'pending' });
  const after = await ideaCountsByWard(ctx);
  const longford = (c: typeof after) => c.wards.find((w) => w.code === code('longford'));
  assert.equal(longford(after)?.byStage.testing, (longford(before)?.byStage.testing ?? 0) + 1);
  assert.equal(longford(after)?.total, (longford(before)?.total ?? 0) + 1, 'not the pending idea');

  // The other filters narrow the counts; the ward filter does not apply to a breakdown by ward.
  const older = await ideaCountsByWard(ctx, { themes: ['older-people'], ward: code('altrincham') });
  assert.equal(longford(older)?.total, 1);
  assert.equal(older.total, 1);
});

test('the figures for the annual report: ideas posted, by stage and by ward, for a period', async () => {
  const { ctx, code } = await setup();
  const stats = await ideaStats(ctx);
  const posted = stats.find((s) => s.key === 'ideas.posted');
  const counts = await ideaCountsByWard(ctx);
  assert.equal(posted?.value, counts.total);
  assert.ok((posted?.byWard?.[code('altrincham')] ?? 0) >= 2);
  const adopted = stats.find((s) => s.key === 'ideas.stage.adopted');
  assert.equal(
    adopted?.value,
    counts.wards.reduce((n, w) => n + w.byStage.adopted, 0) + counts.noWard.byStage.adopted,
  );
  assert.equal(stats.length, 6);

  // Only ideas posted in the period: the demo's oldest idea was posted 300 days ago.
  const lastYear = await ideaStats(ctx, {
    from: new Date(Date.now() - 400 * 86_400_000),
    to: new Date(Date.now() - 200 * 86_400_000),
  });
  assert.equal(lastYear.find((s) => s.key === 'ideas.posted')?.value, 2, 'wildflowers and the homework club');
});

test('titles in the list are as posted', async () => {
  const { ctx } = await setup();
  const { items } = await listIdeas(ctx, { ...NO_FILTERS, q: 'wildflower' });
  assert.deepEqual(titles(items), ['Wildflower verges instead of mowing']);
});
