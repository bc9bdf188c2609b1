import type { Config } from '../config.js';
import { emailSendJob } from './email/send-job.js';
import { enqueue, type JobHandler } from './jobs/jobs.js';
import { siteOf } from './module-definition.js';
import { modules } from './modules.js';
import { applyRetention } from './privacy/privacy-service.js';

/** Every kind of background job, by name: the platform's and each module's. */
export function jobHandlers(config: Config): Record<string, JobHandler> {
  return {
    ...Object.assign({}, ...modules.map((m) => m.jobs?.(siteOf(config)) ?? {})),
    'email.send': emailSendJob({ ...config.mail, production: config.env === 'production' }),
    // Daily: remove what has passed its retention period, then book the next run.
    'privacy.retention': async (_job, db) => {
      await applyRetention(db);
      await enqueue(db, 'privacy.retention', {}, { runAt: new Date(Date.now() + 24 * 3600 * 1000) });
    },
  };
}
