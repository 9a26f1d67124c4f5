import type { Config } from './config.js';
import type { Database } from './db/connect.js';
import type { JobSender } from './jobs/queue.js';
import type { Allowlist } from './outbound/allowlist.js';

/** Sends what waits in outbound_messages and webhook_deliveries (built by notifications/outbox.ts). */
export interface Outbox {
  /** After a commit that queued messages or deliveries: make them go out soon. */
  wake(): Promise<void>;
  /**
   * Sends every due message and delivery once (the job handler; tests call it directly). A pump
   * asked for while one runs in this process joins it; with `coalesce` (the job handler) it
   * returns at once instead, since the running pump looks for due rows until its budget is spent.
   */
  pump(opts?: { coalesce?: boolean }): Promise<{ sent: number; failed: number }>;
  /** The outbound allow-list (admin rows plus CANOPY_OUTBOUND_ALLOW). */
  allowlist: Allowlist;
  /** Sends one webhook delivery now, due or not (the admin's test ping). */
  deliverNow(deliveryId: string): Promise<{ ok: boolean; status: number | null; error: string | null } | null>;
}

/**
 * What every work-engine service is built from. Declared low (beside config, db and jobs) so that
 * capabilities import it without reaching up to the composition root (src/services.ts).
 */
export type WorkDeps = { config: Config; database: Database; jobs: JobSender | null; outbox: Outbox };
