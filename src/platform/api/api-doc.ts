import { z } from 'zod';
import type { Access } from '../http/access.js';
import { PageQuery } from '../opendata/formats.js';

/**
 * What a route tells the OpenAPI document about itself, beside its access rule (route
 * `config.api`). Everything is optional: a route that says nothing is still listed, with its
 * path parameters, access and media type; one that declares more is documented more fully.
 */
export type ApiDoc = {
  /** Catalogue key of a one-line summary. */
  summaryKey?: string;
  /** Query parameters (filters), as a zod object: each key becomes a parameter. */
  query?: z.ZodObject;
  /** The shape of one item of a paged list, or of the whole response otherwise. */
  response?: z.ZodType;
  /** Takes the shared `page` and `per_page` parameters and answers in the paging envelope. */
  paged?: boolean;
};

declare module 'fastify' {
  interface FastifyContextConfig {
    api?: ApiDoc;
  }
}

/** A route's options with its access rule and its API documentation: `withApi(PUBLIC, {...})`. */
export function withApi<A extends { config: { access: Access } }>(access: A, api: ApiDoc) {
  return { ...access, config: { ...access.config, api } };
}

/** The paging parameters every paged list takes, declared once (from formats.ts's parser). */
export const PAGING_QUERY = PageQuery;

/** The paging envelope of `paged()` in formats.ts, around items of the given shape. */
export function pagedEnvelope(item: z.ZodType) {
  return z.object({
    total_items: z.number().int().min(0),
    total_pages: z.number().int().min(1),
    page_number: z.number().int().min(1),
    size: z.number().int().min(0),
    first_page: z.boolean(),
    last_page: z.boolean(),
    links: z.object({
      self: z.string(),
      first: z.string(),
      last: z.string(),
      prev: z.string().optional(),
      next: z.string().optional(),
    }),
    contents: z.array(item),
  });
}
