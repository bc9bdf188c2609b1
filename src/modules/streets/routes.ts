import type { FastifyInstance } from 'fastify';

/** Streets' pages and API: the parts register their own routes here. */
export async function streetsRoutes(_app: FastifyInstance) {}
