import { withTransaction } from '../../../platform/db/transaction.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { getWard } from '../../wards/ward-service.js';
import { addDays, londonAt, mondayOf } from '../bookings/booking-time.js';
import { londonToday } from './space-service.js';

/** The demo library (its page is `/trafford/spaces/stretford-library`). */
export const DEMO_SPACE_SLUG = 'stretford-library';
/** The demo hall, which needs an officer's approval for each booking. */
export const DEMO_APPROVAL_SPACE_SLUG = 'urmston-methodist-hall';
/** A booking waiting for approval in the demo hall. */
export const DEMO_BOOKING_ID = '7a1d0c3e-5b2f-4e8a-9c6d-2f4b8e1a0101';

type DemoSpace = {
  id: string;
  slug: string;
  name: string;
  description: string;
  kind: string;
  owner: string;
  capacity: number | null;
  accessibility: string[];
  facilities: string[];
  address: string;
  postcode: string;
  ward: string;
  approval: boolean;
  hours: [number, string, string][];
  /** Kind of hirer, pence an hour, and the concession rate when there is one. */
  prices: [string, number, number?][];
};

const weekdays = (opens: string, closes: string, days = [1, 2, 3, 4, 5]) =>
  days.map((d) => [d, opens, closes] as [number, string, string]);

const SPACES: DemoSpace[] = [
  {
    id: '7a1d0c3e-5b2f-4e8a-9c6d-2f4b8e1a0001',
    slug: DEMO_SPACE_SLUG,
    name: 'Stretford Library meeting room',
    description:
      'A bright room upstairs in the library, for up to 20 people. Tea and coffee can be made in the kitchen next door.',
    kind: 'library',
    owner: 'council',
    capacity: 20,
    accessibility: ['step-free', 'accessible-toilet', 'hearing-loop'],
    facilities: ['wifi', 'projector', 'tables-chairs', 'kitchen', 'toilets'],
    address: 'Stretford Mall, Chester Road, Stretford',
    postcode: 'M32 9BD',
    ward: 'stretford-humphrey-park',
    approval: false,
    hours: [...weekdays('09:00', '17:00'), [6, '10:00', '16:00']],
    prices: [
      ['resident', 1200],
      ['charity', 800],
      ['commercial', 3000],
    ],
  },
  {
    id: '7a1d0c3e-5b2f-4e8a-9c6d-2f4b8e1a0002',
    slug: 'partington-community-centre',
    name: 'Partington Community Centre main hall',
    description: 'The big hall at the community centre, with a stage and a kitchen.',
    kind: 'community-centre',
    owner: 'community',
    capacity: 120,
    accessibility: ['step-free', 'accessible-toilet', 'parking'],
    facilities: ['kitchen', 'tables-chairs', 'toilets'],
    address: 'Central Road, Partington',
    postcode: 'M31 4FL',
    ward: 'bucklow-st-martins',
    approval: false,
    hours: weekdays('08:00', '22:00', [1, 2, 3, 4, 5, 6, 7]),
    prices: [
      ['resident', 1500, 750],
      ['charity', 1000],
      ['commercial', 4000],
    ],
  },
  {
    id: '7a1d0c3e-5b2f-4e8a-9c6d-2f4b8e1a0003',
    slug: DEMO_APPROVAL_SPACE_SLUG,
    name: 'Urmston Methodist Hall',
    description:
      'A church hall let to groups for classes, clubs and parties. The caretaker checks each booking.',
    kind: 'hall',
    owner: 'community',
    capacity: 60,
    accessibility: ['step-free'],
    facilities: ['kitchen', 'tables-chairs', 'toilets'],
    address: 'Station Road, Urmston',
    postcode: 'M41 9JN',
    ward: 'urmston',
    approval: true,
    hours: weekdays('09:00', '21:00', [1, 2, 3, 4, 5, 6]),
    prices: [
      ['resident', 2000],
      ['charity', 1200],
      ['commercial', 3500],
    ],
  },
  {
    id: '7a1d0c3e-5b2f-4e8a-9c6d-2f4b8e1a0004',
    slug: 'longford-park-pitch',
    name: 'Longford Park football pitch',
    description: 'A full-size grass pitch with changing rooms. Floodlit on winter evenings.',
    kind: 'pitch',
    owner: 'council',
    capacity: 40,
    accessibility: ['parking'],
    facilities: ['outdoor', 'floodlights', 'toilets'],
    address: 'Longford Park, Stretford',
    postcode: 'M32 8DA',
    ward: 'longford',
    approval: false,
    hours: weekdays('09:00', '21:00', [1, 2, 3, 4, 5, 6, 7]),
    prices: [
      ['resident', 2500],
      ['commercial', 5000],
    ],
  },
  {
    id: '7a1d0c3e-5b2f-4e8a-9c6d-2f4b8e1a0005',
    slug: 'sale-waterside-studio',
    name: 'Sale Waterside studio',
    description: 'A small studio room in the arts centre, good for rehearsals and quiet groups.',
    kind: 'room',
    owner: 'council',
    capacity: 15,
    accessibility: ['step-free', 'accessible-toilet', 'changing-places', 'quiet-room'],
    facilities: ['wifi', 'tables-chairs', 'toilets'],
    address: 'Waterside, Sale',
    postcode: 'M33 7ZF',
    ward: 'sale-central',
    approval: false,
    hours: weekdays('10:00', '18:00'),
    prices: [
      ['resident', 1000],
      ['commercial', 2500],
    ],
  },
];

/** Five Trafford spaces with opening hours and prices, and one booking waiting for approval. */
export async function seedSpaces({ db, place, log }: SeedContext): Promise<void> {
  if (place.slug !== 'trafford') return;
  const ctx = { db, place, actor: null };
  const wards = new Map<string, Awaited<ReturnType<typeof getWard>> | null>();
  for (const s of SPACES) wards.set(s.ward, await getWard(ctx, s.ward).catch(() => null));
  await withTransaction(db, async (tx) => {
    for (const s of SPACES) {
      const ward = wards.get(s.ward);
      const inserted = await tx.query(
        `insert into spaces (id, place_id, slug, name, description, kind, owner_type, capacity, accessibility, facilities,
           address, postcode, ward_code, lon, lat, requires_approval)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         on conflict do nothing returning id`,
        [
          s.id,
          place.id,
          s.slug,
          s.name,
          s.description,
          s.kind,
          s.owner,
          s.capacity,
          s.accessibility,
          s.facilities,
          s.address,
          s.postcode,
          ward?.code ?? null,
          ward?.centroid?.lon ?? null,
          ward?.centroid?.lat ?? null,
          s.approval,
        ],
      );
      if (inserted.length === 0) continue;
      for (const [weekday, opens, closes] of s.hours)
        await tx.query(
          'insert into space_opening_hours (space_id, weekday, opens, closes) values ($1, $2, $3, $4)',
          [s.id, weekday, opens, closes],
        );
      for (const [type, pence, concession] of s.prices)
        await tx.query(
          'insert into space_prices (space_id, hirer_type, pence_per_hour, concession_pence_per_hour) values ($1, $2, $3, $4)',
          [s.id, type, pence, concession ?? null],
        );
    }
    // Christmas and Boxing Day: the library is closed.
    for (const day of ['2026-12-25', '2026-12-26', '2027-12-25'])
      await tx.query(
        `insert into space_opening_exceptions (space_id, on_date, reason) values ($1, $2, 'Bank holiday')
         on conflict do nothing`,
        [SPACES[0]?.id ?? null, day],
      );
    // Next Tuesday 18:00–20:00 in the hall: waiting for the caretaker.
    const tuesday = addDays(mondayOf(londonToday()), 8);
    await tx.query(
      `insert into space_bookings (id, place_id, space_id, hirer_type, title, during, status, price_pence)
       values ($1, $2, $3, 'community-group', 'Urmston Knit and Natter', tstzrange($4, $5, '[)'), 'pending', 0)
       on conflict do nothing`,
      [
        DEMO_BOOKING_ID,
        place.id,
        SPACES[2]?.id ?? null,
        londonAt(tuesday, 18 * 60),
        londonAt(tuesday, 20 * 60),
      ],
    );
  });
  log(`spaces: ${SPACES.length} demo spaces`);
}
