import { z } from 'zod';
import { STAGES } from '../accounts/schema.js';
import { CONTACT_ROLES } from '../contacts/schema.js';
import { isoDate, queryInt, text } from '../http/zod.js';
import { SURVEY_KINDS } from './scores.js';

// ---- requests

const name = () => text().trim().min(1).max(200);
const fields = {
  name: name(),
  question: text().trim().min(1).max(500).describe('What the page asks, e.g. "How likely are you to recommend us to a colleague?"'),
  commentPrompt: text().trim().max(500).nullable().describe('The label of the comment box; null: "Anything you would like to add?"'),
  emailSubject: text().trim().min(1).max(300),
  emailIntro: text().max(5000).describe('The e-mail text above the score links'),
  throttleDays: z.number().int().min(0).max(3650).describe('A contact surveyed (by any survey) within this many days is skipped'),
  reminderAfterDays: z.number().int().min(1).max(60).nullable().describe('One reminder this many days after sending to those who have not answered; null: none'),
  spoonCost: z.number().int().min(0).max(10).describe("What answering costs the customer (capacity, spoons)"),
};

export const surveyCreate = z.strictObject({
  name: fields.name,
  kind: z.enum(SURVEY_KINDS).describe('nps: 0–10, csat: 1–5, ces: 1–7'),
  question: fields.question,
  commentPrompt: fields.commentPrompt.optional(),
  emailSubject: fields.emailSubject,
  emailIntro: fields.emailIntro.default(''),
  throttleDays: fields.throttleDays.default(90),
  reminderAfterDays: fields.reminderAfterDays.default(5),
  spoonCost: fields.spoonCost.default(1),
});
export type SurveyCreate = z.infer<typeof surveyCreate>;

/** The kind cannot change once created (its answers are on its scale). */
export const surveyPatch = z.strictObject({
  name: fields.name.optional(),
  question: fields.question.optional(),
  commentPrompt: fields.commentPrompt.optional(),
  emailSubject: fields.emailSubject.optional(),
  emailIntro: fields.emailIntro.optional(),
  throttleDays: fields.throttleDays.optional(),
  reminderAfterDays: fields.reminderAfterDays.optional(),
  spoonCost: fields.spoonCost.optional(),
  archived: z.boolean().optional(),
}).refine((v) => Object.keys(v).length > 0, 'send at least one field');
export type SurveyPatch = z.infer<typeof surveyPatch>;

export const audienceFilter = z.strictObject({
  accountIds: z.array(z.uuid()).min(1).max(1000).optional(),
  segment: text().trim().min(1).max(100).optional(),
  stage: z.enum(STAGES).optional(),
  ownerId: z.uuid().optional(),
  contactRoles: z.array(z.enum(CONTACT_ROLES)).min(1).max(CONTACT_ROLES.length).optional().describe('Only contacts of these roles; absent: every contact'),
});
export type AudienceFilter = z.infer<typeof audienceFilter>;

export const surveySend = z.strictObject({
  contactIds: z.array(z.uuid()).min(1).max(1000).optional(),
  filter: audienceFilter.optional().describe('Contacts of the accounts you may update that match'),
  confirmOverload: z.boolean().optional().describe("Send to recipients over the customer's capacity too (recorded as overloads)"),
  dryRun: z.boolean().optional().describe('Say who would be sent and skipped; write nothing'),
}).superRefine((v, ctx) => {
  if (v.contactIds && v.filter) ctx.addIssue({ code: 'custom', path: ['filter'], message: 'Send contactIds or a filter, not both' });
  if (!v.contactIds && !v.filter) ctx.addIssue({ code: 'custom', path: ['contactIds'], message: 'Choose contacts (contactIds) or a filter of the book' });
});
export type SurveySend = z.infer<typeof surveySend>;

export const resultsQuery = z.strictObject({
  from: isoDate().optional(), to: isoDate().optional().describe('Inclusive'),
  commentsCursor: text().max(500).optional().describe("The previous page's nextCommentsCursor: the comments after it (the figures are the same on every page)"),
  commentsLimit: queryInt(1, 200).default(50).describe('Comments per page'),
});

/** The public answer (JSON) through a survey link. */
export const publicSurveyAnswer = z.strictObject({
  score: z.number().int().min(0).max(10).describe("On the survey's own scale (NPS 0–10, CSAT 1–5, CES 1–7)"),
  comment: text().max(5000).optional(),
  stamp: text().max(500).optional().describe('The form stamp from the page (without it the answer is kept apart as automated)'),
  website: text().max(500).optional().describe('Leave empty (a field people do not see)'),
});
export type PublicSurveyAnswer = z.infer<typeof publicSurveyAnswer>;
export const publicSurveyRecorded = z.object({
  recorded: z.literal(true),
  updated: z.boolean().describe('true: this answer replaced an earlier one through the same link'),
  counted: z.boolean().describe('false: judged automated (no page view, no or a bad stamp, under 3 s on the page, a honeypot): kept apart, not counted'),
  reason: z.enum(['honeypot_field', 'honeypot_link', 'stamp_missing', 'stamp_forged', 'stamp_expired', 'too_fast', 'not_viewed']).nullable(),
});

// ---- responses

const span = z.object({ start: z.number().int(), end: z.number().int(), phrase: z.string(), category: z.string(), polarity: z.enum(['change', 'sustain']) });
const label = z.enum(['change', 'sustain', 'neutral']);
export const shownTalk = z.object({ label, spans: z.array(span), version: z.string(), predicted: label, corrected: z.boolean() });
const named = z.object({ id: z.uuid(), name: z.string() });

export const survey = z.object({
  id: z.uuid(), name: z.string(), kind: z.enum(SURVEY_KINDS), question: z.string(), commentPrompt: z.string().nullable(),
  emailSubject: z.string(), emailIntro: z.string(), throttleDays: z.number().int(), reminderAfterDays: z.number().int().nullable(),
  spoonCost: z.number().int(), archived: z.boolean(), createdAt: z.string(),
  stats: z.object({ sent: z.number().int(), answered: z.number().int(), responseRate: z.number().nullable().describe('% of recipients who answered (bots not counted)') }),
});
export type Survey = z.infer<typeof survey>;
export const surveyList = z.object({ items: z.array(survey) });

export const skipReason = z.enum(['throttled', 'no_email', 'over_capacity', 'not_found']);
export const sendResult = z.object({
  sent: z.number().int(),
  dryRun: z.boolean(),
  recipients: z.array(z.object({ contactId: z.uuid(), contactName: z.string().nullable(), accountName: z.string() })).describe('Who was (or, in a dry run, would be) sent the survey'),
  skipped: z.array(z.object({ contactId: z.uuid(), contactName: z.string().nullable(), accountName: z.string().nullable(), reason: skipReason, detail: z.string() })),
  warnings: z.array(z.string()).describe('Problems with what was (or would be) sent that are not a skip, e.g. relative links in the e-mails because CANOPY_PUBLIC_URL is not set; empty when none'),
});
export type SendResult = z.infer<typeof sendResult>;

export const surveyComment = z.object({
  id: z.uuid(), score: z.number().int(), comment: z.string(), at: z.string(), contact: named.nullable(), account: named, changeTalk: shownTalk,
});
export const surveyResults = z.object({
  responses: z.number().int().describe('Answers counted (bots not)'),
  sent: z.number().int(),
  responseRate: z.number().nullable(),
  nps: z.object({ score: z.number().nullable(), promoters: z.number().int(), passives: z.number().int(), detractors: z.number().int(), n: z.number().int() }).optional(),
  csat: z.object({ score: z.number().nullable().describe('% of answers 4–5'), mean: z.number().nullable(), n: z.number().int() }).optional(),
  ces: z.object({ mean: z.number().nullable(), n: z.number().int() }).optional(),
  distribution: z.array(z.object({ score: z.number().int(), count: z.number().int() })),
  overTime: z.array(z.object({ month: z.string(), score: z.number().nullable(), n: z.number().int() })),
  comments: z.array(surveyComment).describe('One page of the comments, newest first (commentsLimit, from commentsCursor)'),
  commentsTotal: z.number().int().describe('All comments of the period, over every page'),
  nextCommentsCursor: z.string().nullable().describe('Pass as commentsCursor for the next page; null: this was the last'),
  bots: z.number().int().describe('Answers judged automated, kept apart and not counted'),
});
export type SurveyResults = z.infer<typeof surveyResults>;

export const accountSurveyAnswers = z.object({
  items: z.array(z.object({
    id: z.uuid(), survey: z.object({ id: z.uuid(), name: z.string(), kind: z.enum(SURVEY_KINDS) }), score: z.number().int(),
    comment: z.string().nullable(), at: z.string(), contact: named.nullable(), changeTalk: shownTalk.nullable(),
  })),
});
