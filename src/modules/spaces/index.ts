import { defineModule } from '../../platform/module-definition.js';
import { DEMO_ACTIVITY_ID, seedActivities } from './activities/activity-seed.js';
import { bookingPrivacy } from './bookings/booking-privacy.js';
import { refreshAllSlots, slotsJob } from './feeds/slot-service.js';
import { seedMeasures } from './measures/measure-seed.js';
import { measureStats } from './measures/measure-service.js';
import { spacesRoutes } from './routes.js';
import { DEMO_BOOKING_ID, DEMO_SPACE_SLUG, seedSpaces } from './spaces/space-seed.js';

/**
 * Spaces (SPEC §3.3): libraries, halls, parks and shop-fronts as places for relationships:
 * bookable, with a public calendar of what happens in them, open feeds, and figures that count
 * groups and hours of use rather than income.
 */
export default defineModule({
  name: 'spaces',
  titleKey: 'spaces.module',
  routes: spacesRoutes,
  nav: [
    { path: 'spaces', labelKey: 'spaces.spaces.nav.label', summaryKey: 'spaces.spaces.nav.summary' },
    {
      path: 'whats-on',
      labelKey: 'spaces.activities.nav.whatsOn',
      summaryKey: 'spaces.activities.nav.whatsOnSummary',
    },
  ],
  permissions: {
    'spaces.manage': {
      descriptionKey: 'spaces.spaces.permissions.manage',
      roles: ['officer', 'place-admin'],
    },
    'spaces.book': { descriptionKey: 'spaces.spaces.permissions.book', roles: ['resident'] },
    'spaces.activities.manage': {
      descriptionKey: 'spaces.activities.permissions.manage',
      roles: ['officer', 'place-admin'],
    },
  },
  privacy: bookingPrivacy,
  stats: (ctx) => measureStats(ctx),
  async seed(c) {
    await seedSpaces(c);
    await seedActivities(c);
    await seedMeasures(c);
    // The OpenActive slots of the coming weeks (the `spaces.slots` job keeps them rolling).
    await refreshAllSlots(c.db);
  },
  jobs: () => ({ 'spaces.slots': slotsJob() }),
  recurringJobs: ['spaces.slots'],
  // The activities' demo spaces work for the calendar feed too; the space pages use the bookings' one.
  demoParams: {
    space: DEMO_SPACE_SLUG,
    booking: DEMO_BOOKING_ID,
    activity: DEMO_ACTIVITY_ID,
    session: DEMO_ACTIVITY_ID,
    // No demo photo (the seed has no data directory to write files to): the file route answers 404.
    photo: '00000000-0000-4000-8000-000000000000.webp',
  },
});
