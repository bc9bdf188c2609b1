import type { FastifyInstance } from 'fastify';
import { dbsRoutes } from './dbs/dbs-routes.js';

/** Every mutual-aid page and API, each part in its own folder. */
export async function mutualAidRoutes(app: FastifyInstance) {
  await app.register(dbsRoutes);
}
