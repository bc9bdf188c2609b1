import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createNeedCalendar, overlapMinutes, WEEKDAYS } from './availability.js';
import { categoryFit } from './categories.js';
import { type HelperLoad, type Need, type Offer, type RankedOffer, rankOffers } from './rank-offers.js';

const haversine = (a: { lon: number; lat: number }, b: { lon: number; lat: number }) => {
  const r = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * r) / 2) ** 2 +
    Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(((b.lon - a.lon) * r) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
};

// Real-looking places in Trafford.
const SALE_WATERSIDE = { lon: -2.3178, lat: 53.4245 };
const SALE_HIGH_STREET = { lon: -2.3213, lat: 53.4243 }; // ~230 m away
const SALE_MOOR = { lon: -2.3005, lat: 53.4178 }; // ~1.3 km away
const ALTRINCHAM = { lon: -2.3526, lat: 53.3872 }; // ~4.8 km away
const NOW = new Date('2026-02-09T08:00:00Z'); // a Monday morning

const need = (overrides: Partial<Need> = {}): Need => ({
  id: 'need-1',
  requesterId: 'resident-1',
  category: 'prescriptions',
  point: SALE_WATERSIDE,
  wardCode: 'E05000627',
  // Tuesday 10 February 2026, 09:00 to 17:00.
  window: { from: new Date('2026-02-10T09:00:00Z'), to: new Date('2026-02-10T17:00:00Z') },
  createdAt: NOW,
  ...overrides,
});

const offer = (id: string, overrides: Partial<Offer> = {}): Offer => ({
  id,
  helperId: `helper-${id}`,
  categories: ['shopping'],
  point: SALE_HIGH_STREET,
  wardCode: 'E05000627',
  maxDistanceMetres: 2_000,
  availability: { weekly: [], window: null },
  expiresAt: null,
  status: 'open',
  ...overrides,
});

const ids = (ranked: readonly RankedOffer[]) => ranked.map((r) => r.offer.id);

test('a prescription pickup is matched by a nearby shopper, below a nearby prescription helper', () => {
  const ranked = rankOffers(
    need(),
    [
      offer('shopper'),
      offer('chemist-runner', { categories: ['prescriptions'], point: SALE_MOOR }),
      offer('gardener', { categories: ['gardening'] }),
      offer('far-runner', { categories: ['prescriptions'], point: ALTRINCHAM, maxDistanceMetres: 8_000 }),
    ],
    { now: NOW },
  );
  assert.deepEqual(ids(ranked), ['chemist-runner', 'shopper', 'far-runner']);
  const shopper = ranked[1] as RankedOffer;
  assert.equal(shopper.reasons.categoryFit, 0.5);
  assert.ok(Math.abs((shopper.reasons.distanceMetres ?? 0) - 233) < 10);
  assert.equal(shopper.reasons.overlapMinutes, 8 * 60);
});

test('a dog walker 6 km away who will go 2 km is left out; one who will go 8 km is kept', () => {
  const walk = need({ category: 'dog-walking', point: SALE_WATERSIDE });
  // A little over 6 km due east.
  const sixKm = {
    lon: SALE_WATERSIDE.lon + 6_100 / (111_195 * Math.cos((53.4245 * Math.PI) / 180)),
    lat: 53.4245,
  };
  assert.ok(haversine(SALE_WATERSIDE, sixKm) > 6_000);
  const ranked = rankOffers(
    walk,
    [
      offer('short-legs', { categories: ['dog-walking'], point: sixKm, maxDistanceMetres: 2_000 }),
      offer('long-legs', { categories: ['dog-walking'], point: sixKm, maxDistanceMetres: 8_000 }),
    ],
    { now: NOW },
  );
  assert.deepEqual(ids(ranked), ['long-legs']);
});

test('an offer only on Saturdays is left out for a weekday need, kept for a Saturday one', () => {
  const saturdays = offer('saturdays', {
    availability: { weekly: [{ day: 'SA', from: '09:00', to: '13:00' }], window: null },
  });
  assert.deepEqual(ids(rankOffers(need(), [saturdays], { now: NOW })), []);
  const saturdayNeed = need({
    window: { from: new Date('2026-02-14T08:00:00Z'), to: new Date('2026-02-14T18:00:00Z') },
  });
  assert.deepEqual(ids(rankOffers(saturdayNeed, [saturdays], { now: NOW })), ['saturdays']);
});

test('across the night the clocks go forward, a slot in the missing hour never matches', () => {
  const weekend = need({
    // Saturday 28 March 2026 00:00 GMT to Monday 30 March 00:00 BST.
    window: { from: new Date('2026-03-28T00:00:00Z'), to: new Date('2026-03-29T23:00:00Z') },
  });
  const ranked = rankOffers(
    weekend,
    [
      offer('sunday-morning', {
        availability: { weekly: [{ day: 'SU', from: '09:00', to: '11:00' }], window: null },
      }),
      offer('night-owl', {
        availability: { weekly: [{ day: 'SU', from: '01:00', to: '02:00' }], window: null },
      }),
    ],
    { now: new Date('2026-03-27T12:00:00Z') },
  );
  assert.deepEqual(ids(ranked), ['sunday-morning']);
  assert.equal(ranked[0]?.reasons.overlapMinutes, 120);
});

test('without an exact point on either side, only offers in the same ward are suggested', () => {
  const wardOnly = need({ point: null });
  const ranked = rankOffers(
    wardOnly,
    [
      offer('same-ward'),
      offer('next-ward', { wardCode: 'E05000628' }),
      offer('no-ward', { wardCode: null, point: null }),
    ],
    { now: NOW },
  );
  assert.deepEqual(ids(ranked), ['same-ward']);
  assert.equal(ranked[0]?.reasons.distanceMetres, null);
  assert.deepEqual(
    ids(rankOffers(need({ point: null, wardCode: null }), [offer('same-ward')], { now: NOW })),
    [],
  );
});

test('the requester’s own offer, an expired one and a paused or closed one are never suggested', () => {
  const ranked = rankOffers(
    need(),
    [
      offer('own', { helperId: 'resident-1' }),
      offer('expired', { expiresAt: new Date('2026-02-09T08:00:00Z') }),
      offer('expires-later', { expiresAt: new Date('2026-02-09T08:00:01Z') }),
      offer('paused', { status: 'paused' }),
      offer('closed', { status: 'closed' }),
    ],
    { now: NOW },
  );
  assert.deepEqual(ids(ranked), ['expires-later']);
});

test('a busy helper drops below an idle one who is a little further away', () => {
  const offers = [offer('busy', { point: SALE_HIGH_STREET }), offer('idle', { point: SALE_MOOR })];
  assert.deepEqual(ids(rankOffers(need(), offers, { now: NOW })), ['busy', 'idle']);
  const load = new Map<string, HelperLoad>([['helper-busy', { active: 3 }]]);
  const ranked = rankOffers(need(), offers, { now: NOW, load });
  assert.deepEqual(ids(ranked), ['idle', 'busy']);
  assert.equal(ranked[1]?.reasons.load, 3);
});

test('equal offers come back in offer-id order, and limit keeps the best', () => {
  const offers = ['c', 'a', 'b'].map((id) => offer(id));
  assert.deepEqual(ids(rankOffers(need(), offers, { now: NOW })), ['a', 'b', 'c']);
  assert.deepEqual(ids(rankOffers(need(), offers, { now: NOW, limit: 2 })), ['a', 'b']);
  assert.deepEqual(ids(rankOffers(need(), offers, { now: NOW, limit: 0 })), []);
});

// Properties over random needs and offers around Sale.

const HELPERS = ['resident-1', 'helper-a', 'helper-b', 'helper-c', 'helper-d'];
const WARDS = ['E05000627', 'E05000628', null];
// Drawn so that a fair share of offers pass every filter: a few km around Sale, a few categories.
const pointArb = fc.option(
  fc.record({
    lon: fc.double({ min: -2.35, max: -2.29, noNaN: true }),
    lat: fc.double({ min: 53.41, max: 53.44, noNaN: true }),
  }),
  { freq: 4 },
);
const CATEGORIES = ['shopping', 'prescriptions', 'dog-walking', 'other'];
const clock = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const slotArb = fc
  .record({
    day: fc.constantFrom(...WEEKDAYS),
    from: fc.integer({ min: 0, max: 95 }),
    length: fc.integer({ min: 1, max: 96 }),
  })
  .map(({ day, from, length }) => ({
    day,
    from: clock(from * 15),
    to: clock(Math.min(96, from + length) * 15),
  }));
const dateArb = (maxDays: number) =>
  fc.integer({ min: -2 * 24, max: maxDays * 24 }).map((h) => new Date(NOW.getTime() + h * 3_600_000));

const offerArb = fc.record({
  helperId: fc.constantFrom(...HELPERS),
  categories: fc.subarray(CATEGORIES, { minLength: 1, maxLength: 2 }),
  point: pointArb,
  wardCode: fc.constantFrom(...WARDS),
  maxDistanceMetres: fc.integer({ min: 500, max: 6_000 }),
  availability: fc.record({
    weekly: fc.array(slotArb, { maxLength: 4 }),
    // Mostly open-ended, as most offers are; a quarter with their own dates.
    window: fc.oneof(
      { arbitrary: fc.constant(null), weight: 3 },
      {
        arbitrary: fc
          .tuple(dateArb(20), fc.integer({ min: 1, max: 20 * 24 }))
          .map(([from, hours]) => ({ from, to: new Date(from.getTime() + hours * 3_600_000) })),
        weight: 1,
      },
    ),
  }),
  expiresAt: fc.option(dateArb(10), { freq: 3 }),
  status: fc.constantFrom('open', 'open', 'open', 'open', 'paused', 'closed'),
});
const offersArb = fc
  .array(offerArb, { minLength: 5, maxLength: 40 })
  .map((list) => list.map((o, i) => ({ ...o, id: `offer-${String(i).padStart(3, '0')}` }) as Offer));
const needArb = fc.record({
  id: fc.constant('need'),
  requesterId: fc.constant('resident-1'),
  category: fc.constantFrom(...CATEGORIES, 'forms'),
  point: pointArb,
  wardCode: fc.constantFrom(...WARDS),
  window: fc
    .tuple(dateArb(7), fc.integer({ min: 1, max: 6 * 24 }))
    .map(([from, hours]) => ({ from, to: new Date(from.getTime() + hours * 3_600_000) })),
  createdAt: fc.constant(NOW),
}) as fc.Arbitrary<Need>;
const loadArb = fc
  .array(fc.tuple(fc.constantFrom(...HELPERS), fc.nat(5), fc.nat(5)), { maxLength: 4 })
  .map(
    (entries) =>
      new Map<string, HelperLoad>(
        entries.map(([h, active, recentCompleted]) => [h, { active, recentCompleted }]),
      ),
  );

test('every suggestion passes every hard filter, with a score in [0, 1], best first', () => {
  fc.assert(
    fc.property(needArb, offersArb, loadArb, (n, offers, load) => {
      const ranked = rankOffers(n, offers, { now: NOW, load });
      const calendar = createNeedCalendar(n.window, 'Europe/London');
      for (const { offer: o, score, reasons } of ranked) {
        assert.notEqual(o.helperId, n.requesterId);
        assert.equal(o.status, 'open');
        assert.ok(o.expiresAt === null || o.expiresAt.getTime() > NOW.getTime());
        assert.ok(categoryFit(n.category, o.categories) > 0);
        assert.equal(reasons.categoryFit, categoryFit(n.category, o.categories));
        if (n.point && o.point) assert.ok(haversine(n.point, o.point) <= o.maxDistanceMetres + 1e-6);
        else assert.ok(n.wardCode !== null && o.wardCode === n.wardCode);
        assert.ok(reasons.overlapMinutes > 0);
        assert.equal(reasons.overlapMinutes, overlapMinutes(calendar, o.availability));
        assert.ok(score >= 0 && score <= 1, String(score));
      }
      for (let i = 1; i < ranked.length; i++) {
        assert.ok((ranked[i - 1] as RankedOffer).score >= (ranked[i] as RankedOffer).score);
      }
    }),
    { numRuns: 300 },
  );
});

test('nothing that passes the filters is left out', () => {
  // The bounding box must never turn away an offer the exact distance would keep.
  fc.assert(
    fc.property(needArb, offersArb, (n, offers) => {
      const kept = new Set(ids(rankOffers(n, offers, { now: NOW })));
      const calendar = createNeedCalendar(n.window, 'Europe/London');
      for (const o of offers) {
        const passes =
          o.helperId !== n.requesterId &&
          o.status === 'open' &&
          (o.expiresAt === null || o.expiresAt > NOW) &&
          categoryFit(n.category, o.categories) > 0 &&
          (n.point && o.point
            ? haversine(n.point, o.point) <= o.maxDistanceMetres
            : n.wardCode !== null && o.wardCode === n.wardCode) &&
          overlapMinutes(calendar, o.availability) > 0;
        assert.equal(kept.has(o.id), passes, o.id);
      }
    }),
    { numRuns: 300 },
  );
});

test('the same input gives the same ranking, in whatever order the offers come', () => {
  fc.assert(
    fc.property(needArb, offersArb, loadArb, fc.infiniteStream(fc.nat()), (n, offers, load, randoms) => {
      const shuffled = [...offers];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = (randoms.next().value as number) % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j] as Offer, shuffled[i] as Offer];
      }
      const first = rankOffers(n, offers, { now: NOW, load });
      assert.deepEqual(rankOffers(n, offers, { now: NOW, load }), first);
      assert.deepEqual(rankOffers(n, shuffled, { now: NOW, load }), first);
    }),
    { numRuns: 200 },
  );
});

test('limit gives a prefix of the full ranking', () => {
  fc.assert(
    fc.property(needArb, offersArb, loadArb, fc.nat(45), (n, offers, load, limit) => {
      const full = rankOffers(n, offers, { now: NOW, load });
      assert.deepEqual(rankOffers(n, offers, { now: NOW, load, limit }), full.slice(0, limit));
    }),
    { numRuns: 300 },
  );
});

test('more load on a helper never moves any of their offers up', () => {
  fc.assert(
    fc.property(
      needArb,
      offersArb,
      loadArb,
      fc.constantFrom(...HELPERS),
      fc.integer({ min: 1, max: 3 }),
      (n, offers, load, helper, extra) => {
        const before = ids(rankOffers(n, offers, { now: NOW, load }));
        const current = load.get(helper) ?? { active: 0 };
        const heavier = new Map(load).set(helper, { ...current, active: current.active + extra });
        const after = ids(rankOffers(n, offers, { now: NOW, load: heavier }));
        assert.deepEqual([...after].sort(), [...before].sort(), 'load never changes who is suggested');
        for (const o of offers) {
          if (o.helperId !== helper || !before.includes(o.id)) continue;
          assert.ok(after.indexOf(o.id) >= before.indexOf(o.id), o.id);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('a need with an empty window gets no suggestions', () => {
  const empty = need({
    window: { from: new Date('2026-02-10T09:00:00Z'), to: new Date('2026-02-10T09:00:00Z') },
  });
  assert.deepEqual(rankOffers(empty, [offer('a')], { now: NOW }), []);
});
