import type { FastifyInstance } from 'fastify';

/** Search across groups, services, hubs and activities (issue 5). */
export async function searchRoutes(_app: FastifyInstance) {}
