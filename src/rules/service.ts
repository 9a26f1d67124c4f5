import type { WorkDeps } from '../http/services.js';

// Placeholder: filled in by its owner.
export function createRuleService(_deps: WorkDeps) {
  return {};
}
