import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  addressSimilarity,
  compareRecords,
  type DirectoryRecord,
  type DuplicateReason,
  nameSimilarity,
} from './compare-records.js';
import { DATA_QUALITY_THRESHOLD, WARN_ON_CREATE_THRESHOLD } from './find-duplicates.js';
import { nameTokens } from './names.js';
import { arbitraryRecord } from './test-records.js';

let nextId = 0;
const record = (fields: Partial<DirectoryRecord>): DirectoryRecord => ({
  id: `r${nextId++}`,
  kind: 'group',
  name: '',
  ...fields,
});

const codes = (reasons: readonly DuplicateReason[]) => reasons.map((reason) => reason.code).sort();

test('name similarity: variants score 1, extra generic words a little less, other groups much less', () => {
  assert.equal(nameSimilarity("St Mary's Church", 'Saint Marys Church'), 1);
  assert.equal(nameSimilarity('Friends of Longford Park', 'Longford Park, Friends of the'), 1);
  assert.equal(nameSimilarity('Trafford Foodbank', 'Trafford Food Bank'), 1);
  assert.ok(nameSimilarity('Altrincham Judo', 'Altrincham Judo Club') > 0.9);
  assert.ok(nameSimilarity('Sale Harriers Manchester', 'Sale Hariers Manchester') > 0.9);
  assert.ok(nameSimilarity('Sale Sharks', 'Sale Harriers') <= 0.5);
  assert.ok(nameSimilarity('Sale Community Centre', 'Hale Community Centre') < 0.5);
  assert.ok(nameSimilarity('1st Sale Scouts', '2nd Sale Scouts') <= 0.4);
  assert.ok(nameSimilarity('Sale Methodist Church', 'Urmston Methodist Church') < 0.6);
  assert.equal(nameSimilarity('', 'Sale Harriers'), 0);
});

test('address similarity forgives abbreviations and missing parts but not different numbers', () => {
  assert.equal(addressSimilarity('10 Danefield Rd, Sale', '10 Danefield Road, Sale, M33 7WR'), 1);
  assert.ok(addressSimilarity('Oakfield Road, Altrincham', 'Oakfield Road, Station Site, Altrincham') >= 0.8);
  assert.ok(addressSimilarity('Flat 2, 10 High Street', 'Flat 3, 10 High Street') <= 0.3);
  assert.ok(addressSimilarity('Flat 2, 10 High Street', '10 High Street') >= 0.8);
  assert.ok(addressSimilarity('12 Church Road, Sale', '14 Moss Lane, Partington') < 0.3);
});

/** Pairs that are the same group or service, and the lowest score each must reach. */
const DUPLICATES: [string, DirectoryRecord, DirectoryRecord, number][] = [
  [
    'the same church typed two ways, with the phone and postcode in other formats',
    record({ name: "St Mary's Church", postcode: 'M33 6PY', phone: '0161 973 1234' }),
    record({ name: 'Saint Marys Church', postcode: 'm336py', phone: '+44 161 973 1234' }),
    DATA_QUALITY_THRESHOLD,
  ],
  [
    'food bank written as one word and two, same website',
    record({ name: 'Trafford Foodbank', website: 'https://www.traffordfoodbank.org.uk/' }),
    record({ name: 'Trafford Food Bank', website: 'traffordfoodbank.org.uk/contact' }),
    DATA_QUALITY_THRESHOLD,
  ],
  [
    'a typo in the name, same postcode',
    record({ name: 'Sale Harriers Manchester', postcode: 'M33 7WR' }),
    record({ name: 'Sale Hariers Manchester', postcode: 'M33 7WR' }),
    DATA_QUALITY_THRESHOLD,
  ],
  [
    '"&" and "AC", abbreviated street',
    record({
      name: 'Altrincham and District Athletic Club',
      address: 'Grove Lane, Altrincham',
      postcode: 'WA15 7UF',
    }),
    record({ name: 'Altrincham & District AC', address: 'Grove Ln, Altrincham', postcode: 'WA15 7UF' }),
    DATA_QUALITY_THRESHOLD,
  ],
  [
    'a stale record with the old address, found by the same mobile number',
    record({
      name: 'Sale Knit and Natter',
      postcode: 'M33 7WR',
      phone: '07700 900123',
      lon: -2.32,
      lat: 53.42,
    }),
    record({
      name: 'Sale Knit & Natter',
      postcode: 'WA14 2RS',
      phone: '07700900123',
      lon: -2.35,
      lat: 53.39,
    }),
    DATA_QUALITY_THRESHOLD,
  ],
  [
    '"Club" added, fuller address',
    record({ name: 'Altrincham Judo Club', address: 'Oakfield Road, Altrincham', postcode: 'WA15 8EW' }),
    record({
      name: 'Altrincham Judo',
      address: 'Oakfield Road, Station Site, Altrincham',
      postcode: 'WA15 8EW',
    }),
    DATA_QUALITY_THRESHOLD,
  ],
  [
    'a renamed charity with the same phone',
    record({ name: 'Age UK Trafford', phone: '0161 912 1234' }),
    record({ name: 'Age Concern Trafford', phone: '0161 912 1234' }),
    DATA_QUALITY_THRESHOLD,
  ],
  [
    'words in another order, same Facebook page',
    record({ name: 'Friends of Longford Park', website: 'https://facebook.com/longfordpark' }),
    record({ name: 'Longford Park Friends', website: 'fb.com/LongfordPark/' }),
    DATA_QUALITY_THRESHOLD,
  ],
  [
    'an extra word in the name, same email',
    record({ name: 'Partington Badminton Club', email: 'abc.badminton@gmail.com' }),
    record({ name: 'ABC Partington Badminton', email: 'ABC.Badminton@gmail.com' }),
    DATA_QUALITY_THRESHOLD,
  ],
  [
    'a local branch entered with and without the place name',
    record({ name: 'Trafford Mencap', postcode: 'M33 7WR' }),
    record({ name: 'Mencap', postcode: 'M33 7WR' }),
    WARN_ON_CREATE_THRESHOLD,
  ],
];

/** Pairs that are different groups or services and must not be offered as duplicates. */
const DIFFERENT: [string, DirectoryRecord, DirectoryRecord][] = [
  [
    'two clubs from one town at the same ground',
    record({ name: 'Sale Sharks', postcode: 'M33 7WR' }),
    record({ name: 'Sale Harriers', postcode: 'M33 7WR' }),
  ],
  [
    'two groups using a church hall’s phone, website and address',
    record({
      name: 'Sale Knit and Natter',
      phone: '0161 973 1234',
      address: "St Mary's Church Hall, Church Road, Sale",
      postcode: 'M33 6PY',
      website: 'stmaryssale.org.uk',
    }),
    record({
      name: 'Sale Toddler Group',
      phone: '0161 973 1234',
      address: "St Mary's Church Hall, Church Rd, Sale",
      postcode: 'M33 6PY',
      website: 'stmaryssale.org.uk',
    }),
  ],
  [
    'two council services on the same council page and switchboard',
    record({
      kind: 'service',
      name: 'Adult Social Care',
      website: 'https://www.trafford.gov.uk/residents/adult-social-care/',
      phone: '0161 912 2000',
    }),
    record({
      kind: 'service',
      name: 'Trafford Carers Centre',
      website: 'https://www.trafford.gov.uk/residents/adult-social-care/',
      phone: '0161 912 2000',
    }),
  ],
  [
    'numbered scout groups at one hut',
    record({ name: '1st Sale Scouts', postcode: 'M33 3AB' }),
    record({ name: '2nd Sale Scouts', postcode: 'M33 3AB' }),
  ],
  [
    'the same denomination in two towns',
    record({ name: 'Sale Methodist Church' }),
    record({ name: 'Urmston Methodist Church' }),
  ],
  [
    'franchise groups with the same name at different venues',
    record({ name: 'Slimming World', postcode: 'M33 7WR', lon: -2.32, lat: 53.42 }),
    record({ name: 'Slimming World', postcode: 'WA14 2RS', lon: -2.35, lat: 53.39 }),
  ],
  [
    'two flats in one building',
    record({ name: 'Sale Community Centre', address: 'Flat 2, 10 High St, Sale' }),
    record({ name: 'Hale Community Centre', address: 'Flat 3, 10 High St, Sale' }),
  ],
  [
    'one volunteer running two groups from her own email',
    record({ name: 'Sale Book Club', email: 'jane.smith@example.org' }),
    record({ name: 'Timperley Walking Group', email: 'jane.smith@example.org' }),
  ],
  [
    'one charity’s branches in two boroughs',
    record({ name: 'Age UK Trafford' }),
    record({ name: 'Age UK Salford' }),
  ],
];

test('pairs of records for the same group or service score at least their threshold', () => {
  for (const [label, a, b, threshold] of DUPLICATES) {
    const { score } = compareRecords(a, b);
    assert.ok(score >= threshold, `${label}: ${score} < ${threshold}`);
  }
});

test('pairs of different groups or services score below the warning threshold', () => {
  for (const [label, a, b] of DIFFERENT) {
    const { score } = compareRecords(a, b);
    assert.ok(score < WARN_ON_CREATE_THRESHOLD, `${label}: ${score}`);
  }
});

test('a shared phone alone never joins records with clearly different names', () => {
  const { score, reasons } = compareRecords(
    record({ name: 'Sale Knit and Natter', phone: '0161 962 1234' }),
    record({ name: 'Sale Book Club', phone: '01619621234' }),
  );
  assert.ok(score < 0.5, String(score));
  assert.deepEqual(reasons, [{ code: 'same-phone', value: '1619621234' }]);
});

test('reasons carry the evidence, with a and b in the order compared', () => {
  const a = record({
    name: 'Sale Harriers Manchester',
    address: 'Crossford Bridge, Danefield Rd, Sale',
    postcode: 'M33 7WR',
    phone: '0161 980 6090',
    email: 'Info@SaleHarriers.org.uk',
    website: 'https://www.saleharriers.org.uk/',
    lon: -2.3168,
    lat: 53.4305,
  });
  const b = record({
    name: 'Sale Hariers Manchester',
    address: 'Crossford Bridge, Danefield Road, Sale',
    postcode: 'm33 7wr',
    phone: '+44 161 980 6090',
    email: 'info@saleharriers.org.uk',
    website: 'saleharriers.org.uk/juniors',
    lon: -2.3169,
    lat: 53.4306,
  });
  const { score, reasons } = compareRecords(a, b);
  assert.ok(score > 0.99);
  assert.deepEqual(reasons, [
    { code: 'similar-name', a: 'Sale Harriers Manchester', b: 'Sale Hariers Manchester', similarity: 0.9667 },
    { code: 'same-phone', value: '1619806090' },
    { code: 'same-email', value: 'info@saleharriers.org.uk' },
    { code: 'same-website', value: 'saleharriers.org.uk', match: 'site' },
    {
      code: 'similar-address',
      a: 'Crossford Bridge, Danefield Rd, Sale',
      b: 'Crossford Bridge, Danefield Road, Sale',
      similarity: 1,
    },
    { code: 'same-postcode', value: 'M33 7WR' },
    { code: 'nearby', metres: 13 },
  ]);
});

test('the same page on a shared host matches, different pages on it do not', () => {
  const page = (website: string) => record({ name: 'Longford Park Friends', website });
  const same = compareRecords(page('facebook.com/longfordpark'), page('https://m.facebook.com/LongfordPark'));
  assert.deepEqual(codes(same.reasons), ['same-name', 'same-website']);
  const other = compareRecords(page('facebook.com/longfordpark'), page('facebook.com/longfordparkfriends'));
  assert.deepEqual(codes(other.reasons), ['same-name']);
});

test('junk contact details are never evidence', () => {
  const { reasons } = compareRecords(
    record({ name: 'Sale Sharks', phone: 'n/a', email: 'none', website: 'TBC', postcode: 'unknown' }),
    record({ name: 'Timperley Tigers', phone: 'n/a', email: 'none', website: 'TBC', postcode: 'unknown' }),
  );
  assert.deepEqual(reasons, []);
});

test('compareRecords is symmetric and scores in [0, 1]', () => {
  fc.assert(
    fc.property(arbitraryRecord(fc.constant('a')), arbitraryRecord(fc.constant('b')), (a, b) => {
      const forward = compareRecords(a, b);
      const backward = compareRecords(b, a);
      assert.equal(forward.score, backward.score);
      assert.deepEqual(codes(forward.reasons), codes(backward.reasons));
      assert.ok(forward.score >= 0 && forward.score <= 1, String(forward.score));
    }),
    { numRuns: 3000 },
  );
});

test('a record with a name compared with itself scores 1', () => {
  fc.assert(
    fc.property(arbitraryRecord(fc.constant('a')), (a) => {
      // A name with at least one word once normalised: "ﹾ" (an Arabic presentation form of a
      // vowel mark) is a letter to Unicode but normalises to a combining mark, so no word.
      fc.pre(nameTokens(a.name).length > 0);
      const { score, reasons } = compareRecords(a, { ...a, id: 'copy' });
      assert.equal(score, 1);
      assert.equal(reasons[0]?.code, 'same-name');
    }),
    { numRuns: 1000 },
  );
});
