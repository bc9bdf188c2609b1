import { addDays, daysBetween } from '../civil-date.js';
import { addWorkingDays, type IsHoliday, workingDaysBetween } from '../working-days.js';

/**
 * The dates a street notification lives by. All are civil dates on the place's calendar; the
 * service turns "by the end of a date" into the instant London's next midnight happens.
 */
export type NoticeUnit = 'calendar-days' | 'working-days';

/** What a notification type asks of the calendar. */
export type NoticeRules = {
  /** Minimum notice before the event's first day. */
  noticeAmount: number;
  noticeUnit: NoticeUnit;
  /** Notify mode: an officer can object until this many working days before the event. */
  objectionWorkingDays: number;
  /** Approval mode: the council decides within this many working days of the application. */
  decisionWorkingDays: number;
};

/**
 * Notify mode: after a resident amends an objected (or already cleared) notification, officers
 * get at least this many working days to look again, so an amendment cannot slip past them.
 */
export const AMENDMENT_REVIEW_WORKING_DAYS = 3;

export type Mode = 'notify' | 'approve';

/** The date the minimum notice runs out: the first day an event can be held, before the mode. */
export function noticeEnds(rules: NoticeRules, today: string, isHoliday: IsHoliday): string {
  return rules.noticeUnit === 'working-days'
    ? addWorkingDays(today, rules.noticeAmount, isHoliday)
    : addDays(today, rules.noticeAmount);
}

/** Notify mode: the last day an officer can object to an event on `eventDate`. */
export function objectionDeadline(eventDate: string, rules: NoticeRules, isHoliday: IsHoliday): string {
  return addWorkingDays(eventDate, -rules.objectionWorkingDays, isHoliday);
}

/** Approval mode: the day the council should have decided an application made on `appliedOn`. */
export function decisionDeadline(appliedOn: string, rules: NoticeRules, isHoliday: IsHoliday): string {
  return addWorkingDays(appliedOn, rules.decisionWorkingDays, isHoliday);
}

/**
 * The earliest date an event notified (or applied for) today can be held: the minimum notice has
 * run, and the council still has at least one whole working day after today to object (notify
 * mode) or its decision falls before the event (approval mode).
 */
export function earliestEventDate(
  rules: NoticeRules,
  mode: Mode,
  today: string,
  isHoliday: IsHoliday,
): string {
  let date = noticeEnds(rules, today, isHoliday);
  if (mode === 'notify') {
    const firstWorkingDay = addWorkingDays(today, 1, isHoliday);
    while (objectionDeadline(date, rules, isHoliday) < firstWorkingDay) date = addDays(date, 1);
  } else {
    const decided = decisionDeadline(today, rules, isHoliday);
    if (date <= decided) date = addDays(decided, 1);
  }
  return date;
}

/**
 * Notify mode, after an amendment on `today`: the objection deadline becomes the later of the
 * usual one and a short review period, but never the event's own day or later.
 */
export function deadlineAfterAmendment(
  eventDate: string,
  rules: NoticeRules,
  today: string,
  isHoliday: IsHoliday,
): string {
  const usual = objectionDeadline(eventDate, rules, isHoliday);
  const review = addWorkingDays(today, AMENDMENT_REVIEW_WORKING_DAYS, isHoliday);
  const latest = addDays(eventDate, -1);
  // ISO dates sort as strings: the later of the two, then the earlier of that and the eve.
  const later = [usual, review].sort()[1] as string;
  return [later, latest].sort()[0] as string;
}

/** How much notice a notification gave, for the annual report. */
export function noticeGiven(notifiedOn: string, eventDate: string, isHoliday: IsHoliday) {
  return {
    calendarDays: daysBetween(notifiedOn, eventDate),
    workingDays: workingDaysBetween(notifiedOn, eventDate, isHoliday),
  };
}
