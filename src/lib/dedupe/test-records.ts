/** Record generators shared by the duplicate-detection tests. */

import fc from 'fast-check';
import type { DirectoryRecord } from './compare-records.js';

const NAME_WORDS = [
  'Sale',
  'Hale',
  'Altrincham',
  'Urmston',
  'Stretford',
  'St',
  "Mary's",
  'Saint',
  'Marys',
  'Harriers',
  'Hariers',
  'Sharks',
  'Methodist',
  'Church',
  'Club',
  'Group',
  'Community',
  'Centre',
  'Food',
  'Bank',
  'Foodbank',
  '&',
  'and',
  'The',
  'Ltd',
  '1st',
  '2nd',
  'Scouts',
  'Knit',
  'Natter',
];

/** Names built from words that make near-duplicates likely, plus the odd arbitrary string. */
export const arbitraryName = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(fc.constantFrom(...NAME_WORDS), { minLength: 1, maxLength: 4 })
      .map((w) => w.join(' ')),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
);

const nullable = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null, freq: 3 });

export function arbitraryRecord(id: fc.Arbitrary<string>): fc.Arbitrary<DirectoryRecord> {
  return fc.record({
    id,
    kind: fc.constantFrom('group' as const, 'service' as const),
    name: arbitraryName,
    address: nullable(
      fc.constantFrom(
        '10 Danefield Rd, Sale',
        '10 Danefield Road, Sale',
        'Flat 2, 10 High St',
        'Flat 3, 10 High St',
        'Oakfield Road, Altrincham',
        'n/a',
      ),
    ),
    postcode: nullable(fc.constantFrom('M33 7WR', 'm337wr', 'WA15 8EW', 'M33 7WS', 'XX1')),
    phone: nullable(fc.constantFrom('0161 980 6090', '+44 161 980 6090', '07700 900123', 'n/a')),
    email: nullable(
      fc.constantFrom('info@saleharriers.org.uk', 'Info@SaleHarriers.org.uk', 'jane.smith@example.org'),
    ),
    website: nullable(
      fc.constantFrom(
        'saleharriers.org.uk',
        'https://www.saleharriers.org.uk/juniors',
        'facebook.com/saleharriers',
        'facebook.com/salesharks',
        'trafford.gov.uk/x',
      ),
    ),
    lon: nullable(fc.constantFrom(-2.32, -2.3201, -2.35)),
    lat: nullable(fc.constantFrom(53.42, 53.4201, 53.39)),
  });
}

/** Lists of records with distinct ids. */
export const arbitraryRecords = (maxLength: number) =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: 10_000 }), { maxLength })
    .chain((ids) =>
      fc.tuple(...ids.map((n) => arbitraryRecord(fc.constant(`r${String(n).padStart(5, '0')}`)))),
    )
    .map((records) => [...records]);
