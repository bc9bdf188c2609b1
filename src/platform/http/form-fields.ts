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
