/**
 * HTTP benchmark: how fast Kith serves its commonest pages, compared with a bare Fastify route.
 *
 *   npx tsx bench/http.ts [--duration 5] [--connections 10] [--pg postgres://postgres@127.0.0.1:5432/test]
 *   npm run bench -- --duration 5
 *
 * Cases: (a) a hello-world route on a minimal Fastify app, then the place home page and the JSON
 * ward list, first on PGlite (in memory) and then on PostgreSQL if one answers at --pg. For
 * PostgreSQL a throwaway database `kith_bench` is created through --pg, migrated, seeded and
 * dropped again at the end.
 *
 * The servers run in this thread and listen on 127.0.0.1 only (port 0). The load generator
 * (autocannon) runs in a worker thread of this same file, so it has its own event loop and does
 * not steal turns from the server being measured (on a 2-core machine that matters a lot).
 *
 * Any non-2xx response, socket error or timeout is reported and makes the script exit 1.
 * See bench/README.md.
 */

import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../src/platform/db/types.js';
import { AS_IN_PRODUCTION, createBenchDatabase, percentile } from './support.js';

const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/test';
const BENCH_DB = 'kith_bench';

// ---------------------------------------------------------------------------------------------
// Load generator (runs in a worker thread)
// ---------------------------------------------------------------------------------------------

type LoadOptions = { url: string; connections: number; warmupSeconds: number; seconds: number };

type LoadResult = {
  requestsPerSecond: number;
  total: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
};

// autocannon ships no type declarations; this is the small part of its API used here. Off the
// main thread autocannon hands back its raw, unaggregated result, which is all we need.
type AutocannonResult = {
  totalCompletedRequests: number;
  duration: number; // seconds, wall clock
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
};
type AutocannonTracker = {
  on(
    event: 'response',
    listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void,
  ): void;
};
type Autocannon = (
  options: { url: string; connections: number; duration: number; pipelining: number; timeout: number },
  done: (error: Error | null, result: AutocannonResult) => void,
) => AutocannonTracker;

function fire(
  autocannon: Autocannon,
  url: string,
  connections: number,
  seconds: number,
  latencies?: number[],
) {
  return new Promise<AutocannonResult>((resolve, reject) => {
    const tracker = autocannon(
      { url, connections, duration: seconds, pipelining: 1, timeout: 10 },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    if (latencies) tracker.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  });
}

async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const require = createRequire(import.meta.url);
  const autocannon = require('autocannon') as Autocannon;
  // Warm-up: JIT, caches and connection pools; the results are thrown away.
  await fire(autocannon, options.url, options.connections, options.warmupSeconds);
  const latencies: number[] = [];
  const result = await fire(autocannon, options.url, options.connections, options.seconds, latencies);
  const sorted = Float64Array.from(latencies).sort();
  return {
    requestsPerSecond: result.totalCompletedRequests / result.duration,
    total: result.totalCompletedRequests,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]),
    ),
  };
}

/**
 * Runs one case in a fresh worker thread running this file. tsx's loader does not reach worker
 * threads, so the worker first registers tsx itself (as bin/kith.js does) and then imports us.
 */
const WORKER_BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;

function load(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: options });
    worker.once('message', (result: LoadResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    // After a result this is a no-op; before one it means the worker died.
    worker.once('exit', (code) =>
      reject(new Error(`the load worker stopped (code ${code}) without a result`)),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Servers and cases (main thread)
// ---------------------------------------------------------------------------------------------

type Row = { name: string } & LoadResult;

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

async function bareApp(): Promise<FastifyInstance> {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ hello: 'world' }));
  return app;
}

/** Builds the Kith app exactly as production does, apart from the silent logger. */
async function kithApp(db: Db, databaseUrl?: string): Promise<FastifyInstance> {
  const { buildApp } = await import('../src/app.js');
  const { loadConfig } = await import('../src/config.js');
  const { migrate } = await import('../src/platform/db/migrate.js');
  const { seedDemo } = await import('../src/platform/seed.js');
  await migrate(db);
  await seedDemo(db);
  const config = loadConfig({
    NODE_ENV: 'production',
    KITH_SECRET: 'x'.repeat(40),
    LOG_LEVEL: 'silent',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  return buildApp({ config, db });
}

/** One request first, so a broken page fails loudly instead of producing a table of 404s. */
async function check(url: string): Promise<number> {
  // identity: autocannon sends no Accept-Encoding either, so responses are not compressed.
  const response = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
  const body = await response.arrayBuffer();
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}; nothing to measure`);
  return body.byteLength;
}

async function measure(
  rows: Row[],
  name: string,
  url: string,
  options: Omit<LoadOptions, 'url'>,
): Promise<void> {
  const bytes = await check(url);
  process.stdout.write(`  ${name} (${bytes} bytes) … `);
  const result = await load({ url, ...options });
  process.stdout.write(`${Math.round(result.requestsPerSecond)} req/s\n`);
  rows.push({ name, ...result });
}

function printTable(rows: Row[]): void {
  const bare = rows[0]?.requestsPerSecond ?? Number.NaN;
  const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '-');
  const header = ['case', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'non-2xx', 'errors', 'vs bare'];
  const body = rows.map((r) => [
    r.name,
    Math.round(r.requestsPerSecond).toString(),
    ms(r.p50),
    ms(r.p95),
    ms(r.p99),
    r.non2xx.toString(),
    (r.errors + r.timeouts).toString(),
    `${(r.requestsPerSecond / bare).toFixed(3)}x`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => (line[i] as string).length)));
  const format = (line: string[]) =>
    line
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
      .join('  ');
  console.log(`\n${format(header)}`);
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of body) console.log(format(line));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '5' },
      connections: { type: 'string', default: '10' },
      pg: { type: 'string', default: process.env.KITH_BENCH_PG ?? DEFAULT_PG },
    },
  });
  const seconds = Number(values.duration);
  const connections = Number(values.connections);
  if (!(seconds > 0 && seconds <= 600) || !(Number.isInteger(connections) && connections > 0)) {
    console.error('usage: bench/http.ts [--duration SECONDS (0-600)] [--connections N] [--pg URL]');
    return 2;
  }
  const opts = { connections, seconds, warmupSeconds: Math.min(1, seconds) };

  // Everything is bounded, but a hung database must not keep the script alive either.
  const budgetMs = (6 * (seconds + opts.warmupSeconds + 20) + 120) * 1000;
  setTimeout(() => {
    console.error(`bench: still running after ${budgetMs / 1000} s; giving up`);
    process.exit(3);
  }, budgetMs).unref();

  const cpus = os.cpus();
  console.log('Kith HTTP benchmark');
  console.log(
    `  machine: ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.platform()} ${os.release()}`,
  );
  console.log(
    `  node ${process.version}; autocannon in a worker thread, servers on 127.0.0.1 in the main thread`,
  );
  console.log(
    `  ${connections} connections, ${opts.warmupSeconds} s warm-up + ${seconds} s measured per case`,
  );
  // Everything shares the machine's cores: other work running now makes every figure lower.
  const [load1 = 0] = os.loadavg();
  console.log(`  load average before start: ${load1.toFixed(2)}`);
  if (load1 > cpus.length / 2)
    console.log('  warning: the machine looks busy; figures will be low and noisy');
  console.log('');

  const rows: Row[] = [];
  const { openPglite } = await import('../src/platform/db/pglite.js');
  const { openPg } = await import('../src/platform/db/pg.js');

  // (a) The ceiling: Fastify doing almost nothing.
  const bare = await bareApp();
  try {
    await measure(rows, 'bare fastify hello', `${await listen(bare)}/`, opts);
  } finally {
    await bare.close();
  }

  // (b), (c) on PGlite in memory.
  console.log('  (setting up PGlite in memory: migrate + seed)');
  const lite = await openPglite({ dataDir: null, ...AS_IN_PRODUCTION });
  try {
    const app = await kithApp(lite);
    try {
      const base = await listen(app);
      await measure(rows, 'home page, PGlite', `${base}/trafford/`, opts);
      await measure(rows, 'ward list JSON, PGlite', `${base}/trafford/api/wards?per_page=50`, opts);
    } finally {
      await app.close();
    }
  } finally {
    await lite.close();
  }

  // (b), (c) on PostgreSQL, when one answers.
  const shownUrl = values.pg.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  const bench = await createBenchDatabase(values.pg, BENCH_DB);
  if (typeof bench === 'string') {
    console.log(`  skipped: no PostgreSQL at ${shownUrl} (${bench})`);
  } else {
    console.log(`  (setting up PostgreSQL database ${BENCH_DB} via ${shownUrl}: migrate + seed)`);
    try {
      const db = openPg(bench.url, AS_IN_PRODUCTION);
      try {
        const app = await kithApp(db, bench.url);
        try {
          const base = await listen(app);
          await measure(rows, 'home page, PostgreSQL', `${base}/trafford/`, opts);
          await measure(rows, 'ward list JSON, PostgreSQL', `${base}/trafford/api/wards?per_page=50`, opts);
        } finally {
          await app.close();
        }
      } finally {
        await db.close();
      }
    } finally {
      await bench.drop();
    }
  }

  printTable(rows);
  const failed = rows.filter((r) => r.non2xx > 0 || r.errors > 0 || r.timeouts > 0);
  for (const r of failed) {
    console.error(
      `FAILED ${r.name}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts; status codes ${JSON.stringify(r.statusCodes)}`,
    );
  }
  return failed.length ? 1 : 0;
}

if (isMainThread) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error('bench failed:', error);
      process.exit(1);
    },
  );
} else {
  runLoad(workerData as LoadOptions).then(
    (result) => {
      parentPort?.postMessage(result);
    },
    (error: unknown) => {
      throw error;
    },
  );
}
