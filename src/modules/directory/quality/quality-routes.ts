import type { FastifyInstance } from 'fastify';

/** Data quality: stale and duplicate records, merging (issue 5). */
export async function qualityRoutes(_app: FastifyInstance) {}
