import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { migrate } from './platform/db/migrate.js';
import { openDatabase } from './platform/db/open.js';
import type { Db } from './platform/db/types.js';
import { jobHandlers } from './platform/job-handlers.js';
import { scheduleRecurringJobs, startWorker } from './platform/jobs/jobs.js';
import { modules } from './platform/modules.js';
import { listPlaces } from './platform/places/place-service.js';
import { seedDemo } from './platform/seed.js';

/**
 * Opens the database (taking the lock for PGlite), migrates, seeds the demo place on a
 * first start, and listens. SIGTERM/SIGINT stop accepting requests, let in-flight ones
 * finish, close the database and release the lock.
 */
export async function startServer(
  config: Config,
): Promise<{ app: FastifyInstance; db: Db; stop: () => Promise<void> }> {
  const db = await openDatabase(config.database);
  let app: FastifyInstance | undefined;
  try {
    await migrate(db);
    if (config.seedDemo && (await listPlaces(db)).length === 0) await seedDemo(db);
    app = await buildApp({ config, db });
    await scheduleRecurringJobs(
      db,
      modules.flatMap((m) => m.recurringJobs ?? []),
    );
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app?.close().catch(() => {});
    await db.close();
    throw error;
  }
  const server = app;
  const worker = startWorker(db, jobHandlers(config), {
    onError: (error) => server.log.error({ err: error }, 'job worker failed'),
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      server.log.info('shutting down');
      const timer = setTimeout(() => {
        server.log.error('shutdown took longer than 10 s; exiting');
        process.exit(1);
      }, 10_000);
      timer.unref();
      await server.close();
      await worker.stop();
      await db.close();
    })();
    return stopping;
  };
  return { app: server, db, stop };
}
