import type { FastifyInstance } from 'fastify';
import { callRoutes } from './call-routes.js';
import { discoveryRoutes } from './discovery-routes.js';

/** Finding ideas: the list, the map, open calls and the open data. */
export async function discoveryPartRoutes(app: FastifyInstance) {
  await app.register(discoveryRoutes);
  await app.register(callRoutes);
}
