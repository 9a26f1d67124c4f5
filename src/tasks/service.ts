import type { WorkDeps } from '../http/services.js';

// Placeholder: filled in by its owner.
export function createTaskService(_deps: WorkDeps) {
  return {};
}
