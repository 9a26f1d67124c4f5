import PgBoss from 'pg-boss';
import pg from 'pg';
import type { Database } from '../db/connect.js';

/** A background job declared as data: its name, optional schedule, retry policy and handler. */
export type JobDefinition<T extends object = object> = {
  name: string;
  /** Cron expression (UTC) to run it on a schedule. */
  cron?: string;
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** pg-boss queue policy; 'short' keeps at most one queued job per singletonKey. */
  policy?: 'standard' | 'short' | 'singleton' | 'stately';
  /**
   * How many jobs of this kind one process works at a time (default 1). One fetch claims up to
   * this many; they run concurrently and each is completed, or failed and retried, on its own.
   * Only for handlers whose jobs do not contend with each other.
   */
  concurrency?: number;
  handler: (data: T) => Promise<unknown>;
};

/** How often an idle worker looks for new jobs (pg-boss's minimum). */
export const POLLING_INTERVAL_SECONDS = 0.5;

export type Logger = { info(o: object, m?: string): void; error(o: object, m?: string): void; debug?(o: object, m?: string): void };

export type SendOptions = {
  /** Do not start before this many seconds from now. */
  startAfterSeconds?: number;
  /** Only one queued job with this key at a time (a repeat while one is queued is dropped). */
  singletonKey?: string;
};

/** What a capability needs to hand work to the queue (the queue itself, or a lazy reference to it). */
export interface JobSender {
  send(name: string, data: object, opts?: SendOptions): Promise<void>;
  /** At most one run per `seconds` window per key; a send inside the window moves to the next one. */
  sendDebounced(name: string, data: object, seconds: number, key: string): Promise<void>;
}

export interface JobQueue extends JobSender {
  /** Starts handlers (and schedules) in this process. */
  work(): Promise<void>;
  stop(): Promise<void>;
  boss: PgBoss;
}

/**
 * pg-boss over Canopy's own database: on PostgreSQL through its own small pool, on PGlite through
 * `db.executeSql` into the one embedded session.
 */
export async function createJobQueue(database: Database, databaseUrl: string | undefined, definitions: JobDefinition[], log: Logger): Promise<JobQueue> {
  const common = { schema: 'pgboss', supervise: true, schedule: true, migrate: true } as const;
  // pg-boss completes and fails jobs without awaiting the call, so a job that finishes while the
  // queue stops would reach a closed database as an unhandled rejection. Every statement pg-boss
  // sends goes through here and is tracked; stop() waits for them before the connection closes.
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    const forget = () => inFlight.delete(p);
    p.then(forget, forget);
    return p;
  };
  const pool = databaseUrl ? new pg.Pool({ connectionString: databaseUrl, max: 4, application_name: 'pgboss' }) : null;
  pool?.on('error', (err: Error) => log.error({ err: { message: err.message } }, 'job queue connection error'));
  const executeSql = pool
    ? (text: string, values?: unknown[]) => track(pool.query(text, values))
    : (text: string, values?: unknown[]) => track(database.query(text, values));
  const boss = new PgBoss({ ...common, db: { executeSql } });
  boss.on('error', (err: Error) => log.error({ err: { message: err.message } }, 'job queue error'));
  await boss.start();
  for (const d of definitions) {
    const options = { name: d.name, ...(d.policy ? { policy: d.policy } : {}), retryLimit: d.retryLimit ?? 3, retryDelay: d.retryDelaySeconds ?? 10, retryBackoff: true };
    // Processes starting together on a new database (two workers, say) create queues at the same time,
    // and each creation attaches a partition to pgboss.job: PostgreSQL may pick one as a deadlock
    // victim (40P01). Its transaction rolled back, so creating the queue again is safe.
    for (let attempt = 1; ; attempt++) {
      try {
        await boss.createQueue(d.name, options);
        // createQueue leaves an existing queue as it was: an upgrade that changes a queue's policy
        // or retries (the outbox pump became 'short') applies it here, for the jobs sent from now on.
        await boss.updateQueue(d.name, options);
        break;
      } catch (err) {
        if ((err as { code?: string }).code !== '40P01' || attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 200 * attempt));
      }
    }
  }
  const byName = new Map(definitions.map((d) => [d.name, d]));
  /** The worker of each queue worked in this process. */
  const workers = new Map<string, string>();
  return {
    boss,
    async send(name, data, opts = {}) {
      await boss.send(name, data, {
        ...(opts.startAfterSeconds ? { startAfter: Math.max(1, Math.round(opts.startAfterSeconds)) } : {}),
        ...(opts.singletonKey ? { singletonKey: opts.singletonKey } : {}),
      });
      // A job due now for a queue this process works: fetch it now rather than at the next poll.
      const worker = workers.get(name);
      if (worker && !opts.startAfterSeconds) boss.notifyWorker(worker);
    },
    async sendDebounced(name, data, seconds, key) {
      await boss.sendDebounced(name, data, {}, seconds, key);
    },
    async work() {
      for (const d of byName.values()) {
        const batchSize = Math.max(1, Math.floor(d.concurrency ?? 1));
        let id = '';
        id = await boss.work<object>(d.name, { pollingIntervalSeconds: POLLING_INTERVAL_SECONDS, batchSize }, async (jobs) => {
          // pg-boss sleeps a polling interval after every fetch; a full batch means more may be
          // waiting, so the worker fetches again at once instead (an empty fetch still sleeps).
          if (jobs.length >= batchSize) boss.notifyWorker(id);
          await track(Promise.all(jobs.map(async (job) => {
            const started = Date.now();
            try {
              await d.handler(job.data);
            } catch (err) {
              // This job alone is failed (and retried by its queue's policy); pg-boss then
              // completes only the batch's jobs that are still active.
              await boss.fail(d.name, job.id, err as object);
              return;
            }
            // One line per job is noise at info (the outbox and health run every minute): debug.
            log.debug?.({ job: d.name, id: job.id, ms: Date.now() - started }, 'job done');
          })));
        });
        workers.set(d.name, id);
        if (d.cron) await boss.schedule(d.name, d.cron, {}, { tz: 'UTC' });
      }
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
      // Handlers still running past the timeout, and the complete/fail calls pg-boss left behind.
      // A handler settling queues its complete on a later turn, hence the yield before each look.
      for (;;) {
        await new Promise((r) => setImmediate(r));
        if (inFlight.size === 0) break;
        await Promise.allSettled([...inFlight]);
      }
      await pool?.end();
    },
  };
}

/** A sender for job handlers built before their queue exists: it forwards once the queue is set. */
export function lazySender(get: () => JobQueue | null): JobSender {
  const queue = () => {
    const q = get();
    if (!q) throw new Error('job queue not started');
    return q;
  };
  return {
    send: (name, data, opts) => queue().send(name, data, opts),
    sendDebounced: (name, data, seconds, key) => queue().sendDebounced(name, data, seconds, key),
  };
}
