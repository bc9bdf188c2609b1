import type { FastifyInstance } from 'fastify';
import { circleRoutes } from './circles/circle-routes.js';
import { dbsRoutes } from './dbs/dbs-routes.js';
import { postRoutes } from './posts/post-routes.js';

/** Every mutual-aid page and API, each part in its own folder. */
export async function mutualAidRoutes(app: FastifyInstance) {
  await app.register(postRoutes);
  await app.register(dbsRoutes);
  await app.register(circleRoutes);
}
