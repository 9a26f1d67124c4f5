import { z } from 'zod';
import { STAGES } from '../accounts/schema.js';
import { ASSIGNEE_ROLES } from '../tasks/schema.js';
import { money, text } from '../http/zod.js';
import { GOAL_STATUSES } from '../plans/progress.js';
import { SEED_STAGES } from '../seeds/stage.js';

export const BANDS = ['good', 'watch', 'poor'] as const;
export const CMP = ['lt', 'lte', 'gt', 'gte', 'eq', 'neq'] as const;
export type Cmp = (typeof CMP)[number];
const days = z.number().int().min(1).max(365);

/** The leaf conditions a form can build, one row each. */
export const leaf = z.discriminatedUnion('type', [
  z.object({ type: z.literal('health_band'), op: z.enum(['in', 'not_in']), bands: z.array(z.enum(BANDS)).min(1) }),
  z.object({ type: z.literal('health_band_changed'), to: z.array(z.enum(BANDS)).min(1), withinDays: days }).describe('Health moved into one of these bands within N days'),
  z.object({ type: z.literal('health_score'), op: z.enum(CMP), value: z.number().min(0).max(100) }),
  z.object({ type: z.literal('health_score_change'), direction: z.enum(['drop', 'rise']), points: z.number().int().min(1).max(100), withinDays: days }).describe('Health fell (or rose) by at least N points from its high (low) within the window'),
  z.object({ type: z.literal('driver'), driver: text().min(1).max(63), measure: z.enum(['value', 'score']).default('value'), op: z.enum(CMP), value: z.number() }),
  z.object({ type: z.literal('stage'), op: z.enum(['in', 'not_in']), values: z.array(z.enum(STAGES)).min(1) }),
  z.object({ type: z.literal('segment'), op: z.enum(['in', 'not_in']), values: z.array(text().min(1).max(100)).min(1).max(100) }),
  z.object({ type: z.literal('arr'), op: z.enum(CMP), value: money() }),
  z.object({ type: z.literal('days_to_renewal'), op: z.enum(CMP), value: z.number().int().min(-3650).max(3650) }),
  z.object({ type: z.literal('event'), event: text().min(1).max(200), seen: z.boolean(), withinDays: days }).describe('The event was (or was not) seen in the last N days'),
  z.object({
    type: z.literal('field'), field: text().min(1).max(100).describe('seats, domain, or custom.<key>'),
    op: z.enum([...CMP, 'contains', 'is_empty', 'is_not_empty']), value: z.union([text().max(500), z.number(), z.boolean()]).optional(),
  }),
  z.object({ type: z.literal('field_changed'), field: text().min(1).max(100).describe('stage, segment, arr, renewalDate, ownerId, seats or custom.<key>'), withinDays: days }),
  z.object({ type: z.literal('autopilot'), value: z.boolean().default(true).describe('true: on autopilot; false: not on it') })
    .describe('The account is (not) on autopilot: its last N touchpoints are routine (the stored verdict)'),
  z.object({ type: z.literal('plan_status'), op: z.enum(['in', 'not_in']), statuses: z.array(z.enum(GOAL_STATUSES)).min(1) })
    .describe("The status of the account's success plans, the worst one when it has several (off track < at risk < on track < achieved); no plan never matches"),
  z.object({ type: z.literal('seed_stage'), stages: z.array(z.enum(SEED_STAGES)).min(1) })
    .describe('The account has at least one seed in one of these stages'),
]);
export type Leaf = z.infer<typeof leaf>;

export const condition = z.object({
  match: z.enum(['all', 'any']).default('all'),
  conditions: z.array(leaf).min(1).max(20),
});
export type Condition = z.infer<typeof condition>;

export const action = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start_playbook'), playbookId: z.uuid() }),
  z.object({
    type: z.literal('create_task'), title: text().trim().min(1).max(300), reason: text().trim().max(2000).optional(),
    assignee: z.enum(ASSIGNEE_ROLES).default('owner'), priority: z.number().int().min(1).max(4).default(3), dueInDays: z.number().int().min(0).max(365).default(2),
    kind: z.enum(['todo', 'call', 'email', 'meeting']).default('todo'),
  }),
  z.object({ type: z.literal('notify'), recipients: z.array(z.enum(['owner', 'manager', 'support', 'exec_sponsor', 'product'])).min(1), message: text().trim().min(1).max(2000) }),
  z.object({ type: z.literal('webhook'), webhookId: z.uuid() }),
  z.object({
    type: z.literal('raise_risk'), kind: text().trim().min(1).max(100).describe('A signal kind (GET /api/signal-definitions)'),
    strength: z.number().min(0.001).max(0.999).optional(), note: text().trim().min(1).max(2000),
  }),
]);
export type RuleAction = z.infer<typeof action>;

export const ACTIVATIONS = ['now', 'from_now_on'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
const activation = z.enum(ACTIVATIONS).describe(
  'How an enabled rule starts: "now" fires at once for every account that matches (see the dry run\'s effects); "from_now_on" records the accounts that match at save time and fires only for accounts that start matching later',
);

export const ruleInput = z.object({
  name: text().trim().min(1).max(200),
  description: text().trim().max(2000).default(''),
  enabled: z.boolean().default(true),
  activation: activation.default('now'),
  condition,
  actions: z.array(action).min(1).max(10),
  windowHours: z.number().int().min(1).max(8760).default(168).describe('Fires at most once per account within this many hours'),
});
export type RuleInput = z.infer<typeof ruleInput>;
export const rulePatch = z
  .object({
    name: ruleInput.shape.name, description: text().trim().max(2000), enabled: z.boolean(), condition, actions: ruleInput.shape.actions, windowHours: z.number().int().min(1).max(8760),
    activation: activation.describe('Applied when the patch enables the rule or changes its condition; without it the rule keeps its stored choice'),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'send at least one field');
export type RulePatch = z.infer<typeof rulePatch>;

export const rule = z.object({
  id: z.uuid(), name: z.string(), description: z.string(), enabled: z.boolean(), condition, actions: z.array(action), windowHours: z.number().int(),
  activation: z.enum(ACTIVATIONS), activatedAt: z.string().nullable().describe('When the rule was last enabled or its condition changed'),
  firings: z.object({ total: z.number().int(), last7d: z.number().int(), lastAt: z.string().nullable() }),
  createdAt: z.string(), updatedAt: z.string(),
});
export type Rule = z.infer<typeof rule>;

/** Why a condition matched (or not): one entry per leaf, with the account's actual value. */
export const leafResult = z.object({ type: z.string(), label: z.string(), actual: z.unknown(), ok: z.boolean() });
export type LeafResult = z.infer<typeof leafResult>;

export const firing = z.object({
  id: z.uuid(), ruleId: z.uuid(), accountId: z.uuid(), accountName: z.string(), firedAt: z.string(), trigger: z.string(),
  matched: z.object({ match: z.enum(['all', 'any']), results: z.array(leafResult) }),
  actions: z.array(z.record(z.string(), z.unknown())),
});

export const dryRunBody = z.object({
  condition, limit: z.number().int().min(1).max(1000).default(200),
  actions: z.array(action).max(10).default([]).describe('With actions: effects says what saving with activation "now" would create'),
  windowHours: z.number().int().min(1).max(8760).default(168),
  ruleId: z.uuid().optional().describe('An existing rule: accounts it fired for within the window do not fire again'),
});
export const effects = z.object({
  firings: z.number().int().describe('Firings "now" would make at once'),
  alreadyFired: z.number().int().describe('Matching accounts the rule fired for within its window (they do not fire again)'),
  tasks: z.number().int(),
  taskAssignees: z.array(z.object({ userId: z.uuid().nullable(), name: z.string(), tasks: z.number().int() })).describe('Tasks per person, most first'),
  people: z.number().int().describe('People who would get tasks'),
  playbookRuns: z.number().int(),
  notifications: z.number().int(), emails: z.number().int(), webhookDeliveries: z.number().int(), riskSignals: z.number().int(),
});
export const dryRunResult = z.object({
  total: z.number().int().describe('Accounts that match now'),
  evaluated: z.number().int().describe('Accounts evaluated: every account, churned included (the book\'s "accounts" figure)'),
  evaluatedActive: z.number().int().describe('Of those, active (not churned)'),
  evaluatedChurned: z.number().int().describe('Of those, churned'),
  effects,
  items: z.array(z.object({ accountId: z.uuid(), name: z.string(), arr: z.number(), ownerName: z.string().nullable(), results: z.array(leafResult) })),
});
