/** Public API of the bank holidays library: a table from gov.uk, pure functions, no I/O. */
export {
  BANK_HOLIDAY_NATIONS,
  BANK_HOLIDAY_YEARS,
  type BankHoliday,
  type BankHolidayName,
  type BankHolidayNation,
  bankHolidayNationOf,
  bankHolidays,
  coversYear,
  isBankHoliday,
} from './bank-holidays.js';
