import type { JobDefinition } from '../jobs/queue.js';
import type { SeedService } from './service.js';

export const REASK_JOB = 'seeds.reask';

/** Re-ask reminders, hourly (intervals are in days; idempotent by the tasks' dedupe keys). */
export function seedJobs(work: { seeds: SeedService }): JobDefinition[] {
  return [{ name: REASK_JOB, cron: '41 * * * *', retryLimit: 1, handler: () => work.seeds.reask() }];
}
