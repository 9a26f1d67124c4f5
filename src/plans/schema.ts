import { z } from 'zod';
import { dateTime, isoDate, queryInt, text } from '../http/zod.js';
import { CRITERION_KINDS, DIRECTIONS, GOAL_STATUSES } from './progress.js';

/*
 * Success plans: request and response shapes (docs/design/issue-10-contract.md). Dates of goals
 * and milestones are YYYY-MM-DD; instants are ISO strings.
 */

export const METRIC_MEASURES = ['count', 'active_users', 'active_days'] as const;
export type MetricMeasure = (typeof METRIC_MEASURES)[number];
export const CONTACT_ROLES = ['champion', 'executive_sponsor', 'admin', 'user'] as const;
export const TEMPLATE_OWNERS = ['csm', ...CONTACT_ROLES.map((r) => `customer:${r}` as const)] as const;
export type TemplateOwner = (typeof TEMPLATE_OWNERS)[number];
export const VALUE_SIDES = ['vendor', 'customer'] as const;

/** Criterion numbers: finite and far inside a double, so no value is silently rounded or refused by PostgreSQL. */
const LIMIT = 1e12;
const amount = () => z.number().min(-LIMIT).max(LIMIT);
const title = () => text().trim().min(1).max(300);

export const metricSpec = z.strictObject({
  event: text().trim().min(1).max(200).describe('The tracked event name (as in usage)'),
  measure: z.enum(METRIC_MEASURES).describe('count: events in the window; active_users: distinct users; active_days: days with the event'),
  windowDays: z.number().int().min(1).max(365).default(30),
});
export type MetricSpec = z.infer<typeof metricSpec>;

export const planCreate = z.strictObject({
  title: title(),
  templateId: z.uuid().optional().describe('Applies this template to the new plan'),
  startDate: isoDate().optional().describe("The template's day 0 (default today)"),
});
export type PlanCreate = z.infer<typeof planCreate>;
export const planPatch = z.strictObject({ title: title() });

export const planListQuery = z.strictObject({
  status: z.enum(GOAL_STATUSES).optional(),
  ownerId: z.uuid().optional().describe("The account owner's user id"),
  accountId: z.uuid().optional(),
  limit: queryInt(1, 200).default(50),
  cursor: text().max(500).optional(),
});
export type PlanListQuery = z.infer<typeof planListQuery>;

export const goalCreate = z.strictObject({
  statement: text().trim().min(1).max(1000).describe("In the customer's words: from X to Y by <date>"),
  why: text().trim().max(5000).optional().describe('Why it matters to them'),
  targetDate: isoDate().nullish(),
  startDate: isoDate().nullish().describe('When the clock started (default: today)'),
  hiddenFromCustomer: z.boolean().optional(),
});
export type GoalCreate = z.infer<typeof goalCreate>;
export const goalPatch = z
  .strictObject({
    statement: text().trim().min(1).max(1000),
    why: text().trim().max(5000),
    targetDate: isoDate().nullable(),
    startDate: isoDate().nullable(),
    hiddenFromCustomer: z.boolean(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'send at least one field');
export type GoalPatch = z.infer<typeof goalPatch>;

const criterionFields = {
  name: title(),
  kind: z.enum(CRITERION_KINDS),
  driverId: z.uuid().nullish().describe('kind driver: the driver whose value (as health computes it) is the measurement'),
  metric: metricSpec.nullish().describe('kind metric: what to measure in usage'),
  target: amount().nullish(),
  direction: z.enum(DIRECTIONS).optional().describe("Default: the driver's direction, else up"),
  baseline: amount().nullish(),
};
export const criterionCreate = z.strictObject(criterionFields).superRefine((v, ctx) => {
  if (v.kind === 'driver' && !v.driverId) ctx.addIssue({ code: 'custom', path: ['driverId'], message: 'A driver criterion needs its driver' });
  if (v.kind === 'metric' && !v.metric) ctx.addIssue({ code: 'custom', path: ['metric'], message: 'A metric criterion needs its metric' });
  if (v.kind !== 'driver' && v.driverId) ctx.addIssue({ code: 'custom', path: ['driverId'], message: 'Only a driver criterion has a driver' });
  if (v.kind !== 'metric' && v.metric) ctx.addIssue({ code: 'custom', path: ['metric'], message: 'Only a metric criterion has a metric' });
  for (const k of ['target', 'baseline'] as const) {
    const n = v[k];
    if (v.kind === 'rating' && n !== null && n !== undefined && (n < 1 || n > 5)) ctx.addIssue({ code: 'custom', path: [k], message: 'A rating is 1 to 5' });
  }
});
export type CriterionCreate = z.infer<typeof criterionCreate>;
export const criterionPatch = z
  .strictObject({
    name: title(),
    driverId: z.uuid(),
    metric: metricSpec,
    target: amount().nullable(),
    direction: z.enum(DIRECTIONS),
    baseline: amount().nullable(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'send at least one field');
export type CriterionPatch = z.infer<typeof criterionPatch>;

export const valueCreate = z.strictObject({
  value: amount(),
  at: dateTime().optional().describe('When it was true (default now)'),
  side: z.enum(VALUE_SIDES).optional().describe('Ratings: whose rating it is (required for a rating)'),
});
export type ValueCreate = z.infer<typeof valueCreate>;

const oneOwner = (v: { ownerUserId?: string | null | undefined; ownerContactId?: string | null | undefined }) => !(v.ownerUserId && v.ownerContactId);
export const milestoneCreate = z
  .strictObject({
    title: title(),
    dueAt: isoDate().nullable(),
    ownerUserId: z.uuid().nullish().describe('A vendor-side owner'),
    ownerContactId: z.uuid().nullish().describe("A customer-side owner: a contact of the account"),
    hiddenFromCustomer: z.boolean().optional(),
  })
  .refine(oneOwner, { path: ['ownerContactId'], message: 'Give one owner: a user or a contact' });
export type MilestoneCreate = z.infer<typeof milestoneCreate>;
export const milestonePatch = z
  .strictObject({
    title: title(),
    dueAt: isoDate().nullable(),
    ownerUserId: z.uuid().nullable(),
    ownerContactId: z.uuid().nullable(),
    completed: z.boolean().describe('true completes it now; false reopens it'),
    hiddenFromCustomer: z.boolean(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'send at least one field')
  .refine(oneOwner, { path: ['ownerContactId'], message: 'Give one owner: a user or a contact' });
export type MilestonePatch = z.infer<typeof milestonePatch>;

export const milestoneTaskCreate = z
  .strictObject({
    title: title(),
    dueAt: z.union([isoDate(), dateTime()]).nullish().describe('YYYY-MM-DD or an ISO instant'),
    assigneeUserId: z.uuid().nullish(),
    assigneeContactId: z.uuid().nullish().describe('A contact of the account: customer-side work'),
    customerEffort: z.number().int().min(0).max(10).nullish(),
    hiddenFromCustomer: z.boolean().optional(),
    confirmOverload: z.boolean().optional().describe("A contact's task that exceeds the customer's capacity left is refused (409 capacity.exceeded) unless true; then the overload is recorded"),
    giveSpoon: z.boolean().optional().describe('true: do it for them instead: our task (assigned to you, else the account owner), effort 0, marked as a spoon given'),
  })
  .refine((v) => !(v.assigneeUserId && v.assigneeContactId), { path: ['assigneeContactId'], message: 'Give one assignee: a user or a contact' });
export type MilestoneTaskCreate = z.infer<typeof milestoneTaskCreate>;

export const milestoneTaskPatch = z.strictObject({ hiddenFromCustomer: z.boolean().describe('Leave the task off the shared page') });

// Templates

const templateOwner = z.enum(TEMPLATE_OWNERS).nullable().default(null).describe("'csm' = the account's owner; 'customer:<role>' = its first active contact with that role");
const offset = () => z.number().int().min(-3650).max(3650);
export const templateCriterion = z
  .strictObject({
    name: title(),
    kind: z.enum(CRITERION_KINDS),
    driverId: z.uuid().nullish(),
    metric: metricSpec.nullish(),
    direction: z.enum(DIRECTIONS).optional(),
    target: amount().nullish(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'driver' && !v.driverId) ctx.addIssue({ code: 'custom', path: ['driverId'], message: 'A driver criterion needs its driver' });
    if (v.kind === 'metric' && !v.metric) ctx.addIssue({ code: 'custom', path: ['metric'], message: 'A metric criterion needs its metric' });
  });
export const templateTask = z.strictObject({ title: title(), offsetDays: offset().default(0), owner: templateOwner });
export const templateMilestone = z.strictObject({
  title: title(),
  offsetDays: offset().describe('Due this many days after the start'),
  owner: templateOwner,
  tasks: z.array(templateTask).max(30).default([]),
});
export const templateGoal = z.strictObject({
  statement: text().trim().min(1).max(1000),
  why: text().trim().max(5000).default(''),
  targetOffsetDays: offset().nullable().default(null).describe('Target date = start + this many days'),
  criteria: z.array(templateCriterion).max(20).default([]),
  milestones: z.array(templateMilestone).max(30).default([]),
});
export type TemplateGoal = z.infer<typeof templateGoal>;
const templateFields = {
  name: title(),
  description: text().trim().max(5000).default(''),
  segment: text().trim().min(1).max(100).nullable().default(null),
  stage: z.enum(['onboarding', 'adoption', 'renewal', 'churned']).nullable().default(null),
  goals: z.array(templateGoal).max(20).default([]),
};
export const templateCreate = z.strictObject(templateFields);
export type TemplateCreate = z.infer<typeof templateCreate>;
export const templatePatch = z
  .strictObject({
    name: templateFields.name,
    description: text().trim().max(5000),
    segment: text().trim().min(1).max(100).nullable(),
    stage: z.enum(['onboarding', 'adoption', 'renewal', 'churned']).nullable(),
    goals: z.array(templateGoal).max(20),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'send at least one field');
export type TemplatePatch = z.infer<typeof templatePatch>;
export const applyTemplate = z.strictObject({ templateId: z.uuid(), startDate: isoDate().optional().describe('Day 0 of the offsets (default today)') });

export const planTemplate = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  segment: z.string().nullable(),
  stage: z.string().nullable(),
  goals: z.array(templateGoal),
  createdAt: z.string(),
  updatedAt: z.string(),
  canEdit: z.boolean(),
});
export type PlanTemplate = z.infer<typeof planTemplate>;
export const planTemplateList = z.object({ items: z.array(planTemplate) });

// Responses

const status = z.enum(GOAL_STATUSES);
export const progressOut = z.object({
  percent: z.number().int().nullable().describe('null = nothing measured yet (never 0 for no data)'),
  criteriaMet: z.number().int(),
  criteriaTotal: z.number().int(),
  milestonesDone: z.number().int(),
  milestonesTotal: z.number().int(),
});

export const planTask = z.object({
  id: z.uuid(),
  title: z.string(),
  status: z.enum(['open', 'done', 'cancelled']),
  dueAt: z.string().nullable(),
  side: z.enum(VALUE_SIDES),
  assigneeUserId: z.uuid().nullable(),
  assigneeContactId: z.uuid().nullable(),
  assigneeName: z.string().nullable(),
  customerEffort: z.number().int().nullable(),
  hiddenFromCustomer: z.boolean(),
});
export type PlanTask = z.infer<typeof planTask>;

export const milestoneOwner = z
  .union([
    z.object({ side: z.literal('vendor'), userId: z.uuid(), name: z.string() }),
    z.object({ side: z.literal('customer'), contactId: z.uuid(), name: z.string() }),
  ])
  .nullable();
export const milestone = z.object({
  id: z.uuid(),
  goalId: z.uuid(),
  title: z.string(),
  dueAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  overdueDays: z.number().int(),
  hiddenFromCustomer: z.boolean(),
  owner: milestoneOwner,
  tasks: z.array(planTask),
});
export type Milestone = z.infer<typeof milestone>;

export const criterion = z.object({
  id: z.uuid(),
  goalId: z.uuid(),
  name: z.string(),
  kind: z.enum(CRITERION_KINDS),
  driverId: z.uuid().nullable(),
  driverName: z.string().nullable(),
  metric: z.object({ event: z.string(), measure: z.enum(METRIC_MEASURES), windowDays: z.number().int() }).nullable(),
  direction: z.enum(DIRECTIONS),
  baseline: z.number().nullable(),
  target: z.number().nullable(),
  current: z.number().nullable(),
  measuredAt: z.string().nullable(),
  progress: z.number().int().nullable().describe('0–100; null = cannot be measured (no data, no target, no baseline)'),
  state: z.enum(['measured', 'no_data', 'no_target', 'no_baseline']),
  met: z.boolean(),
  ratings: z.object({ vendor: z.number().nullable(), customer: z.number().nullable() }).nullable(),
});
export type Criterion = z.infer<typeof criterion>;

export const goal = z.object({
  id: z.uuid(),
  planId: z.uuid(),
  statement: z.string(),
  why: z.string(),
  targetDate: z.string().nullable(),
  startDate: z.string(),
  status,
  statusReasons: z.array(z.string()),
  progress: progressOut,
  hiddenFromCustomer: z.boolean(),
  criteria: z.array(criterion),
  milestones: z.array(milestone),
  harvestedFromSeedId: z.uuid().nullable(),
});
export type Goal = z.infer<typeof goal>;

export const successPlan = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  accountName: z.string(),
  title: z.string(),
  status,
  statusReasons: z.array(z.string()),
  progress: progressOut,
  createdAt: z.string(),
  updatedAt: z.string(),
  canEdit: z.boolean(),
  goals: z.array(goal),
});
export type SuccessPlan = z.infer<typeof successPlan>;
export const successPlanList = z.object({ items: z.array(successPlan) });

export const planListItem = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  accountName: z.string(),
  title: z.string(),
  status,
  statusReasons: z.array(z.string()),
  owner: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  arr: z.number(),
  goals: z.number().int(),
  statusChangedAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  progress: progressOut.describe("The plan's roll-up, the same as GET /api/success-plans/:id"),
  nextMilestone: z
    .object({
      title: z.string(),
      dueAt: z.string().nullable(),
      overdueDays: z.number().int(),
      owner: z.object({ side: z.enum(['vendor', 'customer']), name: z.string() }).nullable(),
    })
    .nullable()
    .describe('The earliest open milestone across the goals (by due date, undated last); null when none is open'),
});
export type PlanListItem = z.infer<typeof planListItem>;
export const planListPage = z.object({ items: z.array(planListItem), nextCursor: z.string().nullable() });
export const planSummary = z.object({
  byStatus: z.array(z.object({ status, plans: z.number().int(), arr: z.number() })),
  total: z.number().int(),
});

export const criterionValues = z.object({
  items: z.array(z.object({ at: z.string(), value: z.number(), side: z.enum(VALUE_SIDES).nullable(), source: z.enum(['measured', 'manual', 'rating', 'customer']) })),
});
