import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { can, type Action } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import { allowlistRoutes } from '../outbound/routes.js';
import { deliveryDto, deliveryListQuery, throwIfInvalid, webhookCreate, webhookDto, webhookPatch } from './schema.js';
import { WEBHOOK_EVENT_TYPES } from './emit.js';

const idParams = z.object({ id: z.uuid() });
const withSecret = z.object({ webhook: webhookDto, secret: z.string().describe('The signing secret: shown in this reply only') });

export function webhookRoutes(app: FastifyInstance, deps: RouteDeps) {
  const { services } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const authorize = (req: FastifyRequest, action: Action) => {
    if (!can(principalOf(req), action, { type: 'webhooks' })) throw new AppError('auth.forbidden');
  };
  const load = async (id: string) => {
    const w = await services.webhooks.get(id);
    if (!w) throw new AppError('webhook.not_found');
    return w;
  };
  const tags = ['webhooks'];

  r.get('/api/webhooks', {
    schema: { tags, summary: 'List outbound webhooks (admin, manager)', response: { 200: z.object({ items: z.array(webhookDto), eventTypes: z.array(z.string()) }), 403: errorBody } },
  }, async (req) => {
    authorize(req, 'read');
    return { items: await services.webhooks.list(), eventTypes: [...WEBHOOK_EVENT_TYPES] };
  });

  r.post('/api/webhooks', {
    attachValidation: true,
    schema: { tags, summary: 'Create a webhook; its signing secret is in this reply only (admin)', body: webhookCreate, response: { 201: withSecret, 400: errorBody, 403: errorBody } },
  }, async (req, reply) => {
    authorize(req, 'create');
    throwIfInvalid(req, 'webhook.invalid');
    return reply.status(201).send(await services.webhooks.create(req.body, actor(req)));
  });

  r.get('/api/webhooks/:id', {
    schema: { tags, summary: 'One webhook (admin, manager)', params: idParams, response: { 200: webhookDto, 403: errorBody, 404: errorBody } },
  }, async (req) => {
    authorize(req, 'read');
    return load(req.params.id);
  });

  r.patch('/api/webhooks/:id', {
    attachValidation: true,
    schema: { tags, summary: 'Change a webhook: name, URL, events, enabled, max attempts (admin)', params: idParams, body: webhookPatch, response: { 200: webhookDto, 400: errorBody, 403: errorBody, 404: errorBody } },
  }, async (req) => {
    authorize(req, 'update');
    throwIfInvalid(req, 'webhook.invalid');
    return services.webhooks.update(req.params.id, req.body, actor(req));
  });

  r.delete('/api/webhooks/:id', {
    schema: { tags, summary: 'Delete a webhook and its delivery log (admin)', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    authorize(req, 'delete');
    if (!(await services.webhooks.remove(req.params.id, actor(req)))) throw new AppError('webhook.not_found');
    return reply.status(204).send(null);
  });

  r.post('/api/webhooks/:id/rotate-secret', {
    schema: { tags, summary: 'Replace the signing secret; the new one is in this reply only (admin)', params: idParams, response: { 200: withSecret, 403: errorBody, 404: errorBody } },
  }, async (req) => {
    authorize(req, 'update');
    return services.webhooks.rotateSecret(req.params.id, actor(req));
  });

  r.post('/api/webhooks/:id/test', {
    schema: { tags, summary: 'Send a signed `ping` now and return its delivery (admin)', params: idParams, response: { 200: deliveryDto, 403: errorBody, 404: errorBody } },
  }, async (req) => {
    authorize(req, 'update');
    return services.webhooks.test(req.params.id, actor(req));
  });

  r.get('/api/webhooks/:id/deliveries', {
    schema: {
      tags, summary: 'The delivery log of a webhook, newest first (admin, manager)', params: idParams, querystring: deliveryListQuery,
      response: { 200: z.object({ items: z.array(deliveryDto), nextCursor: z.string().nullable() }), 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req) => {
    authorize(req, 'read');
    await load(req.params.id);
    return services.webhooks.deliveries(req.params.id, req.query);
  });

  r.post('/api/webhooks/deliveries/:id/redeliver', {
    schema: { tags, summary: 'Send a dead delivery again, with a fresh set of attempts (admin)', params: idParams, response: { 200: deliveryDto, 403: errorBody, 404: errorBody, 409: errorBody } },
  }, async (req) => {
    authorize(req, 'update');
    return services.webhooks.redeliver(req.params.id, actor(req));
  });

  allowlistRoutes(app, deps);
}
