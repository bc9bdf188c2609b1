import { isRealDate } from '../../lib/civil-date.js';

/**
 * A GOV.UK date input posts three fields, `<name>-day`, `<name>-month` and `<name>-year`. This
 * reads them as a civil date (`YYYY-MM-DD`), or says what is wrong in the words GOV.UK uses:
 * nothing entered, or not a real date.
 */
export type DateInputResult = { date: string } | { error: 'missing' | 'invalid' };

export function readDateInput(fields: Record<string, unknown>, name: string): DateInputResult {
  const part = (p: string) => {
    const v = fields[`${name}-${p}`];
    return typeof v === 'string' ? v.trim() : '';
  };
  const [d, m, y] = [part('day'), part('month'), part('year')];
  if (!d && !m && !y) return { error: 'missing' };
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return { error: 'invalid' };
  const date = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  return isRealDate(date) ? { date } : { error: 'invalid' };
}

/** The three fields of a date input, to fill the form again. */
export function dateInputValues(date: string | null | undefined): {
  day: string;
  month: string;
  year: string;
} {
  if (!date) return { day: '', month: '', year: '' };
  return {
    day: String(Number(date.slice(8, 10))),
    month: String(Number(date.slice(5, 7))),
    year: date.slice(0, 4),
  };
}
