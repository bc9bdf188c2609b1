import { after, before, type TestContext } from 'node:test';
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
  env: Record<string, string> = {},
): Promise<TestApp> {
  const db = await freshDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    KITH_SECRET: 'test-secret-that-is-at-least-32-characters-long',
    ...env,
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

/**
 * One app for the whole test file: built before the first test, closed after the last.
 * The returned object is filled in by the `before` hook, so use it inside tests only;
 * `setup` runs once it is ready (seeding, listening).
 */
export function useTestApp(
  extend?: (app: FastifyInstance) => void,
  setup?: (t: TestApp) => Promise<void>,
  /** Extra settings, as environment variables (e.g. the email relay). */
  env: Record<string, string> = {},
): TestApp {
  const shared = {} as TestApp;
  // One hook does both, because the order of several top-level `before` hooks is not ours to rely on.
  before(async () => {
    Object.assign(shared, await buildTestApp(undefined, extend, env));
    await setup?.(shared);
  });
  after(async () => {
    await shared.app?.close();
    await shared.db?.close();
  });
  return shared;
}
