import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endOfLondonDay, londonAt, londonParts } from './london-clock.js';

test('10:00 in London is 10:00 UTC in winter and 09:00 UTC in summer', () => {
  assert.equal(londonAt('2026-01-15', 600).toISOString(), '2026-01-15T10:00:00.000Z');
  assert.equal(londonAt('2026-07-15', 600).toISOString(), '2026-07-15T09:00:00.000Z');
});

test('the end of the clock-change days: 23 hours in March, 25 in October', () => {
  const march = endOfLondonDay('2026-03-29').getTime() - londonAt('2026-03-29').getTime();
  const october = endOfLondonDay('2026-10-25').getTime() - londonAt('2026-10-25').getTime();
  assert.equal(march / 3_600_000, 23);
  assert.equal(october / 3_600_000, 25);
  assert.equal(endOfLondonDay('2026-10-25').toISOString(), '2026-10-26T00:00:00.000Z');
});

test('an instant reads back as its London date and time', () => {
  assert.deepEqual(londonParts(new Date('2026-10-24T23:30:00Z')), {
    date: '2026-10-25',
    time: '00:30',
    minutes: 30,
  });
  assert.deepEqual(londonParts(new Date('2026-10-25T23:30:00Z')), {
    date: '2026-10-25',
    time: '23:30',
    minutes: 1410,
  });
});
