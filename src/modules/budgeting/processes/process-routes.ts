import type { FastifyInstance } from 'fastify';

/** Processes: the list, each process's page, and officers' forms (being built). */
export async function processRoutes(_app: FastifyInstance) {}
