import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { makePerson } from '../../../../test/helpers/people.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { Role } from '../../../platform/module-definition.js';
import { findPlaceBySlug, type Place } from '../../../platform/places/place-service.js';
import streetsModule from '../index.js';
import {
  actOnNotice,
  runStreetDeadlines,
  saveStep,
  startNotice,
  submitNotice,
} from '../notices/notice-service.js';
import { median, streetFigures } from './stats.js';

const t = useTestApp();
const SITE = { publicUrl: 'https://kith.example' };
// Monday 10 January 2028; every event below is notified that morning.
const NOW = new Date('2028-01-10T10:00:00Z');
const at = (iso: string) => new Date(iso);

async function person(roles: Role[] = ['resident']): Promise<ServiceContext> {
  const p = await makePerson(t.db, { roles });
  const place = (await findPlaceBySlug(t.db, 'trafford')) as Place;
  return { db: t.db, place, actor: { userId: p.userId, roles, platformAdmin: false } };
}

/** A notification made through the journey, on a Saturday from noon to six. */
async function notify(organiser: ServiceContext, type: string, day: string, ward = '') {
  const [year, month, date] = day.split('-');
  const id = await startNotice(organiser, type);
  const steps: [Parameters<typeof saveStep>[3], Record<string, string>][] = [
    ['where', { street: 'Cranbrook Road', fromPoint: 'number 1', toPoint: 'number 41', wardCode: ward }],
    [
      'when',
      {
        'start-day': String(Number(date)),
        'start-month': String(Number(month)),
        'start-year': year as string,
        startTime: '12:00',
        endTime: '18:00',
      },
    ],
    ['what', { title: `${type} on ${day}`, expectedPeople: '40', roadClosure: 'yes' }],
    [
      'questions',
      type === 'street-party'
        ? { 'q-road': 'A quiet residential road', 'q-music': 'no', 'q-cooking': 'no' }
        : { 'q-how-often': 'Just once', 'q-stewards': 'Ann and Joe' },
    ],
    ['contact', { organiserName: 'Sam Okafor', organiserPhone: '', showOrganiser: 'no' }],
  ];
  for (const [step, body] of steps) {
    const { errors } = await saveStep(organiser, SITE, id, step, body, NOW);
    assert.deepEqual(errors, {}, `${type} ${step}`);
  }
  return submitNotice(organiser, SITE, id, NOW);
}

test('the median of no values is none; of an even count, the mean of the middle two', () => {
  assert.equal(median([]), null);
  assert.equal(median([10, 5]), 7.5);
  assert.equal(median([166, 75, 131, 103, 138]), 131);
});

test('a year’s figures: events by kind and ward, notice given, objections with reasons, appeals and time to decide', async () => {
  const organiser = await person();
  const officer = await person(['officer']);
  const colleague = await person(['officer']);

  // 1. Objected to, appealed, upheld by a colleague, held.
  const held = await notify(organiser, 'street-party', '2028-03-25', 'E05015256');
  await actOnNotice(
    officer,
    SITE,
    held.id,
    'object',
    { reason: 'Bus diversion that weekend' },
    at('2028-01-12T09:00:00Z'),
  );
  await actOnNotice(
    organiser,
    SITE,
    held.id,
    'appeal',
    { reason: 'The buses use the next road' },
    at('2028-01-13T09:00:00Z'),
  );
  await actOnNotice(
    colleague,
    SITE,
    held.id,
    'uphold-appeal',
    { reason: 'Checked with TfGM' },
    at('2028-01-14T09:00:00Z'),
  );
  // 2. A play street, withdrawn.
  const withdrawn = await notify(organiser, 'play-street', '2028-04-22');
  await actOnNotice(organiser, SITE, withdrawn.id, 'withdraw', {}, at('2028-02-01T09:00:00Z'));
  // 3. Going ahead, still to come.
  await notify(organiser, 'street-party', '2028-06-24', 'E05015244');
  await t.db.query(
    `update street_settings set power_of_competence = false where place_id = (select id from places where slug = 'trafford')`,
  );
  try {
    // 4 and 5. Applied for: approved after 5 working days; refused after 10, appealed, dismissed.
    const approved = await notify(organiser, 'street-party', '2028-05-20');
    await actOnNotice(officer, SITE, approved.id, 'approve', {}, at('2028-01-17T09:00:00Z'));
    const refused = await notify(organiser, 'street-party', '2028-05-27');
    await actOnNotice(
      officer,
      SITE,
      refused.id,
      'refuse',
      { reason: 'Too close to the hospital entrance' },
      at('2028-01-24T09:00:00Z'),
    );
    await actOnNotice(
      organiser,
      SITE,
      refused.id,
      'appeal',
      { reason: 'It is a cul-de-sac' },
      at('2028-01-25T09:00:00Z'),
    );
    await actOnNotice(
      colleague,
      SITE,
      refused.id,
      'dismiss-appeal',
      { reason: 'Ambulance access' },
      at('2028-01-26T09:00:00Z'),
    );
  } finally {
    await t.db.query(
      `update street_settings set power_of_competence = true where place_id = (select id from places where slug = 'trafford')`,
    );
  }
  // The day after the first party, the clock's job marks it held.
  await runStreetDeadlines(t.db, SITE, at('2028-03-26T09:00:00Z'));

  const f = await streetFigures(officer, 2028, at('2028-05-01T09:00:00Z'));
  assert.deepEqual(
    f.byType.map((x) => [x.slug, x.held, x.upcoming, x.other]),
    [
      ['street-party', 1, 2, 1],
      ['play-street', 0, 0, 1],
    ],
  );
  assert.deepEqual(f.total, { held: 1, upcoming: 2, other: 2 });
  const wards = Object.fromEntries(f.byWard.map((w) => [w.code ?? 'none', [w.held, w.upcoming, w.other]]));
  assert.deepEqual(wards, { E05015256: [1, 0, 0], E05015244: [0, 1, 0], none: [0, 1, 2] });
  // Notice from Monday 10 January: 75, 103, 131, 138 and 166 days. The middle one, Saturday 20
  // May, is 91 working days on (94 weekdays less Good Friday, Easter Monday and the early May holiday).
  assert.deepEqual(f.notice, { count: 5, medianCalendarDays: 131, medianWorkingDays: 91 });
  assert.equal(f.objections.count, 1);
  assert.deepEqual(
    f.objections.reasons.map(({ at: _, ...r }) => r),
    [{ date: '2028-01-12', typeName: 'Street party', reason: 'Bus diversion that weekend' }],
  );
  assert.deepEqual(f.appeals, { made: 2, upheld: 1, dismissed: 1, waiting: 0 });
  assert.deepEqual(f.decisions, { count: 2, medianWorkingDays: 7.5 });

  // The same as the annual report's figures (this year's, on the place's clock).
  const stats = await streetsModule.stats?.({ ...officer, actor: null });
  assert.ok(stats?.every((s) => s.labelKey.startsWith('streets.events.stats.')));
  const { streetStats } = await import('./stats.js');
  const report = Object.fromEntries(
    (await streetStats(officer, at('2028-05-01T09:00:00Z'))).map((s) => [s.key, s]),
  );
  assert.equal(report['streets.events.held']?.value, 1);
  assert.deepEqual(report['streets.events.held']?.byWard, { E05015256: 1 });
  assert.equal(report['streets.events.kind.street-party']?.value, 3);
  assert.equal(report['streets.events.kind.play-street']?.value, 0);
  assert.equal(report['streets.notice.medianWorkingDays']?.value, 91);
  assert.equal(report['streets.objections']?.value, 1);
  assert.equal(report['streets.appeals.dismissed']?.value, 1);
  assert.equal(report['streets.decisions.medianWorkingDays']?.value, 7.5);

  // The public page and its open data.
  const page = await t.app.inject('/trafford/streets/figures?year=2028');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Street events in Trafford Together: figures for 2028/);
  assert.match(
    page.body,
    /12 January 2028<\/td>\s*<td class="govuk-table__cell">Street party<\/td>\s*<td class="govuk-table__cell">Bus diversion that weekend/,
  );
  assert.doesNotMatch(page.body, /Sam Okafor/);
  const json = JSON.parse((await t.app.inject('/trafford/api/streets/figures?year=2028')).body);
  assert.equal(json.notice_given.median_calendar_days, 131);
  assert.equal(json.decisions.median_working_days, 7.5);
  const csv = await t.app.inject('/trafford/api/streets/figures.csv?year=2028');
  assert.match(csv.body, /^year,group,code,name,held,upcoming,other\n/);
  assert.match(csv.body, /2028,type,street-party,Street party,1,\d,1/);
  assert.match(csv.body, /2028,total,,,1,\d,2/);
  const bad = await t.app.inject('/trafford/streets/figures?year=20x8');
  assert.equal(bad.statusCode, 422);
});
