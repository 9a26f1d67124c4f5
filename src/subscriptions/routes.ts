import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can, type Ownable } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import { actor, principalOf, type RouteDeps } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { arrHistory, subscription as subscriptionSchema, subscriptionCreate, subscriptionList, subscriptionPatch } from './schema.js';
import { createSubscriptionService } from './service.js';
import type { SubscriptionRow } from './store.js';

const idParams = z.strictObject({ id: z.uuid() });
const TAGS = ['subscriptions'];

/**
 * Subscriptions over HTTP (issue 13). Whoever may read the account reads its subscriptions and ARR
 * history; admins and managers add, change and delete subscriptions (audited); each change
 * recomputes the account's ARR, seats, renewal date, contract start and ARR history.
 */
export function subscriptionRoutes(app: FastifyInstance, { database, services }: RouteDeps) {
  const subs = createSubscriptionService(database);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const mayRead = (req: FastifyRequest, a: Ownable) => can(principalOf(req), 'read', { type: 'account', account: a });
  const mustManage = (req: FastifyRequest) => {
    const role = principalOf(req).role;
    if (role !== 'admin' && role !== 'manager') throw new AppError('auth.forbidden');
  };
  const account = async (req: FastifyRequest, id: string) => {
    const a = await services.accounts.get(id);
    if (!a || !mayRead(req, a)) throw new AppError('account.not_found');
    return a;
  };
  const existing = async (req: FastifyRequest, id: string): Promise<SubscriptionRow> => {
    mustManage(req);
    const s = await subs.get(id);
    if (!s) throw new AppError('not_found', 'Subscription not found.');
    return s;
  };

  r.get('/api/accounts/:id/subscriptions', {
    schema: { tags: TAGS, summary: "The account's subscriptions, by start date", params: idParams, response: { 200: subscriptionList, 404: errorBody } },
  }, async (req) => {
    await account(req, req.params.id);
    return { items: await subs.list(req.params.id) };
  });

  r.get('/api/accounts/:id/arr-history', {
    schema: { tags: TAGS, summary: "The account's ARR history: a step function (ARR, seats and plan from each day until the next), with where each step came from", params: idParams, response: { 200: arrHistory, 404: errorBody } },
  }, async (req) => {
    await account(req, req.params.id);
    return { items: (await subs.history(req.params.id)) as z.infer<typeof arrHistory>['items'] };
  });

  r.post('/api/subscriptions', {
    schema: {
      tags: TAGS, summary: "Add a subscription (admins and managers; audited): the account's ARR, seats, renewal date, contract start and ARR history follow from its subscriptions",
      body: subscriptionCreate, response: { 201: subscriptionSchema, 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req, reply) => {
    mustManage(req);
    await account(req, req.body.accountId);
    return reply.status(201).send(await subs.create(req.body, actor(req)));
  });

  r.patch('/api/subscriptions/:id', {
    schema: { tags: TAGS, summary: 'Change a subscription (admins and managers; audited); the account is recomputed', params: idParams, body: subscriptionPatch, response: { 200: subscriptionSchema, 400: errorBody, 403: errorBody, 404: errorBody } },
  }, async (req) => {
    const s = await existing(req, req.params.id);
    return subs.update(s, req.body, actor(req));
  });

  r.delete('/api/subscriptions/:id', {
    schema: { tags: TAGS, summary: 'Delete a subscription (admins and managers; audited); the account is recomputed from those left', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    const s = await existing(req, req.params.id);
    await subs.remove(s, actor(req));
    return reply.status(204).send(null);
  });
}
