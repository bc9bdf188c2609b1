import type { FastifyInstance } from 'fastify';
import { activityRoutes } from './activities/activity-routes.js';
import { bookingRoutes } from './bookings/booking-routes.js';
import { feedRoutes } from './feeds/feed-routes.js';
import { measureRoutes } from './measures/measure-routes.js';
import { monthlyRoutes } from './measures/monthly-routes.js';
import { photoRoutes } from './photos/photo-routes.js';
import { exceptionRoutes } from './spaces/exception-routes.js';
import { spaceRoutes } from './spaces/space-routes.js';

/** Every spaces page and API, each part in its own folder. */
export async function spacesRoutes(app: FastifyInstance) {
  await app.register(spaceRoutes);
  await app.register(exceptionRoutes);
  await app.register(bookingRoutes);
  await app.register(activityRoutes);
  await app.register(feedRoutes);
  await app.register(measureRoutes);
  await app.register(photoRoutes);
  await app.register(monthlyRoutes);
}
