import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { can, type Action } from '../auth/policy.js';
import type { Principal } from '../auth/principal.js';
import { errorBody } from '../auth/schema.js';
import { activity, threadActivityCreate } from '../activities/schema.js';
import { escalation, escalationCreate, escalationDetail, escalationList, escalationListQuery, escalationPatch } from './schema.js';
import type { Loaded } from './store.js';

const idParams = z.object({ id: z.uuid() });
const THREAD_LIMIT = 200;

const subject = (l: Loaded) => ({ type: 'escalation' as const, escalation: { memberIds: l.escalation.members.map((m) => m.userId), account: l.account } });
const allowed = (p: Principal, action: Action, l: Loaded) => can(p, action, subject(l));

export function escalationRoutes(app: FastifyInstance, { services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  const load = async (id: string) => {
    const l = await services.escalations.load(id);
    if (!l) throw new AppError('escalation.not_found');
    return l;
  };
  /** Members act on their escalation; otherwise whoever may edit its account. */
  const loadFor = async (req: FastifyRequest, id: string, action: Action) => {
    const l = await load(id);
    if (!allowed(principalOf(req), action, l)) throw new AppError('auth.forbidden');
    return l;
  };

  r.get('/api/escalations', {
    schema: { tags: ['escalations'], summary: 'List escalations (filter by account, status, severity, membership)', querystring: escalationListQuery, response: { 200: escalationList, 400: errorBody } },
  }, async (req) => {
    const p = principalOf(req);
    return services.escalations.list(req.query, { userId: p.kind === 'user' ? p.userId : null });
  });

  r.post('/api/escalations', {
    schema: {
      tags: ['escalations'],
      summary: 'Open an escalation owned by a team: at least two people in at least two roles',
      body: escalationCreate, response: { 201: escalation, 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req, reply) => {
    const a = await services.accounts.get(req.body.accountId);
    if (!a) throw new AppError('account.not_found', undefined, [{ path: 'accountId', message: 'no such account' }]);
    if (!can(principalOf(req), 'update', { type: 'account', account: a })) throw new AppError('auth.forbidden');
    return reply.status(201).send(await services.escalations.create(req.body, actor(req)));
  });

  r.get('/api/escalations/:id', {
    schema: { tags: ['escalations'], summary: 'One escalation with its team, contacts and thread', params: idParams, response: { 200: escalationDetail, 404: errorBody } },
  }, async (req) => {
    const l = await load(req.params.id);
    const thread = await services.activities.list({ escalationId: l.escalation.id, order: 'asc', limit: THREAD_LIMIT });
    return { ...l.escalation, thread: thread.items, canEdit: allowed(principalOf(req), 'update', l) };
  });

  r.patch('/api/escalations/:id', {
    schema: {
      tags: ['escalations'],
      summary: 'Change status, severity, text, team or contacts of an escalation',
      params: idParams, body: escalationPatch, response: { 200: escalation, 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req) => {
    await loadFor(req, req.params.id, 'update');
    return services.escalations.update(req.params.id, req.body, actor(req));
  });

  r.post('/api/escalations/:id/activities', {
    schema: {
      tags: ['escalations'],
      summary: "Log an activity in the escalation's thread (kind defaults to escalation; reactive by inference)",
      params: idParams, body: threadActivityCreate, response: { 201: activity, 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req, reply) => {
    const l = await loadFor(req, req.params.id, 'update');
    const created = await services.activities.create({ ...req.body, accountId: l.escalation.accountId, escalationId: l.escalation.id }, actor(req));
    return reply.status(201).send(created);
  });
}
