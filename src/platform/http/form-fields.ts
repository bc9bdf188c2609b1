import { z } from 'zod';

/**
 * Field schemas every form uses. Forms post strings; messages are catalogue keys.
 */

/** Optional free text: trimmed, empty when missing, refused past `max` characters. */
export const optionalText = (max: number, tooLong: string) => z.string().trim().max(max, tooLong).default('');

/**
 * Choices from a fixed list, as a checkbox group posts them (comma-joined by parseForm) or a
 * spreadsheet cell holds them (`separator` /[,;]/): each must be allowed; repeats count once.
 */
export const choiceList = <T extends string>(
  allowed: readonly T[],
  message: string,
  separator: RegExp | string = ',',
) =>
  z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(separator)
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(allowed as [T, ...T[]], message)).transform((xs) => [...new Set(xs)]));

/**
 * Pounds as typed ("12", "12.50", "£7.5", up to £99,999.99): exact integer pence (never via
 * floating point), or null when left empty. A third decimal place ("12.505") is refused.
 */
export const poundsToPence = (message: string) =>
  z
    .string()
    .trim()
    .default('')
    .refine((s) => s === '' || /^£?\d{1,5}(\.\d{1,2})?$/.test(s), message)
    .transform((s) => {
      if (s === '') return null;
      const [whole = '0', frac = ''] = s.replace('£', '').split('.');
      return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
    });
