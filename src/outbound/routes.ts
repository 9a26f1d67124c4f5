import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { can, type Action } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import { text } from '../http/zod.js';

const entryDto = z.object({
  entry: z.string(), note: z.string(), createdAt: z.string(), createdByName: z.string().nullable(),
  source: z.enum(['admin', 'config']).describe('config: from CANOPY_OUTBOUND_ALLOW, read-only here'),
});
const entryCreate = z.object({
  entry: text().trim().min(1).max(300).describe('A host name (exact match), an IP address or a CIDR range such as 10.1.0.0/16'),
  note: text().trim().max(500).optional(),
});

/** The outbound allow-list: hosts and ranges webhooks and Slack may reach although private or loopback. */
export function allowlistRoutes(app: FastifyInstance, { services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const authorize = (req: FastifyRequest, action: Action) => {
    if (!can(principalOf(req), action, { type: 'outbound_allowlist' })) throw new AppError('auth.forbidden');
  };
  const tags = ['settings'];

  r.get('/api/settings/outbound-allowlist', {
    schema: { tags, summary: 'The outbound allow-list (admin, manager)', response: { 200: z.object({ items: z.array(entryDto) }), 403: errorBody } },
  }, async (req) => {
    authorize(req, 'read');
    return { items: await services.webhooks.allowlist.list() };
  });

  r.post('/api/settings/outbound-allowlist', {
    schema: { tags, summary: 'Allow outbound requests to a host, address or range (admin)', body: entryCreate, response: { 201: entryDto, 400: errorBody, 403: errorBody } },
  }, async (req, reply) => {
    authorize(req, 'create');
    return reply.status(201).send(await services.webhooks.allowlist.add(req.body, actor(req)));
  });

  r.delete('/api/settings/outbound-allowlist/:entry', {
    schema: {
      tags, summary: 'Remove an allow-list entry (admin); URL-encode a CIDR range (10.0.0.0%2F8)',
      params: z.object({ entry: text().min(1).max(300) }), response: { 204: z.null(), 403: errorBody, 404: errorBody },
    },
  }, async (req, reply) => {
    authorize(req, 'delete');
    if (!(await services.webhooks.allowlist.remove(req.params.entry, actor(req)))) throw new AppError('outbound.allowlist_not_found');
    return reply.status(204).send(null);
  });
}
