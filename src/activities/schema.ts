import { z } from 'zod';
import { dateTime, queryInt, text } from '../http/zod.js';
import { activitySeed } from '../seeds/schema.js';
import { activityCheckIn } from '../readiness/schema.js';
import { shownTalk } from '../changetalk/schema.js';

/** `ticket`: a support ticket (imported from a helpdesk; reactive by inference, with priority and status). */
export const ACTIVITY_KINDS = ['call', 'meeting', 'email', 'note', 'qbr', 'escalation', 'ticket'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
/** What an activity answers: any of these makes it reactive unless a person says otherwise. */
export const RESPONDS_TO = ['escalation', 'ticket', 'complaint', 'risk'] as const;
export type RespondsTo = (typeof RESPONDS_TO)[number];

const isoDateTime = dateTime();
const ids = z.array(z.uuid()).max(100);

export const participantsInput = z.object({
  userIds: ids.default([]).describe('People on our side'),
  contactIds: ids.default([]).describe('Contacts of the same account'),
});

const fields = {
  kind: z.enum(ACTIVITY_KINDS),
  occurredAt: isoDateTime.describe('When it happened; defaults to now'),
  subject: text().trim().min(1).max(300),
  body: text().max(20_000),
  participants: participantsInput,
  respondsTo: z.enum(RESPONDS_TO).nullable().describe('What it answers; makes it reactive by inference'),
  escalationId: z.uuid().nullable().describe('An escalation of the same account: the activity joins its thread'),
};

export const activityCreate = z.object({
  accountId: z.uuid(),
  kind: fields.kind,
  occurredAt: fields.occurredAt.optional(),
  subject: fields.subject,
  body: fields.body.optional(),
  participants: fields.participants.optional(),
  respondsTo: fields.respondsTo.optional(),
  escalationId: fields.escalationId.optional(),
  proactive: z.boolean().optional().describe('Set it to override the inference (recorded as manual)'),
  seed: activitySeed.optional(),
  checkIn: activityCheckIn.optional().describe('A readiness check-in asked in this activity (recorded in the same transaction, at its time)'),
});
export type ActivityCreate = z.infer<typeof activityCreate>;

/** Logging into an escalation's thread: the account and escalation come from the escalation. */
export const threadActivityCreate = activityCreate.omit({ accountId: true, escalationId: true, seed: true }).extend({
  kind: fields.kind.default('escalation'),
});
export type ThreadActivityCreate = z.infer<typeof threadActivityCreate>;

export const activityPatch = z
  .object({
    kind: fields.kind,
    occurredAt: fields.occurredAt,
    subject: fields.subject,
    body: fields.body,
    participants: fields.participants,
    respondsTo: fields.respondsTo,
    escalationId: fields.escalationId,
    proactive: z.boolean().nullable().describe('true/false sets it by hand; null goes back to the inferred value'),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'send at least one field');
export type ActivityPatch = z.infer<typeof activityPatch>;

const named = z.object({ id: z.uuid(), name: z.string() });

export const activity = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  accountName: z.string(),
  kind: z.enum(ACTIVITY_KINDS),
  occurredAt: z.string(),
  subject: z.string(),
  body: z.string(),
  respondsTo: z.enum(RESPONDS_TO).nullable(),
  escalationId: z.uuid().nullable(),
  proactive: z.boolean(),
  proactiveSource: z.enum(['inferred', 'manual']),
  author: named.nullable(),
  participants: z.object({ users: z.array(named), contacts: z.array(named) }),
  taskId: z.uuid().nullable().describe('The call, meeting or e-mail task whose completion logged it'),
  createdAt: z.string(),
  updatedAt: z.string(),
  changeTalk: shownTalk.describe('Change and sustain talk in the body, with the phrases (spans index into body)'),
});
export type Activity = z.infer<typeof activity>;
/** An activity as stored, before its body's change talk is added. */
export type ActivityRecord = Omit<Activity, 'changeTalk'>;

export const activityListQuery = z.object({
  accountId: z.uuid().optional(),
  authorId: z.uuid().optional(),
  escalationId: z.uuid().optional(),
  kind: z.enum(ACTIVITY_KINDS).optional(),
  from: isoDateTime.optional().describe('occurredAt ≥ from'),
  to: isoDateTime.optional().describe('occurredAt < to'),
  cursor: text().max(500).optional(),
  limit: queryInt(1, 200).default(50),
});
export type ActivityListQuery = z.infer<typeof activityListQuery>;
export const activityList = z.object({ items: z.array(activity), nextCursor: z.string().nullable() });

export const ratioQuery = z.object({
  accountId: z.uuid().optional(),
  userId: z.uuid().optional().describe('Activities this person logged'),
  teamId: z.uuid().optional().describe('Activities logged by members of this team'),
  from: isoDateTime.optional().describe('Default: 90 days before `to`'),
  to: isoDateTime.optional().describe('Default: now'),
  bucket: z.enum(['week', 'month']).default('week').describe('UTC weeks (from Monday) or calendar months'),
});
export type RatioQuery = z.infer<typeof ratioQuery>;

const counts = { proactive: z.number().int(), reactive: z.number().int(), ratio: z.number().nullable().describe('proactive ÷ total; null when there is none') };
export const ratioResponse = z.object({
  from: z.string(),
  to: z.string(),
  bucket: z.enum(['week', 'month']),
  ...counts,
  series: z.array(z.object({ periodStart: z.string().describe('UTC day the period starts'), ...counts })),
  byUser: z.array(z.object({ userId: z.uuid().nullable().describe('null: logged through an API key'), name: z.string(), ...counts })),
});
export type RatioResponse = z.infer<typeof ratioResponse>;
