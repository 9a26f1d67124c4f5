import type { JobDefinition } from '../jobs/queue.js';
import type { Outbox } from '../deps.js';
import type { createNotificationService } from './service.js';
import { OUTBOX_JOB } from './outbox.js';

export const DIGEST_JOB = 'notifications.digest';

/**
 * The outbox pump (woken after each commit that queues something, and every minute as a safety
 * net for retries and lost wake-ups) and the daily digest at 07:00 UTC. Both are idempotent: the
 * pump claims rows, the digest has one dedupe key per user and day. A pump job that finds a pump
 * already running in this process returns at once (the running one picks the new rows up), and
 * the queue keeps at most one pump job waiting ('short'), so wake-ups do not pile up behind a long
 * pump (a queue created before this keeps its old policy until pg-boss's queue row is updated).
 */
export function notificationJobs(work: { outbox: Outbox; notifications: ReturnType<typeof createNotificationService> }): JobDefinition[] {
  return [
    { name: OUTBOX_JOB, cron: '* * * * *', policy: 'short', retryLimit: 1, retryDelaySeconds: 5, handler: () => work.outbox.pump({ coalesce: true }) },
    { name: DIGEST_JOB, cron: '0 7 * * *', retryLimit: 3, retryDelaySeconds: 60, handler: () => work.notifications.digest.run() },
  ];
}
