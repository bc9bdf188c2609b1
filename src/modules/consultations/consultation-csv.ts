/**
 * A text cell a spreadsheet would take for a formula (=, +, -, @, tab, carriage return at the
 * start) gets a leading apostrophe, so it is shown rather than run. Residents write these texts.
 */
export function spreadsheetSafe(value: string | null): string | null {
  if (value === null) return null;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
