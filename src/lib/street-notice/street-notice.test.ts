import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addDays } from '../civil-date.js';
import { addWorkingDays, isWorkingDay } from '../working-days.js';
import {
  deadlineAfterAmendment,
  earliestEventDate,
  type NoticeRules,
  noticeEnds,
  noticeGiven,
  objectionDeadline,
} from './deadlines.js';
import { ACTIONS, FINAL, type NoticeStatus, nextStatus, STATUSES } from './states.js';

// England and Wales 2026 and Scotland 2026 (gov.uk/bank-holidays).
const EW = new Set([
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-05-04',
  '2026-05-25',
  '2026-08-31',
  '2026-12-25',
  '2026-12-28',
]);
const SCOT = new Set([
  '2026-01-01',
  '2026-01-02',
  '2026-04-03',
  '2026-05-04',
  '2026-05-25',
  '2026-08-03',
  '2026-11-30',
  '2026-12-25',
  '2026-12-28',
]);
const ew = (d: string) => EW.has(d);
const scot = (d: string) => SCOT.has(d);

const streetParty: NoticeRules = {
  noticeAmount: 28,
  noticeUnit: 'calendar-days',
  objectionWorkingDays: 10,
  decisionWorkingDays: 10,
};

test('a street party notified on 23 November 2026 can be held from 21 December', () => {
  assert.equal(noticeEnds(streetParty, '2026-11-23', ew), '2026-12-21');
  assert.equal(earliestEventDate(streetParty, 'notify', '2026-11-23', ew), '2026-12-21');
  // Ten working days before 21 December 2026 is Monday 7 December.
  assert.equal(objectionDeadline('2026-12-21', streetParty, ew), '2026-12-07');
});

test("Scotland and England differ: St Andrew's Day moves a Scottish deadline", () => {
  const rules = { ...streetParty, objectionWorkingDays: 5 };
  // Five working days before Friday 4 December 2026: in England Friday 27 November; in Scotland
  // Monday 30 November is St Andrew's Day, so it is Thursday 26 November.
  assert.equal(objectionDeadline('2026-12-04', rules, ew), '2026-11-27');
  assert.equal(objectionDeadline('2026-12-04', rules, scot), '2026-11-26');
  // Easter Monday is a holiday in England and Wales but not Scotland.
  const working = { ...streetParty, noticeAmount: 2, noticeUnit: 'working-days' as const };
  assert.equal(noticeEnds(working, '2026-04-02', ew), '2026-04-08');
  assert.equal(noticeEnds(working, '2026-04-02', scot), '2026-04-07');
});

test('working-day notice over Christmas skips both the holidays and the weekend', () => {
  const closure: NoticeRules = { ...streetParty, noticeAmount: 4, noticeUnit: 'working-days' };
  assert.equal(noticeEnds(closure, '2026-12-23', ew), '2026-12-31');
});

test("approval mode: the event must fall after the council's decision deadline", () => {
  const rules: NoticeRules = { ...streetParty, noticeAmount: 3, decisionWorkingDays: 10 };
  // Ten working days after Monday 23 November 2026 is Monday 7 December.
  assert.equal(earliestEventDate(rules, 'approve', '2026-11-23', ew), '2026-12-08');
});

test('after an amendment officers get three working days, but never up to the event day', () => {
  // Usual deadline 7 December; amended on 10 December → 15 December; event 21 December.
  assert.equal(deadlineAfterAmendment('2026-12-21', streetParty, '2026-12-10', ew), '2026-12-15');
  // Amended early: the usual deadline stands.
  assert.equal(deadlineAfterAmendment('2026-12-21', streetParty, '2026-11-24', ew), '2026-12-07');
  // Amended two days before: the day before the event is the latest.
  assert.equal(deadlineAfterAmendment('2026-12-21', streetParty, '2026-12-18', ew), '2026-12-20');
});

test('notice given counts calendar and working days, for the annual report', () => {
  // 21, 22, 23, 24 and 29 December: Christmas, the weekend and the substitute day do not count.
  assert.deepEqual(noticeGiven('2026-12-18', '2026-12-29', ew), { calendarDays: 11, workingDays: 5 });
});

const day = fc.integer({ min: 0, max: 1200 }).map((n) => addDays('2025-01-01', n));
const rules = fc.record({
  noticeAmount: fc.integer({ min: 0, max: 90 }),
  noticeUnit: fc.constantFrom('calendar-days' as const, 'working-days' as const),
  objectionWorkingDays: fc.integer({ min: 0, max: 30 }),
  decisionWorkingDays: fc.integer({ min: 0, max: 30 }),
});
const holidays = fc.constantFrom(ew, scot, () => false);

test('property: the earliest event date meets every rule, and the day before it does not', () => {
  fc.assert(
    fc.property(
      rules,
      fc.constantFrom('notify' as const, 'approve' as const),
      day,
      holidays,
      (r, mode, today, h) => {
        const ok = (date: string) =>
          date >= noticeEnds(r, today, h) &&
          (mode === 'notify'
            ? objectionDeadline(date, r, h) >= addWorkingDays(today, 1, h)
            : date > addWorkingDays(today, r.decisionWorkingDays, h));
        const earliest = earliestEventDate(r, mode, today, h);
        assert.ok(ok(earliest), `${earliest} should be allowed`);
        assert.ok(!ok(addDays(earliest, -1)), `${addDays(earliest, -1)} should not be allowed`);
      },
    ),
  );
});

test('property: an objection deadline is a working day before the event', () => {
  fc.assert(
    fc.property(rules, day, holidays, (r, event, h) => {
      const deadline = objectionDeadline(event, r, h);
      if (r.objectionWorkingDays > 0) {
        assert.ok(deadline < event);
        assert.ok(isWorkingDay(deadline, h));
      } else assert.equal(deadline, event);
    }),
  );
});

// The journey, walked exhaustively.
const MODES = ['notify', 'approve'] as const;

test('nothing moves a notification out of a final state', () => {
  for (const status of FINAL)
    for (const action of ACTIONS)
      for (const mode of MODES)
        for (const windowClosed of [true, false])
          assert.equal(nextStatus(status, action, { mode, windowClosed }), null, `${status} ${action}`);
});

test('each mode reaches only its own statuses, and every non-final one can be withdrawn or end', () => {
  const own: Record<(typeof MODES)[number], NoticeStatus[]> = {
    notify: [
      'draft',
      'going-ahead',
      'confirmed',
      'objected',
      'appealed',
      'stopped',
      'withdrawn',
      'held',
      'lapsed',
    ],
    approve: [
      'draft',
      'submitted',
      'approved',
      'refused',
      'appealed',
      'stopped',
      'withdrawn',
      'held',
      'lapsed',
    ],
  };
  for (const mode of MODES) {
    const seen = new Set<NoticeStatus>(['draft']);
    const queue: NoticeStatus[] = ['draft'];
    while (queue.length) {
      const s = queue.shift() as NoticeStatus;
      for (const action of ACTIONS)
        for (const windowClosed of [true, false]) {
          const next = nextStatus(s, action, { mode, windowClosed });
          if (next && !seen.has(next)) {
            seen.add(next);
            queue.push(next);
          }
        }
    }
    assert.deepEqual([...seen].sort(), [...own[mode]].sort(), mode);
    for (const s of seen) {
      if (FINAL.includes(s) || s === 'draft') continue;
      assert.equal(nextStatus(s, 'withdraw', { mode, windowClosed: false }), 'withdrawn');
      assert.ok(['held', 'lapsed'].includes(nextStatus(s, 'event-over', { mode, windowClosed: true }) ?? ''));
    }
  }
  assert.ok(STATUSES.length >= 12);
});

test('notify mode: an objection only before the deadline, and an amendment puts it back on', () => {
  const open = { mode: 'notify' as const, windowClosed: false };
  const closed = { mode: 'notify' as const, windowClosed: true };
  assert.equal(nextStatus('draft', 'submit', open), 'going-ahead');
  assert.equal(nextStatus('going-ahead', 'object', open), 'objected');
  assert.equal(nextStatus('going-ahead', 'object', closed), null);
  assert.equal(nextStatus('going-ahead', 'close-window', closed), 'confirmed');
  assert.equal(nextStatus('objected', 'amend', closed), 'going-ahead');
  assert.equal(nextStatus('objected', 'appeal', closed), 'appealed');
  assert.equal(nextStatus('appealed', 'uphold-appeal', closed), 'confirmed');
  assert.equal(nextStatus('appealed', 'dismiss-appeal', closed), 'stopped');
  assert.equal(nextStatus('objected', 'event-over', closed), 'lapsed');
  assert.equal(nextStatus('confirmed', 'event-over', closed), 'held');
  assert.equal(nextStatus('going-ahead', 'approve', open), null, 'no approval in notify mode');
});

test('approval mode: refused can be amended or appealed; nothing is going ahead by default', () => {
  const m = { mode: 'approve' as const, windowClosed: false };
  assert.equal(nextStatus('draft', 'submit', m), 'submitted');
  assert.equal(nextStatus('submitted', 'object', m), null);
  assert.equal(nextStatus('submitted', 'refuse', m), 'refused');
  assert.equal(nextStatus('refused', 'amend', m), 'submitted');
  assert.equal(nextStatus('refused', 'appeal', m), 'appealed');
  assert.equal(nextStatus('appealed', 'uphold-appeal', m), 'approved');
  assert.equal(nextStatus('submitted', 'event-over', m), 'lapsed');
});
