import { stringify } from 'csv-stringify/sync';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Invalid } from '../http/errors.js';
import { spreadsheetCell } from './spreadsheet-cell.js';

/**
 * Every list is downloadable as CSV; a header row always, even when empty. Text that a
 * spreadsheet would run as a formula is made safe here, for every module (spreadsheet-cell.ts).
 */
export function sendCsv<Row extends Record<string, unknown>>(
  reply: FastifyReply,
  filename: string,
  columns: (keyof Row & string)[],
  rows: Row[],
) {
  const body = stringify(rows, {
    header: true,
    columns,
    cast: {
      boolean: (v) => (v ? 'true' : 'false'),
      date: (d) => d.toISOString(),
      string: (v) => spreadsheetCell(v),
    },
  });
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('access-control-allow-origin', '*')
    .send(body);
}

/** Open data may be used from anyone's web page. */
export function sendOpenJson(reply: FastifyReply, body: unknown, type = 'application/json; charset=utf-8') {
  return reply.header('access-control-allow-origin', '*').type(type).send(JSON.stringify(body));
}

/** The shared paging parameters (declared once: the OpenAPI document reuses them). */
export const PageQuery = z.object({
  page: z.coerce
    .number()
    .int('api.errors.pageWhole')
    .min(1, 'api.errors.pageMin')
    .max(1_000_000, 'api.errors.pageMax')
    .default(1),
  per_page: z.coerce
    .number()
    .int('api.errors.perPageWhole')
    .min(1, 'api.errors.perPageRange')
    .max(200, 'api.errors.perPageRange')
    .default(50),
});

export type PageRequest = { page: number; perPage: number; offset: number };

/** Reads `page` and `per_page`; bad values are a 422 with field errors, never a 500. */
export function pageRequest(request: FastifyRequest): PageRequest {
  const q = request.query as Record<string, unknown>;
  const parsed = PageQuery.safeParse({
    page: typeof q.page === 'string' && q.page !== '' ? q.page : undefined,
    per_page: typeof q.per_page === 'string' && q.per_page !== '' ? q.per_page : undefined,
  });
  if (!parsed.success) {
    throw new Invalid(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
  }
  return {
    page: parsed.data.page,
    perPage: parsed.data.per_page,
    offset: (parsed.data.page - 1) * parsed.data.per_page,
  };
}

/**
 * The paging wrapper every JSON list uses. Its links keep the request's other query
 * parameters (the filters), so following `next` gives the next page of the same list.
 */
export function paged<T>(request: FastifyRequest, items: T[], total: number, p: PageRequest) {
  const totalPages = Math.max(1, Math.ceil(total / p.perPage));
  const [path = '', search = ''] = request.url.split('?', 2);
  const kept = new URLSearchParams(search);
  kept.delete('page');
  kept.delete('per_page');
  const filters = kept.toString();
  const link = (page: number) => `${path}?${filters ? `${filters}&` : ''}page=${page}&per_page=${p.perPage}`;
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: p.page,
    size: items.length,
    first_page: p.page === 1,
    last_page: p.page >= totalPages,
    links: {
      self: link(p.page),
      first: link(1),
      last: link(totalPages),
      ...(p.page > 1 ? { prev: link(Math.min(p.page - 1, totalPages)) } : {}),
      ...(p.page < totalPages ? { next: link(p.page + 1) } : {}),
    },
    contents: items,
  };
}

/** One page of a list already held in memory (lists of council scale: budgets, assemblies …). */
export function pageOfList<T>(request: FastifyRequest, all: T[]) {
  const p = pageRequest(request);
  return paged(request, all.slice(p.offset, p.offset + p.perPage), all.length, p);
}
