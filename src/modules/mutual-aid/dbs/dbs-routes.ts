import type { FastifyInstance } from 'fastify';

/** The public "Do I need a DBS check?" question pages (issue 6). */
export async function dbsRoutes(_app: FastifyInstance) {}
