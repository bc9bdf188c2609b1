import type { FastifyInstance } from 'fastify';

/** Connector signposting and toolkit (issue 5). */
export async function signpostingRoutes(_app: FastifyInstance) {}
