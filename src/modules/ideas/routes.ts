import type { FastifyInstance } from 'fastify';
import { developmentRoutes } from './development/development-routes.js';

/** Ideas' pages and API: each part registers its own routes. */
export async function ideasRoutes(app: FastifyInstance) {
  await app.register(developmentRoutes);
}
