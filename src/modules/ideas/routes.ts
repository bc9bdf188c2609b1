import type { FastifyInstance } from 'fastify';
import { developmentRoutes } from './development/development-routes.js';
import { discoveryPartRoutes } from './discovery/routes.js';
import { postingRoutes } from './posting/posting-routes.js';
import { skillsRoutes } from './skills/skills-routes.js';

/** Ideas' pages and API: each part registers its own routes. */
export async function ideasRoutes(app: FastifyInstance) {
  await app.register(postingRoutes);
  await app.register(developmentRoutes);
  await app.register(discoveryPartRoutes);
  await app.register(skillsRoutes);
}
