import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { can } from '../auth/policy.js';
import { API_KEY_ROLES } from '../auth/principal.js';
import { errorBody } from '../auth/schema.js';
import { text } from '../http/zod.js';

const apiKeyDto = z.object({
  id: z.uuid(), name: z.string(), kind: z.enum(['write', 'rest']), role: z.enum(API_KEY_ROLES).nullable(), prefix: z.string(),
  createdAt: z.string(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable(), createdByName: z.string().nullable(),
});
const newKey = z
  .object({ name: text().trim().min(1).max(100), kind: z.enum(['write', 'rest']), role: z.enum(API_KEY_ROLES).optional() })
  .superRefine((v, ctx) => {
    if (v.kind === 'rest' && !v.role) ctx.addIssue({ code: 'custom', path: ['role'], message: 'a REST key needs a role' });
    if (v.kind === 'write' && v.role) ctx.addIssue({ code: 'custom', path: ['role'], message: 'a write key has no role' });
  });

export function apiKeyRoutes(app: FastifyInstance, { services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const requireAdmin = (req: FastifyRequest) => {
    if (!can(principalOf(req), 'update', { type: 'api_keys' })) throw new AppError('auth.forbidden');
  };
  // Managers read the list too (names, roles, prefixes; the keys themselves are never stored).
  const requireReader = (req: FastifyRequest) => {
    if (!can(principalOf(req), 'read', { type: 'api_keys' })) throw new AppError('auth.forbidden');
  };

  r.get('/api/api-keys', { schema: { tags: ['api keys'], summary: 'List API keys, never the keys themselves (admin, manager)', response: { 200: z.object({ items: z.array(apiKeyDto) }), 403: errorBody } } },
    async (req) => {
      requireReader(req);
      return { items: await services.apiKeys.list() };
    });

  r.post('/api/api-keys', {
    schema: { tags: ['api keys'], summary: 'Create a key; the key itself is in this reply only (admin)', body: newKey, response: { 201: z.object({ apiKey: apiKeyDto, key: z.string() }), 400: errorBody, 403: errorBody } },
  }, async (req, reply) => {
    requireAdmin(req);
    return reply.status(201).send(await services.apiKeys.create(req.body, actor(req)));
  });

  r.delete('/api/api-keys/:id', {
    schema: { tags: ['api keys'], summary: 'Revoke a key (admin)', params: z.object({ id: z.uuid() }), response: { 204: z.null(), 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    requireAdmin(req);
    if (!(await services.apiKeys.revoke(req.params.id, actor(req)))) throw new AppError('api_key.not_found');
    return reply.status(204).send(null);
  });
}
