import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can, type Action } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { planTemplate, planTemplateList, templateCreate, templatePatch } from './schema.js';
import { toTemplate } from './templates.js';

const idParams = z.object({ id: z.uuid() });
const TAGS = ['success plans'];

/** Plan templates: everyone reads them; admins and managers (CS ops) build them. */
export function planTemplateRoutes(app: FastifyInstance, { services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const allowed = (req: FastifyRequest, action: Action) => can(principalOf(req), action, { type: 'plan_templates' });
  const must = (req: FastifyRequest, action: Action) => {
    if (!allowed(req, action)) throw new AppError('auth.forbidden');
  };

  r.get('/api/plan-templates', {
    schema: { tags: TAGS, summary: 'Plan templates', response: { 200: planTemplateList } },
  }, async (req) => ({ items: (await services.planTemplates.list()).map((t) => toTemplate(t, allowed(req, 'update'))) }));

  r.post('/api/plan-templates', {
    schema: { tags: TAGS, summary: 'Build a plan template: goals with criteria, milestones with day offsets, tasks with owner roles', body: templateCreate, response: { 201: planTemplate, 400: errorBody, 403: errorBody } },
  }, async (req, reply) => {
    must(req, 'create');
    return reply.status(201).send(toTemplate(await services.planTemplates.create(req.body, actor(req)), true));
  });

  r.get('/api/plan-templates/:id', {
    schema: { tags: TAGS, summary: 'One plan template', params: idParams, response: { 200: planTemplate, 404: errorBody } },
  }, async (req) => {
    const t = await services.planTemplates.load(req.params.id);
    if (!t) throw new AppError('plan_template.not_found');
    return toTemplate(t, allowed(req, 'update'));
  });

  r.patch('/api/plan-templates/:id', {
    schema: { tags: TAGS, summary: 'Change a plan template (plans it was applied to keep what they got)', params: idParams, body: templatePatch, response: { 200: planTemplate, 400: errorBody, 403: errorBody, 404: errorBody } },
  }, async (req) => {
    must(req, 'update');
    return toTemplate(await services.planTemplates.update(req.params.id, req.body, actor(req)), true);
  });

  r.delete('/api/plan-templates/:id', {
    schema: { tags: TAGS, summary: 'Delete a plan template (plans it was applied to keep what they got)', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    must(req, 'delete');
    await services.planTemplates.remove(req.params.id, actor(req));
    return reply.status(204).send(null);
  });
}
