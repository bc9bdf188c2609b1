import type { FastifyInstance } from 'fastify';

/** proposals: pages and API (being built). */
export async function proposalRoutes(_app: FastifyInstance) {}
