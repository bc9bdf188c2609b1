import type { FastifyInstance } from 'fastify';
import { eventRoutes } from './events/events-routes.js';
import { manageRoutes } from './manage/manage-routes.js';

/** Streets' pages and API: the parts register their own routes here. */
export async function streetsRoutes(app: FastifyInstance) {
  await app.register(eventRoutes);
  await app.register(manageRoutes);
}
