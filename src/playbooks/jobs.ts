import type { JobDefinition } from '../jobs/queue.js';
import type { createPlaybookService } from './service.js';
import { STEP_JOB } from './service.js';

/** Playbook steps run one job each; a sweep every minute re-sends due steps whose job was lost. */
export function playbookJobs(work: { playbooks: ReturnType<typeof createPlaybookService> }): JobDefinition[] {
  return [
    {
      name: STEP_JOB,
      policy: 'short',
      // Steps of different runs are independent (each locks its run): a bulk start drains in parallel.
      concurrency: 8,
      retryLimit: 5,
      retryDelaySeconds: 5,
      handler: async (data: object) => {
        const { runId, index } = data as { runId: string; index: number };
        await work.playbooks.runStep(runId, index);
      },
    },
    { name: 'playbook.sweep', cron: '* * * * *', handler: () => work.playbooks.sweep() },
  ];
}
