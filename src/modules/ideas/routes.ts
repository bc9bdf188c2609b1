import type { FastifyInstance } from 'fastify';

/** Ideas' pages and API: each part registers its own routes. */
export async function ideasRoutes(app: FastifyInstance) {
  void app;
}
