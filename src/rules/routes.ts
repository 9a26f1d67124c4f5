import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { can, type Action } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import { queryInt, text } from '../http/zod.js';
import { dryRunBody, dryRunResult, firing, rule, ruleInput, rulePatch } from './schema.js';

const idParams = z.object({ id: z.uuid() });
const TAG = ['rules'];

export function ruleRoutes(app: FastifyInstance, { services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const mayEdit = (req: FastifyRequest, action: Action) => {
    if (!can(principalOf(req), action, { type: 'rules' })) throw new AppError('auth.forbidden', 'Only admins and managers build rules.');
  };

  r.get('/api/rules', { schema: { tags: TAG, summary: 'Rules with their firing counts', response: { 200: z.object({ items: z.array(rule) }) } } },
    async () => ({ items: await services.rules.list() }));

  r.post('/api/rules', {
    schema: {
      tags: TAG, summary: 'Create a rule: when <condition> then <actions> (admins and managers)',
      description: 'A rule fires at most once per account per window (windowHours). Referenced drivers, playbooks and webhooks must exist. '
        + 'An enabled rule with activation "now" (the default) fires at once for every account that matches: run POST /api/rules/dry-run with the actions first to see what that creates. '
        + 'With "from_now_on" it fires only for accounts that start matching after the save.',
      body: ruleInput, response: { 201: rule, 400: errorBody, 403: errorBody },
    },
  }, async (req, reply) => {
    mayEdit(req, 'create');
    return reply.status(201).send(await services.rules.create(req.body, actor(req)));
  });

  r.post('/api/rules/dry-run', {
    schema: {
      tags: TAG, summary: 'The accounts that match a condition now, and what saving the rule to fire now would create (nothing fires)', body: dryRunBody, response: { 200: dryRunResult, 400: errorBody, 403: errorBody },
    },
  }, async (req) => {
    mayEdit(req, 'create');
    return services.rules.dryRun(req.body);
  });

  r.get('/api/rules/:id', { schema: { tags: TAG, summary: 'One rule', params: idParams, response: { 200: rule, 404: errorBody } } }, async (req) => {
    const one = await services.rules.get(req.params.id);
    if (!one) throw new AppError('rule.not_found');
    return one;
  });

  r.patch('/api/rules/:id', {
    schema: { tags: TAG, summary: 'Change a rule (enable, disable, edit)', params: idParams, body: rulePatch, response: { 200: rule, 400: errorBody, 403: errorBody, 404: errorBody } },
  }, async (req) => {
    mayEdit(req, 'update');
    return services.rules.update(req.params.id, req.body, actor(req));
  });

  r.delete('/api/rules/:id', {
    schema: { tags: TAG, summary: 'Delete a rule and its firing log', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    mayEdit(req, 'delete');
    await services.rules.remove(req.params.id, actor(req));
    return reply.status(204).send(null);
  });

  r.get('/api/rules/:id/firings', {
    schema: {
      tags: TAG, summary: 'Why did this fire? Every firing with the values that matched and what its actions did',
      params: idParams, querystring: z.object({ cursor: text().max(500).optional(), limit: queryInt(1, 200).default(50), accountId: z.uuid().optional() }),
      response: { 200: z.object({ items: z.array(firing), nextCursor: z.string().nullable() }), 400: errorBody, 404: errorBody },
    },
  }, async (req) => {
    if (!(await services.rules.get(req.params.id))) throw new AppError('rule.not_found');
    return services.rules.firings(req.params.id, req.query);
  });

  r.post('/api/rules/evaluate', {
    schema: { tags: TAG, summary: 'Evaluate every enabled rule over the whole book now (admins and managers)', response: { 200: z.object({ evaluated: z.number().int(), fired: z.number().int() }), 403: errorBody } },
  }, async (req) => {
    mayEdit(req, 'update');
    return services.rules.sweep();
  });
}
