import type { DefaultJobOptions } from 'bullmq';
import type { AppConfig } from '../config/env';

/** Failed jobs retry with exponential backoff; the final failure is kept a month for inspection. */
export const jobDefaults = (config: AppConfig): DefaultJobOptions => ({
  attempts: config.jobAttempts,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
});
