import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import type { JobSender } from '../jobs/queue.js';

/** Sends what waits in outbound_messages and webhook_deliveries. */
export interface Outbox {
  /** After a commit that queued messages or deliveries: make them go out soon. */
  wake(): Promise<void>;
  /** Sends every due message and delivery once (the job handler; tests call it directly). */
  pump(): Promise<{ sent: number; failed: number }>;
}

// Placeholder: filled in by its owner.
export function createOutbox(_config: Config, _database: Database, _jobs: JobSender | null): Outbox {
  return { wake: async () => {}, pump: async () => ({ sent: 0, failed: 0 }) };
}
