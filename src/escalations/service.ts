import type { WorkDeps } from '../http/services.js';

// Placeholder: filled in by its owner.
export function createEscalationService(_deps: WorkDeps) {
  return {};
}
