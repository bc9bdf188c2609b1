/**
 * Bookings benchmark: the availability of one space for one week (the page residents book from),
 * with a borough's worth of spaces and a year of bookings in the database.
 *
 *   npx tsx bench/bookings.ts [--spaces 1000] [--per-day 2] [--runs 300] [--pg URL] [--only pg|pglite]
 *
 * Builds `--spaces` spaces in the demo place, open 09:00–21:00 every day, each with `--per-day`
 * two-hour bookings every day for a year from 1 January 2026 (booked on the London clock, so the
 * rows cross both clock changes), all under the exclusion constraint against double booking.
 * Then times `weekAvailability` for `--runs` random space-weeks. PGlite in memory first, then
 * PostgreSQL (a throwaway database `kith_bench_bookings`) when one answers. Exits 1 if the p95 on
 * PostgreSQL is 30 ms or more.
 */

import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Db } from '../src/platform/db/types.js';
import { onEachEngine, percentile } from './support.js';

const { values } = parseArgs({
  options: {
    spaces: { type: 'string', default: '1000' },
    'per-day': { type: 'string', default: '2' },
    runs: { type: 'string', default: '300' },
    pg: { type: 'string', default: process.env.KITH_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test' },
    only: { type: 'string' },
  },
});
const SPACES = Number(values.spaces);
const PER_DAY = Math.min(6, Math.max(1, Number(values['per-day'])));
const RUNS = Number(values.runs);
const TARGET_P95_MS = 30;

async function bench(engine: string, db: Db) {
  const { migrate } = await import('../src/platform/db/migrate.js');
  const { seedDemo } = await import('../src/platform/seed.js');
  const { findPlaceBySlug } = await import('../src/platform/places/place-service.js');
  const { weekAvailability } = await import('../src/modules/spaces/bookings/booking-service.js');
  const started = performance.now();
  await migrate(db);
  await seedDemo(db);
  const place = await findPlaceBySlug(db, 'trafford');
  if (!place) throw new Error('no demo place');
  await db.query(
    `insert into spaces (place_id, slug, name, kind, owner_type, capacity)
     select $1, 'bench-space-' || g, 'Bench space ' || g, 'room', 'council', 30 from generate_series(1, $2::int) g`,
    [place.id, SPACES],
  );
  await db.query(
    `insert into space_opening_hours (space_id, weekday, opens, closes)
     select s.id, d, '09:00', '21:00' from spaces s, generate_series(1, 7) d where s.slug like 'bench-space-%'`,
  );
  // Two-hour bookings from 10:00, every other two hours, on the London wall clock.
  await db.query(
    `insert into space_bookings (place_id, space_id, hirer_type, title, during, status)
     select $1, s.id, 'community-group', 'Bench booking',
       tstzrange((day + make_interval(hours => 10 + 4 * k)) at time zone 'Europe/London',
                 (day + make_interval(hours => 12 + 4 * k)) at time zone 'Europe/London', '[)'),
       'confirmed'
     from spaces s,
       generate_series(timestamp '2026-01-01', timestamp '2026-12-31', interval '1 day') day,
       generate_series(0, $2::int - 1) k
     where s.slug like 'bench-space-%'`,
    [place.id, PER_DAY],
  );
  await db.query('analyze');
  const [{ n } = { n: 0 }] = await db.query<{ n: number }>('select count(*)::int as n from space_bookings');
  console.log(`  ${engine}: ${n} bookings, built in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const ctx = { db, place, actor: null };
  const times: number[] = [];
  let state = 7;
  const random = () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
  for (let i = -20; i < RUNS; i++) {
    const slug = `bench-space-${1 + Math.floor(random() * SPACES)}`;
    const day = 1 + Math.floor(random() * 360);
    const week = new Date(Date.UTC(2026, 0, day)).toISOString().slice(0, 10);
    const t0 = performance.now();
    await weekAvailability(ctx, slug, week, new Date('2026-01-01T00:00:00Z'));
    if (i >= 0) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    engine,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    max: times.at(-1) ?? 0,
  };
}

console.log(
  `Availability of one space for one week: ${SPACES} spaces, ${PER_DAY} bookings a day each for a year, ${RUNS} space-weeks per engine, load average ${os.loadavg()[0]?.toFixed(2)} on ${os.cpus().length} CPUs`,
);
const rows = await onEachEngine(
  { only: values.only, pgUrl: values.pg, benchDatabase: 'kith_bench_bookings' },
  bench,
);
console.log('\nengine        p50 ms  p95 ms  p99 ms  max ms');
for (const r of rows)
  console.log(
    `${r.engine.padEnd(12)} ${r.p50.toFixed(2).padStart(7)} ${r.p95.toFixed(2).padStart(7)} ${r.p99.toFixed(2).padStart(7)} ${r.max.toFixed(2).padStart(7)}`,
  );
const pg = rows.find((r) => r.engine === 'PostgreSQL');
if (pg && pg.p95 >= TARGET_P95_MS) {
  console.log(`\np95 on PostgreSQL is ${TARGET_P95_MS} ms or more`);
  process.exit(1);
}
