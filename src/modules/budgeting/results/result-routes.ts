import type { FastifyInstance } from 'fastify';

/** results: pages and API (being built). */
export async function resultRoutes(_app: FastifyInstance) {}
