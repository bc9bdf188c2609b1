import type { FastifyInstance } from 'fastify';

/** verification: pages and API (being built). */
export async function verificationRoutes(_app: FastifyInstance) {}
