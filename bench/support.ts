/** What every benchmark script shares: percentiles, and a scratch PostgreSQL database. */

/** Benchmarks open their databases as production does: without the transaction guard's cost. */
export const AS_IN_PRODUCTION = { guardTransactions: false } as const;

/** Nearest-rank percentile of sorted values (NaN when there are none). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/**
 * Creates (or recreates) a database through the admin URL; returns the reason instead when
 * PostgreSQL does not answer, so a benchmark can go on with the embedded database alone.
 */
export async function createBenchDatabase(
  adminUrl: string,
  name: string,
): Promise<{ url: string; drop: () => Promise<void> } | string> {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => {});
    return error instanceof Error ? error.message || error.name : String(error);
  }
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
      await again.connect();
      try {
        await again.query(`drop database if exists ${name} with (force)`);
      } finally {
        await again.end();
      }
    },
  };
}

/**
 * Runs a benchmark on PGlite in memory, then on a throwaway PostgreSQL database (created through
 * `pgUrl`, dropped after) unless `only` says one engine; skips PostgreSQL when none answers.
 */
export async function onEachEngine<R>(
  options: { only?: string; pgUrl: string; benchDatabase: string },
  run: (engine: 'PGlite' | 'PostgreSQL', db: import('../src/platform/db/types.js').Db) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  if (options.only !== 'pg') {
    const { openPglite } = await import('../src/platform/db/pglite.js');
    const lite = await openPglite({ dataDir: null, ...AS_IN_PRODUCTION });
    try {
      results.push(await run('PGlite', lite));
    } finally {
      await lite.close();
    }
  }
  if (options.only !== 'pglite') {
    const target = await createBenchDatabase(options.pgUrl, options.benchDatabase);
    if (typeof target === 'string') console.log(`  PostgreSQL skipped: ${target}`);
    else {
      const { openPg } = await import('../src/platform/db/pg.js');
      const db = openPg(target.url, AS_IN_PRODUCTION);
      try {
        results.push(await run('PostgreSQL', db));
      } finally {
        await db.close();
        await target.drop();
      }
    }
  }
  return results;
}
