import { FileStore } from '../../../platform/files/file-store.js';
import { enqueue, type JobHandler } from '../../../platform/jobs/jobs.js';
import type { JobSite } from '../../../platform/module-definition.js';
import { removeDocumentFiles } from './document-service.js';
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

/** Removes the files of documents whose rows erasure or retention deleted (see forgetDocuments). */
export function documentFilesJob(site: JobSite): JobHandler {
  return async (job) => {
    // Without the folder the files cannot be found; failing keeps the job to try again.
    if (!site.filesDir) throw new Error('No files directory to remove documents from');
    await removeDocumentFiles(new FileStore(site.filesDir), job.payload.names);
  };
}
