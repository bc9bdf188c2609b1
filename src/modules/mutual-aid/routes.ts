import type { FastifyInstance } from 'fastify';
import { challengeRoutes } from './challenges/challenge-routes.js';
import { circleRoutes } from './circles/circle-routes.js';
import { dbsRoutes } from './dbs/dbs-routes.js';
import { matchRoutes } from './matches/match-routes.js';
import { postRoutes } from './posts/post-routes.js';
import { sharingRoutes } from './sharing/sharing-routes.js';

/** Every mutual-aid page and API, each part in its own folder. */
export async function mutualAidRoutes(app: FastifyInstance) {
  await app.register(postRoutes);
  await app.register(dbsRoutes);
  await app.register(matchRoutes);
  await app.register(challengeRoutes);
  await app.register(sharingRoutes);
  await app.register(circleRoutes);
}
