import { z } from 'zod';
import { dateTime, text } from '../http/zod.js';
import { GOAL_STATUSES } from './progress.js';
import { progressOut } from './schema.js';

/*
 * The shared link of a success plan: what the CSM sends and reads (authenticated), and what the
 * holder of the link sees and may send (public). Public shapes name things by link-scoped refs
 * (share-token.ts), never by internal id; every request schema is strict.
 */

export const shareCreate = z.strictObject({
  expiresAt: dateTime().nullish().describe('When the link stops working (must be in the future); none = until revoked'),
  allowCustomerUpdates: z.boolean().optional().describe('Whether the customer may tick its own tasks done and leave comments (default false)'),
});
export type ShareCreate = z.infer<typeof shareCreate>;

export const shareCreated = z.object({
  url: z.string().describe('The link to send: absolute with CANOPY_PUBLIC_URL, else relative to this server'),
  token: z.string().describe('Shown once; only its hash is kept'),
  expiresAt: z.string().nullable(),
  allowCustomerUpdates: z.boolean(),
  createdAt: z.string(),
});
export type ShareCreated = z.infer<typeof shareCreated>;

export const shareState = z.object({
  link: z
    .object({ createdAt: z.string(), expiresAt: z.string().nullable(), allowCustomerUpdates: z.boolean(), revokedAt: z.string().nullable() })
    .nullable()
    .describe("The plan's latest link (live, expired or revoked); null when it was never shared"),
  views: z.array(z.object({ at: z.string(), userAgent: z.string().nullable(), linkCreatedAt: z.string() })).describe('The latest 50 views, through any of its links'),
  viewCount: z.number().int(),
  lastViewedAt: z.string().nullable(),
  comments: z.array(z.object({ id: z.uuid(), contactName: z.string(), body: z.string(), goalId: z.uuid().nullable(), createdAt: z.string() })),
});
export type ShareState = z.infer<typeof shareState>;

// Public

const ref = z.string().describe('An id valid only within this link');
const status = z.enum(GOAL_STATUSES);

export const publicTask = z.object({
  id: ref,
  title: z.string(),
  status: z.enum(['open', 'done', 'cancelled']),
  dueAt: z.string().nullable(),
  side: z.enum(['vendor', 'customer']),
  ownerName: z.string().nullable(),
  canComplete: z.boolean().describe('An open customer-side task, on a link that allows updates'),
});
export type PublicTask = z.infer<typeof publicTask>;

export const publicMilestone = z.object({
  title: z.string(),
  dueAt: z.string().nullable(),
  done: z.boolean(),
  completedAt: z.string().nullable(),
  overdueDays: z.number().int(),
  owner: z.object({ side: z.enum(['vendor', 'customer']), name: z.string() }).nullable(),
  tasks: z.array(publicTask),
});

export const publicCriterion = z.object({
  name: z.string(),
  direction: z.enum(['up', 'down']),
  baseline: z.number().nullable(),
  current: z.number().nullable(),
  target: z.number().nullable(),
  progress: z.number().int().nullable().describe('0–100; null = no data yet (never 0)'),
  state: z.enum(['measured', 'no_data', 'no_target', 'no_baseline']),
  met: z.boolean(),
  measuredAt: z.string().nullable().describe('YYYY-MM-DD of the latest value'),
  ratings: z.object({ vendor: z.number().nullable(), customer: z.number().nullable() }).nullable(),
});

export const publicGoal = z.object({
  id: ref,
  statement: z.string(),
  why: z.string(),
  targetDate: z.string().nullable(),
  status,
  statusLabel: z.string(),
  statusReasons: z.array(z.string()),
  progress: progressOut,
  criteria: z.array(publicCriterion),
  milestones: z.array(publicMilestone),
});
export type PublicGoal = z.infer<typeof publicGoal>;

export const publicComment = z.object({ contactName: z.string(), body: z.string(), goalId: ref.nullable(), createdAt: z.string() });
export type PublicComment = z.infer<typeof publicComment>;

export const publicPlan = z.object({
  title: z.string(),
  accountName: z.string(),
  status,
  statusLabel: z.string(),
  statusReasons: z.array(z.string()),
  progress: progressOut,
  goals: z.array(publicGoal),
  allowCustomerUpdates: z.boolean(),
  expiresAt: z.string().nullable(),
  contacts: z.array(z.object({ id: ref, name: z.string() })).describe("Who may sign a tick or a comment (the account's contacts, by name); empty when updates are off"),
  comments: z.array(publicComment).describe('Comments left through this link, newest first'),
});
export type PublicPlan = z.infer<typeof publicPlan>;

export const tokenParams = z.strictObject({ token: text().max(200) });
export const taskParams = z.strictObject({ token: text().max(200), taskId: text().max(200) });

const refField = () => text().trim().min(1).max(100);
export const publicComplete = z.strictObject({ contactId: refField().describe("Who ticks it: a contact's id from this page") });
export type PublicComplete = z.infer<typeof publicComplete>;
export const publicCommentCreate = z.strictObject({
  contactId: refField().describe("Who writes: a contact's id from this page"),
  body: text().trim().min(1).max(5000),
  goalId: refField().nullish().describe("The goal it is about: a goal's id from this page"),
});
export type PublicCommentCreate = z.infer<typeof publicCommentCreate>;
