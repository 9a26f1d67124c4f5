import type { JobDefinition } from '../jobs/queue.js';
import type { WorkServices } from '../http/services.js';

// Placeholder: filled in by its owner.
export function ruleJobs(_work: WorkServices): JobDefinition[] {
  return [];
}
