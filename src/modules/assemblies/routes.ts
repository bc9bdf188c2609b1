import type { FastifyInstance } from 'fastify';
import { deliberationRoutes } from './deliberation/deliberation-routes.js';
import { neighbourhoodRoutes } from './neighbourhood/neighbourhood-routes.js';
import { recruitmentRoutes } from './recruitment/recruitment-routes.js';
import { selectionRoutes } from './selection/selection-routes.js';
import { setupRoutes } from './setup/setup-routes.js';

/** Assemblies' pages and API: each part registers its own routes. */
export async function assembliesRoutes(app: FastifyInstance) {
  await app.register(setupRoutes);
  await app.register(recruitmentRoutes);
  await app.register(selectionRoutes);
  await app.register(deliberationRoutes);
  await app.register(neighbourhoodRoutes);
}
