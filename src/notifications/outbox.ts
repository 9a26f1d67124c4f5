import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import type { JobSender } from '../jobs/queue.js';
import { createAllowlist } from '../outbound/allowlist.js';
import { attemptDelivery, claimDeliveries, sweepExhaustedDeliveries } from '../webhooks/deliver.js';
import type { Outbox } from '../deps.js';
import { createMailer, type Mailer } from './mailer.js';
import { attemptMessage, claimMessages, sweepMessages } from './messages.js';

export type { Outbox } from '../deps.js';

export const OUTBOX_JOB = 'outbox.pump';
const BATCH = 10;
/** One pump stops claiming new work after this long; the next wake or the cron goes on. */
const PUMP_BUDGET_MS = 45_000;

/**
 * The outbox. Rows are written in the transaction that decides to send them (notify, emitEvent);
 * pump() claims due rows in small batches (FOR UPDATE SKIP LOCKED, a five-minute claim), commits,
 * sends, then records the outcome guarded by the attempt count. A failure is retried with
 * exponential backoff and jitter, and dead-lettered after its attempts.
 */
export function createOutbox(config: Config, database: Database, jobs: JobSender | null): Outbox {
  const allowlist = createAllowlist(database, config.outbound.allow);
  let mailer: Mailer | null | undefined;
  const getMailer = () => (mailer === undefined ? (mailer = createMailer(config)) : mailer);
  const timeoutMs = config.outbound.timeoutMs;

  async function pumpOnce(): Promise<{ sent: number; failed: number }> {
    const mail = getMailer();
    const email = mail !== null;
    await sweepMessages(database, { email });
    await sweepExhaustedDeliveries(database);
    const started = Date.now();
    let sent = 0;
    let failed = 0;
    while (Date.now() - started < PUMP_BUDGET_MS) {
      const messages = await claimMessages(database, BATCH, { email });
      const deliveries = await claimDeliveries(database, BATCH);
      if (messages.length === 0 && deliveries.length === 0) break;
      // Read per batch, never per pump: a pump may run for PUMP_BUDGET_MS, and an entry an admin
      // removes must stop working for the very next send. The read goes to the database, so it
      // also holds when the API and the worker are separate processes (PostgreSQL).
      const allow = await allowlist.current();
      const deps = { mailer: mail, allow, timeoutMs };
      const results = await Promise.all([
        ...messages.map((m) => attemptMessage(database, m, deps)),
        ...deliveries.map(async (d) => (await attemptDelivery(database, d, { allow, timeoutMs })).ok),
      ]);
      for (const ok of results) {
        if (ok) sent++;
        else failed++;
      }
    }
    return { sent, failed };
  }

  // Pumps in one process run one after another; across processes SKIP LOCKED keeps them apart.
  let chain: Promise<unknown> = Promise.resolve();
  const pump = () => {
    const run = chain.then(pumpOnce);
    chain = run.catch(() => undefined);
    return run;
  };

  return {
    allowlist,
    pump,
    async wake() {
      if (!jobs) {
        await pump();
        return;
      }
      try {
        await jobs.sendDebounced(OUTBOX_JOB, {}, 1, 'outbox');
      } catch {
        // Best effort: the every-minute cron picks up whatever a lost wake-up leaves behind.
      }
    },
    async deliverNow(deliveryId) {
      const [d] = await claimDeliveries(database, 1, deliveryId);
      if (!d) return null;
      const r = await attemptDelivery(database, d, { allow: await allowlist.current(), timeoutMs });
      return { ok: r.ok, status: r.status, error: r.error };
    },
  };
}
