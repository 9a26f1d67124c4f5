import type { JobDefinition } from '../jobs/queue.js';
import type { createRuleService } from './service.js';
import { EVALUATE_JOB, SWEEP_JOB } from './service.js';

/** Rules: accounts whose health or fields changed, every minute (and on demand); the whole book hourly. */
export function ruleJobs(work: { rules: ReturnType<typeof createRuleService> }): JobDefinition[] {
  return [
    { name: EVALUATE_JOB, cron: '* * * * *', handler: () => work.rules.evaluateDirty() },
    { name: SWEEP_JOB, cron: '7 * * * *', retryLimit: 1, handler: () => work.rules.sweep() },
  ];
}
