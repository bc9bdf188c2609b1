/**
 * Export benchmark: streaming a 1,000,000-row dataset as CSV over HTTP in constant memory.
 *
 *   npx tsx bench/export.ts [--rows 1000000] [--batch 2000] [--pg URL] [--only pg|pglite]
 *   npm run bench:export
 *
 * For each engine (PGlite in memory, then PostgreSQL if one answers at --pg, in a throwaway
 * database `kith_bench_export`), it fills a scratch table with --rows rows (generate_series),
 * then serves them from a Fastify route through the same code the open data routes use
 * (keysetRows → csvStream → sendCsvStream in src/platform/opendata/csv-stream.ts, formula guard
 * included) and downloads the CSV over 127.0.0.1, counting rows and throwing the bytes away.
 * The process's RSS is sampled every 20 ms; growth is the peak during the download less RSS just
 * before it. It prints rows/s, MB/s and the growth, and exits 1 if growth reaches 100 MB or the
 * row count is wrong. See bench/README.md.
 */

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import type { Db } from '../src/platform/db/types.js';
import { keysetRows, sendCsvStream } from '../src/platform/opendata/csv-stream.js';
import { onEachEngine } from './support.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '2000' },
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    only: { type: 'string' },
  },
});
const ROWS = Number(args.rows);
const BATCH = Number(args.batch);
const LIMIT_MB = 100;

type Row = { id: string; name: string; ward: string; amount_pence: number; created_at: Date; note: string };
const COLUMNS = ['id', 'name', 'ward', 'amount_pence', 'created_at', 'note'] as const;

async function fill(db: Db) {
  await db.query(`create table if not exists bench_export (
    id bigint primary key, name text not null, ward text not null, amount_pence integer not null,
    created_at timestamptz not null, note text not null)`);
  await db.query('truncate bench_export');
  // In slices, so the engine never holds one enormous statement's work at once.
  for (let from = 1; from <= ROWS; from += 100_000) {
    const to = Math.min(ROWS, from + 99_999);
    await db.query(
      `insert into bench_export
       select g, 'Group number ' || g, 'E0501' || lpad((g % 21)::text, 4, '0'), (g * 37) % 100000,
              timestamptz '2026-01-01' + (g || ' seconds')::interval,
              case when g % 1000 = 0 then '=HYPERLINK("x")' else 'Meets on Tuesdays, "all welcome"' end
       from generate_series($1::bigint, $2::bigint) g`,
      [from, to],
    );
  }
}

async function run(engine: string, db: Db) {
  const t0 = performance.now();
  await fill(db);
  console.log(
    `${engine}: ${ROWS.toLocaleString('en-GB')} rows made in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const app = Fastify();
  app.get('/export.csv', async (_request, reply) =>
    sendCsvStream(
      reply,
      'export.csv',
      COLUMNS,
      keysetRows(
        (after: string | null, limit) =>
          db.query<Row>(
            `select id::text as id, name, ward, amount_pence, created_at, note from bench_export
             where bench_export.id > coalesce($1::bigint, 0) order by bench_export.id limit $2`,
            [after, limit],
          ),
        (r) => r.id,
        BATCH,
      ),
    ),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;

  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const start = performance.now();
  const { lines, bytes } = await new Promise<{ lines: number; bytes: number }>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/export.csv' }, (res) => {
        let n = 0;
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
        });
        res.on('end', () => resolve({ lines: n, bytes: size }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  await app.close();
  // Every row is one line (the texts have no line breaks), plus the header.
  const rows = lines - 1;
  const growthMb = (peak - before) / 1024 / 1024;
  console.log(
    `${engine}: ${rows.toLocaleString('en-GB')} rows, ${(bytes / 1024 / 1024).toFixed(0)} MB of CSV in ${seconds.toFixed(1)} s — ` +
      `${Math.round(rows / seconds).toLocaleString('en-GB')} rows/s, ${(bytes / 1024 / 1024 / seconds).toFixed(1)} MB/s; ` +
      `RSS ${(before / 1024 / 1024).toFixed(0)} MB before, peak growth ${growthMb.toFixed(1)} MB (limit ${LIMIT_MB} MB)`,
  );
  await db.query('drop table bench_export');
  return { engine, ok: rows === ROWS && growthMb < LIMIT_MB };
}

const results = await onEachEngine(
  { ...(args.only ? { only: args.only } : {}), pgUrl: args.pg, benchDatabase: 'kith_bench_export' },
  run,
);
if (results.some((r) => !r.ok)) {
  console.log('FAILED: wrong row count or RSS growth over the limit');
  process.exit(1);
}
