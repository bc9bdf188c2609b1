import { createHash } from 'node:crypto';
import pg from 'pg';
import { NO_GUARD, transactionGuard } from './transaction-guard.js';
import type { Db, SqlParam, Tx } from './types.js';

// Return timestamps as Date and bigint counts as numbers only when safe; keep numeric as text.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
});

/**
 * Statements with parameters run as named prepared statements, so PostgreSQL parses and plans
 * each once per connection rather than on every call (planning was most of PostgreSQL's time
 * on a ballot in bench/pb-vote.ts). The name is a hash of the text. Only the first
 * MAX_PREPARED distinct texts are named, so SQL built on the fly cannot fill the connections'
 * memory; later ones run unnamed as before.
 */
const MAX_PREPARED = 500;
const statementNames = new Map<string, string>();

function statement(sql: string, params: readonly SqlParam[]): pg.QueryConfig {
  if (params.length === 0) return { text: sql };
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_PREPARED) {
    name = `kith_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
    statementNames.set(sql, name);
  }
  return name === undefined
    ? { text: sql, values: params as unknown[] }
    : { name, text: sql, values: params as unknown[] };
}

/**
 * Queries on the pool from inside one of its transactions are refused unless
 * `guardTransactions` is false (production: see transaction-guard.ts).
 */
export function openPg(
  url: string,
  options: { max?: number; guardTransactions?: boolean } = {},
): Db & { pool: pg.Pool } {
  const guard = options.guardTransactions === false ? NO_GUARD : transactionGuard();
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => {});
  return {
    kind: 'pg',
    pool,
    async query<Row>(sql: string, params: readonly SqlParam[] = []): Promise<Row[]> {
      guard.check();
      const result = await pool.query(statement(sql, params));
      return result.rows as Row[];
    },
    async exec(sql: string): Promise<void> {
      guard.check();
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      guard.check();
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // One connection runs one statement at a time: queries sent together (Promise.all)
        // wait their turn here, as PGlite's do, rather than relying on pg's deprecated queueing.
        let turn: Promise<unknown> = Promise.resolve();
        const inTurn = <R>(run: () => Promise<R>): Promise<R> => {
          const next = turn.then(run, run);
          turn = next.catch(() => {});
          return next;
        };
        const tx: Tx = {
          inTransaction: true,
          query<Row>(sql: string, params: readonly SqlParam[] = []) {
            return inTurn(async () => (await client.query(statement(sql, params))).rows as Row[]);
          },
          exec(sql: string) {
            return inTurn(async () => {
              await client.query(sql);
            });
          },
        };
        const result = await guard.during(() => fn(tx));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
