import type { JobDefinition } from '../jobs/queue.js';
import type { PlanService } from './service.js';

export const REFRESH_PLANS_JOB = 'plans.refresh-status';

/**
 * Time passes without a write: milestones fall overdue and goals run out of time. Once a day,
 * just after midnight UTC (when a due date has fully passed), every plan's stored status is
 * recomputed; a move emits plan.status_changed like any other. Idempotent: an unchanged status writes nothing new.
 */
export function planJobs(work: { plans: PlanService }): JobDefinition[] {
  return [{ name: REFRESH_PLANS_JOB, cron: '7 0 * * *', handler: () => work.plans.refreshAll() }];
}
