import type { JobDefinition } from '../jobs/queue.js';
import type { IdempotencyStore } from './store.js';

export const PURGE_JOB = 'idempotency.purge-expired';

/** Hourly: keys older than 24 hours are gone (a repeat after that runs again anyway; this keeps the table small). */
export function idempotencyJobs(store: IdempotencyStore): JobDefinition[] {
  return [{ name: PURGE_JOB, cron: '41 * * * *', handler: () => store.purgeExpired() }];
}
