import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { can } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import { queryInt, text } from '../http/zod.js';

const entry = z.object({
  id: z.number().int(), at: z.string(), actorType: z.enum(['user', 'api_key', 'system']), actorId: z.string().nullable(),
  actorLabel: z.string().nullable().describe('Who: an e-mail, key:<name>, rule "<name>" for changes a rule made (also by the playbook runs it started), playbook "<name>" for what a playbook run made, or system'),
  action: z.string(), objectType: z.string(), objectId: z.string().nullable(),
  objectLabel: z.string().nullable().describe('The object\'s name when the change was made (null when it has none)'),
  changes: z.record(z.string(), z.unknown()).nullable(), ip: z.string().nullable(),
});

export function auditRoutes(app: FastifyInstance, { services }: RouteDeps) {
  app.withTypeProvider<ZodTypeProvider>().get('/api/audit', {
    schema: {
      tags: ['audit'], summary: 'The audit log, newest first (admin, manager)',
      querystring: z.object({
        objectType: text().max(50).optional(), objectId: text().max(100).optional(), action: text().max(100).optional(),
        cursor: text().max(500).optional(), limit: queryInt(1, 200).default(50),
      }),
      response: { 200: z.object({ items: z.array(entry), nextCursor: z.string().nullable() }), 403: errorBody },
    },
  }, async (req) => {
    if (!can(principalOf(req), 'read', { type: 'audit' })) throw new AppError('auth.forbidden');
    return services.audit.list(req.query);
  });
}
