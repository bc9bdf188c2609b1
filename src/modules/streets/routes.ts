import type { FastifyInstance } from 'fastify';
import { noticeRoutes } from './notices/notice-routes.js';

/** Streets' pages and API: the parts register their own routes here. */
export async function streetsRoutes(app: FastifyInstance) {
  await app.register(noticeRoutes);
}
