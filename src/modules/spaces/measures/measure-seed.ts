import { withTransaction } from '../../../platform/db/transaction.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { getGroup } from '../../directory/groups/group-service.js';
import { addDays, londonAt, mondayOf } from '../bookings/booking-time.js';
import { DEMO_SPACE_SLUG } from '../spaces/space-seed.js';
import { londonToday } from '../spaces/space-service.js';

/**
 * Demo use for "measure what matters": confirmed bookings in the weeks before this one, by two
 * directory groups at the library and one commercial hire of the studio, so the use pages show
 * figures and a heat map. Past weeks only, so they never stand in the way of a demo booking.
 */
const WEEKS = 6;
// Fixed ids (…0201 onwards) so seeding twice adds nothing.
const idOf = (n: number) => `7a1d0c3e-5b2f-4e8a-9c6d-2f4b8e1a${String(201 + n).padStart(4, '0')}`;

type Demo = {
  space: string;
  group: string | null;
  hirer: 'community-group' | 'commercial' | 'resident';
  title: string;
  /** Days after Monday. */
  day: number;
  from: number;
  to: number;
};

const DEMO: Demo[] = [
  {
    space: DEMO_SPACE_SLUG,
    group: 'stretford-walking-group',
    hirer: 'community-group',
    title: 'Walk planning',
    day: 1,
    from: 10 * 60,
    to: 12 * 60,
  },
  {
    space: DEMO_SPACE_SLUG,
    group: 'sale-moor-repair-cafe',
    hirer: 'community-group',
    title: 'Repair café',
    day: 5,
    from: 13 * 60,
    to: 16 * 60 + 30,
  },
  {
    space: DEMO_SPACE_SLUG,
    group: null,
    hirer: 'resident',
    title: 'Homework club',
    day: 3,
    from: 16 * 60,
    to: 18 * 60,
  },
  {
    space: 'sale-waterside-studio',
    group: null,
    hirer: 'commercial',
    title: 'Photography workshop',
    day: 5,
    from: 9 * 60,
    to: 17 * 60,
  },
];

export async function seedMeasures({ db, place, log }: SeedContext, now = new Date()): Promise<void> {
  if (place.slug !== 'trafford') return;
  const ctx = { db, place, actor: null };
  const groups = new Map<string, string>();
  for (const d of DEMO)
    if (d.group) {
      const g = await getGroup(ctx, d.group).catch(() => null);
      if (g) groups.set(d.group, g.id);
    }
  const thisMonday = mondayOf(londonToday(now));
  let added = 0;
  await withTransaction(db, async (tx) => {
    for (const [i, d] of DEMO.entries()) {
      const [space] = await tx.query<{ id: string }>(
        'select id from spaces where place_id = $1 and slug = $2',
        [place.id, d.space],
      );
      if (!space) continue;
      for (let w = 1; w <= WEEKS; w++) {
        const date = addDays(thisMonday, d.day - 7 * w);
        const rows = await tx.query(
          `insert into space_bookings (id, place_id, space_id, group_id, hirer_type, title, during, status, price_pence)
           values ($1, $2, $3, $4, $5, $6, tstzrange($7, $8, '[)'), 'confirmed', 0)
           on conflict do nothing returning id`,
          [
            idOf(i * WEEKS + w - 1),
            place.id,
            space.id,
            (d.group && groups.get(d.group)) ?? null,
            d.hirer,
            d.title,
            londonAt(date, d.from),
            londonAt(date, d.to),
          ],
        );
        added += rows.length;
      }
    }
  });
  log(`spaces: ${added} demo bookings in past weeks`);
}
