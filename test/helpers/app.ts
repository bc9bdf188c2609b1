import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Db } from '../../src/platform/db/types.js';
import { freshDatabase } from './database.js';

export type TestApp = { app: FastifyInstance; db: Db };

/** The real app on a fresh seeded database, closed when the test (or suite) ends. */
export async function buildTestApp(
  t?: Pick<TestContext, 'after'>,
  extend?: (app: FastifyInstance) => void,
): Promise<TestApp> {
  const db = await freshDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    KITH_SECRET: 'test-secret-that-is-at-least-32-characters-long',
  });
  const app = await buildApp({ config, db });
  extend?.(app);
  await app.ready();
  const close = async () => {
    await app.close();
    await db.close();
  };
  t?.after(close);
  return { app, db };
}

/** Cookie header value from a response's set-cookie headers. */
export function cookiesFrom(setCookie: string | string[] | undefined): string {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return list.map((c) => c.split(';')[0]).join('; ');
}
