import { z } from 'zod';
import { dateTime, isoDate, queryInt, text } from '../http/zod.js';
import { REACTION_STRENGTHS, SEED_EVENT_KINDS, SEED_STAGES } from './stage.js';

/*
 * Success planting (seed 000): request and response shapes (docs/design/issue-10-contract.md).
 * Pure zod, no server imports, so the web forms can validate with these very schemas.
 */

/** A re-ask interval when the seed has no question of the library to take it from. */
export const DEFAULT_REASK_DAYS = 14;

const questionText = () => text().trim().min(1).max(500);
const theme = () => text().trim().min(1).max(100);
const variants = () => z.array(text().trim().min(1).max(500)).max(20).describe('Other ways to ask it, in the order they are re-asked');
const reaskIntervalDays = () => z.number().int().min(1).max(365).describe('Days without movement before a variant is due');

export const seedQuestionCreate = z.strictObject({
  text: questionText(),
  theme: theme(),
  variants: variants().default([]),
  reaskIntervalDays: reaskIntervalDays().default(DEFAULT_REASK_DAYS),
});
export type SeedQuestionCreate = z.infer<typeof seedQuestionCreate>;

export const seedQuestionPatch = z
  .strictObject({
    text: questionText(),
    theme: theme(),
    variants: variants().describe('Replaces the variants; seeds already planted keep how many they used'),
    reaskIntervalDays: reaskIntervalDays(),
    archived: z.boolean().describe('An archived question is no longer offered for planting; its seeds and record stay'),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'send at least one field');
export type SeedQuestionPatch = z.infer<typeof seedQuestionPatch>;

export const seedQuestionListQuery = z.strictObject({
  theme: text().trim().min(1).max(100).optional().describe('Only this theme (case-insensitive)'),
  archived: z.enum(['false', 'true', 'all']).default('false'),
});
export type SeedQuestionListQuery = z.infer<typeof seedQuestionListQuery>;

/** Which question: one of the library, or a new text (with a theme, it joins the library). */
const which = {
  questionId: z.uuid().optional().describe('A question of the library'),
  text: questionText().optional().describe('A new question, asked as written'),
  theme: theme().optional().describe('With text: the new question joins the library under this theme'),
};
function oneQuestion(v: { questionId?: string | undefined; text?: string | undefined; theme?: string | undefined }, ctx: z.RefinementCtx) {
  if (v.questionId && v.text !== undefined) ctx.addIssue({ code: 'custom', path: ['text'], message: 'Send a questionId or a new text, not both' });
  else if (!v.questionId && v.text === undefined) ctx.addIssue({ code: 'custom', path: ['questionId'], message: 'Choose a question of the library or write a new one (text)' });
  if (v.questionId && v.theme !== undefined) ctx.addIssue({ code: 'custom', path: ['theme'], message: 'The theme comes from the question; send a theme only with a new text' });
}

export const seedPlant = z
  .strictObject({
    ...which,
    contactId: z.uuid().optional().describe('Who it was asked to (a contact of the account)'),
    activityId: z.uuid().optional().describe('The activity it was asked in (of the account)'),
    askedAt: dateTime().optional().describe('When it was asked; defaults to now; not in the future'),
  })
  .superRefine(oneQuestion);
export type SeedPlant = z.infer<typeof seedPlant>;

/** The `seed` field of POST /api/activities: planted in the new activity, at its time. */
export const activitySeed = z
  .strictObject({ ...which, contactId: z.uuid().optional().describe('Who it was asked to (a contact of the account)') })
  .superRefine(oneQuestion)
  .describe('Plant a seed in this activity (asked at its time)');
export type ActivitySeed = z.infer<typeof activitySeed>;

export const seedEventCreate = z
  .strictObject({
    kind: z.enum(SEED_EVENT_KINDS),
    at: dateTime().optional().describe('When it happened; defaults to now; not before the planting nor in the future'),
    note: text().trim().min(1).max(5000).optional().describe('What happened (evidence for follow_up, raised_by_customer, discussed_in_qbr)'),
    activityId: z.uuid().optional().describe('The activity it happened in (of the same account): evidence'),
    strength: z.enum(REACTION_STRENGTHS).optional().describe('reaction only'),
    text: text().trim().min(1).max(2000).optional().describe('objection only: what they objected'),
    variant: text().trim().min(1).max(500).optional().describe('variant_asked (required) or engaged: the variant'),
    goalId: z.uuid().optional().describe('harvested only: the goal it became (of a plan of the same account)'),
  })
  .superRefine((v, ctx) => {
    // A field the kind does not read would be dropped silently: refuse it instead.
    const only: [keyof typeof v, readonly string[]][] = [
      ['strength', ['reaction']], ['text', ['objection']], ['variant', ['variant_asked', 'engaged']], ['goalId', ['harvested']],
    ];
    for (const [field, kinds] of only) {
      if (v[field] !== undefined && !kinds.includes(v.kind)) ctx.addIssue({ code: 'custom', path: [field], message: `Only for ${kinds.join(' or ')}` });
    }
  });
export type SeedEventCreate = z.infer<typeof seedEventCreate>;

export const seedHarvest = z.strictObject({
  planId: z.uuid().optional().describe("A plan of the seed's account (default: its plan, created when it has none)"),
  statement: text().trim().min(1).max(1000).optional().describe("The goal in the customer's words (default: the seed's question)"),
  why: text().trim().max(5000).optional(),
  targetDate: isoDate().optional(),
});
export type SeedHarvest = z.infer<typeof seedHarvest>;

export const funnelQuery = z.strictObject({
  months: queryInt(1, 36).default(6).describe('Calendar months back, this one included'),
});
export type FunnelQuery = z.infer<typeof funnelQuery>;

const share = z.number().min(0).max(1).nullable();
const recordCounts = {
  planted: z.number().int(),
  strongReactionShare: share.describe('Share of plantings with a strong reaction (either way); null when nothing was planted'),
  sproutedShare: share.describe('Share that reached sprouted or later (dormant ones by the highest stage they reached)'),
  harvestedShare: share.describe('Share that became a goal'),
};
export const seedRecord = z.object({
  ...recordCounts,
  medianDaysToHarvest: z.number().nullable().describe('Median days from planting to harvest; null when none was harvested'),
  byCsm: z.array(z.object({ userId: z.uuid().nullable().describe('null: planted through an API key or by a deleted user'), name: z.string(), ...recordCounts })),
});
export type SeedRecord = z.infer<typeof seedRecord>;

export const seedQuestion = z.object({
  id: z.uuid(),
  text: z.string(),
  theme: z.string(),
  variants: z.array(z.string()),
  reaskIntervalDays: z.number().int(),
  archived: z.boolean(),
  createdAt: z.string(),
  record: seedRecord,
});
export type SeedQuestion = z.infer<typeof seedQuestion>;
export const seedQuestionList = z.object({ items: z.array(seedQuestion) });

export const libraryRecord = z.object({
  themes: z.array(seedRecord.extend({ theme: z.string() })),
  questions: z.array(seedRecord.extend({ id: z.uuid(), text: z.string(), theme: z.string() })),
});

const named = z.object({ id: z.uuid(), name: z.string() });
export const seedEventOut = z.object({
  id: z.uuid(),
  kind: z.enum([...SEED_EVENT_KINDS, 'planted', 'goal_deleted']),
  at: z.string(),
  moved: z.boolean(),
  fromStage: z.enum(SEED_STAGES).nullable(),
  toStage: z.enum(SEED_STAGES),
  summary: z.string(),
  note: z.string().nullable(),
  activityId: z.uuid().nullable(),
  goalId: z.uuid().nullable(),
  strength: z.enum(REACTION_STRENGTHS).nullable(),
  text: z.string().nullable(),
  variant: z.string().nullable(),
  by: named.nullable(),
});
export type SeedEventOut = z.infer<typeof seedEventOut>;

export const seed = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  accountName: z.string(),
  questionId: z.uuid().nullable(),
  text: z.string(),
  theme: z.string().nullable(),
  contactId: z.uuid().nullable(),
  contactName: z.string().nullable(),
  activityId: z.uuid().nullable(),
  askedAt: z.string(),
  plantedBy: named.nullable(),
  stage: z.enum(SEED_STAGES),
  highStage: z.enum(SEED_STAGES).describe('The furthest stage on the growth path it reached (a dormant seed keeps it)'),
  lastMovedAt: z.string(),
  lastAskedAt: z.string(),
  variantsAsked: z.number().int(),
  nextVariant: z.string().nullable().describe('The variant to re-ask next; null when none is left (or the seed needs none)'),
  reaskDueAt: z.string().nullable().describe('When the next variant is due, or (nextVariant null) when Canopy suggests letting it rest; null when neither applies'),
  goalId: z.uuid().nullable(),
  goalStatement: z.string().nullable(),
  reaction: z.enum(REACTION_STRENGTHS).nullable().describe('The last reaction recorded'),
  canEdit: z.boolean(),
  events: z.array(seedEventOut).describe('Oldest first, the planting included'),
});
export type Seed = z.infer<typeof seed>;
export const seedList = z.object({ items: z.array(seed) });

export const funnel = z.object({
  items: z.array(z.object({
    month: z.string().describe('YYYY-MM the seeds were planted in'),
    userId: z.uuid().nullable(),
    name: z.string(),
    planted: z.number().int(),
    reacted: z.number().int().describe('Reached reacted or further (by the highest stage reached)'),
    sprouted: z.number().int(),
    rooted: z.number().int(),
    harvested: z.number().int(),
  })),
});
export type Funnel = z.infer<typeof funnel>;
