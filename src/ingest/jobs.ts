import type { JobDefinition } from '../jobs/queue.js';
import { ATTRIBUTE_JOB, type IngestService } from './service.js';

/** Ingestion's background work: late attribution of kept events, and the dedupe window's upkeep. */
export function ingestJobs(ingest: IngestService, dedupeDays: number): JobDefinition[] {
  return [
    // Debounced after group/identify calls; the schedule is a safety net that catches anything missed.
    { name: ATTRIBUTE_JOB, cron: '*/5 * * * *', handler: () => ingest.attributePending() },
    { name: 'ingest.prune-dedupe', cron: '17 3 * * *', handler: () => ingest.pruneDedupe(dedupeDays) },
  ];
}
