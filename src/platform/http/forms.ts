import type { z } from 'zod';
import type { Invalid } from './errors.js';

/** A field error for the GOV.UK error summary: `href` points at the field to fix. */
export type FormError = { field: string; text: string; href: string };

export type FormResult<T> =
  | { ok: true; data: T; values: Record<string, string> }
  | { ok: false; errors: FormError[]; values: Record<string, string> };

/**
 * Validates a posted form against a zod schema whose messages are message-catalogue keys.
 * Anything that is not a flat record of strings (arrays, objects, odd types) is treated
 * as empty rather than trusted, so hostile bodies only ever produce field errors.
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  body: unknown,
  t: (key: string) => string,
  options: { multiple?: readonly string[] } = {},
): FormResult<z.infer<S>> {
  const values: Record<string, string> = {};
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping NUL bytes is the point
  const clean = (v: string) => v.replace(/\u0000/g, '');
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      if (typeof v === 'string') values[k] = clean(v);
      // Checkbox groups post one value per box; they reach the schema comma-joined.
      else if (Array.isArray(v) && options.multiple?.includes(k))
        values[k] = v
          .filter((x): x is string => typeof x === 'string')
          .map(clean)
          .join(',');
    }
  }
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data, values };
  const seen = new Set<string>();
  const errors: FormError[] = [];
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ field, text: t(issue.message), href: `#${field}` });
  }
  return { ok: false, errors, values };
}

/** Field errors from a service's Invalid (catalogue keys), in the shape the error summary wants. */
export function formErrorsFrom(error: Invalid, t: (key: string) => string): FormError[] {
  return Object.entries(error.fieldErrors).map(([field, key]) => ({
    field,
    text: t(key),
    href: `#${field}`,
  }));
}

/** Error messages by field, for the `errorMessage` option of govuk macros. */
export function errorsByField(errors: FormError[]): Record<string, { text: string }> {
  return Object.fromEntries(errors.map((e) => [e.field, { text: e.text }]));
}
