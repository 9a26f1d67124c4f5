import { z } from 'zod';
import { dateTime, queryInt, text } from '../http/zod.js';
import { QUADRANTS } from './quadrant.js';

/*
 * Readiness (issue 11, seed 004): request and response shapes (docs/design/issue-11-contract.md).
 * Pure zod, no server imports, so the web forms can validate with these very schemas.
 */

// abort: a value that is not a whole number gets that one message, not "0 to 10" as well (1e308, 7.5).
const score = (what: string) => z.number().int({ message: 'Must be a whole number from 0 to 10', abort: true }).min(0, 'Must be 0 to 10').max(10, 'Must be 0 to 10').describe(what);
const threshold = () => z.number().int({ message: 'Must be a whole number from 1 to 10', abort: true }).min(1, 'Must be 1 to 10').max(10, 'Must be 1 to 10');
const answer = (what: string) => text().trim().max(5000).describe(what);
const title = () => text().trim().min(1).max(300);
const description = () => text().trim().max(5000);

export const quadrantSchema = z.enum(QUADRANTS);
export const INITIATIVE_STATUSES = ['active', 'done', 'dropped'] as const;

export const scores = {
  importance: score('0 = not important at all, 10 = crucially important'),
  confidence: score('0 = no confidence at all, 10 = completely confident'),
  whyNotLower: answer('"Why that number and not a lower one?"').optional(),
  whatWouldMoveHigher: answer('"What would it take to move it to a higher number?"').optional(),
};

export const initiativeCreate = z.strictObject({
  title: title(),
  description: description().optional(),
  goalId: z.uuid().optional().describe("A goal of the account's success plan"),
  milestoneId: z.uuid().optional().describe("A milestone of the account's success plan"),
});
export type InitiativeCreate = z.infer<typeof initiativeCreate>;

export const initiativePatch = z
  .strictObject({
    title: title(),
    description: description().nullable(),
    goalId: z.uuid().nullable(),
    milestoneId: z.uuid().nullable(),
    status: z.enum(INITIATIVE_STATUSES),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'send at least one field');
export type InitiativePatch = z.infer<typeof initiativePatch>;

export const checkInCreate = z.strictObject({
  accountId: z.uuid(),
  initiativeId: z.uuid({ error: (iss) => (iss.input === undefined ? 'Choose the initiative this check-in is about' : 'Must be a UUID') }),
  contactId: z.uuid().optional().describe('Who answered (a contact of the account)'),
  ...scores,
  at: dateTime().optional().describe('When it was asked; defaults to now (never in the future)'),
  activityId: z.uuid().optional().describe('The call or meeting it was asked in (an activity of the account)'),
});
export type CheckInCreate = z.infer<typeof checkInCreate>;

/** A check-in logged with an activity (the log-activity form): an initiative by id, or a new one by title. */
export const activityCheckIn = z
  .strictObject({
    initiativeId: z.uuid().optional(),
    initiativeTitle: title().optional().describe('Creates the initiative on the account'),
    contactId: z.uuid().optional(),
    ...scores,
  })
  .superRefine((v, ctx) => {
    if (v.initiativeId && v.initiativeTitle !== undefined) ctx.addIssue({ code: 'custom', path: ['initiativeTitle'], message: 'Send an initiativeId or a new initiativeTitle, not both' });
    else if (!v.initiativeId && v.initiativeTitle === undefined) ctx.addIssue({ code: 'custom', path: ['initiativeId'], message: 'Choose the initiative this check-in is about, or name a new one (initiativeTitle)' });
  });
export type ActivityCheckIn = z.infer<typeof activityCheckIn>;

export const checkInRequestCreate = z.strictObject({
  contactId: z.uuid().describe('The contact asked by e-mail (needs an e-mail address)'),
  confirmOverload: z.boolean().optional().describe("Send although it exceeds the customer's capacity (recorded)"),
});
export const checkInRequestCreated = z.object({
  requestId: z.uuid(), sentTo: z.object({ contactId: z.uuid(), name: z.string().nullable(), email: z.string() }),
  reused: z.boolean().describe('true (200): the contact already had an open request on this initiative; that one is returned, no new e-mail, no spoon charged'),
});

export const spoonTaskCreate = z.strictObject({
  title: title().optional().describe("Default: the recommendation's \"give a spoon\" task"),
  dueAt: dateTime().optional(),
});

export const settingsBody = z.strictObject({
  importanceThreshold: threshold().describe('Importance at or above this is high'),
  confidenceThreshold: threshold().describe('Confidence at or above this is high'),
});
export type ReadinessSettings = z.infer<typeof settingsBody>;

/** The public answer (JSON) of a check-in asked by e-mail. */
export const publicCheckInAnswer = z.strictObject({
  ...scores,
  stamp: text().max(500).optional().describe('The form stamp from the page /c/:token (checked when sent; a client showing its own form may leave it out)'),
  website: text().max(500).optional().describe('Leave empty (a field people do not see)'),
});
export type PublicCheckInAnswer = z.infer<typeof publicCheckInAnswer>;
export const publicCheckInRecorded = z.object({ recorded: z.literal(true), updated: z.boolean().describe('true: this answer replaced an earlier one through the same link') });

// ---- responses

const span = z.object({ start: z.number().int(), end: z.number().int(), phrase: z.string(), category: z.string(), polarity: z.enum(['change', 'sustain']) });
export const shownTalk = z.object({
  label: z.enum(['change', 'sustain', 'neutral']), spans: z.array(span), version: z.string(),
  predicted: z.enum(['change', 'sustain', 'neutral']), corrected: z.boolean(),
});
const named = z.object({ id: z.uuid(), name: z.string() });

export const checkIn = z.object({
  id: z.uuid(), initiativeId: z.uuid(), accountId: z.uuid(), contact: named.nullable(),
  importance: z.number().int(), confidence: z.number().int(), whyNotLower: z.string().nullable(), whatWouldMoveHigher: z.string().nullable(),
  source: z.enum(['csm', 'customer']), activityId: z.uuid().nullable(), at: z.string(), recordedBy: named.nullable(),
  quadrant: quadrantSchema,
  talk: z.object({ whyNotLower: shownTalk.nullable(), whatWouldMoveHigher: shownTalk.nullable() }),
});
export type CheckIn = z.infer<typeof checkIn>;

export const recommendation = z.object({
  quadrant: quadrantSchema,
  headline: z.string(),
  because: z.array(z.string()).describe('The scores, the follow-up answers and the change and sustain phrases that led here, and the movement since the last check-in'),
  actions: z.array(z.object({
    kind: z.enum(['give_spoon_task', 'start_playbook', 'link_goal', 'schedule_check_in', 'proceed']),
    label: z.string(), playbookId: z.uuid().optional(), goalId: z.uuid().optional(), taskTitle: z.string().optional(),
  })),
});

export const initiative = z.object({
  id: z.uuid(), accountId: z.uuid(), title: z.string(), description: z.string().nullable(),
  goalId: z.uuid().nullable(), goalStatement: z.string().nullable(), milestoneId: z.uuid().nullable(),
  status: z.enum(INITIATIVE_STATUSES), createdAt: z.string(),
  checkIns: z.array(checkIn).describe('Oldest first'),
  latest: z.object({ quadrant: quadrantSchema, importance: z.number().int(), confidence: z.number().int(), at: z.string() }).nullable(),
  recommendation: recommendation.nullable(),
  openRequest: z.object({ id: z.uuid(), contactId: z.uuid(), sentAt: z.string(), expiresAt: z.string() }).nullable(),
  canEdit: z.boolean(),
});
export type Initiative = z.infer<typeof initiative>;

export const thresholdsSchema = z.object({ importance: z.number().int(), confidence: z.number().int() });
export const accountReadiness = z.object({ initiatives: z.array(initiative), thresholds: thresholdsSchema, accountQuadrant: quadrantSchema.nullable() });

export const checkInRecorded = z.object({
  id: z.uuid(), quadrant: quadrantSchema, recommendation,
  changeTalk: z.object({ whyNotLower: shownTalk.nullable(), whatWouldMoveHigher: shownTalk.nullable() }),
  checkIn,
});

export const readinessSummary = z.object({
  quadrants: z.array(z.object({ quadrant: quadrantSchema, accounts: z.number().int(), arr: z.number() })),
  noCheckIn: z.object({ accounts: z.number().int(), arr: z.number() }),
  thresholds: thresholdsSchema,
  scope: z.literal('active accounts').describe('Which accounts are counted: the active ones (not churned), as the portfolio counts them by default, of those you may read'),
});

export const readinessAccountsQuery = z.object({
  quadrant: z.enum([...QUADRANTS, 'none']).describe("The summary's quadrant whose accounts to list; none: no check-in on an active initiative yet"),
  limit: queryInt(1, 200).default(50),
  cursor: text().max(500).optional().describe('nextCursor of the previous page'),
});
export const readinessAccounts = z.object({
  items: z.array(z.object({
    accountId: z.uuid(), accountName: z.string(), arr: z.number(), ownerName: z.string().nullable(), quadrant: quadrantSchema.nullable(),
    latest: z.object({ initiativeId: z.uuid(), initiativeTitle: z.string(), importance: z.number().int(), confidence: z.number().int(), at: z.string() }).nullable()
      .describe('The check-in that sets the quadrant (the most recent on an active initiative); null for none'),
  })).describe('ARR descending, then name'),
  nextCursor: z.string().nullable(),
});
