import { z } from 'zod';
import { dateTime, queryInt, text } from '../http/zod.js';

export const TASK_KINDS = ['todo', 'call', 'email', 'meeting'] as const;
export const TASK_STATUSES = ['open', 'done', 'cancelled'] as const;
export const TASK_SOURCES = ['manual', 'rule', 'playbook', 'escalation', 'recommendation', 'plan', 'seed'] as const;
/** Who a generated task goes to: people on our side by role, or the customer's contacts by role. */
export const ASSIGNEE_ROLES = ['owner', 'manager', 'support', 'exec_sponsor', 'product', 'customer_champion', 'customer_exec_sponsor', 'customer_admin'] as const;
export type AssigneeRole = (typeof ASSIGNEE_ROLES)[number];

const priority = z.number().int().min(1).max(4).describe('1 low, 2 normal, 3 high, 4 urgent');
const isoDateTime = dateTime();

export const taskCreate = z.object({
  accountId: z.uuid(),
  title: text().trim().min(1).max(300),
  reason: text().trim().max(2000).optional(),
  kind: z.enum(TASK_KINDS).optional(),
  priority: priority.optional(),
  dueAt: isoDateTime.nullish(),
  assigneeUserId: z.uuid().nullish().describe('Defaults to you; omit both assignees on an API key to leave it unassigned'),
  assigneeContactId: z.uuid().nullish().describe('A customer contact of the account: customer-side work'),
  customerEffort: z.number().int().min(0).max(10).nullish().describe('What the task costs the customer (0–10 spoons)'),
  confirmOverload: z.boolean().optional().describe("A contact's task that exceeds the customer's capacity left is refused (409 capacity.exceeded) unless true; then the overload is recorded"),
  giveSpoon: z.boolean().optional().describe('true: do it for them instead: our task (assigned to you, else the account owner), effort 0, marked as a spoon given'),
});
export type TaskCreate = z.infer<typeof taskCreate>;

export const taskPatch = z
  .object({
    title: text().trim().min(1).max(300),
    reason: text().trim().max(2000),
    priority,
    dueAt: isoDateTime.nullable(),
    snoozedUntil: isoDateTime.nullable().describe('Hidden from the inbox until then; null wakes it'),
    assigneeUserId: z.uuid().nullable(),
    assigneeContactId: z.uuid().nullable(),
    customerEffort: z.number().int().min(0).max(10).nullable(),
    status: z.enum(TASK_STATUSES),
    outcomeNote: text().trim().max(5000).nullable().describe('What came of it, recorded when completing'),
    activity: z
      .object({
        subject: text().trim().min(1).max(300).optional().describe("Default: the task's title"),
        body: text().max(20_000).optional().describe('Default: the outcome note'),
        occurredAt: isoDateTime.optional().describe('Default: now'),
      })
      .nullable()
      .describe(
        'Completing a call, meeting or e-mail task (status done) with an outcome note logs that activity, linked to the task. ' +
          'Give this to edit what is logged (or to log without a note); null completes the task without logging anything.',
      ),
    confirmOverload: z.boolean().describe("A change that makes the task an ask over the customer's capacity (a contact, a higher effort, another date, reopened) is refused (409 capacity.exceeded) unless true; then the overload is recorded"),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'send at least one field');
export type TaskPatch = z.infer<typeof taskPatch>;

export const taskListQuery = z.object({
  assignee: z.union([z.literal('me'), z.literal('team'), z.literal('any'), z.uuid()]).default('any').describe("'me', 'team' (assigned to anyone in my team), a user id, or 'any'"),
  search: text().trim().min(1).max(200).optional().describe('Matches the title, the reason or the account name'),
  accountId: z.uuid().optional(),
  status: z.enum([...TASK_STATUSES, 'all']).default('open'),
  includeSnoozed: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  source: z.enum(TASK_SOURCES).optional(),
  kind: z.enum(TASK_KINDS).optional(),
  limit: queryInt(1, 500).default(200),
  cursor: text().max(500).optional().describe("The previous page's `nextCursor`, with the same filters: the page after it, ranked as of the first page"),
});
export type TaskListQuery = z.infer<typeof taskListQuery>;

const person = z.object({ type: z.enum(['user', 'contact']), id: z.uuid(), name: z.string() }).nullable();

export const task = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  accountName: z.string(),
  title: z.string(),
  reason: z.string(),
  kind: z.enum(TASK_KINDS),
  priority: z.number().int(),
  status: z.enum(TASK_STATUSES),
  dueAt: z.string().nullable(),
  snoozedUntil: z.string().nullable(),
  assignee: person,
  customerEffort: z.number().int().nullable(),
  givesSpoon: z.boolean().describe('Our task doing for the customer what we would otherwise ask of them'),
  source: z.enum(TASK_SOURCES),
  ruleFiringId: z.uuid().nullable(),
  playbookRunId: z.uuid().nullable(),
  escalationId: z.uuid().nullable(),
  outcomeNote: z.string().nullable(),
  completedAt: z.string().nullable(),
  createdAt: z.string(),
  account: z.object({
    arr: z.number(),
    healthScore: z.number().int().nullable(),
    healthBand: z.enum(['good', 'watch', 'poor']).nullable(),
    renewalDate: z.string().nullable(),
  }),
  overdue: z.boolean(),
  canAct: z.boolean().describe('Whether you may change this task (its assignee, or edit rights on its account)'),
  score: z.number().describe('Inbox urgency: priority × ARR × risk × due-soon'),
});
export type Task = z.infer<typeof task>;

export const taskList = z.object({
  items: z.array(task),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  counts: z.object({ open: z.number().int(), overdue: z.number().int(), dueToday: z.number().int(), callThem: z.number().int() }),
});
