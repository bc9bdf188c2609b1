import type { FastifyInstance } from 'fastify';
import { eventRoutes } from './events/events-routes.js';
import { manageRoutes } from './manage/manage-routes.js';
import { noticeRoutes } from './notices/notice-routes.js';

/** Streets' pages and API: each part registers its own routes. */
export async function streetsRoutes(app: FastifyInstance) {
  await app.register(noticeRoutes);
  await app.register(eventRoutes);
  await app.register(manageRoutes);
}
