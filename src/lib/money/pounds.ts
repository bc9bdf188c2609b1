/**
 * Pounds as people type them ("1250", "£1,250.50", "0.5"): exact integer pence, never through
 * floating point. Commas only as thousands separators, at most two decimal places, at most ten
 * digits of whole pounds. Null when the text is not an amount; callers set their own range.
 */
export function parsePounds(text: string): bigint | null {
  const s = text.trim().replace(/^£/, '');
  if (!/^(\d{1,10}|\d{1,3}(,\d{3}){1,3})(\.\d{1,2})?$/.test(s)) return null;
  const [whole = '0', fraction = ''] = s.replace(/,/g, '').split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
}

/** Pence as a person would type them back into a form: "1250", "1250.50". */
export function poundsText(pence: bigint): string {
  const sign = pence < 0n ? '-' : '';
  const abs = pence < 0n ? -pence : pence;
  const rest = abs % 100n;
  return `${sign}${abs / 100n}${rest === 0n ? '' : `.${String(rest).padStart(2, '0')}`}`;
}
