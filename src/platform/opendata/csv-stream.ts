import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { spreadsheetCell } from './spreadsheet-cell.js';

/** One CSV cell (RFC 4180): text made spreadsheet-safe, quoted when it must be. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s: string;
  if (value instanceof Date) s = value.toISOString();
  else if (typeof value === 'boolean') s = value ? 'true' : 'false';
  else if (typeof value === 'number' || typeof value === 'bigint') s = String(value);
  else if (typeof value === 'object') s = spreadsheetCell(JSON.stringify(value));
  else s = spreadsheetCell(String(value));
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/**
 * Rows from the database a batch at a time by keyset pagination (`where key > $after order by
 * key limit n`), so a million-row export holds one batch in memory, on PGlite and PostgreSQL
 * alike. `fetchBatch` gets the last key seen (null at first) and a batch size. Write its condition
 * as `key > coalesce($1, <lowest>)`, not `$1 is null or key > $1`: the second form cannot use the
 * index, and each batch would then scan and sort the whole table.
 */
export async function* keysetRows<Row, Key>(
  fetchBatch: (after: Key | null, limit: number) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
  batchSize = 2000,
): AsyncGenerator<Row> {
  let after: Key | null = null;
  for (;;) {
    const batch = await fetchBatch(after, batchSize);
    for (const row of batch) yield row;
    if (batch.length < batchSize) return;
    after = keyOf(batch[batch.length - 1] as Row);
  }
}

/**
 * A CSV as a stream of text: header first, then rows in chunks of about 64 kB. It is pulled, not
 * pushed: a slow client slows the database reads (backpressure), so memory stays flat.
 */
export function csvStream<Row extends Record<string, unknown>>(
  columns: readonly (keyof Row & string)[],
  rows: AsyncIterable<Row> | Iterable<Row>,
): Readable {
  async function* lines() {
    yield csvLine([...columns]);
    let chunk = '';
    for await (const row of rows) {
      chunk += csvLine(columns.map((c) => row[c]));
      if (chunk.length >= 65_536) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  return Readable.from(lines(), { objectMode: false, highWaterMark: 65_536 });
}

/** Sends a streamed CSV download (open data headers as `sendCsv`). */
export function sendCsvStream<Row extends Record<string, unknown>>(
  reply: FastifyReply,
  filename: string,
  columns: readonly (keyof Row & string)[],
  rows: AsyncIterable<Row>,
) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('access-control-allow-origin', '*')
    .send(csvStream(columns, rows));
}
