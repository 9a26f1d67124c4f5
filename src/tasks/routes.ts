import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { can } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import { roleAssignmentRoutes } from './assignments.js';
import { inboxAssignee } from './assignee.js';
import type { CanAct } from './service.js';
import { task, taskCreate, taskList, taskListQuery, taskPatch } from './schema.js';

const idParams = z.object({ id: z.uuid() });

export function taskRoutes(app: FastifyInstance, deps: RouteDeps) {
  const { services } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();
  roleAssignmentRoutes(app, deps);

  const account = async (id: string) => {
    const a = await services.accounts.get(id);
    if (!a) throw new AppError('account.not_found', undefined, [{ path: 'accountId', message: 'no such account' }]);
    return a;
  };
  const canActFor = (req: FastifyRequest): CanAct => {
    const p = principalOf(req);
    return (t) => can(p, 'update', { type: 'task', task: t });
  };
  const authorize = async (req: FastifyRequest, id: string) => {
    const t = await services.tasks.get(id);
    if (!t) throw new AppError('task.not_found');
    const a = await account(t.accountId);
    if (!can(principalOf(req), 'update', { type: 'task', task: { assigneeUserId: t.assignee?.type === 'user' ? t.assignee.id : null, account: a } })) {
      throw new AppError('auth.forbidden');
    }
    return t;
  };

  r.get('/api/tasks', {
    schema: {
      tags: ['tasks'], summary: 'The task inbox: open tasks in the order that matters (overdue, then priority × ARR × risk)',
      description: "`assignee=me` is the signed-in user's inbox. Snoozed tasks are hidden until they wake unless includeSnoozed=true.",
      querystring: taskListQuery, response: { 200: taskList, 400: errorBody },
    },
  }, async (req) => {
    const p = principalOf(req);
    const q = req.query;
    return services.tasks.list({ ...q, ...inboxAssignee(p, q.assignee) }, canActFor(req));
  });

  r.post('/api/tasks', {
    schema: { tags: ['tasks'], summary: 'Create a task (a call to action) on an account', body: taskCreate, response: { 201: task, 400: errorBody, 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    const p = principalOf(req);
    const a = await account(req.body.accountId);
    if (!can(p, 'update', { type: 'account', account: a })) throw new AppError('auth.forbidden');
    return reply.status(201).send(await services.tasks.create(req.body, actor(req), p.kind === 'user' ? p.userId : null, canActFor(req)));
  });

  r.post('/api/tasks/:id/give-spoon', {
    schema: {
      tags: ['tasks'], summary: "Give a spoon: do an open customer task for them (theirs is cancelled with a note, ours is created)",
      description: 'Ours keeps the title, kind, priority and due date, is assigned to you (an API key: the account owner), costs the customer nothing and is marked as a spoon given.',
      params: idParams, response: { 201: z.object({ task: task, cancelled: task }), 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req, reply) => {
    const p = principalOf(req);
    const t = await services.tasks.get(req.params.id);
    if (!t) throw new AppError('task.not_found');
    if (!can(p, 'update', { type: 'account', account: await account(t.accountId) })) throw new AppError('auth.forbidden');
    return reply.status(201).send(await services.tasks.giveSpoon(req.params.id, actor(req), p.kind === 'user' ? p.userId : null, canActFor(req)));
  });

  r.get('/api/tasks/:id', { schema: { tags: ['tasks'], summary: 'One task', params: idParams, response: { 200: task, 404: errorBody } } }, async (req) => {
    const t = await services.tasks.get(req.params.id, canActFor(req));
    if (!t) throw new AppError('task.not_found');
    return t;
  });

  r.patch('/api/tasks/:id', {
    schema: {
      tags: ['tasks'], summary: 'Work a task: complete with an outcome note, snooze, reassign, reprioritise',
      description: 'The assignee, or anyone who may edit the account, may change a task. Completing a call, meeting or e-mail task with an outcome note logs that activity, linked to the task (`activity` edits it, `activity: null` skips it). Done, cancelled or reopened, a playbook task moves its step (and may finish its run).',
      params: idParams, body: taskPatch, response: { 200: task, 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req) => {
    await authorize(req, req.params.id);
    return services.tasks.update(req.params.id, req.body, actor(req), canActFor(req));
  });
}
