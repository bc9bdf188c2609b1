import type { FastifyInstance } from 'fastify';
import { eventRoutes } from './events/events-routes.js';

/** Streets' pages and API: the parts register their own routes here. */
export async function streetsRoutes(app: FastifyInstance) {
  await app.register(eventRoutes);
}
