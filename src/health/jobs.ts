import type { JobDefinition } from '../jobs/queue.js';
import { RECOMPUTE_JOB, REFRESH_JOB, type HealthService } from './service.js';

/** Health's background work: debounced refresh of changed accounts, and the full recompute. */
export function healthJobs(health: HealthService): JobDefinition[] {
  return [
    { name: REFRESH_JOB, cron: '* * * * *', handler: () => health.refreshDirty() },
    {
      name: RECOMPUTE_JOB,
      retryLimit: 1,
      handler: async (data: object) => {
        const runId = (data as { runId?: string }).runId;
        if (runId) await health.runRecompute(runId);
      },
    },
    // Every night: the whole book, which also writes the day's snapshot for every account.
    { name: 'health.nightly', cron: '15 2 * * *', handler: () => health.startRecompute('schedule') },
  ];
}
