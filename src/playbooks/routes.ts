import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { can, type Action } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import { TEMPLATE_VARIABLES, TEMPLATE_VARIABLE_HELP } from '../notifications/template.js';
import { task } from '../tasks/schema.js';
import { approvalDto, approveBody, rejectBody } from './approvals.js';
import { emailPreview, emailPreviewBody, playbook, playbookInput, playbookPatch, run, startRunBody, step } from './schema.js';

const idParams = z.object({ id: z.uuid() });
const TAG = ['playbooks'];

export function playbookRoutes(app: FastifyInstance, { services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const mayEdit = (req: FastifyRequest, action: Action) => {
    if (!can(principalOf(req), action, { type: 'playbooks' })) throw new AppError('auth.forbidden', 'Only admins and managers build playbooks.');
  };
  const mayRunOn = async (req: FastifyRequest, accountId: string) => {
    const a = await services.accounts.get(accountId);
    if (!a) throw new AppError('account.not_found');
    if (!can(principalOf(req), 'update', { type: 'account', account: a })) throw new AppError('auth.forbidden');
  };

  r.get('/api/playbooks', {
    schema: { tags: TAG, summary: 'Playbook templates (current versions) with run counts', querystring: z.object({ includeArchived: z.enum(['true', 'false']).default('false') }), response: { 200: z.object({ items: z.array(playbook) }) } },
  }, async (req) => ({ items: await services.playbooks.list({ includeArchived: req.query.includeArchived === 'true' }) }));

  r.post('/api/playbooks', {
    schema: {
      tags: TAG, summary: 'Create a playbook template (admins and managers)',
      description: 'Steps: task (title, dueOffsetDays, assignee role), email (to a contact role, subject and body templates), wait (days), webhook (webhookId), and checkin/survey placeholders.',
      body: playbookInput, response: { 201: playbook, 400: errorBody, 403: errorBody, 409: errorBody },
    },
  }, async (req, reply) => {
    mayEdit(req, 'create');
    return reply.status(201).send(await services.playbooks.create(req.body, actor(req)));
  });

  r.get('/api/playbooks/template-variables', {
    schema: { tags: TAG, summary: 'The variables e-mail templates may use, with what each holds', response: { 200: z.object({ items: z.array(z.object({ name: z.string(), help: z.string() })) }) } },
  }, async () => ({ items: TEMPLATE_VARIABLES.map((name) => ({ name, help: TEMPLATE_VARIABLE_HELP[name] })) }));

  r.post('/api/playbooks/preview-email', {
    schema: {
      tags: TAG, summary: "An e-mail step as it would be sent to an account: recipient, subject and body rendered for that account's contact (builders)",
      description: 'Rendered with the same functions and the same choice of contact as the sender. Nothing is sent or stored.',
      body: emailPreviewBody, response: { 200: emailPreview, 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req) => {
    mayEdit(req, 'update');
    if (!(await services.accounts.get(req.body.accountId))) throw new AppError('account.not_found', undefined, [{ path: 'accountId', message: 'no such account' }]);
    return services.playbooks.previewEmail(req.body.accountId, req.body.step);
  });

  r.get('/api/playbooks/:id', { schema: { tags: TAG, summary: 'One playbook template', params: idParams, response: { 200: playbook, 404: errorBody } } }, async (req) => {
    const p = await services.playbooks.get(req.params.id);
    if (!p) throw new AppError('playbook.not_found');
    return p;
  });

  r.patch('/api/playbooks/:id', {
    schema: { tags: TAG, summary: 'Edit a playbook; new steps make a new version, running playbooks keep theirs', params: idParams, body: playbookPatch, response: { 200: playbook, 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody } },
  }, async (req) => {
    mayEdit(req, 'update');
    return services.playbooks.update(req.params.id, req.body, actor(req));
  });

  r.delete('/api/playbooks/:id', {
    schema: { tags: TAG, summary: 'Archive a playbook (it can no longer be started; running ones go on)', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    mayEdit(req, 'delete');
    await services.playbooks.archive(req.params.id, actor(req));
    return reply.status(204).send(null);
  });

  r.get('/api/playbooks/:id/versions', {
    schema: { tags: TAG, summary: 'Every version of a playbook, newest first', params: idParams, response: { 200: z.object({ items: z.array(z.object({ version: z.number().int(), steps: z.array(step), createdAt: z.string() })) }), 404: errorBody } },
  }, async (req) => {
    if (!(await services.playbooks.get(req.params.id))) throw new AppError('playbook.not_found');
    return { items: await services.playbooks.versions(req.params.id) };
  });

  r.get('/api/playbooks/:id/runs', {
    schema: { tags: TAG, summary: 'Runs of a playbook, newest first', params: idParams, response: { 200: z.object({ items: z.array(run) }), 404: errorBody } },
  }, async (req) => {
    if (!(await services.playbooks.get(req.params.id))) throw new AppError('playbook.not_found');
    return { items: await services.playbooks.runs({ playbookId: req.params.id }) };
  });

  r.post('/api/accounts/:id/playbooks', {
    schema: { tags: TAG, summary: 'Start a playbook on an account', params: idParams, body: startRunBody, response: { 201: run, 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody } },
  }, async (req, reply) => {
    await mayRunOn(req, req.params.id);
    return reply.status(201).send(await services.playbooks.start(req.params.id, req.body.playbookId, actor(req)));
  });

  r.get('/api/accounts/:id/playbooks', {
    schema: { tags: TAG, summary: "An account's playbook runs with their progress", params: idParams, response: { 200: z.object({ items: z.array(run) }), 404: errorBody } },
  }, async (req) => {
    if (!(await services.accounts.get(req.params.id))) throw new AppError('account.not_found');
    return { items: await services.playbooks.runs({ accountId: req.params.id }) };
  });

  r.get('/api/playbook-runs/:id', { schema: { tags: TAG, summary: 'One playbook run with its steps', params: idParams, response: { 200: run, 404: errorBody } } }, async (req) => {
    const [one] = await services.playbooks.runs({ runId: req.params.id });
    if (!one) throw new AppError('playbook_run.not_found');
    return one;
  });

  // E-mail approvals: an approval task (a playbook e-mail step with approval: true) holds its rendered e-mail.
  const mayActOnTask = async (req: FastifyRequest, taskId: string) => {
    const t = await services.tasks.get(taskId);
    if (!t) throw new AppError('task.not_found');
    const a = await services.accounts.get(t.accountId);
    if (!a) throw new AppError('account.not_found');
    if (!can(principalOf(req), 'update', { type: 'task', task: { assigneeUserId: t.assignee?.type === 'user' ? t.assignee.id : null, account: a } })) throw new AppError('auth.forbidden');
  };
  const canActFor = (req: FastifyRequest) => {
    const p = principalOf(req);
    return (t: { assigneeUserId: string | null; account: { ownerId: string | null; teamId: string | null } }) => can(p, 'update', { type: 'task', task: t });
  };
  const taskParams = z.object({ taskId: z.uuid() });
  const decided = z.object({ approval: approvalDto, task });

  r.get('/api/email-approvals/:taskId', {
    schema: { tags: TAG, summary: 'The e-mail an approval task holds, as it will be sent', params: taskParams, response: { 200: approvalDto, 404: errorBody } },
  }, async (req) => {
    const a = await services.emailApprovals.get(req.params.taskId);
    if (!a) throw new AppError('email_approval.not_found');
    return a;
  });

  r.post('/api/email-approvals/:taskId/approve', {
    schema: {
      tags: TAG, summary: 'Approve the e-mail (optionally edited): it is queued to send, and the task is done',
      description: 'Who may work the task may approve it. An edit of the subject or body is recorded in the audit log (before and after).',
      params: taskParams, body: approveBody, response: { 200: decided, 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody },
    },
  }, async (req) => {
    await mayActOnTask(req, req.params.taskId);
    return services.emailApprovals.approve(req.params.taskId, req.body, actor(req), canActFor(req));
  });

  r.post('/api/email-approvals/:taskId/reject', {
    schema: {
      tags: TAG, summary: 'Reject the e-mail: it is never sent, the task and the playbook step are cancelled',
      params: taskParams, body: rejectBody, response: { 200: decided, 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody },
    },
  }, async (req) => {
    await mayActOnTask(req, req.params.taskId);
    return services.emailApprovals.reject(req.params.taskId, req.body.reason, actor(req), canActFor(req));
  });

  r.post('/api/playbook-runs/:id/cancel', {
    schema: { tags: TAG, summary: 'Cancel a running playbook (its pending steps and open tasks are cancelled)', params: idParams, response: { 200: run, 403: errorBody, 404: errorBody, 409: errorBody } },
  }, async (req) => {
    const [one] = await services.playbooks.runs({ runId: req.params.id });
    if (!one) throw new AppError('playbook_run.not_found');
    await mayRunOn(req, one.accountId);
    return services.playbooks.cancel(req.params.id, actor(req));
  });
}
