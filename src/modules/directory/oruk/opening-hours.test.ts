import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOpeningHours } from './opening-hours.js';

// Each of these is written as it appears in Trafford's open data.
const cases: [string, ReturnType<typeof parseOpeningHours>][] = [
  [
    'Tuesdays, Wednesdays and Fridays, 10am-2pm',
    [{ freq: 'WEEKLY', byday: 'TU,WE,FR', opens_at: '10:00:00', closes_at: '14:00:00' }],
  ],
  [
    'Monday to Friday, 9.30am-4pm',
    [{ freq: 'WEEKLY', byday: 'MO,TU,WE,TH,FR', opens_at: '09:30:00', closes_at: '16:00:00' }],
  ],
  [
    'Mondays, Tuesdays and Thursdays, 9.30am-4pm; Wednesdays, 9.30am-6pm; Fridays, 9.30am-1pm',
    [
      { freq: 'WEEKLY', byday: 'MO,TU,TH', opens_at: '09:30:00', closes_at: '16:00:00' },
      { freq: 'WEEKLY', byday: 'WE', opens_at: '09:30:00', closes_at: '18:00:00' },
      { freq: 'WEEKLY', byday: 'FR', opens_at: '09:30:00', closes_at: '13:00:00' },
    ],
  ],
  [
    'Mon-Fri: 6:30am-10:00pm, Sat-Sun: 8:00am-6:00pm',
    [
      { freq: 'WEEKLY', byday: 'MO,TU,WE,TH,FR', opens_at: '06:30:00', closes_at: '22:00:00' },
      { freq: 'WEEKLY', byday: 'SA,SU', opens_at: '08:00:00', closes_at: '18:00:00' },
    ],
  ],
  [
    'Tues 11am - 2pm, Fri 11.30am -1.30pm',
    [
      { freq: 'WEEKLY', byday: 'TU', opens_at: '11:00:00', closes_at: '14:00:00' },
      { freq: 'WEEKLY', byday: 'FR', opens_at: '11:30:00', closes_at: '13:30:00' },
    ],
  ],
  ['Monday 12noon - 2pm', [{ freq: 'WEEKLY', byday: 'MO', opens_at: '12:00:00', closes_at: '14:00:00' }]],
  ['Friday 2 - 4.30pm', [{ freq: 'WEEKLY', byday: 'FR', opens_at: '14:00:00', closes_at: '16:30:00' }]],
  [
    'Monday to Thursdays, 9-5pm for calls; 10am-2pm for food collections and deliveries',
    [
      { freq: 'WEEKLY', byday: 'MO,TU,WE,TH', opens_at: '09:00:00', closes_at: '17:00:00' },
      { freq: 'WEEKLY', byday: 'MO,TU,WE,TH', opens_at: '10:00:00', closes_at: '14:00:00' },
    ],
  ],
  [
    'Drop in group for people suffering from depression. Meets on Tuesdays 1.30-3.30pm.',
    [{ freq: 'WEEKLY', byday: 'TU', opens_at: '13:30:00', closes_at: '15:30:00' }],
  ],
  [
    'Support network for people who hear voices. Meets on Thursdays at 2pm.',
    [{ freq: 'WEEKLY', byday: 'TH', opens_at: '14:00:00' }],
  ],
  [
    'Meets Tuesdays, Wednesdays and Fridays, 9.30-11.30am and 12.30-2.30pm.',
    [
      { freq: 'WEEKLY', byday: 'TU,WE,FR', opens_at: '09:30:00', closes_at: '11:30:00' },
      { freq: 'WEEKLY', byday: 'TU,WE,FR', opens_at: '12:30:00', closes_at: '14:30:00' },
    ],
  ],
  [
    'Monthly drop-in sessions take place on the third Wednesday of each month.',
    [{ freq: 'MONTHLY', byday: '3WE' }],
  ],
  [
    'Last Monday of every month 10.30am-12noon.',
    [{ freq: 'MONTHLY', byday: '-1MO', opens_at: '10:30:00', closes_at: '12:00:00' }],
  ],
  ['Peer support. Available Monday to Friday.', [{ freq: 'WEEKLY', byday: 'MO,TU,WE,TH,FR' }]],
  ['Evenings, Weekends and School Holidays', [{ freq: 'WEEKLY', byday: 'SA,SU' }]],
];

for (const [text, expected] of cases) {
  test(`opening hours: ${text}`, () => {
    assert.deepEqual(parseOpeningHours(text), expected);
  });
}

test('ages, phone numbers and words that contain day names are not read as hours', () => {
  assert.deepEqual(
    parseOpeningHours('Counselling for young people aged 13 to 25 years. Call 0161 228 7321.'),
    [],
  );
  assert.deepEqual(
    parseOpeningHours('African Caribbean Care Group: common sunflower satisfaction monthly'),
    [],
  );
});
