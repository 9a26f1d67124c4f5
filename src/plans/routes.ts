import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { listPlans, planSummary } from './lists.js';
import {
  applyTemplate, criterion, criterionCreate, criterionPatch, criterionValues, goal, goalCreate, goalPatch, milestone, milestoneCreate, milestonePatch,
  milestoneTaskCreate, milestoneTaskPatch, planCreate, planListPage, planListQuery, planPatch, planSummary as planSummarySchema, planTask, successPlan, successPlanList, valueCreate,
} from './schema.js';
import type { LoadedPlan, PlanRef } from './store.js';
import { planTemplateRoutes } from './template-routes.js';

const idParams = z.object({ id: z.uuid() });
const taskParams = z.object({ id: z.uuid(), taskId: z.uuid() });
const TAGS = ['success plans'];
const errors = { 400: errorBody, 403: errorBody, 404: errorBody };

/** Success plans: whoever may edit the account edits its plan; everyone reads it. */
export function planRoutes(app: FastifyInstance, deps: RouteDeps) {
  const { services, database } = deps;
  const plans = services.plans;
  const r = app.withTypeProvider<ZodTypeProvider>();

  const mayEdit = (req: FastifyRequest, account: PlanRef['account']) => can(principalOf(req), 'update', { type: 'account', account });
  const out = (req: FastifyRequest, l: LoadedPlan) => ({ ...l.plan, canEdit: mayEdit(req, l.account) });
  /** Loads the part's plan reference (404 when gone) and checks edit rights on its account. */
  const editable = async (req: FastifyRequest, find: (id: string) => Promise<PlanRef | null>, id: string, missing: 'success_plan.not_found' | 'plan_goal.not_found' | 'plan_criterion.not_found' | 'plan_milestone.not_found') => {
    const ref = await find(id);
    if (!ref) throw new AppError(missing);
    if (!mayEdit(req, ref.account)) throw new AppError('auth.forbidden');
    return ref;
  };
  const mustAccount = async (id: string) => {
    const a = await services.accounts.get(id);
    if (!a) throw new AppError('account.not_found');
    return a;
  };

  r.post('/api/accounts/:id/success-plans', {
    schema: { tags: TAGS, summary: "Create a success plan for the account (optionally from a template)", params: idParams, body: planCreate, response: { 201: successPlan, ...errors } },
  }, async (req, reply) => {
    const a = await mustAccount(req.params.id);
    if (!can(principalOf(req), 'update', { type: 'account', account: a })) throw new AppError('auth.forbidden');
    return reply.status(201).send(out(req, await plans.createPlan(a.id, req.body, actor(req))));
  });

  r.get('/api/accounts/:id/success-plans', {
    schema: { tags: TAGS, summary: "The account's success plans, newest first, with progress and status", params: idParams, response: { 200: successPlanList, 404: errorBody } },
  }, async (req) => {
    await mustAccount(req.params.id);
    return { items: (await plans.listForAccount(req.params.id)).map((l) => out(req, l)) };
  });

  r.get('/api/success-plans', {
    schema: { tags: TAGS, summary: 'Plans across the book by stored status (the dashboard), with account, owner and ARR', querystring: planListQuery, response: { 200: planListPage, 400: errorBody } },
  }, async (req) => listPlans(database, req.query));

  r.get('/api/success-plans/summary', {
    schema: { tags: TAGS, summary: 'How many plans, and how much ARR, per status', response: { 200: planSummarySchema } },
  }, async () => planSummary(database));

  r.get('/api/success-plans/:id', {
    schema: { tags: TAGS, summary: 'A success plan: goals, criteria with progress, milestones with tasks, status with reasons', params: idParams, response: { 200: successPlan, 404: errorBody } },
  }, async (req) => {
    const l = await plans.load(req.params.id);
    if (!l) throw new AppError('success_plan.not_found');
    return out(req, l);
  });

  r.patch('/api/success-plans/:id', {
    schema: { tags: TAGS, summary: "Rename a success plan", params: idParams, body: planPatch, response: { 200: successPlan, ...errors } },
  }, async (req) => {
    await editable(req, plans.planRef, req.params.id, 'success_plan.not_found');
    return out(req, await plans.updatePlan(req.params.id, req.body, actor(req)));
  });

  r.delete('/api/success-plans/:id', {
    schema: { tags: TAGS, summary: 'Delete a success plan (its open tasks are cancelled)', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    await editable(req, plans.planRef, req.params.id, 'success_plan.not_found');
    await plans.deletePlan(req.params.id, actor(req));
    return reply.status(204).send(null);
  });

  r.post('/api/success-plans/:id/apply-template', {
    schema: { tags: TAGS, summary: 'Add a template\'s goals, criteria, milestones and tasks to the plan, with dates from the start date and owners resolved', params: idParams, body: applyTemplate, response: { 200: successPlan, ...errors } },
  }, async (req) => {
    await editable(req, plans.planRef, req.params.id, 'success_plan.not_found');
    return out(req, await plans.applyTemplate(req.params.id, req.body, actor(req)));
  });

  r.post('/api/success-plans/:id/goals', {
    schema: { tags: TAGS, summary: "Add a goal in the customer's words", params: idParams, body: goalCreate, response: { 201: goal, ...errors } },
  }, async (req, reply) => {
    await editable(req, plans.planRef, req.params.id, 'success_plan.not_found');
    return reply.status(201).send(await plans.addGoal(req.params.id, req.body, actor(req)));
  });

  r.patch('/api/goals/:id', {
    schema: { tags: TAGS, summary: 'Change a goal', params: idParams, body: goalPatch, response: { 200: goal, ...errors } },
  }, async (req) => {
    await editable(req, plans.goalRef, req.params.id, 'plan_goal.not_found');
    return plans.updateGoal(req.params.id, req.body, actor(req));
  });

  r.delete('/api/goals/:id', {
    schema: { tags: TAGS, summary: 'Delete a goal with its criteria and milestones (open tasks cancelled)', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    await editable(req, plans.goalRef, req.params.id, 'plan_goal.not_found');
    await plans.deleteGoal(req.params.id, actor(req));
    return reply.status(204).send(null);
  });

  r.post('/api/goals/:id/criteria', {
    schema: { tags: TAGS, summary: 'Add a success criterion: tied to a driver or a usage metric, a number entered by hand, or a 1–5 rating', params: idParams, body: criterionCreate, response: { 201: criterion, ...errors } },
  }, async (req, reply) => {
    await editable(req, plans.goalRef, req.params.id, 'plan_goal.not_found');
    return reply.status(201).send(await plans.addCriterion(req.params.id, req.body, actor(req)));
  });

  r.patch('/api/criteria/:id', {
    schema: { tags: TAGS, summary: 'Change a success criterion (its kind stays)', params: idParams, body: criterionPatch, response: { 200: criterion, ...errors } },
  }, async (req) => {
    await editable(req, plans.criterionRef, req.params.id, 'plan_criterion.not_found');
    return plans.updateCriterion(req.params.id, req.body, actor(req));
  });

  r.delete('/api/criteria/:id', {
    schema: { tags: TAGS, summary: 'Delete a success criterion and its history', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    await editable(req, plans.criterionRef, req.params.id, 'plan_criterion.not_found');
    await plans.deleteCriterion(req.params.id, actor(req));
    return reply.status(204).send(null);
  });

  r.post('/api/criteria/:id/values', {
    schema: { tags: TAGS, summary: 'Record a value by hand (with its date) or a 1–5 rating from one side', params: idParams, body: valueCreate, response: { 201: criterion, ...errors } },
  }, async (req, reply) => {
    await editable(req, plans.criterionRef, req.params.id, 'plan_criterion.not_found');
    return reply.status(201).send(await plans.recordValue(req.params.id, req.body, actor(req)));
  });

  r.get('/api/criteria/:id/values', {
    schema: { tags: TAGS, summary: "A criterion's history: the path toward its target (measured criteria: one value per day)", params: idParams, response: { 200: criterionValues, 404: errorBody } },
  }, async (req) => {
    if (!(await plans.criterionRef(req.params.id))) throw new AppError('plan_criterion.not_found');
    return plans.listValues(req.params.id);
  });

  r.post('/api/goals/:id/milestones', {
    schema: { tags: TAGS, summary: 'Add a milestone owned on our side (a user) or the customer\'s (a contact)', params: idParams, body: milestoneCreate, response: { 201: milestone, ...errors } },
  }, async (req, reply) => {
    await editable(req, plans.goalRef, req.params.id, 'plan_goal.not_found');
    return reply.status(201).send(await plans.addMilestone(req.params.id, req.body, actor(req)));
  });

  r.patch('/api/milestones/:id', {
    schema: { tags: TAGS, summary: 'Change a milestone; completed: true completes it (plan.milestone_completed), false reopens it', params: idParams, body: milestonePatch, response: { 200: milestone, ...errors } },
  }, async (req) => {
    await editable(req, plans.milestoneRef, req.params.id, 'plan_milestone.not_found');
    return plans.updateMilestone(req.params.id, req.body, actor(req));
  });

  r.delete('/api/milestones/:id', {
    schema: { tags: TAGS, summary: 'Delete a milestone (its open tasks are cancelled)', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    await editable(req, plans.milestoneRef, req.params.id, 'plan_milestone.not_found');
    await plans.deleteMilestone(req.params.id, actor(req));
    return reply.status(204).send(null);
  });

  r.post('/api/milestones/:id/tasks', {
    schema: { tags: TAGS, summary: 'Add a task to a milestone (a task like any other, in the inbox; a contact assignee makes it customer-side)', params: idParams, body: milestoneTaskCreate, response: { 201: planTask, ...errors } },
  }, async (req, reply) => {
    await editable(req, plans.milestoneRef, req.params.id, 'plan_milestone.not_found');
    return reply.status(201).send(await plans.addMilestoneTask(req.params.id, req.body, actor(req)));
  });

  r.patch('/api/milestones/:id/tasks/:taskId', {
    schema: { tags: TAGS, summary: "Show or hide a milestone's task on the shared page (everything else about a task goes through /api/tasks)", params: taskParams, body: milestoneTaskPatch, response: { 200: planTask, ...errors } },
  }, async (req) => {
    await editable(req, plans.milestoneRef, req.params.id, 'plan_milestone.not_found');
    return plans.updateMilestoneTask(req.params.id, req.params.taskId, req.body, actor(req));
  });

  planTemplateRoutes(app, deps);
}
