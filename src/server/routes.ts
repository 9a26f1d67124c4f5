import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import type { Queryable } from '../db/connect.js';
import { AppError } from '../http/errors.js';
import { errorBody } from '../auth/schema.js';
import { accountRoutes } from '../accounts/routes.js';
import { apiKeyRoutes } from '../apikeys/routes.js';
import { auditRoutes } from '../audit/routes.js';
import { authRoutes } from '../auth/routes.js';
import { contactRoutes } from '../contacts/routes.js';
import { ingestRoutes } from '../ingest/routes.js';
import { userRoutes } from '../users/routes.js';
import { healthRoutes } from '../health/routes.js';
import { activityRoutes } from '../activities/routes.js';
import { timelineRoutes } from '../timeline/routes.js';
import { escalationRoutes } from '../escalations/routes.js';
import { taskRoutes } from '../tasks/routes.js';
import { playbookRoutes } from '../playbooks/routes.js';
import { ruleRoutes } from '../rules/routes.js';
import { planRoutes } from '../plans/routes.js';
import { seedRoutes } from '../seeds/routes.js';
import { notificationRoutes } from '../notifications/routes.js';
import { webhookRoutes } from '../webhooks/routes.js';
import { shareRoutes } from '../plans/share-routes.js';
import { autopilotRoutes } from '../activities/autopilot-routes.js';
import { readinessRoutes } from '../readiness/routes.js';
import { readinessPublicRoutes } from '../readiness/public-routes.js';
import { capacityRoutes } from '../capacity/routes.js';
import { changeTalkRoutes } from '../changetalk/routes.js';
import { surveyRoutes } from '../surveys/routes.js';
import { surveyPublicRoutes } from '../surveys/public-routes.js';
import { criticalDateRoutes } from '../critical-dates/routes.js';
import { renewalRoutes } from '../renewals/routes.js';
import { analyticsRoutes } from '../analytics/routes.js';
import { subscriptionRoutes } from '../subscriptions/routes.js';
import { riskRegisterRoutes } from '../risk/register/routes.js';
import { riskRoutes } from '../risk/routes.js';
import { reviewRoutes } from '../reviews/routes.js';
import { riskSignalRoutes } from '../risk/signals/routes.js';
import { importRoutes } from '../imports/routes.js';
import { viewRoutes } from '../views/routes.js';
import { exportRoutes } from '../exports/routes.js';

/** A load balancer's probe must get its answer quickly, even when a long query holds the database. */
const HEALTH_TIMEOUT_MS = 2000;

/** SELECT 1 within ms, or the reason it did not answer (the query itself is left to finish). */
async function databaseAnswers(database: Queryable, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to SELECT 1 within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([database.query('SELECT 1'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every capability's routes; a new capability adds one line here. */
export async function registerRoutes(app: FastifyInstance, deps: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/health', {
    config: { auth: false },
    schema: {
      tags: ['service'], summary: 'Liveness: the app and its database answer (503 with Retry-After when the database does not, within 2 s)', security: [],
      response: { 200: z.object({ status: z.literal('ok'), database: z.string() }), 503: errorBody },
    },
  }, async (req) => {
    await databaseAnswers(deps.database, HEALTH_TIMEOUT_MS).catch((err: unknown) => {
      req.log.warn({ err: { message: (err as Error).message } }, 'health: database not answering');
      throw new AppError('service.unavailable', 'The database is not answering.', undefined, { 'retry-after': '5' });
    });
    return { status: 'ok' as const, database: deps.database.kind };
  });
  r.get('/api/openapi.json', { config: { auth: false }, schema: { hide: true } }, async () => app.swagger());

  authRoutes(app, deps);
  userRoutes(app, deps);
  apiKeyRoutes(app, deps);
  auditRoutes(app, deps);
  accountRoutes(app, deps);
  contactRoutes(app, deps);
  healthRoutes(app, deps);
  activityRoutes(app, deps);
  timelineRoutes(app, deps);
  escalationRoutes(app, deps);
  taskRoutes(app, deps);
  capacityRoutes(app, deps);
  playbookRoutes(app, deps);
  ruleRoutes(app, deps);
  planRoutes(app, deps);
  seedRoutes(app, deps);
  notificationRoutes(app, deps);
  webhookRoutes(app, deps);
  await shareRoutes(app, deps);
  autopilotRoutes(app, deps);
  readinessRoutes(app, deps);
  changeTalkRoutes(app, deps);
  await readinessPublicRoutes(app, deps);
  surveyRoutes(app, deps);
  await surveyPublicRoutes(app, deps);
  criticalDateRoutes(app, deps);
  renewalRoutes(app, deps);
  analyticsRoutes(app, deps);
  subscriptionRoutes(app, deps);
  riskRegisterRoutes(app, deps);
  riskRoutes(app, deps);
  reviewRoutes(app, deps);
  riskSignalRoutes(app, deps);
  viewRoutes(app, deps);
  exportRoutes(app, deps);
  await ingestRoutes(app, deps);
  await importRoutes(app, deps);
}
