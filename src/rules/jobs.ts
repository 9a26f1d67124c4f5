import type { JobDefinition } from '../jobs/queue.js';
import type { WorkServices } from '../http/services.js';
import { EVALUATE_JOB, SWEEP_JOB } from './service.js';

/** Rules: accounts whose health or fields changed, every minute (and on demand); the whole book hourly. */
export function ruleJobs(work: WorkServices): JobDefinition[] {
  return [
    { name: EVALUATE_JOB, cron: '* * * * *', handler: () => work.rules.evaluateDirty() },
    { name: SWEEP_JOB, cron: '7 * * * *', retryLimit: 1, handler: () => work.rules.sweep() },
  ];
}
