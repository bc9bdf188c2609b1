import type { FastifyInstance } from 'fastify';

/** The Open Referral UK API and the services pages (issue 5). */
export async function orukRoutes(_app: FastifyInstance) {}
