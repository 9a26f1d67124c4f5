import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
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
import { notificationRoutes } from '../notifications/routes.js';
import { webhookRoutes } from '../webhooks/routes.js';

/** Every capability's routes; a new capability adds one line here. */
export async function registerRoutes(app: FastifyInstance, deps: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/health', {
    config: { auth: false },
    schema: { tags: ['service'], summary: 'Liveness: the app and its database answer', security: [], response: { 200: z.object({ status: z.literal('ok'), database: z.string() }) } },
  }, async () => {
    await deps.database.query('SELECT 1');
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
  playbookRoutes(app, deps);
  ruleRoutes(app, deps);
  notificationRoutes(app, deps);
  webhookRoutes(app, deps);
  await ingestRoutes(app, deps);
}
