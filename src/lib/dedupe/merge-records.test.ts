import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { DirectoryRecord } from './compare-records.js';
import { mergeRecords } from './merge-records.js';
import { arbitraryRecord } from './test-records.js';

type GroupRow = DirectoryRecord & { readonly source: string; readonly lastConfirmedAt: string };

const primary: GroupRow = {
  id: 'g1',
  kind: 'group',
  name: 'Sale Harriers Manchester',
  address: 'Crossford Bridge, Danefield Road, Sale',
  postcode: 'M33 7WR',
  phone: '0161 980 6090',
  email: null,
  website: '',
  lon: null,
  lat: null,
  source: 'kith',
  lastConfirmedAt: '2025-04-01',
};

test('the primary’s values are kept and its gaps filled from the duplicate', () => {
  const { merged, filled, conflicts } = mergeRecords(primary, {
    id: 'g2',
    kind: 'group',
    name: 'Sale Hariers Manchester',
    postcode: 'm33 7wr',
    phone: '+44 161 980 6090',
    email: 'info@saleharriers.org.uk',
    website: 'https://www.saleharriers.org.uk/',
    lon: -2.3168,
    lat: 53.4305,
  });
  assert.deepEqual(merged, {
    ...primary,
    email: 'info@saleharriers.org.uk',
    website: 'https://www.saleharriers.org.uk/',
    lon: -2.3168,
    lat: 53.4305,
  });
  assert.deepEqual(filled, ['email', 'website', 'location']);
  // The postcode and phone only differ in format; the name differs in spelling.
  assert.deepEqual(conflicts, [
    { field: 'name', primary: 'Sale Harriers Manchester', duplicate: 'Sale Hariers Manchester' },
  ]);
});

test('real disagreements are listed for the officer, primary’s value first', () => {
  const { merged, conflicts } = mergeRecords(
    { ...primary, email: 'info@saleharriers.org.uk', lon: -2.3168, lat: 53.4305 },
    {
      id: 'g2',
      kind: 'service',
      name: 'Sale Harriers',
      address: '12 Moss Lane, Sale',
      postcode: 'M33 5AA',
      phone: '07700 900123',
      email: 'secretary@saleharriers.org.uk',
      lon: -2.35,
      lat: 53.39,
    },
  );
  assert.equal(merged.phone, '0161 980 6090');
  assert.deepEqual(
    conflicts.map((conflict) => conflict.field),
    ['kind', 'name', 'address', 'postcode', 'phone', 'email', 'location'],
  );
  assert.deepEqual(conflicts.at(-1), {
    field: 'location',
    primary: { lon: -2.3168, lat: 53.4305 },
    duplicate: { lon: -2.35, lat: 53.39 },
  });
});

test('junk in the primary is a gap; junk in the duplicate is neither copied nor a conflict', () => {
  const filledIn = mergeRecords(
    { ...primary, phone: 'n/a' },
    { id: 'g2', kind: 'group', name: 'x', phone: '07700 900123' },
  );
  assert.equal(filledIn.merged.phone, '07700 900123');
  assert.deepEqual(filledIn.filled, ['phone']);

  const { merged, filled, conflicts } = mergeRecords(primary, {
    id: 'g2',
    kind: 'group',
    name: 'Sale Harriers Manchester',
    phone: 'n/a',
    email: 'none',
    website: 'TBC',
  });
  assert.deepEqual(merged, primary);
  assert.deepEqual(filled, []);
  assert.deepEqual(conflicts, []);
});

test('every merged value is the primary’s or, where the primary had none, the duplicate’s', () => {
  fc.assert(
    fc.property(arbitraryRecord(fc.constant('p')), arbitraryRecord(fc.constant('d')), (a, b) => {
      const { merged, filled, conflicts } = mergeRecords(a, b);
      assert.equal(merged.id, 'p');
      assert.equal(merged.kind, a.kind);
      for (const field of ['name', 'address', 'postcode', 'phone', 'email', 'website'] as const) {
        assert.equal(merged[field], filled.includes(field) ? b[field] : a[field]);
      }
      assert.ok(conflicts.every((conflict) => !filled.includes(conflict.field)));
      assert.deepEqual(mergeRecords(a, a).conflicts, []);
    }),
    { numRuns: 1000 },
  );
});
