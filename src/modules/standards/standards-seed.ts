import { londonParts } from '../../lib/london-clock.js';
import {
  addMonths,
  type Direction,
  isMet,
  monthsEnding,
  scaledFromRatio,
  type Unit,
} from '../../lib/standards/performance.js';
import type { SeedContext } from '../../platform/module-definition.js';

export const DEMO_SERVICE_SLUG = 'waste-and-recycling';
export const DEMO_STANDARD_SLUG = 'missed-bins';
/** A CSV an officer has uploaded and not yet confirmed, so the preview page has something to show. */
export const DEMO_STANDARDS_IMPORT_ID = '57d00000-0000-4000-8000-000000000901';

const id = (n: number) => `57d00000-0000-4000-8000-${String(n).padStart(12, '0')}`;

type SeedStandard = {
  id: string;
  slug: string;
  promise: string;
  measure: string;
  unit: Unit;
  target: number;
  direction: Direction;
  /** 18 months, oldest first, in hundredths; null where no figure was given. */
  values: (number | null)[];
  /** For percentages worked out from counts: how many cases each month. */
  cases?: number[];
  note?: Record<number, string>;
  actions: string[];
};

type SeedService = {
  id: string;
  slug: string;
  name: string;
  description: string;
  contactUrl: string;
  standards: SeedStandard[];
};

const SERVICES: SeedService[] = [
  {
    id: id(1),
    slug: 'waste-and-recycling',
    name: 'Waste and recycling',
    description:
      'Collects household rubbish, recycling and garden waste from every home each week or fortnight, runs the bulky waste service and clears fly-tipping from public land.',
    contactUrl: 'https://www.trafford.gov.uk/residents/bins-and-recycling/',
    standards: [
      {
        id: id(101),
        slug: 'missed-bins',
        promise: 'We collect a missed bin within 2 working days of you telling us',
        measure: 'Percentage of reported missed bins collected within 2 working days',
        unit: 'percent',
        target: 9500,
        direction: 'higher-is-better',
        values: [
          9610,
          9580,
          9720,
          9430,
          9530,
          9605,
          9690,
          9710,
          9380,
          9290,
          9540,
          9620,
          9700,
          null,
          9655,
          9460,
          9590,
          9640,
        ],
        cases: [312, 298, 345, 401, 366, 330, 318, 290, 455, 512, 389, 341, 322, 0, 356, 420, 337, 309],
        note: { 16: 'Counted from the new reporting system for the first full month.' },
        actions: [
          'Two crews were off sick for most of the month. We have moved a spare crew onto missed-bin returns and now check every morning that the day’s returns are booked.',
          'Bad weather stopped crews reaching some streets. We have agreed priority routes with the gritting team and added Saturday catch-up rounds when it happens.',
          'A rise in reports after the new collection calendar. We have written to the streets that were moved to a new day and added a crew until reports fall back.',
        ],
      },
      {
        id: id(102),
        slug: 'bulky-waste',
        promise: 'We collect bulky waste on the day we agree with you',
        measure: 'Percentage of bulky waste collections made on the booked day',
        unit: 'percent',
        target: 9000,
        direction: 'higher-is-better',
        values: [
          9250, 9310, 9120, 9400, 9050, 8870, 9150, 9220, 9330, 9180, 8940, 9410, 9350, 9120, 9280, 9300,
          9410, 9390,
        ],
        actions: [
          'The bulky waste van was off the road for repairs for eight days. We now hire a replacement within a day when it breaks down.',
        ],
      },
      {
        id: id(103),
        slug: 'fly-tipping',
        promise: 'We clear fly-tipping from public land within 3 working days on average',
        measure: 'Average working days from a report of fly-tipping to clearing it',
        unit: 'days',
        target: 300,
        direction: 'lower-is-better',
        values: [260, 280, 310, 350, 290, 270, 240, 250, 230, 260, 280, 250, 320, 220, 230, 210, 250, 230],
        actions: [
          'Reports doubled in a few weeks. We added a second clearance crew and ask residents to report with a photo so we can send the right vehicle first time.',
        ],
      },
    ],
  },
  {
    id: id(2),
    slug: 'council-tax-and-benefits',
    name: 'Council tax and benefits',
    description:
      'Bills and collects council tax, and decides claims for Housing Benefit and Council Tax Support.',
    contactUrl: 'https://www.trafford.gov.uk/residents/council-tax/',
    standards: [
      {
        id: id(201),
        slug: 'new-claims',
        promise: 'We decide new benefit claims within 20 days on average',
        measure: 'Average calendar days to decide a new Housing Benefit or Council Tax Support claim',
        unit: 'days',
        target: 2000,
        direction: 'lower-is-better',
        values: [
          1850, 1920, 2150, 2310, 2240, 1980, 1890, 1760, 1810, 1950, 2080, 1930, 1870, 1790, 1720, 1810,
          1690, 1650,
        ],
        actions: [
          'Claims rose after the annual uprating. We have moved two staff from council tax to benefits until the backlog clears, and we phone people whose claims are missing a document instead of writing.',
          'We are still catching up on the claims that came in during April. Every claim over 30 days old is now checked by a team leader each week.',
        ],
      },
      {
        id: id(202),
        slug: 'phone-calls',
        promise: 'We answer your call within 5 minutes',
        measure: 'Percentage of calls to the council tax and benefits line answered within 5 minutes',
        unit: 'percent',
        target: 8000,
        direction: 'higher-is-better',
        values: [
          8120,
          7640,
          8050,
          8230,
          7710,
          null,
          8010,
          8150,
          7420,
          7980,
          8310,
          8260,
          8190,
          8020,
          7790,
          8110,
          8240,
          8330,
        ],
        note: { 6: 'The first full month on the new phone system.' },
        actions: [
          'Annual bills went out and calls doubled. Next year we will send bills in two batches a week apart, and the most common questions are now answered on the bill itself.',
          'Staff training on the new benefits system took people off the phones. We have moved training to the quietest afternoons.',
        ],
      },
    ],
  },
  {
    id: id(3),
    slug: 'highways',
    name: 'Highways',
    description: 'Looks after roads, pavements, street lights, drains and winter gritting.',
    contactUrl: 'https://www.trafford.gov.uk/residents/transport-and-streets/',
    standards: [
      {
        id: id(301),
        slug: 'dangerous-potholes',
        promise: 'We make a dangerous pothole safe within 24 hours of being told',
        measure: 'Average hours from a report of a dangerous pothole to making it safe',
        unit: 'hours',
        target: 2400,
        direction: 'lower-is-better',
        values: [
          1850, 2010, 2230, 2650, 2920, 2480, 2100, 1950, 1880, 1760, 2050, 2210, 2390, 2710, 2280, 2040,
          1920, 1870,
        ],
        actions: [
          'Cold weather opened many potholes at once. We brought in a second repair gang from our contractor and make the most dangerous safe first, by how busy the road is.',
          'Reports were three times the usual number. We have a standing agreement with a second contractor for cold spells.',
        ],
      },
      {
        id: id(302),
        slug: 'street-lights',
        promise: 'We fix a street light fault within 7 days',
        measure: 'Percentage of street light faults fixed within 7 calendar days',
        unit: 'percent',
        target: 9000,
        direction: 'higher-is-better',
        values: [
          9310, 9240, 9160, 9080, 8750, 8910, 9120, 9260, 9340, 9180, 9220, 9010, 9150, 9280, 9300, 9210,
          9170, 9250,
        ],
        actions: [
          'Faults that need the electricity network to make a repair took longer. We now chase every network fault after three days.',
        ],
      },
    ],
  },
  {
    id: id(4),
    slug: 'libraries',
    name: 'Libraries',
    description: 'Runs the borough’s libraries, the home library service and free computer and wifi access.',
    contactUrl: 'https://www.trafford.gov.uk/residents/leisure-and-lifestyle/libraries/',
    standards: [
      {
        id: id(401),
        slug: 'reservations',
        promise: 'A book you reserve is ready to collect within 14 days',
        measure: 'Percentage of reservations ready to collect within 14 days',
        unit: 'percent',
        target: 8500,
        direction: 'higher-is-better',
        values: [
          8720, 8810, 8640, 8550, 8490, 8600, 8750, 8830, 8910, 8870, 8690, 8580, 8470, 8390, 8620, 8710,
          8780, 8850,
        ],
        actions: [
          'The van between libraries ran two days a week instead of three while we replaced it. The new van started this month.',
          'A popular title had a long waiting list. We now buy an extra copy for every five reservations.',
        ],
      },
      {
        id: id(402),
        slug: 'opening-hours',
        promise: 'Libraries are open at the times we advertise',
        measure: 'Percentage of advertised opening hours when libraries were open',
        unit: 'percent',
        target: 9900,
        direction: 'higher-is-better',
        values: [
          9950,
          9980,
          9910,
          9870,
          9960,
          9990,
          9940,
          9920,
          null,
          9970,
          9980,
          9850,
          9930,
          9960,
          9990,
          9970,
          9950,
          9870,
        ],
        note: {
          11: 'Includes a half-day closure at Stretford for a fire alarm, which is counted as closed.',
        },
        actions: [
          'Sale library closed for four days after a water leak. It reopened once the ceiling was repaired; we now check roofs before winter.',
          'Staff sickness closed Partington library on two afternoons. We now have a list of relief staff who can cover at a day’s notice.',
        ],
      },
    ],
  },
];

/** The demo's services and standards, with 18 months of figures ending last month. */
export async function seedStandards({ db, place, log }: SeedContext, now = new Date()): Promise<void> {
  const last = addMonths(londonParts(now).date.slice(0, 7), -1);
  const months = monthsEnding(last, 18);
  let added = 0;
  for (const [sIndex, s] of SERVICES.entries()) {
    await db.query(
      `insert into council_services (id, place_id, slug, name, description, contact_url, position)
       values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
      [s.id, place.id, s.slug, s.name, s.description, s.contactUrl, sIndex + 1],
    );
    for (const [stIndex, st] of s.standards.entries()) {
      await db.query(
        `insert into service_standards (id, place_id, service_id, slug, promise, measure, unit, target, direction, since_month, position)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict do nothing`,
        [
          st.id,
          place.id,
          s.id,
          st.slug,
          st.promise,
          st.measure,
          st.unit,
          st.target,
          st.direction,
          months[0] as string,
          stIndex + 1,
        ],
      );
      let misses = 0;
      for (const [i, month] of months.entries()) {
        const planned = st.values[i];
        if (planned === null || planned === undefined) continue;
        const cases = st.cases?.[i];
        const numerator = cases ? Math.round((cases * planned) / 10_000) : null;
        const value = cases && numerator !== null ? scaledFromRatio(numerator, cases, st.unit) : planned;
        const met = isMet(value, st.target, st.direction);
        const action = met ? '' : (st.actions[misses++ % st.actions.length] as string);
        const rows = await db.query(
          `insert into standard_figures (place_id, standard_id, month, value, numerator, denominator, note, action, source)
           values ($1, $2, $3, $4, $5, $6, $7, $8, 'form') on conflict (standard_id, month) do nothing returning id`,
          [place.id, st.id, month, value, numerator, cases ? cases : null, st.note?.[i] ?? '', action],
        );
        added += rows.length;
      }
    }
  }
  // A staged CSV with one good row and two with problems, waiting for an officer to confirm.
  const staged = [
    {
      line: 2,
      values: { standard: 'libraries/reservations', month: last, value: '88.5', note: '', action: '' },
      problems: [],
      met: true,
      replaces: true,
    },
    {
      line: 3,
      values: { standard: 'libraries/book-club', month: last, value: '90', note: '', action: '' },
      problems: [{ field: 'standard', messageKey: 'standards.import.errors.standardUnknown' }],
    },
    {
      line: 4,
      values: { standard: 'highways/street-lights', month: last, value: '80', note: '', action: '' },
      problems: [{ field: 'action', messageKey: 'standards.errors.actionRequired' }],
    },
  ];
  await db.query(
    `insert into standard_imports (id, place_id, filename, rows) values ($1, $2, 'figures.csv', $3)
     on conflict do nothing`,
    [DEMO_STANDARDS_IMPORT_ID, place.id, JSON.stringify(staged)],
  );
  if (added) log(`Service standards: ${added} monthly figures`);
}
