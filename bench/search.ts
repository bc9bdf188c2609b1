/**
 * Search benchmark: how long one directory search takes over 20,000 groups and services.
 *
 *   npx tsx bench/search.ts [--documents 20000] [--runs 400] [--pg URL] [--only pg|pglite] [--keep]
 *   npm run bench:search
 *
 * For each engine (PGlite in memory, then PostgreSQL if one answers at --pg, in a throwaway
 * database `kith_bench_search` that is created and dropped again) it migrates, seeds the demo
 * place, indexes --documents realistic groups and services across the place's wards with
 * indexDocument (as the modules do), and then calls searchDirectory (the same call the search
 * page and API make, facets included) for a round-robin mix of typical searches:
 *
 *   word          a common word               q=yoga
 *   misspelt      a word with a typo          q=yogga
 *   word + ward   a word in one ward          q=food&ward=urmston
 *   category/near a category, nearest first   category=older-people&near=sale-moor&sort=distance
 *
 * Each search is timed from call to result in this process (so PGlite's time includes its
 * WebAssembly engine, and PostgreSQL's the round trips over 127.0.0.1), after a warm-up whose
 * times are thrown away. It prints p50/p95/p99 per kind of search and over the four, and exits 1
 * if that p95 misses the target (50 ms on PostgreSQL, 150 ms on PGlite). Two more are measured
 * and shown but not held to the target: "browse all" (the page with nothing asked: every record,
 * by name, with facets over all of them) and "no match" (a nonsense word in a ward, which then
 * works out suggestions). See bench/README.md.
 */

import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { seededRandom } from '../src/lib/random/seeded.js';
import type { Db } from '../src/platform/db/types.js';
import type { Place } from '../src/platform/places/place-service.js';
import type { SearchDocument } from '../src/platform/search/search-index.js';
import { AS_IN_PRODUCTION, createBenchDatabase, percentile } from './support.js';

const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/test';
const BENCH_DB = 'kith_bench_search';
const TARGET_P95_MS = { pglite: 150, pg: 50 } as const;

// ---------------------------------------------------------------------------------------------
// Realistic documents
// ---------------------------------------------------------------------------------------------

/** A deterministic generator, so every run indexes the same documents. */
const mulberry32 = seededRandom;

type Activity = { name: string; categories: string[]; summary: string; tags: string[] };

const ACTIVITIES: Activity[] = [
  {
    name: 'Yoga',
    categories: ['sport-fitness', 'health-wellbeing'],
    summary: 'Gentle yoga for all abilities, mats provided.',
    tags: ['stretching'],
  },
  {
    name: 'Chair yoga',
    categories: ['older-people', 'sport-fitness'],
    summary: 'Seated yoga and a cup of tea.',
    tags: ['seated exercise'],
  },
  {
    name: 'Walking group',
    categories: ['health-wellbeing', 'environment'],
    summary: 'A weekly walk in the parks and a chat.',
    tags: ['walks'],
  },
  {
    name: 'Food bank',
    categories: ['food', 'money-debt'],
    summary: 'Emergency food parcels; no referral needed.',
    tags: ['food parcels'],
  },
  {
    name: 'Community pantry',
    categories: ['food'],
    summary: 'Low-cost groceries for members.',
    tags: ['groceries'],
  },
  {
    name: 'Debt advice',
    categories: ['money-debt'],
    summary: 'Free, confidential help with debts and budgeting.',
    tags: ['benefits'],
  },
  {
    name: 'Coffee morning',
    categories: ['social-befriending', 'older-people'],
    summary: 'Coffee, cake and conversation.',
    tags: ['cake'],
  },
  {
    name: "Men's shed",
    categories: ['social-befriending', 'mental-health'],
    summary: 'Woodwork, repairs and company.',
    tags: ['woodwork'],
  },
  {
    name: 'Community choir',
    categories: ['arts-culture'],
    summary: 'Sing together; no auditions.',
    tags: ['singing'],
  },
  {
    name: 'Junior football',
    categories: ['sport-fitness', 'young-people'],
    summary: 'Training and matches for under-16s.',
    tags: ['soccer'],
  },
  {
    name: 'Art class',
    categories: ['arts-culture'],
    summary: 'Painting and drawing for beginners.',
    tags: ['painting'],
  },
  {
    name: 'ESOL conversation class',
    categories: ['learning-language', 'migrants-refugees'],
    summary: 'Practise speaking English.',
    tags: ['english'],
  },
  {
    name: 'Carers support group',
    categories: ['carers', 'mental-health'],
    summary: 'Time out and advice for unpaid carers.',
    tags: ['respite'],
  },
  {
    name: 'Bereavement support',
    categories: ['mental-health'],
    summary: 'A listening ear after a loss.',
    tags: ['grief'],
  },
  {
    name: 'Repair café',
    categories: ['environment', 'volunteering'],
    summary: 'Bring broken things; volunteers fix them.',
    tags: ['repairs'],
  },
  {
    name: 'Community garden',
    categories: ['environment', 'volunteering'],
    summary: 'Grow food together on the allotment.',
    tags: ['allotment'],
  },
  {
    name: 'Parent and toddler group',
    categories: ['children-families'],
    summary: 'Songs, toys and play.',
    tags: ['toddlers'],
  },
  {
    name: 'Tai chi',
    categories: ['sport-fitness', 'older-people'],
    summary: 'Slow movement for balance.',
    tags: ['balance'],
  },
  {
    name: 'Dementia café',
    categories: ['older-people', 'carers'],
    summary: 'A friendly afternoon for people with dementia and carers.',
    tags: ['memory'],
  },
  {
    name: 'Bingo night',
    categories: ['social-befriending'],
    summary: 'Eyes down at seven.',
    tags: ['bingo'],
  },
  {
    name: 'Youth club',
    categories: ['young-people'],
    summary: 'Games, trips and a safe space.',
    tags: ['teenagers'],
  },
  {
    name: 'Tenants association',
    categories: ['tenants-residents'],
    summary: 'Residents working together on the estate.',
    tags: ['housing'],
  },
  {
    name: 'Housing advice',
    categories: ['housing'],
    summary: 'Help with renting, repairs and homelessness.',
    tags: ['renting'],
  },
  {
    name: 'Job club',
    categories: ['employment-skills'],
    summary: 'CVs, applications and interview practice.',
    tags: ['jobs'],
  },
  {
    name: 'Knitting circle',
    categories: ['arts-culture', 'social-befriending'],
    summary: 'Knit and natter.',
    tags: ['crafts'],
  },
  {
    name: 'Mosque open day',
    categories: ['faith'],
    summary: 'Visit, ask questions, share food.',
    tags: ['interfaith'],
  },
  {
    name: 'Wheelchair basketball',
    categories: ['disability', 'sport-fitness'],
    summary: 'Fast, friendly and inclusive.',
    tags: ['inclusive sport'],
  },
  {
    name: 'Mutual aid network',
    categories: ['mutual-aid', 'volunteering'],
    summary: 'Neighbours helping with shopping and lifts.',
    tags: ['shopping'],
  },
  {
    name: 'Mental health peer support',
    categories: ['mental-health'],
    summary: 'Share and listen in a small group.',
    tags: ['peer support'],
  },
  {
    name: 'Swimming lessons',
    categories: ['sport-fitness', 'children-families'],
    summary: 'Lessons for all ages.',
    tags: ['swim'],
  },
];

const PREFIXES = ['', '', '', 'Friends of', 'The', 'Together:', 'Community'];
const SUFFIXES = [
  '',
  '',
  'Group',
  'Club',
  'Network',
  'Drop-in',
  'for beginners',
  'Project',
  'Together',
  'Hub',
];
const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
const TIMES = ['morning', 'afternoon', 'evening'] as const;
const LANGUAGES = ['pl', 'ur', 'pa', 'ar', 'cy', 'ro', 'so'];

type WardRow = { code: string; slug: string; name: string; centroid_lon: number; centroid_lat: number };

function makeDocuments(place: Place, wards: WardRow[], n: number): SearchDocument[] {
  const random = mulberry32(20_000);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const some = <T>(list: readonly T[], max: number): T[] => [
    ...new Set(Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(list))),
  ];
  const docs: SearchDocument[] = [];
  for (let i = 0; i < n; i++) {
    const activity = pick(ACTIVITIES);
    const ward = pick(wards);
    const kind = i % 2 === 0 ? 'group' : 'service';
    const area = ward.name.split(/ & | upon |-/)[0] as string;
    const title = [pick(PREFIXES), area, activity.name, pick(SUFFIXES)].filter(Boolean).join(' ');
    const ageMin = random() < 0.7 ? null : pick([0, 5, 11, 16, 18, 50, 60]);
    docs.push({
      placeId: place.id,
      kind,
      refId: `bench-${i}`,
      title,
      summary: `${activity.summary} Meets in ${ward.name}.`,
      body: `${activity.name} in ${ward.name}. Everyone welcome; tell us what you need and we will do our best.`,
      url: `/${place.slug}/${kind}s/bench-${i}`,
      wardCode: ward.code,
      point:
        random() < 0.95
          ? {
              lon: ward.centroid_lon + (random() - 0.5) * 0.02,
              lat: ward.centroid_lat + (random() - 0.5) * 0.012,
            }
          : null,
      categories: activity.categories,
      languages: random() < 0.15 ? some(LANGUAGES, 2) : [],
      days: some(DAYS, 3),
      times: some(TIMES, 2),
      ageMin,
      ageMax: ageMin !== null && random() < 0.5 ? ageMin + 20 : null,
      free: random() < 0.6,
      accessible: random() < 0.5,
      visible: random() < 0.97,
      tags: activity.tags,
    });
  }
  return docs;
}

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

const WORDS = ['yoga', 'food', 'walking', 'choir', 'debt advice', 'garden', 'coffee', 'football', 'dementia'];
const MISSPELT = ['yogga', 'wallking', 'footbal', 'cofee morning', 'choire', 'kniting', 'dementa', 'bingoo'];
const CATEGORIES = ['older-people', 'food', 'mental-health', 'young-people', 'sport-fitness', 'carers'];

type QueryKind = 'word' | 'misspelt' | 'word + ward' | 'category/near' | 'browse all' | 'no match';
/** The typical searches the target is about. */
const KINDS: QueryKind[] = ['word', 'misspelt', 'word + ward', 'category/near'];
/** Measured too, but outside the target: the landing page (everything) and a search that finds nothing. */
const EXTRA_KINDS: QueryKind[] = ['browse all', 'no match'];
const NONSENSE = ['zzqxj', 'qwrtp', 'xylophonics', 'blorvak'];

function queryFor(kind: QueryKind, i: number, wards: WardRow[]): Record<string, string> {
  const ward = wards[(i * 7) % wards.length] as WardRow;
  switch (kind) {
    case 'word':
      return { q: WORDS[i % WORDS.length] as string };
    case 'misspelt':
      return { q: MISSPELT[i % MISSPELT.length] as string };
    case 'word + ward':
      return { q: WORDS[i % WORDS.length] as string, ward: ward.slug };
    case 'category/near':
      return { category: CATEGORIES[i % CATEGORIES.length] as string, near: ward.slug, sort: 'distance' };
    case 'browse all':
      return i % 2 ? {} : { page: String(1 + (i % 50)) };
    case 'no match':
      return { q: NONSENSE[i % NONSENSE.length] as string, ward: ward.slug };
  }
}

type Row = {
  engine: string;
  kind: string;
  runs: number;
  p50: number;
  p95: number;
  p99: number;
  results: number;
};

async function benchEngine(
  engine: 'pglite' | 'pg',
  db: Db,
  options: { documents: number; runs: number },
): Promise<Row[]> {
  const { migrate } = await import('../src/platform/db/migrate.js');
  const { seedDemo } = await import('../src/platform/seed.js');
  const { findPlaceBySlug } = await import('../src/platform/places/place-service.js');
  const { indexDocument } = await import('../src/platform/search/search-index.js');
  const { searchDirectory } = await import('../src/platform/search/search-service.js');

  let started = performance.now();
  await migrate(db);
  await seedDemo(db);
  const place = (await findPlaceBySlug(db, 'trafford')) as Place;
  const wards = await db.query<WardRow>(
    'select code, slug, name, centroid_lon, centroid_lat from wards where place_id = $1 order by name',
    [place.id],
  );
  console.log(`  migrated and seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  started = performance.now();
  const docs = makeDocuments(place, wards, options.documents);
  for (let i = 0; i < docs.length; i += 500) {
    await db.transaction(async (tx) => {
      for (const d of docs.slice(i, i + 500)) await indexDocument(tx, d);
    });
  }
  // As autovacuum would leave it: statistics gathered and the GIN indexes' pending lists merged.
  await db.exec('vacuum analyze search_documents');
  const [count] = await db.query<{ n: number }>('select count(*)::int as n from search_documents');
  console.log(
    `  indexed ${docs.length} documents in ${((performance.now() - started) / 1000).toFixed(1)} s (${count?.n} in the index)`,
  );

  const ctx = { db, place, actor: null };
  const warmup = Math.min(40, options.runs);
  for (let i = 0; i < warmup; i++)
    await searchDirectory(ctx, queryFor(KINDS[i % KINDS.length] as QueryKind, i, wards));

  const measured = [...KINDS, ...EXTRA_KINDS];
  const times = new Map<QueryKind, number[]>(measured.map((k) => [k, []]));
  const results = new Map<QueryKind, number[]>(measured.map((k) => [k, []]));
  const run = async (kind: QueryKind, i: number) => {
    const query = queryFor(kind, i, wards);
    const t0 = performance.now();
    const r = await searchDirectory(ctx, query);
    times.get(kind)?.push(performance.now() - t0);
    results.get(kind)?.push(r.total);
  };
  for (let i = 0; i < options.runs; i++)
    await run(KINDS[i % KINDS.length] as QueryKind, Math.floor(i / KINDS.length));
  // A quarter as many of each extra, after the typical ones, so they do not disturb those.
  const extraRuns = Math.max(10, Math.round(options.runs / KINDS.length / 2));
  for (let i = 0; i < extraRuns * EXTRA_KINDS.length; i++) {
    await run(EXTRA_KINDS[i % EXTRA_KINDS.length] as QueryKind, Math.floor(i / EXTRA_KINDS.length));
  }
  const rows: Row[] = [];
  const all: number[] = [];
  const row = (kind: string, sorted: number[], totals: number[]): Row => ({
    engine,
    kind,
    runs: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    results: totals.length ? Math.round(totals.reduce((a, b) => a + b, 0) / totals.length) : Number.NaN,
  });
  for (const kind of KINDS) {
    const sorted = [...(times.get(kind) ?? [])].sort((a, b) => a - b);
    all.push(...sorted);
    rows.push(row(kind, sorted, results.get(kind) ?? []));
  }
  all.sort((a, b) => a - b);
  rows.push(row('typical (all four)', all, []));
  for (const kind of EXTRA_KINDS) {
    rows.push(
      row(
        kind,
        [...(times.get(kind) ?? [])].sort((a, b) => a - b),
        results.get(kind) ?? [],
      ),
    );
  }
  return rows;
}

function printTable(rows: Row[]): void {
  const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '-');
  const header = ['engine', 'search', 'runs', 'p50 ms', 'p95 ms', 'p99 ms', 'avg results'];
  const body = rows.map((r) => [
    r.engine === 'pg' ? 'PostgreSQL' : 'PGlite',
    r.kind,
    String(r.runs),
    ms(r.p50),
    ms(r.p95),
    ms(r.p99),
    Number.isFinite(r.results) ? String(r.results) : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => (line[i] as string).length)));
  const format = (line: string[]) =>
    line
      .map((cell, i) => (i < 2 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
      .join('  ');
  console.log(`\n${format(header)}`);
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of body) console.log(format(line));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      documents: { type: 'string', default: '20000' },
      runs: { type: 'string', default: '400' },
      pg: { type: 'string', default: process.env.KITH_BENCH_PG ?? DEFAULT_PG },
      // Leaves the PostgreSQL database in place, to look at query plans afterwards.
      keep: { type: 'boolean', default: false },
      only: { type: 'string' },
    },
  });
  const documents = Number(values.documents);
  const runs = Number(values.runs);
  if (!(Number.isInteger(documents) && documents > 0) || !(Number.isInteger(runs) && runs > 0)) {
    console.error('usage: bench/search.ts [--documents N] [--runs N] [--pg URL]');
    return 2;
  }
  setTimeout(() => {
    console.error('bench: still running after 15 minutes; giving up');
    process.exit(3);
  }, 15 * 60_000).unref();

  const cpus = os.cpus();
  console.log('Kith search benchmark');
  console.log(
    `  machine: ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, node ${process.version}`,
  );
  const [load1 = 0] = os.loadavg();
  console.log(
    `  load average before start: ${load1.toFixed(2)}${load1 > cpus.length / 2 ? ' (busy: figures will be high and noisy)' : ''}`,
  );
  console.log(`  ${documents} documents, ${runs} measured searches per engine after a warm-up\n`);

  const rows: Row[] = [];
  const { openPglite } = await import('../src/platform/db/pglite.js');
  const { openPg } = await import('../src/platform/db/pg.js');

  if (values.only !== 'pg') {
    console.log('PGlite (in memory)');
    const lite = await openPglite({ dataDir: null, ...AS_IN_PRODUCTION });
    try {
      rows.push(...(await benchEngine('pglite', lite, { documents, runs })));
    } finally {
      await lite.close();
    }
  }

  const shownUrl = values.pg.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  const bench = values.only === 'pglite' ? 'not asked for' : await createBenchDatabase(values.pg, BENCH_DB);
  if (typeof bench === 'string') {
    console.log(`PostgreSQL: skipped, nothing answers at ${shownUrl} (${bench})`);
  } else {
    console.log(`PostgreSQL (database ${BENCH_DB} via ${shownUrl})`);
    try {
      const db = openPg(bench.url, AS_IN_PRODUCTION);
      try {
        rows.push(...(await benchEngine('pg', db, { documents, runs })));
      } finally {
        await db.close();
      }
    } finally {
      if (values.keep) console.log(`  kept ${bench.url} (drop it when done)`);
      else await bench.drop();
    }
  }

  printTable(rows);
  let missed = 0;
  for (const r of rows.filter((row) => row.kind === 'typical (all four)')) {
    const target = TARGET_P95_MS[r.engine as 'pg' | 'pglite'];
    const ok = r.p95 < target;
    if (!ok) missed++;
    console.log(
      `${r.engine === 'pg' ? 'PostgreSQL' : 'PGlite'}: p95 ${r.p95.toFixed(2)} ms, target < ${target} ms: ${ok ? 'met' : 'MISSED'}`,
    );
  }
  return missed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('bench failed:', error);
    process.exit(1);
  },
);
