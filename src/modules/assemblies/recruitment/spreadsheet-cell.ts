/**
 * A cell for a CSV an officer opens in a spreadsheet: text from an uploaded file or a web form
 * that starts like a formula (=, +, -, @, tab, carriage return) gets a leading apostrophe, so
 * the spreadsheet shows it rather than runs it. Numbers and phone numbers (digits, spaces,
 * + - ( ) .) are left alone: they cannot call a function.
 */
export function spreadsheetCell(value: string | null | undefined): string {
  const s = value ?? '';
  if (/^[=+\-@\t\r]/.test(s) && !/^[+\-0-9 ().]+$/.test(s)) return `'${s}`;
  return s;
}
