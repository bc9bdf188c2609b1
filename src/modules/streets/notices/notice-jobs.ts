import { enqueue, type JobHandler } from '../../../platform/jobs/jobs.js';
import type { JobSite } from '../../../platform/module-definition.js';
import { runStreetDeadlines } from './notice-service.js';

/**
 * Every quarter of an hour: close objection windows that have passed and end events that are
 * over. Deadlines fall at midnight, so a notification is confirmed within 15 minutes of its
 * deadline; the page works out "objection window closed" from the clock meanwhile.
 */
const EVERY_MS = 15 * 60_000;

export function streetDeadlinesJob(site: JobSite): JobHandler {
  return async (_job, db) => {
    await runStreetDeadlines(db, site);
    await enqueue(db, 'streets.deadlines', {}, { runAt: new Date(Date.now() + EVERY_MS) });
  };
}
