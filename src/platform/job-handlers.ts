import type { Config } from '../config.js';
import { emailSendJob } from './email/send-job.js';
import type { JobHandler } from './jobs/jobs.js';

/** Every kind of background job, by name. Modules will add theirs here as they need them. */
export function jobHandlers(config: Config): Record<string, JobHandler> {
  return {
    'email.send': emailSendJob({ ...config.mail, production: config.env === 'production' }),
  };
}
