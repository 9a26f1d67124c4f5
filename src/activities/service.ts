import type { WorkDeps } from '../http/services.js';

// Placeholder: filled in by its owner.
export function createActivityService(_deps: WorkDeps) {
  return {};
}
