import type { JobDefinition } from '../jobs/queue.js';
import { RUN_JOB, type ImportService } from './service.js';

/**
 * Imports run in the worker: one job per import (retried: the engine resumes from its checkpoint),
 * and a sweep that queues again any import left running by a stopped process (stale heartbeat).
 */
export function importJobs(imports: ImportService): JobDefinition[] {
  return [
    {
      name: RUN_JOB,
      retryLimit: 3,
      retryDelaySeconds: 30,
      handler: async (data: object) => {
        const id = (data as { importId?: string }).importId;
        if (id) await imports.run(id);
      },
    },
    { name: 'imports.sweep', cron: '* * * * *', handler: () => imports.requeueStale() },
  ];
}
