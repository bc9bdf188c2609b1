import { withTransaction } from '../../../platform/db/transaction.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { getGroup } from '../../directory/groups/group-service.js';
import { wardAt } from '../../wards/ward-service.js';
import type { AccessibilityFeature, ActivityCategory } from './activity-input.js';
import { sessionTimes } from './activity-service.js';
import { londonDay } from './activity-time.js';

/** The demo activities (the chair aerobics page is `/trafford/whats-on/activities/<this id>`). */
export const DEMO_ACTIVITY_ID = '7a3e5c10-4b2d-4f6a-8c1e-2d9b0a5e0001';
/** A space the demo activities use, for the space calendar's demo URL. */
export const DEMO_ACTIVITY_SPACE = 'sale-waterside-arts';

const SPACES = [
  {
    id: '7a3e5c10-4b2d-4f6a-8c1e-2d9b0a5e1001',
    slug: 'sale-waterside-arts',
    name: 'Sale Waterside Arts',
    kind: 'community-centre',
    owner: 'council',
    address: 'Waterside Plaza, Sale',
    postcode: 'M33 7ZF',
    lon: -2.3193,
    lat: 53.4246,
    accessibility: ['step-free', 'accessible-toilet', 'hearing-loop'],
  },
  {
    id: '7a3e5c10-4b2d-4f6a-8c1e-2d9b0a5e1002',
    slug: 'partington-village-hall',
    name: 'Partington Village Hall',
    kind: 'hall',
    owner: 'community',
    address: 'Central Road, Partington',
    postcode: 'M31 4FL',
    lon: -2.4271,
    lat: 53.4198,
    accessibility: ['step-free'],
  },
  {
    id: '7a3e5c10-4b2d-4f6a-8c1e-2d9b0a5e1003',
    slug: 'stretford-public-hall',
    name: 'Stretford Public Hall',
    kind: 'hall',
    owner: 'community',
    address: 'Chester Road, Stretford',
    postcode: 'M32 0LG',
    lon: -2.3118,
    lat: 53.4466,
    accessibility: ['step-free', 'accessible-toilet'],
  },
] as const;

type DemoActivity = {
  id: string;
  space: string;
  group: string | null;
  title: string;
  description: string;
  category: ActivityCategory;
  ageMin: number | null;
  ageMax: number | null;
  costPence: number;
  accessibility: AccessibilityFeature[];
  /** ISO weekday (1 Monday … 7 Sunday) of the first session, from next week. */
  weekday: number;
  start: number;
  end: number;
  weeks: number | null;
};

const ACTIVITIES: DemoActivity[] = [
  {
    id: DEMO_ACTIVITY_ID,
    space: 'stretford-public-hall',
    group: null,
    title: 'Chair aerobics',
    description: 'Gentle exercise to music, sitting down. Come as you are; tea afterwards.',
    category: 'exercise',
    ageMin: 50,
    ageMax: null,
    costPence: 150,
    accessibility: ['step-free', 'accessible-toilet', 'hearing-loop'],
    weekday: 2,
    start: 10 * 60 + 30,
    end: 11 * 60 + 30,
    weeks: 26,
  },
  {
    id: '7a3e5c10-4b2d-4f6a-8c1e-2d9b0a5e0002',
    space: 'partington-village-hall',
    group: 'partington-community-hub',
    title: 'Video games club',
    description: 'Consoles, retro games and tournaments, with youth workers. Bring a friend.',
    category: 'games',
    ageMin: 11,
    ageMax: 18,
    costPence: 0,
    accessibility: ['step-free'],
    weekday: 5,
    start: 16 * 60,
    end: 18 * 60,
    weeks: 20,
  },
  {
    id: '7a3e5c10-4b2d-4f6a-8c1e-2d9b0a5e0003',
    space: 'sale-waterside-arts',
    group: null,
    title: 'Community film night',
    description: 'A film chosen by last month’s audience, with subtitles. Popcorn is free.',
    category: 'film',
    ageMin: 12,
    ageMax: null,
    costPence: 300,
    accessibility: ['step-free', 'accessible-toilet', 'hearing-loop'],
    weekday: 6,
    start: 19 * 60,
    end: 21 * 60 + 30,
    weeks: null,
  },
  {
    id: '7a3e5c10-4b2d-4f6a-8c1e-2d9b0a5e0004',
    space: 'sale-waterside-arts',
    group: 'sale-moor-repair-cafe',
    title: 'Repair café',
    description: 'Bring something broken: volunteers fix clothes, lamps, bikes and more.',
    category: 'learning',
    ageMin: null,
    ageMax: null,
    costPence: 0,
    accessibility: ['step-free', 'accessible-toilet'],
    weekday: 6,
    start: 10 * 60,
    end: 13 * 60,
    weeks: 12,
  },
  {
    id: '7a3e5c10-4b2d-4f6a-8c1e-2d9b0a5e0005',
    space: 'partington-village-hall',
    group: null,
    title: 'Toddler music and rhyme time',
    description: 'Songs, rhymes and instruments for under-fives and their grown-ups.',
    category: 'children',
    ageMin: 0,
    ageMax: 4,
    costPence: 0,
    accessibility: ['step-free', 'quiet'],
    weekday: 1,
    start: 9 * 60 + 30,
    end: 10 * 60 + 30,
    weeks: 12,
  },
];

/** Demo spaces (if the spaces part has not made them) and a handful of activities in them. */
export async function seedActivities({ db, place, log }: SeedContext, now = new Date()): Promise<void> {
  if (place.slug !== 'trafford') return;
  const ctx = { db, place, actor: null };
  for (const s of SPACES) {
    const ward = await wardAt(ctx, s.lon, s.lat);
    await db.query(
      `insert into spaces (id, place_id, slug, name, kind, owner_type, address, postcode, ward_code, lon, lat, accessibility)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) on conflict do nothing`,
      [
        s.id,
        place.id,
        s.slug,
        s.name,
        s.kind,
        s.owner,
        s.address,
        s.postcode,
        ward?.code ?? null,
        s.lon,
        s.lat,
        [...s.accessibility],
      ],
    );
  }
  // Next Monday on the London clock: every demo activity starts next week.
  const today = Date.parse(`${londonDay(now)}T00:00:00Z`);
  const weekday = (new Date(today).getUTCDay() + 6) % 7;
  const nextMonday = today + (7 - weekday) * 86_400_000;
  let added = 0;
  // Groups through the directory's service, before the transaction (one connection on PGlite).
  const groups = new Map<string, string>();
  for (const a of ACTIVITIES)
    if (a.group) {
      const g = await getGroup(ctx, a.group).catch(() => null);
      if (g) groups.set(a.group, g.id);
    }
  await withTransaction(db, async (tx) => {
    for (const a of ACTIVITIES) {
      const [space] = await tx.query<{ id: string }>(
        'select id from spaces where place_id = $1 and slug = $2',
        [place.id, a.space],
      );
      if (!space) continue;
      const first = new Date(nextMonday + (a.weekday - 1) * 86_400_000);
      const { rrule, times } = sessionTimes(
        { year: first.getUTCFullYear(), month: first.getUTCMonth() + 1, day: first.getUTCDate() },
        a.start,
        a.end,
        a.weeks ? { weeks: a.weeks } : null,
      );
      const rows = await tx.query<{ id: string }>(
        `insert into activities (id, place_id, space_id, group_id, title, description, category, age_min, age_max,
           cost_pence, accessibility, rrule)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) on conflict do nothing returning id`,
        [
          a.id,
          place.id,
          space.id,
          (a.group && groups.get(a.group)) ?? null,
          a.title,
          a.description,
          a.category,
          a.ageMin,
          a.ageMax,
          a.costPence,
          a.accessibility,
          rrule,
        ],
      );
      if (!rows.length) continue;
      added++;
      for (const s of times)
        await tx.query(
          'insert into activity_sessions (activity_id, starts_at, ends_at) values ($1, $2, $3)',
          [a.id, s.startsAt, s.endsAt],
        );
    }
  });
  if (added) log(`Added ${added} demo activities`);
}
