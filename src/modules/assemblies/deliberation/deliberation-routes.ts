import type { FastifyInstance } from 'fastify';

/** Placeholder: this part's routes are being built. */
export async function deliberationRoutes(_app: FastifyInstance) {}
