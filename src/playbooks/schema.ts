import { z } from 'zod';
import { ASSIGNEE_ROLES, TASK_KINDS } from '../tasks/schema.js';
import { text } from '../http/zod.js';
import { OUTBOUND_STATUSES } from '../notifications/outbox-schema.js';

export const CONTACT_ROLES = ['champion', 'executive_sponsor', 'admin', 'user'] as const;
/** Steps that ask the customer (src/playbooks/ask-steps.ts): over the customer's capacity they wait, or give a spoon instead. */
export const OVERLOAD_ACTIONS = ['wait', 'give_spoon'] as const;
export type OverloadAction = (typeof OVERLOAD_ACTIONS)[number];

const title = text().trim().min(1).max(200);
const onOverload = z.enum(OVERLOAD_ACTIONS).optional()
  .describe("When the ask would exceed the customer's capacity (spoons) left: wait (the default; re-checked at the start of the next period) or give_spoon (a task of ours does it for them instead)");

export const taskStep = z.object({
  kind: z.literal('task'),
  title: title.describe('Template: {{account.name}}, {{contact.firstName}}, … rendered for the account when the task is created'),
  description: text().trim().max(2000).optional(),
  taskKind: z.enum(TASK_KINDS).optional().describe('todo (default), call, meeting or email: completing a call, meeting or e-mail task with a note logs that activity'),
  waitForTask: z.boolean().optional().describe('The next step waits until this task is done or cancelled. Default false: the next step follows as soon as the task is created (the step itself completes only when the task is done)'),
  dueOffsetDays: z.number().int().min(0).max(365).describe('Due this many days after the step runs'),
  assignee: z.enum(ASSIGNEE_ROLES).describe('owner (CSM), manager, support, exec_sponsor, product, or a customer contact role'),
  priority: z.number().int().min(1).max(4).optional(),
  customerEffort: z.number().int().min(0).max(10).optional().describe("What the task costs a customer contact (spoons): checked against the customer's capacity"),
  onOverload,
});
export const emailStep = z.object({
  kind: z.literal('email'),
  title: title.optional(),
  to: z.enum(CONTACT_ROLES).describe("The account's contact with this role (the one seen most recently)"),
  subject: text().trim().min(1).max(300).describe('Template: {{account.name}}, {{contact.firstName}}, …'),
  body: text().trim().min(1).max(20_000),
  approval: z.boolean().optional().describe("Send after a CSM approves: the rendered e-mail waits in an approval task in the owner's inbox, who may edit it, approve (it is sent) or reject it (the step is cancelled). Default false: sent as soon as the step runs"),
  spoonCost: z.number().int().min(0).max(10).optional().describe("An e-mail that asks the customer to act costs spoons (0, the default: it asks nothing); checked against the customer's capacity"),
  onOverload,
});
export type EmailStep = z.infer<typeof emailStep>;
export const waitStep = z.object({
  kind: z.literal('wait'),
  title: title.optional(),
  days: z.number().min(0).max(365).describe('The next step runs this many days later (fractions allowed)'),
});
export const webhookStep = z.object({
  kind: z.literal('webhook'),
  title: title.optional(),
  webhookId: z.uuid().describe('An outbound webhook; it receives a signed `playbook.step` event'),
});
export const applyPlanTemplateStep = z.object({
  kind: z.literal('apply_plan_template'),
  title: title.optional(),
  templateId: z.uuid().describe("A plan template: applied to the account's newest success plan (one is created when it has none), dates counted from the day the step runs"),
});
export const surveyStep = z.object({
  kind: z.literal('survey'),
  title,
  surveyId: z.uuid().optional().describe('The survey sent (GET /api/surveys). Without one (steps saved before surveys existed) the owner gets a task and the result says "no survey chosen"'),
  to: z.enum(CONTACT_ROLES).optional().describe("The account's contact with this role and an e-mail address (the one seen most recently); none: a task for the owner to ask on a call"),
  note: text().trim().max(2000).optional(),
  onOverload,
});
export const checkinStep = z.object({
  kind: z.literal('checkin'),
  title: title.describe("The initiative asked about: found on the account by title (case-insensitive), created when it has none"),
  to: z.enum(CONTACT_ROLES).optional().describe("The contact asked by e-mail (importance and confidence, on a one-time page); none with an e-mail: a task for the owner to run the check-in on a call"),
  note: text().trim().max(2000).optional(),
  onOverload,
});
export type SurveyStep = z.infer<typeof surveyStep>;
export type CheckinStep = z.infer<typeof checkinStep>;
export type TaskStep = z.infer<typeof taskStep>;

export const step = z.discriminatedUnion('kind', [taskStep, emailStep, waitStep, webhookStep, applyPlanTemplateStep, surveyStep, checkinStep]);
export type Step = z.infer<typeof step>;

export const playbookInput = z.object({
  name: text().trim().min(1).max(200),
  description: text().trim().max(5000).default(''),
  steps: z.array(step).min(1).max(50),
});
export type PlaybookInput = z.infer<typeof playbookInput>;
export const playbookPatch = z
  .object({ name: playbookInput.shape.name, description: text().trim().max(5000), steps: playbookInput.shape.steps })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'send at least one field');
export type PlaybookPatch = z.infer<typeof playbookPatch>;

export const playbook = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  version: z.number().int().describe('The current version; edits make a new one, running playbooks keep theirs'),
  steps: z.array(step),
  archived: z.boolean(),
  runs: z.object({ running: z.number().int(), completed: z.number().int(), cancelled: z.number().int() }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Playbook = z.infer<typeof playbook>;

/**
 * pending: not started; issued: its effect started and is not over (its task is open, its wait has
 * not passed, its e-mail waits for approval or for the outbox); completed: over (the task is done,
 * the time has passed, the e-mail was sent, the delivery was queued); skipped, failed; cancelled: its task was cancelled, or the run was.
 */
export const STEP_STATUSES = ['pending', 'issued', 'completed', 'skipped', 'failed', 'cancelled'] as const;
export const RUN_STATUSES = ['running', 'completed', 'cancelled', 'failed'] as const;

export const runStep = z.object({
  index: z.number().int(),
  kind: z.string(),
  title: z.string(),
  status: z.enum(STEP_STATUSES),
  runAt: z.string().nullable().describe('When a pending step is due; for an issued wait, when the wait is over'),
  issuedAt: z.string().nullable(),
  finishedAt: z.string().nullable().describe('When it completed, was skipped, failed or was cancelled'),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  task: z.object({ id: z.uuid(), status: z.enum(['open', 'done', 'cancelled']), title: z.string() }).nullable().describe('The task a task step created (for an e-mail step: its approval task)'),
  email: z.object({
    id: z.uuid(),
    status: z.enum(OUTBOUND_STATUSES),
    to: z.string(),
    subject: z.string(),
    lastError: z.string().nullable().describe('Why it waits or failed (e.g. e-mail is not configured)'),
    messageId: z.string().nullable(),
    sentAt: z.string().nullable(),
  }).nullable().describe("An e-mail step's message: the step is issued until it is sent (completed), failed or cancelled"),
});
export type RunStep = z.infer<typeof runStep>;
export const run = z.object({
  id: z.uuid(),
  playbookId: z.uuid(),
  playbookName: z.string(),
  version: z.number().int(),
  accountId: z.uuid(),
  accountName: z.string(),
  status: z.enum(RUN_STATUSES),
  startedBy: z.uuid().nullable(),
  ruleFiringId: z.uuid().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  progress: z.object({
    done: z.number().int().describe('Steps with nothing left to do: completed, skipped, failed or cancelled'),
    completed: z.number().int(),
    issued: z.number().int().describe('Started and not over: open tasks, waits that have not passed'),
    cancelled: z.number().int(),
    total: z.number().int(),
  }).describe('The run is running until done = total'),
  steps: z.array(runStep),
});
export type Run = z.infer<typeof run>;

export const startRunBody = z.object({ playbookId: z.uuid() });

export const emailPreviewBody = z.object({
  accountId: z.uuid().describe('The account to render for (its contact in the role, its owner, …)'),
  step: emailStep.pick({ to: true, subject: true, body: true }),
});
export const emailPreview = z.object({
  to: z.object({ contactId: z.uuid(), name: z.string().nullable(), email: z.string() }).nullable().describe('null: the account has no contact in the role with an e-mail address; the step would be skipped'),
  subject: z.string(),
  body: z.string(),
  note: z.string().nullable().describe('What would happen instead of sending, or how it would wait'),
});
export type EmailPreview = z.infer<typeof emailPreview>;
