/**
 * PB voting benchmark: the last-hour rush of a borough vote. Target: 200 ballots/s on
 * PostgreSQL with the p95 of the ballot POST under 200 ms.
 *
 *   npx tsx bench/pb-vote.ts [--duration 60] [--rate 200] [--warmup 5] [--projects 40]
 *                            [--connections 64] [--pool 10]
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/pb-vote.ts
 *
 * Without DATABASE_URL it runs on PGlite in memory. With it, a throwaway database
 * `kith_bench_vote` is created through that URL, migrated, seeded and dropped at the end
 * (`--pool` is the app's pg pool size).
 *
 * The real app listens on 127.0.0.1 (port 0). A process with ~40 feasible proposals (a knapsack
 * ballot) is opened for voting, and one verified voter with a session is made per ballot to be
 * cast. The load generator runs in a worker thread (its own event loop, as bench/http.ts does)
 * and is open-loop: voter i starts at i / rate seconds, whatever happened to the ones before, so
 * a slow server shows up as latency and a backlog rather than as a politely lower rate. Each
 * voter does what a browser does: GET the ballot page (session cookie → CSRF token and cookie),
 * then POST the ballot, which must answer 200 with a receipt code. Requests go over at most
 * `--connections` keep-alive connections (node:http), as from a reverse proxy in front of the
 * app, accept compressed answers and decompress them. The POST latency is the figure; GET
 * latency, the end-to-end rate and the worst POST of each second are printed too.
 *
 * On Linux it also prints the CPU each voter cost (GET + POST): the app's thread, the load
 * generator's thread, the process's other threads (GC, libuv) and every PostgreSQL process.
 * The machine's other work does not count there, so those figures compare runs made at
 * different times better than the latencies do.
 */

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import zlib from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../src/platform/db/types.js';
import { AS_IN_PRODUCTION, createBenchDatabase, percentile } from './support.js';

const BENCH_DB = 'kith_bench_vote';

type Voter = { cookie: string; projects: string[] };
type LoadOptions = {
  base: string;
  slug: string;
  voters: Voter[];
  rate: number;
  warmup: number;
  connections: number;
};
type LoadResult = {
  measuredSeconds: number;
  attempted: number;
  ok: number;
  failed: number;
  statuses: Record<string, number>;
  post: { p50: number; p95: number; p99: number; max: number };
  get: { p50: number; p95: number; p99: number };
  maxInFlight: number;
  /** Per second of the run (warm-up included): voters started, and the worst POST that started in it. */
  timeline: { started: number; worstPost: number }[];
};

// ---------------------------------------------------------------------------------------------
// Load generator (worker thread)
// ---------------------------------------------------------------------------------------------

type Answer = { status: number; cookies: string[]; text: string };

/**
 * One HTTP exchange as a browser makes it: keep-alive, compressed answers accepted (and
 * decompressed here, as a browser would), Set-Cookie read. node:http with a keep-alive agent
 * rather than fetch: the generator shares the machine's CPUs with the app and PostgreSQL, and
 * fetch costs it several times as much per request.
 */
function exchange(
  agent: http.Agent,
  url: URL,
  options: { method: 'GET' | 'POST'; cookie: string; body?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {
      cookie: options.cookie,
      'accept-encoding': 'gzip, deflate, br',
      accept: 'text/html',
    };
    if (options.body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(options.body);
    }
    const req = http.request(url, { agent, method: options.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        try {
          const raw = Buffer.concat(chunks);
          const encoding = res.headers['content-encoding'];
          const body =
            encoding === 'br'
              ? zlib.brotliDecompressSync(raw)
              : encoding === 'gzip'
                ? zlib.gunzipSync(raw)
                : encoding === 'deflate'
                  ? zlib.inflateSync(raw)
                  : raw;
          const cookies = (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0] as string);
          resolve({ status: res.statusCode ?? 0, cookies, text: body.toString('utf8') });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const url = new URL(`${o.base}/trafford/budgets/${o.slug}/vote`);
  // Connections are reused between voters, as a reverse proxy in front of the app reuses them.
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
  const postTimes: number[] = [];
  const getTimes: number[] = [];
  const statuses: Record<string, number> = {};
  let ok = 0;
  let failed = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const timeline: LoadResult['timeline'] = [];
  const warmCount = Math.round(o.rate * o.warmup);

  async function vote(i: number, voter: Voter) {
    const measured = i >= warmCount;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const g0 = performance.now();
      const page = await exchange(agent, url, { method: 'GET', cookie: voter.cookie });
      const g1 = performance.now();
      const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
      if (page.status !== 200 || !token) throw new Error(`GET ${page.status}`);
      const body = new URLSearchParams({ _csrf: token });
      for (const p of voter.projects) body.append('projects', p);
      const p0 = performance.now();
      const res = await exchange(agent, url, {
        method: 'POST',
        cookie: [voter.cookie, ...page.cookies].join('; '),
        body: body.toString(),
      });
      const p1 = performance.now();
      if (measured) {
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        getTimes.push(g1 - g0);
        postTimes.push(p1 - p0);
      }
      const second = timeline[Math.floor((p0 - start) / 1000)];
      if (second) second.worstPost = Math.max(second.worstPost, p1 - p0);
      if (res.status === 200 && res.text.includes('data-qa="receipt"')) {
        if (measured) ok++;
      } else if (measured) failed++;
    } catch (error) {
      if (measured) {
        failed++;
        const key = error instanceof Error ? error.message : String(error);
        statuses[key] = (statuses[key] ?? 0) + 1;
      }
    } finally {
      inFlight--;
    }
  }

  const start = performance.now();
  const all: Promise<void>[] = [];
  let measuredStart = start;
  for (let i = 0; i < o.voters.length; i++) {
    const due = start + (i / o.rate) * 1000;
    const second = Math.floor((due - start) / 1000);
    while (timeline.length <= second) timeline.push({ started: 0, worstPost: 0 });
    (timeline[second] as LoadResult['timeline'][number]).started++;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (i === warmCount) measuredStart = performance.now();
    all.push(vote(i, o.voters[i] as Voter));
  }
  await Promise.all(all);
  agent.destroy();
  const measuredSeconds = (performance.now() - measuredStart) / 1000;
  const post = Float64Array.from(postTimes).sort();
  const get = Float64Array.from(getTimes).sort();
  return {
    measuredSeconds,
    attempted: o.voters.length - warmCount,
    ok,
    failed,
    statuses,
    post: {
      p50: percentile(post, 50),
      p95: percentile(post, 95),
      p99: percentile(post, 99),
      max: post[post.length - 1] ?? Number.NaN,
    },
    get: { p50: percentile(get, 50), p95: percentile(get, 95), p99: percentile(get, 99) },
    maxInFlight,
    timeline,
  };
}

const WORKER_BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;

/** The load generator's result, and the CPU ms its thread used (read just before it ends). */
function load(options: LoadOptions): Promise<{ result: LoadResult; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    const before = new Set(threadIds());
    let threads: string[] = [];
    const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: options });
    worker.once('online', () => {
      threads = threadIds().filter((t) => !before.has(t));
    });
    worker.once('message', (result: LoadResult) => {
      const cpuMs = threads.reduce((sum, t) => sum + cpuMsOf(`/proc/self/task/${t}/stat`), 0);
      resolve({ result, cpuMs });
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`the load worker stopped (code ${code}) without a result`)),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// CPU accounting (Linux): what each ballot costs, whatever else the machine is doing
// ---------------------------------------------------------------------------------------------

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU ms of one thread or process from its /proc stat line (utime + stime), or NaN. */
function cpuMsOf(statPath: string, which: 'both' | 'system' = 'both'): number {
  try {
    const stat = fs.readFileSync(statPath, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const system = Number(fields[12]) * TICK_MS;
    return which === 'system' ? system : Number(fields[11]) * TICK_MS + system;
  } catch {
    return Number.NaN;
  }
}

function threadIds(): string[] {
  try {
    return fs.readdirSync('/proc/self/task');
  } catch {
    return [];
  }
}

/** CPU ms used so far by every PostgreSQL process now running, by process id. */
function postgresCpu(): Map<string, number> {
  const byPid = new Map<string, number>();
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres')
        byPid.set(pid, cpuMsOf(`/proc/${pid}/stat`));
    } catch {
      // gone meanwhile
    }
  }
  return byPid;
}

/**
 * PostgreSQL's CPU during a run: sampled every half second so that backends which end during
 * the run (pool connections closing, autovacuum workers) still count up to their last sample.
 */
function postgresMeter() {
  const start = postgresCpu();
  const last = new Map(start);
  const sample = () => {
    for (const [pid, ms] of postgresCpu()) last.set(pid, ms);
  };
  const timer = setInterval(sample, 500);
  return {
    stop(): number {
      clearInterval(timer);
      sample();
      let total = 0;
      for (const [pid, ms] of last) total += ms - (start.get(pid) ?? 0);
      return total;
    },
  };
}

/** CPU ms used so far by the app's thread and by this whole process. */
function cpuNow(): { app: number; appSystem: number; process: number } {
  const usage = process.cpuUsage();
  return {
    app: cpuMsOf(`/proc/self/task/${process.pid}/stat`),
    appSystem: cpuMsOf(`/proc/self/task/${process.pid}/stat`, 'system'),
    process: (usage.user + usage.system) / 1000,
  };
}

// ---------------------------------------------------------------------------------------------
// The app, the process and the voters (main thread)
// ---------------------------------------------------------------------------------------------

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

/** A knapsack ballot over `projects` proposals, open for voting; `voters` verified voters with sessions. */
async function setUp(db: Db, projects: number, voters: number) {
  const { findPlaceBySlug } = await import('../src/platform/places/place-service.js');
  const { createProcess, movePhase } = await import('../src/modules/budgeting/processes/process-service.js');
  const { createSession, SESSION_COOKIE } = await import('../src/platform/auth/session-service.js');
  const { seededRandom } = await import('../src/lib/random/seeded.js');
  const place = await findPlaceBySlug(db, 'trafford');
  if (!place) throw new Error('the demo place is missing');
  const officer = (
    await db.query<{ id: string }>(
      `insert into users (email, display_name, password_hash, email_verified_at)
       values ('bench-officer@example.org', 'Bench Officer', 'x', now()) returning id`,
    )
  )[0]?.id as string;
  const ctx = { db, place, actor: { userId: officer, roles: ['officer' as const], platformAdmin: false } };
  const slug = await createProcess(ctx, {
    title: 'Borough budget rush',
    summary: 'The last hour of a borough vote.',
    ward: '',
    budget: '1000000',
    minAge: '16',
    residenceRequired: 'yes',
    ballotType: 'knapsack',
    minSelections: '1',
    maxSelections: '',
    pointsTotal: '',
    rule: 'mes-cost',
    verificationMethods: 'email',
  });
  const processId = (await db.query<{ id: string }>('select id from pb_processes where slug = $1', [slug]))[0]
    ?.id as string;
  const random = seededRandom(2026);
  const costs: number[] = [];
  for (let n = 1; n <= projects; n++) {
    const cost = 2_000_000 + Math.floor(random() * 18_000_000); // £20,000 to £200,000
    costs.push(cost);
    await db.query(
      `insert into pb_proposals (process_id, number, title, summary, cost_pence, status)
       values ($1, $2, $3, 'A project on the bench ballot', $4, 'feasible')`,
      [processId, n, `Project ${n}`, cost],
    );
  }
  await movePhase(ctx, slug, 'voting');

  // The voters: accounts, register rows and sessions, made directly (as test/helpers/people.ts does).
  const users = await db.query<{ id: string }>(
    `insert into users (email, display_name, password_hash, email_verified_at)
     select 'voter-' || g || '@bench.example', 'Voter ' || g, 'x', now() from generate_series(1, $1::int) g
     returning id`,
    [voters],
  );
  await db.query(
    `insert into pb_voters (process_id, user_id, method, round) select $1, id, 'email', 1 from users where email like '%@bench.example'`,
    [processId],
  );
  const list: Voter[] = [];
  for (const u of users) {
    const token = await createSession(db, u.id, 'bench');
    // A ballot within the £1,000,000 budget: a few projects chosen at random.
    const chosen: string[] = [];
    let total = 0;
    const want = 1 + Math.floor(random() * 6);
    for (let tries = 0; tries < 20 && chosen.length < want; tries++) {
      const n = 1 + Math.floor(random() * projects);
      const cost = costs[n - 1] as number;
      if (chosen.includes(String(n)) || total + cost > 100_000_000) continue;
      chosen.push(String(n));
      total += cost;
    }
    list.push({ cookie: `${SESSION_COOKIE}=${token}`, projects: chosen });
  }
  return { slug, processId, voters: list };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '60' },
      rate: { type: 'string', default: '200' },
      warmup: { type: 'string', default: '5' },
      projects: { type: 'string', default: '40' },
      connections: { type: 'string', default: '64' },
      pool: { type: 'string', default: '10' },
    },
  });
  const seconds = Number(values.duration);
  const rate = Number(values.rate);
  const warmup = Number(values.warmup);
  const projects = Number(values.projects);
  const connections = Number(values.connections);
  const poolSize = Number(values.pool);
  if (
    !(seconds > 0 && rate > 0 && warmup >= 0 && projects >= 1 && projects <= 500) ||
    !(connections >= 1 && poolSize >= 1)
  ) {
    console.error(
      'usage: bench/pb-vote.ts [--duration S] [--rate BALLOTS_PER_S] [--warmup S] [--projects N] [--connections N] [--pool N]',
    );
    return 2;
  }
  const voterCount = Math.ceil(rate * (seconds + warmup));
  const cpus = os.cpus();
  const adminUrl = process.env.DATABASE_URL;
  console.log('Kith PB voting benchmark: the last-hour rush');
  console.log(
    `  machine: ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), node ${process.version}, load average ${os.loadavg()[0]?.toFixed(2)}`,
  );
  console.log(
    `  ${projects} projects (knapsack), ${voterCount} voters, ${rate} ballots/s for ${seconds} s after ${warmup} s warm-up`,
  );

  let db: Db;
  let url: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  if (adminUrl) {
    const target = await createBenchDatabase(adminUrl, BENCH_DB);
    if (typeof target === 'string') {
      console.error(`  no PostgreSQL at DATABASE_URL: ${target}`);
      return 1;
    }
    const { openPg } = await import('../src/platform/db/pg.js');
    db = openPg(target.url, { max: poolSize, ...AS_IN_PRODUCTION });
    url = target.url;
    drop = target.drop;
    console.log(`  engine: PostgreSQL (database ${BENCH_DB}, pool of ${poolSize})`);
  } else {
    const { openPglite } = await import('../src/platform/db/pglite.js');
    db = await openPglite({ dataDir: null, ...AS_IN_PRODUCTION });
    console.log('  engine: PGlite in memory');
  }
  try {
    const app = await kithApp(db, url);
    try {
      const t0 = Date.now();
      const { slug, processId, voters } = await setUp(db, projects, voterCount);
      console.log(`  set up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      console.log(`  load: ${connections} keep-alive connections at most`);
      const cpu0 = cpuNow();
      const pgMeter = postgresMeter();
      const { result: r, cpuMs: loadCpu } = await load({
        base: `http://127.0.0.1:${port}`,
        slug,
        voters,
        rate,
        warmup,
        connections,
      });
      const cpu1 = cpuNow();
      const pgCpu = pgMeter.stop();
      const ballots = (
        await db.query<{ n: number }>('select count(*)::int as n from pb_ballots where process_id = $1', [
          processId,
        ])
      )[0]?.n;
      const voted = (
        await db.query<{ n: number }>(
          'select count(*)::int as n from pb_voters where process_id = $1 and voted',
          [processId],
        )
      )[0]?.n;
      const ms = (v: number) => v.toFixed(1);
      console.log('');
      console.log(
        `  ballots cast (measured): ${r.ok} of ${r.attempted} in ${r.measuredSeconds.toFixed(1)} s`,
      );
      console.log(`  sustained rate: ${(r.ok / r.measuredSeconds).toFixed(1)} ballots/s (target ${rate})`);
      console.log(
        `  POST latency ms: p50 ${ms(r.post.p50)}  p95 ${ms(r.post.p95)}  p99 ${ms(r.post.p99)}  max ${ms(r.post.max)}`,
      );
      console.log(`  GET ballot page ms: p50 ${ms(r.get.p50)}  p95 ${ms(r.get.p95)}  p99 ${ms(r.get.p99)}`);
      console.log(`  most voters in flight at once: ${r.maxInFlight}`);
      console.log(`  worst POST by second ms: ${r.timeline.map((x) => Math.round(x.worstPost)).join(' ')}`);
      const per = (v: number) => (v / voters.length).toFixed(2);
      const appCpu = cpu1.app - cpu0.app;
      console.log(
        `  CPU per voter (GET + POST) ms: app thread ${per(appCpu)} (of it in the kernel ${per(cpu1.appSystem - cpu0.appSystem)}), ` +
          `load generator ${per(loadCpu)}, other threads ${per(cpu1.process - cpu0.process - appCpu - loadCpu)}, PostgreSQL ${per(pgCpu)}`,
      );
      console.log(`  load average after: ${os.loadavg()[0]?.toFixed(2)}`);
      console.log(`  statuses: ${JSON.stringify(r.statuses)}`);
      console.log(`  ballot box: ${ballots} ballots; register: ${voted} voted (must be equal)`);
      const pass =
        r.failed === 0 && ballots === voted && r.ok / r.measuredSeconds >= rate * 0.98 && r.post.p95 < 200;
      console.log(`  target met: ${pass ? 'yes' : 'no'}`);
      return r.failed === 0 && ballots === voted ? 0 : 1;
    } finally {
      await app.close();
    }
  } finally {
    await db.close();
    await drop?.();
  }
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
    (result) => parentPort?.postMessage(result),
    (error: unknown) => {
      throw error;
    },
  );
}
