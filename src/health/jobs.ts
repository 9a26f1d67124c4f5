import type { JobDefinition } from '../jobs/queue.js';
import { BACKFILL_DEFAULT_DAYS } from './backfill.js';
import { BACKFILL_GAPS_JOB, BACKFILL_JOB, RECOMPUTE_JOB, REFRESH_JOB, type HealthService } from './service.js';

/** Health's background work: debounced refresh of changed accounts, the full recompute, and the history back-fill. */
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
    {
      // History rebuilt from the rollups (POST /api/health/backfill); idempotent, so a retry redoes it.
      name: BACKFILL_JOB,
      retryLimit: 1,
      handler: async (data: object) => {
        const { runId, days } = data as { runId?: string; days?: number };
        if (runId) await health.runBackfill(runId, days ?? BACKFILL_DEFAULT_DAYS);
      },
    },
    // Past events imported or sent late (a bulk load): their accounts' history is filled in.
    { name: BACKFILL_GAPS_JOB, cron: '*/5 * * * *', handler: () => health.backfillGaps() },
    // Every night: the whole book, which also writes the day's snapshot for every account.
    { name: 'health.nightly', cron: '15 2 * * *', handler: () => health.startRecompute('schedule') },
  ];
}
