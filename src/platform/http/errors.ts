import type { z } from 'zod';

/**
 * Typed domain errors. Services throw these; one handler (error-handler.ts) turns them into
 * a GOV.UK-style page for people and RFC 9457 problem+json for the API.
 */
export type FieldErrors = Record<string, string>;

export abstract class DomainError extends Error {
  abstract readonly status: number;
  /** A message-catalogue key for the page title. */
  abstract readonly titleKey: string;
}

export class NotFound extends DomainError {
  readonly status = 404;
  readonly titleKey = 'errors.notFound.title';
  constructor(message = 'Not found') {
    super(message);
  }
}

export class Forbidden extends DomainError {
  readonly status = 403;
  readonly titleKey = 'errors.forbidden.title';
  constructor(message = 'You do not have permission to do that') {
    super(message);
  }
}

export class Conflict extends DomainError {
  readonly status = 409;
  readonly titleKey = 'errors.conflict.title';
}

/** Invalid input: `fieldErrors` maps a field name to a message-catalogue key or text. */
export class Invalid extends DomainError {
  readonly status = 422;
  readonly titleKey = 'errors.invalid.title';
  constructor(
    readonly fieldErrors: FieldErrors,
    message = 'The data sent was not valid',
  ) {
    super(message);
  }
}

/** A request that cannot be understood at all (e.g. NUL bytes in the address). */
export class BadRequest extends DomainError {
  readonly status = 400;
  readonly titleKey = 'errors.badRequest.title';
}

/**
 * Validates service input against a zod schema whose messages are catalogue keys, throwing
 * Invalid (one message per field) rather than a ZodError, so the API, CLI and forms all get
 * the same field errors.
 */
export function validated<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= issue.message;
  }
  throw new Invalid(errors);
}
