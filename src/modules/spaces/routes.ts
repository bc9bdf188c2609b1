import type { FastifyInstance } from 'fastify';

/** Every spaces page and API, each part in its own folder. */
export async function spacesRoutes(_app: FastifyInstance) {}
