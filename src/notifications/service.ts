import type { WorkDeps } from '../http/services.js';

// Placeholder: filled in by its owner.
export function createNotificationService(_deps: WorkDeps) {
  return {};
}
