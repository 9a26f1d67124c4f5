import type { Config } from './config.js';
import { connect, type Database } from './db/connect.js';
import { migrate } from './db/migrate.js';
import { createJobQueue, lazySender, type JobDefinition, type JobQueue, type JobSender, type Logger } from './jobs/queue.js';
import { createWorkServices } from './services.js';
import { notificationJobs } from './notifications/jobs.js';
import { playbookJobs } from './playbooks/jobs.js';
import { ruleJobs } from './rules/jobs.js';
import { planJobs } from './plans/jobs.js';
import { seedJobs } from './seeds/jobs.js';
import { surveyJobs } from './surveys/jobs.js';
import { createIngestService } from './ingest/service.js';
import { ingestJobs } from './ingest/jobs.js';
import { createSessionQueries } from './auth/sessions.js';
import { createHealthService } from './health/service.js';
import { healthJobs } from './health/jobs.js';
import { REFRESH_JOB } from './health/service.js';
import { EVALUATE_JOB } from './rules/service.js';
import { idempotencyJobs } from './idempotency/jobs.js';
import { createIdempotencyStore } from './idempotency/store.js';
import { autopilotJobs } from './activities/autopilot-jobs.js';

/** Opens the configured database (PGlite folder or DATABASE_URL) and migrates it unless told not to. */
export async function openDatabase(config: Config, opts: { migrate?: boolean } = {}): Promise<Database> {
  const database = await connect({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir });
  try {
    if (opts.migrate !== false) await migrate(database);
    return database;
  } catch (err) {
    await database.close();
    throw err;
  }
}

/** Every capability's jobs, declared as data. */
export function allJobs(config: Config, database: Database, sender: JobSender | null = null): JobDefinition[] {
  // Handlers run inside the worker: work that would enqueue more work does it inline there.
  // The work engine's handlers hand follow-up work (next playbook step, retries) back to the queue.
  const work = createWorkServices(config, database, sender);
  const health = createHealthService(database, null, {
    deliveriesQueued: () => work.outbox.wake(),
    computed: async (values) => { await work.plans.healthComputed(values); },
  });
  const ingest = createIngestService(database, null, { usageChanged: () => health.refreshDirty().then(() => undefined) });
  const sessions = createSessionQueries(database, { idleMs: config.sessionIdleMs, maxMs: config.sessionMaxMs });
  return [
    ...notificationJobs(work),
    ...playbookJobs(work),
    ...ruleJobs(work),
    ...planJobs(work),
    ...seedJobs(work),
    ...surveyJobs(work),
    ...ingestJobs(ingest, config.dedupeDays),
    // A health refresh writes health_changes, which mark accounts for the rules: evaluate them soon.
    ...healthJobs(health).map((d) => (d.name === REFRESH_JOB && sender
      ? { ...d, handler: async (data: object) => { const n = await d.handler(data); await sender.sendDebounced(EVALUATE_JOB, {}, 2, 'rules'); return n; } }
      : d)),
    ...idempotencyJobs(createIdempotencyStore(database)),
    ...autopilotJobs(work.autopilot),
    { name: 'auth.purge-sessions', cron: '23 * * * *', handler: () => sessions.purgeExpired() },
  ];
}

export async function startJobs(config: Config, database: Database, log: Logger, opts: { work: boolean }): Promise<JobQueue> {
  let queue: JobQueue | null = null;
  queue = await createJobQueue(database, config.databaseUrl, allJobs(config, database, lazySender(() => queue)), log);
  if (opts.work) await queue.work();
  return queue;
}
