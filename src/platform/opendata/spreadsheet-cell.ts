/**
 * The one guard against spreadsheet formula injection, for every CSV Kith writes: text that starts
 * like a formula (=, +, -, @, tab, carriage return) gets a leading apostrophe, so a spreadsheet
 * shows it rather than runs it. Numbers and phone numbers (digits, spaces, + - ( ) .) are left
 * alone: they cannot call a function. Safe to apply twice.
 */
export function spreadsheetCell(value: string | null | undefined): string {
  const s = value ?? '';
  if (/^[=+\-@\t\r]/.test(s) && !/^[+\-0-9 ().]+$/.test(s)) return `'${s}`;
  return s;
}
