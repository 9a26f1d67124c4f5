import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { can } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import { activity, activityCreate, activityList, activityListQuery, activityPatch, ratioQuery, ratioResponse, type Activity } from './schema.js';

const idParams = z.object({ id: z.uuid() });

export function activityRoutes(app: FastifyInstance, { services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  /** Logging on an account needs edit rights on it (its CSM or team, managers, admins). */
  const authorizeAccount = async (req: FastifyRequest, accountId: string) => {
    const a = await services.accounts.get(accountId);
    if (!a) throw new AppError('account.not_found', undefined, [{ path: 'accountId', message: 'no such account' }]);
    if (!can(principalOf(req), 'update', { type: 'account', account: a })) throw new AppError('auth.forbidden');
  };
  /** The author edits and deletes their own; anyone who may edit the account does too. */
  const authorizeEdit = async (req: FastifyRequest, a: Activity) => {
    const p = principalOf(req);
    if (p.kind === 'user' && a.author?.id === p.userId && p.role !== 'viewer') return;
    await authorizeAccount(req, a.accountId);
  };
  const load = async (id: string) => {
    const a = await services.activities.get(id);
    if (!a) throw new AppError('activity.not_found');
    return a;
  };

  r.get('/api/activities', {
    schema: { tags: ['activities'], summary: 'List activities, newest first (keyset cursor)', querystring: activityListQuery, response: { 200: activityList, 400: errorBody } },
  }, async (req) => services.activities.list(req.query));

  r.get('/api/activities/ratio', {
    schema: {
      tags: ['activities'],
      summary: 'Proactive ratio (proactive ÷ all activities) with a weekly or monthly series and per-person counts',
      querystring: ratioQuery,
      response: { 200: ratioResponse, 400: errorBody },
    },
  }, async (req) => services.activities.ratio(req.query));

  r.post('/api/activities', {
    schema: { tags: ['activities'], summary: 'Log an activity (proactive/reactive inferred unless given)', body: activityCreate, response: { 201: activity, 400: errorBody, 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    await authorizeAccount(req, req.body.accountId);
    return reply.status(201).send(await services.activities.create(req.body, actor(req)));
  });

  r.get('/api/activities/:id', { schema: { tags: ['activities'], summary: 'One activity', params: idParams, response: { 200: activity, 404: errorBody } } },
    async (req) => load(req.params.id));

  r.patch('/api/activities/:id', {
    schema: {
      tags: ['activities'],
      summary: 'Change an activity; proactive true/false sets it by hand, null returns to the inferred value',
      params: idParams, body: activityPatch, response: { 200: activity, 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req) => {
    await authorizeEdit(req, await load(req.params.id));
    return services.activities.update(req.params.id, req.body, actor(req));
  });

  r.delete('/api/activities/:id', {
    schema: { tags: ['activities'], summary: 'Delete an activity', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    await authorizeEdit(req, await load(req.params.id));
    await services.activities.remove(req.params.id, actor(req));
    return reply.status(204).send(null);
  });
}
