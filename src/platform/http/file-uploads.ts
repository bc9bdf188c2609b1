import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';

/**
 * A file sent with a form, held in memory. A file over the limit still arrives, flagged
 * `tooLarge` and without its bytes, so the form can say what went wrong instead of the whole
 * request being refused.
 */
export type FileUpload = { bytes: Buffer | null; tooLarge: boolean; fileName: string };

/** What a form's file field is when nothing was sent in it. */
export const NO_FILE: FileUpload = { bytes: null, tooLarge: false, fileName: '' };

/**
 * Lets the routes of the plugin it is called in take `multipart/form-data`: each field arrives
 * as a string and each file as a FileUpload. Only routes that take files register it, each with
 * the limits of what it takes, so nowhere else accepts an upload.
 */
export async function acceptFileUploads(
  app: FastifyInstance,
  limits: { maxBytes: number; files?: number; fields?: number; fieldBytes?: number },
): Promise<void> {
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    throwFileSizeLimit: false,
    limits: {
      fileSize: limits.maxBytes,
      files: limits.files ?? 1,
      fields: limits.fields ?? 10,
      // Text fields past this are cut short by the parser, so a form with long text raises it.
      fieldSize: limits.fieldBytes ?? 10_000,
    },
    async onFile(part) {
      const bytes = await part.toBuffer();
      const tooLarge = part.file.truncated;
      const upload: FileUpload = { bytes: tooLarge ? null : bytes, tooLarge, fileName: part.filename ?? '' };
      (part as unknown as { value: FileUpload }).value = upload;
    },
  });
}

/** A form's fields as the parser left them (strings, and FileUploads for files). */
export function formFields(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** The file sent in a field, or NO_FILE when there was none (or the field held text instead). */
export function fileIn(body: unknown, field: string): FileUpload {
  const value = formFields(body)[field];
  return value && typeof value === 'object' && 'tooLarge' in value ? (value as FileUpload) : NO_FILE;
}

/** A text file's contents (CSV uploads), or '' when none was sent or it was over the limit. */
export function textOf(upload: FileUpload): string {
  return upload.bytes ? upload.bytes.toString('utf8') : '';
}
