import { BANK_HOLIDAY_YEARS, bankHolidayNationOf, isBankHoliday } from '../../../lib/bank-holidays/index.js';
import { endOfLondonDay, londonParts } from '../../../lib/london-clock.js';
import type { IsHoliday } from '../../../lib/working-days.js';
import type { Place } from '../../../platform/places/place-service.js';

/** A place's bank holidays: Wales shares England's list, Scotland and Northern Ireland have their own. */
export function holidaysOf(place: Pick<Place, 'nation'>): IsHoliday {
  const nation = bankHolidayNationOf(place.nation);
  return (date) => isBankHoliday(nation, date);
}

/** The last date an event can be notified for: working days can only be counted where the table reaches. */
export const LAST_KNOWN_DATE = `${BANK_HOLIDAY_YEARS.last}-12-31`;

/** Today on the place's clock. */
export const londonToday = (now: Date) => londonParts(now).date;

/** "By the end of" a date, as the instant a deadline passes. */
export const deadlineAt = endOfLondonDay;
