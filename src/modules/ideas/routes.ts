import type { FastifyInstance } from 'fastify';
import { postingRoutes } from './posting/posting-routes.js';

/** Ideas' pages and API: each part registers its own routes. */
export async function ideasRoutes(app: FastifyInstance) {
  await app.register(postingRoutes);
}
