import type { Config } from './config.js';
import type { Database } from './db/connect.js';
import { createAccountQueries } from './accounts/queries.js';
import { createApiKeyQueries } from './apikeys/queries.js';
import { createAuditQueries } from './audit/queries.js';
import { createSessionQueries } from './auth/sessions.js';
import { createLoginThrottle } from './auth/throttle.js';
import { createContactQueries } from './contacts/queries.js';
import { createIngestService } from './ingest/service.js';
import { createTeamQueries } from './teams/queries.js';
import { createUserQueries } from './users/queries.js';
import type { JobQueue, JobSender } from './jobs/queue.js';
import { createHealthService } from './health/service.js';
import { createOutbox } from './notifications/outbox.js';
import type { WorkDeps } from './deps.js';
import { createNotificationService } from './notifications/service.js';
import { createOutboxAdmin } from './notifications/outbox-admin.js';
import { createEmailApprovals } from './playbooks/approvals.js';
import { createWebhookService } from './webhooks/service.js';
import { createActivityService } from './activities/service.js';
import { createTimelineService } from './timeline/service.js';
import { createEscalationService } from './escalations/service.js';
import { createTaskService } from './tasks/service.js';
import { createPlaybookService } from './playbooks/service.js';
import { createRuleService } from './rules/service.js';
import { createPlanService } from './plans/service.js';
import { createPlanTemplateService } from './plans/templates.js';
import { createShareService } from './plans/share-service.js';
import { createSeedService } from './seeds/service.js';
import { createAutopilotService } from './activities/autopilot-service.js';
import { createReadinessService } from './readiness/service.js';
import { createSurveyService } from './surveys/service.js';
import { createRiskService } from './risk/service.js';
import { createCriticalDateService } from './critical-dates/service.js';
import { createImportService } from './imports/service.js';
import { createImportKinds } from './imports/kinds/index.js';

/**
 * The composition root: builds every capability's services from config, database and queue.
 * It sits above the capabilities it assembles; they receive `WorkDeps` (src/deps.ts), declared below them.
 *
 * The work engine (tasks, playbooks, rules, activities, escalations, notifications, webhooks).
 * Built for the API and, with a lazy sender, for the job handlers: both share one shape.
 */
export function createWorkServices(config: Config, database: Database, jobs: JobSender | null) {
  // A playbook e-mail step follows its message (sent, failed, retried, cancelled); the playbooks are built after the outbox.
  let emailChanged: (m: { id: string; playbookRunId: string }) => Promise<void> = async () => undefined;
  const messageChanged = (m: { id: string; playbookRunId: string }) => emailChanged(m);
  const deps: WorkDeps = { config, database, jobs, outbox: createOutbox(config, database, jobs, { messageFinished: messageChanged }) };
  const playbooks = createPlaybookService(deps);
  emailChanged = (m) => playbooks.emailChanged(m.id, m.playbookRunId);
  // A playbook task's step follows its status: done completes it, and the last one finishes the run.
  const tasks = createTaskService(deps, { statusChanged: (tx, task) => playbooks.taskStatusChanged(tx, task) });
  // Plan tasks get what every new task gets (audit, task.created, the assignee told).
  const plans = createPlanService(deps, { tasksCreated: (tx, ids, actor) => tasks.afterCreate(tx, ids, actor) });
  return {
    outbox: deps.outbox,
    outboxAdmin: createOutboxAdmin(deps, { messageChanged }),
    emailApprovals: createEmailApprovals(deps, { tasks }),
    notifications: createNotificationService(deps),
    webhooks: createWebhookService(deps),
    activities: createActivityService(deps),
    timeline: createTimelineService(deps),
    escalations: createEscalationService(deps),
    tasks,
    playbooks,
    rules: createRuleService(deps),
    plans,
    planTemplates: createPlanTemplateService(deps),
    planShares: createShareService(deps, { tasks }),
    seeds: createSeedService(deps, { tasks }),
    autopilot: createAutopilotService({ database, n: config.autopilotTouchpoints }),
    readiness: createReadinessService(deps, { tasks }),
    surveys: createSurveyService(deps),
    criticalDates: createCriticalDateService(deps, { tasksCreated: (tx, ids, actor) => tasks.afterCreate(tx, ids, actor) }),
  };
}
export type WorkServices = ReturnType<typeof createWorkServices>;

/** Every capability's queries and services over one database, built once per process. */
export function createServices(config: Config, database: Database, jobs: JobQueue | null) {
  const work = createWorkServices(config, database, jobs);
  // Risk is refreshed after health (risk is never older than health: writing account_health marks risk_dirty).
  const risk = createRiskService({ config, database, jobs, outbox: work.outbox });
  const health = createHealthService(database, jobs, {
    deliveriesQueued: () => work.outbox.wake(),
    // Success plans re-measure their driver and metric criteria when health is computed.
    computed: async (values) => { await work.plans.healthComputed(values); await risk.scheduleRefresh(); },
  });
  return {
    health,
    risk,
    // CSV imports (issue 13): imported history shows as health history at once (the back-fill of those accounts from that day).
    imports: createImportService({
      database, dataDir: config.dataDir, jobs,
      kinds: createImportKinds({ config, database, jobs, outbox: work.outbox, rebuildHealth: async (ids, from) => { await health.rebuildHistory(ids, from); } }),
    }),
    accounts: createAccountQueries(database),
    apiKeys: createApiKeyQueries(database),
    audit: createAuditQueries(database.db),
    contacts: createContactQueries(database),
    ingest: createIngestService(database, jobs, { usageChanged: () => health.scheduleRefresh() }),
    sessions: createSessionQueries(database, { idleMs: config.sessionIdleMs, maxMs: config.sessionMaxMs }),
    teams: createTeamQueries(database),
    throttle: createLoginThrottle(database, config.login),
    users: createUserQueries(database),
    ...work,
    jobs,
  };
}
export type Services = ReturnType<typeof createServices>;
