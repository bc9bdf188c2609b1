/** What a posted form holds, as flat strings: anything else (arrays, objects) is left out. */
export function formStrings(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object' || Array.isArray(body)) return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL bytes cannot be stored, so they go
    if (typeof v === 'string') out[k] = v.replace(/\u0000/g, '');
  }
  return out;
}

/**
 * A GOV.UK month input (`<name>-month`, `<name>-year`) as YYYY-MM: '' when both are empty, and
 * 'not-a-month' when what was typed cannot be a month (the service says so in words).
 */
export function readMonthInput(fields: Record<string, string>, name: string): string {
  const month = (fields[`${name}-month`] ?? '').trim();
  const year = (fields[`${name}-year`] ?? '').trim();
  if (!month && !year) return '';
  if (!/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return 'not-a-month';
  const m = Number(month);
  if (m < 1 || m > 12) return 'not-a-month';
  return `${year}-${String(m).padStart(2, '0')}`;
}

/** A YYYY-MM month split for the month input's boxes. */
export function monthInputValues(name: string, month: string | null | undefined): Record<string, string> {
  const m = /^(\d{4})-(\d{2})$/.exec(month ?? '');
  return { [`${name}-month`]: m ? String(Number(m[2])) : '', [`${name}-year`]: m?.[1] ?? '' };
}
