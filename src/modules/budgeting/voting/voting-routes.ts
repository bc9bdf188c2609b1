import type { FastifyInstance } from 'fastify';

/** voting: pages and API (being built). */
export async function votingRoutes(_app: FastifyInstance) {}
