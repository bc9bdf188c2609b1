import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freshDatabase } from '../../../test/helpers/database.js';
import { haversineMetres } from '../../lib/geo/index.js';
import type { Db } from '../db/types.js';
import { Invalid } from '../http/errors.js';
import type { ServiceContext } from '../http/request-context.js';
import type { Place } from '../places/place-service.js';
import { removeDocument } from './search-index.js';
import { searchDirectory } from './search-service.js';
import { createSearchPlace, DOCS, indexDocs, WARDS, walkingGroups } from './search-test-fixtures.js';

let db: Db;
let place: Place;
let other: Place;
let walks: Place;
let ctx: ServiceContext;

before(async () => {
  db = await freshDatabase();
  place = await createSearchPlace(db, 'search-town');
  other = await createSearchPlace(db, 'other-town');
  walks = await createSearchPlace(db, 'walking-town');
  await indexDocs(db, place);
  await indexDocs(db, other, [
    { ...(DOCS[0] as (typeof DOCS)[number]), refId: 'elsewhere', title: 'Yoga somewhere else' },
  ]);
  await indexDocs(db, walks, walkingGroups(25));
  ctx = { db, place, actor: null };
});
after(() => db.close());

const titles = async (query: Record<string, unknown>, c = ctx) =>
  (await searchDirectory(c, query)).items.map((i) => i.title);

describe('words', () => {
  test('a misspelling finds the right record either way round', async () => {
    assert.deepEqual(await titles({ q: 'yoga' }), ['Yoga in the park', 'Yogga for beginners']);
    const yogga = await searchDirectory(ctx, { q: 'yogga' });
    assert.deepEqual(
      yogga.items.map((i) => [i.title, i.match]),
      [
        // The exact word first, then the one that only looks alike.
        ['Yogga for beginners', 'words'],
        ['Yoga in the park', 'spelling'],
      ],
    );
  });

  test('accents are folded both ways: cafe, Dwr, ty coffi', async () => {
    assert.deepEqual(await titles({ q: 'cafe' }), ['Caffi Café Dŵr']);
    assert.deepEqual(await titles({ q: 'Dwr' }), ['Caffi Café Dŵr']);
    assert.deepEqual(await titles({ q: 'dŵr' }), ['Caffi Café Dŵr']);
    // "coffi" also looks like "caffi"; the whole-word match comes first.
    const ty = await searchDirectory(ctx, { q: 'ty coffi' });
    assert.deepEqual(
      ty.items.map((i) => [i.title, i.match]),
      [
        ['Tŷ Coffi community hub', 'words'],
        ['Caffi Café Dŵr', 'spelling'],
      ],
    );
    assert.deepEqual(await titles({ q: 'CAFÉ' }), ['Caffi Café Dŵr']);
  });

  test('English stems, summaries, body text and tags match', async () => {
    assert.deepEqual(await titles({ q: 'swimmers' }), ['Stretford Swimming Club']);
    assert.deepEqual(await titles({ q: 'employment' }), ['Tŷ Coffi community hub']);
    assert.deepEqual(await titles({ q: 'library of things' }), ['Tŷ Coffi community hub']);
    // A misspelt word with a correct one: each word must look like a word of the title.
    assert.deepEqual(await titles({ q: 'swiming club' }), ['Stretford Swimming Club']);
  });

  test('a title match outranks a match in the summary', async () => {
    const result = await titles({ q: 'food' });
    assert.equal(result[0], 'Sale Moor Food Bank');
    assert.ok(result.length >= 1);
  });

  test('hidden records and other places never appear', async () => {
    const everything = await searchDirectory(ctx, { perPage: 200 });
    assert.equal(everything.total, DOCS.filter((d) => d.visible).length);
    assert.ok(!everything.items.some((i) => i.title === 'Hidden yoga club'));
    assert.ok(!(await titles({ q: 'hidden yoga' })).includes('Hidden yoga club'));
    assert.ok(!(await titles({ q: 'somewhere' })).length);
    assert.deepEqual(await titles({ q: 'yoga' }, { db, place: other, actor: null }), ['Yoga somewhere else']);
  });

  test('a record removed from the index stops appearing', async () => {
    await db.transaction((tx) => removeDocument(tx, other.id, 'group', 'elsewhere'));
    assert.deepEqual(await titles({ q: 'yoga' }, { db, place: other, actor: null }), []);
  });
});

describe('filters', () => {
  test('ward, by slug or GSS code', async () => {
    const bySlug = await titles({ ward: 'stretford-humphrey-park' });
    assert.deepEqual(bySlug, ['Stretford Swimming Club', 'Yogga for beginners']);
    assert.deepEqual(await titles({ ward: WARDS.stretford }), bySlug);
    assert.deepEqual(await titles({ q: 'yoga', ward: 'urmston' }), ['Yoga in the park']);
  });

  test('kind and category (any of those chosen)', async () => {
    assert.deepEqual(await titles({ kind: 'service' }), ['Caffi Café Dŵr', 'Debt advice drop-in']);
    assert.deepEqual(await titles({ kind: ['hub', 'service'], category: 'money-debt' }), [
      'Debt advice drop-in',
      'Tŷ Coffi community hub',
    ]);
    assert.deepEqual(await titles({ category: 'food,older-people' }), [
      'Caffi Café Dŵr',
      'Chair-based exercise',
      'Sale Moor Food Bank',
    ]);
  });

  test('day and time of day', async () => {
    assert.deepEqual(await titles({ day: 'th' }), [
      'Caffi Café Dŵr',
      'Debt advice drop-in',
      'Sale Moor Food Bank',
    ]);
    assert.deepEqual(await titles({ day: 'TH', time: 'morning' }), ['Caffi Café Dŵr', 'Debt advice drop-in']);
    assert.deepEqual(await titles({ time: 'evening' }), ['Online knitting circle', 'Yogga for beginners']);
  });

  test('age: inside the range, and open ranges mean all ages', async () => {
    const at3 = await titles({ age: '3' });
    assert.ok(at3.includes('Polish mums and toddlers'));
    assert.ok(at3.includes('Yoga in the park'), 'no age range means everyone');
    assert.ok(!at3.includes('Stretford Swimming Club'), 'swimming starts at 5');
    assert.ok(!at3.includes('Yogga for beginners'), 'yogga starts at 16');
    const at70 = await titles({ age: 70 });
    assert.ok(at70.includes('Chair-based exercise'));
    assert.ok(at70.includes('Yogga for beginners'), 'from 16 with no upper limit');
    assert.ok(!at70.includes('Polish mums and toddlers'));
    assert.ok(!(await titles({ age: 30 })).includes('Chair-based exercise'));
  });

  test('language, free and accessible', async () => {
    assert.deepEqual(await titles({ language: 'PL' }), ['Debt advice drop-in', 'Polish mums and toddlers']);
    assert.equal((await searchDirectory(ctx, { language: 'en' })).total, 10, 'everything is in English');
    const free = await titles({ free: 'true', perPage: 50 });
    assert.equal(free.length, DOCS.filter((d) => d.visible && d.free === true).length);
    assert.ok(!free.includes('Yoga in the park'));
    assert.deepEqual(await titles({ q: 'yoga', accessible: 'on' }), ['Yogga for beginners']);
    assert.deepEqual(await titles({ free: 'false' }), await titles({}), 'false means no filter');
  });

  test('facets count the results by category and by ward', async () => {
    const r = await searchDirectory(ctx, { category: 'food' });
    assert.deepEqual(
      r.items.map((i) => i.title),
      ['Caffi Café Dŵr', 'Sale Moor Food Bank'],
    );
    const cats = Object.fromEntries(r.facets.categories.map((c) => [c.category, c.count]));
    assert.deepEqual(cats, { food: 2, 'money-debt': 1, 'social-befriending': 1 });
    assert.equal(r.facets.categories[0]?.category, 'food', 'largest first');
    const wards = Object.fromEntries(r.facets.wards.map((w) => [w.ward.slug, w.count]));
    assert.deepEqual(wards, { altrincham: 1, 'sale-moor': 1 });
  });
});

describe('distance', () => {
  test('sorts by distance from a ward centre, with the distances a haversine gives', async () => {
    const r = await searchDirectory(ctx, { near: 'altrincham', perPage: 50 });
    assert.equal(r.sort, 'distance');
    assert.equal(r.origin?.ward?.name, 'Altrincham');
    const origin = [r.origin?.lon, r.origin?.lat] as [number, number];
    const located = r.items.filter((i) => i.point);
    for (const item of located) {
      const expected = haversineMetres(origin, [item.point?.lon ?? 0, item.point?.lat ?? 0]);
      assert.ok(
        Math.abs((item.distanceMetres ?? -1) - expected) <= 1,
        `${item.title} ${item.distanceMetres} vs ${expected}`,
      );
    }
    const distances = located.map((i) => i.distanceMetres ?? 0);
    assert.deepEqual(
      distances,
      [...distances].sort((a, b) => a - b),
    );
    assert.equal(r.items[0]?.title, 'Caffi Café Dŵr');
    // A record with no location comes last, with no distance.
    assert.equal(r.items.at(-1)?.title, 'Online knitting circle');
    assert.equal(r.items.at(-1)?.distanceMetres, null);
  });

  test('from a point, with words: relevance unless distance is asked for', async () => {
    const point = { lat: '53.46', lng: '-2.265' }; // Old Trafford
    const byRelevance = await searchDirectory(ctx, { q: 'yoga', ...point });
    assert.equal(byRelevance.sort, 'relevance');
    const byDistance = await searchDirectory(ctx, { q: 'yoga', ...point, sort: 'distance' });
    assert.deepEqual(
      byDistance.items.map((i) => i.title),
      ['Yogga for beginners', 'Yoga in the park'],
    );
    const [a, b] = byDistance.items;
    assert.ok((a?.distanceMetres ?? 0) < (b?.distanceMetres ?? 0));
  });

  test('sorting by distance needs a place to measure from', async () => {
    await assert.rejects(
      searchDirectory(ctx, { sort: 'distance' }),
      (e: unknown) => e instanceof Invalid && e.fieldErrors.sort === 'directory.search.errors.sortNeedsPlace',
    );
  });
});

describe('paging', () => {
  const walkCtx = () => ({ db, place: walks, actor: null });

  test('pages through in a stable order, the last page is short, past the end is empty', async () => {
    const first = await searchDirectory(walkCtx(), { q: 'walking', perPage: 10 });
    assert.equal(first.total, 25);
    assert.equal(first.totalPages, 3);
    assert.equal(first.items.length, 10);
    const third = await searchDirectory(walkCtx(), { q: 'walking', perPage: 10, page: 3 });
    assert.equal(third.items.length, 5);
    assert.equal(third.total, 25);
    const beyond = await searchDirectory(walkCtx(), { q: 'walking', perPage: 10, page: 4 });
    assert.deepEqual(beyond.items, []);
    assert.equal(beyond.total, 25, 'the total is known past the end');
    assert.deepEqual(beyond.suggestions, [], 'no suggestions when there are results, just not here');
    const all = new Set<string>();
    for (const page of [1, 2, 3]) {
      for (const i of (await searchDirectory(walkCtx(), { q: 'walking', perPage: 10, page })).items)
        all.add(i.refId);
    }
    assert.equal(all.size, 25, 'no record is on two pages');
  });

  test('bad values are field errors, never a crash', async () => {
    for (const [query, field] of [
      [{ page: '0' }, 'page'],
      [{ page: 'abc' }, 'page'],
      [{ perPage: '500' }, 'perPage'],
      [{ age: '-1' }, 'age'],
      [{ age: '7.5' }, 'age'],
      [{ kind: 'castle' }, 'kind'],
      [{ category: 'sport-fitness,knitting' }, 'category'],
      [{ day: 'XX' }, 'day'],
      [{ sort: 'random' }, 'sort'],
      [{ lat: '53.4' }, 'lng'],
      [{ lat: '95', lng: '0' }, 'lat'],
      [{ ward: 'atlantis' }, 'ward'],
      [{ near: 'atlantis' }, 'near'],
      [{ free: 'maybe' }, 'free'],
      [{ q: 'x'.repeat(201) }, 'q'],
      [{ language: 'english!' }, 'language'],
    ] as const) {
      await assert.rejects(
        searchDirectory(ctx, query),
        (e: unknown) => e instanceof Invalid && field in e.fieldErrors,
        JSON.stringify(query),
      );
    }
  });

  test('odd but harmless text is searched, not refused', async () => {
    for (const q of ["' or 1=1 --", '"unclosed', '-', '!!!', 'a & b | c', '<script>', '%', 'the', '日本語']) {
      const r = await searchDirectory(ctx, { q });
      assert.equal(typeof r.total, 'number', q);
    }
  });
});

describe('suggestions when nothing matches', () => {
  test('a word too far from any title gets "did you mean", which then finds it', async () => {
    const r = await searchDirectory(ctx, { q: 'chiar exercise' });
    assert.equal(r.total, 0);
    const spelling = r.suggestions.find((s) => s.type === 'spelling');
    assert.ok(spelling && spelling.type === 'spelling', JSON.stringify(r.suggestions));
    assert.equal(spelling.q, 'chair exercise');
    const followed = await searchDirectory(ctx, spelling.query);
    assert.deepEqual(
      followed.items.map((i) => i.title),
      ['Chair-based exercise'],
    );
    assert.equal(spelling.count, followed.total);
  });

  test('a filter that rules everything out is offered for removal, with the count it would give', async () => {
    const r = await searchDirectory(ctx, { q: 'swimming', ward: 'altrincham' });
    assert.equal(r.total, 0);
    const ward = r.suggestions.find((s) => s.type === 'without-filter' && s.filter === 'ward');
    assert.ok(ward, JSON.stringify(r.suggestions));
    assert.equal(ward.count, 1);
    assert.deepEqual(
      (await searchDirectory(ctx, ward.query)).items.map((i) => i.title),
      ['Stretford Swimming Club'],
    );
    // Or keep the ward and drop the words: the café is in Altrincham.
    const words = r.suggestions.find((s) => s.type === 'without-words');
    assert.ok(words);
    assert.deepEqual(
      (await searchDirectory(ctx, words.query)).items.map((i) => i.title),
      ['Caffi Café Dŵr'],
    );
  });

  test('only removals that would find something are offered', async () => {
    // Without the ward it is still not free; without "free" it is still not in Altrincham.
    const r = await searchDirectory(ctx, { q: 'swimming', ward: 'altrincham', free: 'true' });
    assert.equal(r.total, 0);
    assert.deepEqual(
      r.suggestions.filter((s) => s.type === 'without-filter' || s.type === 'without-words'),
      [],
    );
    assert.ok(r.suggestions.some((s) => s.type === 'category'));
  });

  test('nonsense still gets the popular categories, each of which has results', async () => {
    const r = await searchDirectory(ctx, { q: 'zzqxj' });
    assert.equal(r.total, 0);
    const categories = r.suggestions.filter((s) => s.type === 'category');
    assert.ok(categories.length >= 3);
    assert.equal(categories[0]?.type === 'category' && categories[0].category, 'sport-fitness');
    for (const s of categories) assert.equal((await searchDirectory(ctx, s.query)).total, s.count);
  });
});
