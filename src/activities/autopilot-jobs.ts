import type { JobDefinition } from '../jobs/queue.js';
import { REFRESH_DIRTY_JOB, SWEEP_JOB, type AutopilotService } from './autopilot-service.js';

/** Autopilot: marked accounts every minute; the whole book daily, since a rhythm can stop holding with no write at all. */
export function autopilotJobs(autopilot: AutopilotService): JobDefinition[] {
  return [
    { name: REFRESH_DIRTY_JOB, cron: '* * * * *', handler: () => autopilot.refreshDirty() },
    { name: SWEEP_JOB, cron: '35 2 * * *', retryLimit: 1, handler: () => autopilot.sweep() },
  ];
}
