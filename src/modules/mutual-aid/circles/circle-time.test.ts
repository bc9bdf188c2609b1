import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dayLabel, isRealDate, londonDay, londonInstant, timeLabel } from './circle-time.js';

test('a rota time means that time on a London clock, in winter, in summer and on the days the clocks change', () => {
  assert.equal(londonInstant(2027, 1, 14, 10 * 60).toISOString(), '2027-01-14T10:00:00.000Z');
  assert.equal(londonInstant(2027, 7, 14, 10 * 60).toISOString(), '2027-07-14T09:00:00.000Z');
  // Clocks go forward at 01:00 GMT on 28 March 2027 and back at 02:00 BST on 31 October 2027.
  assert.equal(londonInstant(2027, 3, 28, 10 * 60).toISOString(), '2027-03-28T09:00:00.000Z');
  assert.equal(londonInstant(2027, 10, 31, 10 * 60).toISOString(), '2027-10-31T10:00:00.000Z');
  assert.equal(londonInstant(2027, 10, 30, 23 * 60 + 30).toISOString(), '2027-10-30T22:30:00.000Z');
  const summer = londonInstant(2027, 7, 14, 23 * 60 + 30);
  assert.equal(londonDay(summer), '2027-07-14');
  assert.equal(timeLabel(summer, 'en'), '23:30');
  assert.match(dayLabel(summer, 'en'), /Wednesday,? 14 July 2027/);
});

test('only real calendar dates are accepted', () => {
  assert.ok(isRealDate(2028, 2, 29));
  assert.ok(!isRealDate(2027, 2, 29));
  assert.ok(!isRealDate(2027, 13, 1));
  assert.ok(!isRealDate(2027, 4, 31));
});
