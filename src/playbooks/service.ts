import type { WorkDeps } from '../http/services.js';

// Placeholder: filled in by its owner.
export function createPlaybookService(_deps: WorkDeps) {
  return {};
}
