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
import { criticalDateJobs } from './critical-dates/jobs.js';
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
import { createRiskService, type RiskService } from './risk/service.js';
import { startRiskTicker } from './risk/ticker.js';
import { riskJobs } from './risk/jobs.js';
import { importJobs } from './imports/jobs.js';
import { createImportService } from './imports/service.js';
import { createImportKinds } from './imports/kinds/index.js';
import { VACUUM_JOB, vacuumEmbedded } from './db/maintenance.js';

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
export function allJobs(config: Config, database: Database, sender: JobSender | null = null, built: { risk?: (risk: RiskService) => void } = {}): JobDefinition[] {
  // Handlers run inside the worker: work that would enqueue more work does it inline there.
  // The work engine's handlers hand follow-up work (next playbook step, retries) back to the queue.
  const work = createWorkServices(config, database, sender);
  // Risk after health: a health refresh has the risk refresh follow soon (debounced), so risk is never older than health.
  const risk = createRiskService({ config, database, jobs: sender, outbox: work.outbox });
  built.risk?.(risk);
  const health = createHealthService(database, null, {
    deliveriesQueued: () => work.outbox.wake(),
    computed: async (values) => { await work.plans.healthComputed(values); await risk.scheduleRefresh(); },
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
    ...criticalDateJobs(work),
    ...ingestJobs(ingest, config.dedupeDays),
    // A health refresh writes health_changes, which mark accounts for the rules: evaluate them soon.
    ...healthJobs(health).map((d) => (d.name === REFRESH_JOB && sender
      ? { ...d, handler: async (data: object) => { const n = await d.handler(data); await sender.sendDebounced(EVALUATE_JOB, {}, 2, 'rules'); return n; } }
      : d)),
    ...idempotencyJobs(createIdempotencyStore(database)),
    ...autopilotJobs(work.autopilot),
    ...riskJobs(risk),
    { name: 'auth.purge-sessions', cron: '23 * * * *', handler: () => sessions.purgeExpired() },
    // The embedded database has no autovacuum (src/db/maintenance.ts): every night, after the recompute and risk runs.
    ...(database.kind === 'pglite' ? [{ name: VACUUM_JOB, cron: '50 3 * * *', retryLimit: 0, handler: () => vacuumEmbedded(database) }] : []),
    // CSV imports: the run job (resumes from the checkpoint) and the sweep of imports left running by a stopped process.
    ...importJobs(createImportService({
      database, dataDir: config.dataDir, jobs: sender,
      kinds: createImportKinds({ config, database, jobs: sender, outbox: work.outbox, rebuildHealth: async (ids, from) => { await health.rebuildHistory(ids, from); } }),
    })),
  ];
}

export async function startJobs(config: Config, database: Database, log: Logger, opts: { work: boolean }): Promise<JobQueue> {
  let queue: JobQueue | null = null;
  let risk: RiskService | null = null;
  const jobs = allJobs(config, database, lazySender(() => queue), { risk: (r) => { risk = r; } });
  const started = await createJobQueue(database, config.databaseUrl, jobs, log);
  queue = started;
  if (!opts.work) return started;
  await started.work();
  // Risk freshness: whatever marked an account (triggers on every input), the worker refreshes it within
  // seconds rather than at the minute's job. Stopped before the queue (and so before the database closes).
  const ticker = startRiskTicker(database, () => risk?.refreshDirty() ?? Promise.resolve(), { log });
  const stopQueue = started.stop;
  started.stop = async () => { await ticker.stop(); await stopQueue(); };
  return started;
}
