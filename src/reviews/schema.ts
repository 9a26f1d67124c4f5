import { z } from 'zod';
import { queryDecimal, queryInt, text } from '../http/zod.js';

export const REVIEW_KINDS = ['churned', 'downgraded'] as const;
export const REVIEW_STATUSES = ['open', 'concluded'] as const;
export const COULD_HAVE_SEEN = ['yes', 'partly', 'no'] as const;
export const MAX_ROOT_CAUSES = 20;
export const MAX_ROOT_CAUSE_LENGTH = 60;
export const DEFAULT_ACT_WITHIN_DAYS = 14;

const named = z.object({ id: z.uuid(), name: z.string() });

export const earliestSignal = z.object({
  kind: z.string(),
  label: z.string(),
  at: z.string().describe('When the first signal of the lookback started (ISO 8601)'),
  leadDays: z.number().int().describe('Calendar days from that day to the loss day'),
});

export const review = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  account: named,
  kind: z.enum(REVIEW_KINDS),
  outcomeId: z.uuid().nullable().describe('The outcome that opened it; null when the account was moved to churned'),
  lossOn: z.string().describe('YYYY-MM-DD'),
  arrLost: z.number().nullable(),
  lookbackDays: z.number().int(),
  status: z.enum(REVIEW_STATUSES),
  rootCauses: z.array(z.string()),
  conclusion: z.string().nullable(),
  couldHaveSeen: z.enum(COULD_HAVE_SEEN).nullable(),
  owner: named.nullable(),
  concludedBy: named.nullable(),
  concludedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  earliestSignal: earliestSignal.nullable().describe('The first signal of the lookback (or open at its start), with its lead days'),
});
export type Review = z.infer<typeof review>;

export const reviewListQuery = z.object({
  status: z.enum(REVIEW_STATUSES).optional(),
  kind: z.enum(REVIEW_KINDS).optional(),
  accountId: z.uuid().optional(),
  cursor: text().max(500).optional(),
  limit: queryInt(1, 200).default(50),
});
export type ReviewListQuery = z.infer<typeof reviewListQuery>;
export const reviewList = z.object({ items: z.array(review), nextCursor: z.string().nullable() });

const rootCause = text()
  .trim()
  .min(1, 'A root cause cannot be empty')
  .max(MAX_ROOT_CAUSE_LENGTH, `A root cause is at most ${MAX_ROOT_CAUSE_LENGTH} characters`)
  .refine((s) => !/[\p{Cc}]/u.test(s), 'A root cause is one line of text (no control characters)');

export const reviewPatch = z
  .object({
    rootCauses: z
      .array(rootCause)
      .max(MAX_ROOT_CAUSES, `At most ${MAX_ROOT_CAUSES} root causes`)
      .superRefine((xs, ctx) => {
        // Stored as given, so "Budget" and "budget" would split one cause in two: refuse the second spelling.
        const seen = new Map<string, number>();
        xs.forEach((x, i) => {
          const key = x.trim().toLocaleLowerCase('en');
          const first = seen.get(key);
          if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i], message: `Same tag as rootCauses.${first} (tags differ only by case or spaces)` });
          else seen.set(key, i);
        });
      })
      .describe('Short tags, stored as given (trimmed, case kept); replaces the list'),
    conclusion: text().trim().max(20_000).nullable().describe('What the team concluded; required to conclude'),
    couldHaveSeen: z.enum(COULD_HAVE_SEEN).nullable(),
    status: z.enum(REVIEW_STATUSES).describe('concluded needs a conclusion; open reopens it'),
    ownerId: z.uuid().nullable().describe('An active user who leads the review'),
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'send at least one field');
export type ReviewPatch = z.infer<typeof reviewPatch>;

const dated = { id: z.uuid() };
export const storySignal = z.object({
  id: z.uuid(), kind: z.string(), family: z.string(), label: z.string(), strength: z.number(),
  startedAt: z.string(), endedAt: z.string().nullable(), source: z.string(), note: z.string().nullable(),
  evidence: z.object({ summary: z.string() }).catchall(z.unknown()),
});
export const storyTask = z.object({
  ...dated, title: z.string(), status: z.enum(['open', 'done', 'cancelled']), source: z.string(), createdAt: z.string(),
  dueAt: z.string().nullable(), completedAt: z.string().nullable(), assignee: named.nullable(),
});
export const storyActivity = z.object({ ...dated, kind: z.string(), subject: z.string(), occurredAt: z.string(), proactive: z.boolean(), author: named.nullable() });
export const storyEscalation = z.object({ ...dated, title: z.string(), severity: z.string(), status: z.string(), createdAt: z.string(), resolvedAt: z.string().nullable() });
export const storyCheckIn = z.object({ ...dated, initiative: z.string(), importance: z.number().int(), confidence: z.number().int(), source: z.string(), at: z.string() });
export const storyPlanEvent = z.object({ ...dated, planId: z.uuid(), kind: z.string(), at: z.string(), data: z.record(z.string(), z.unknown()) });

export const reviewDetail = z.object({
  review,
  lookback: z.object({ from: z.string(), to: z.string(), actWithinDays: z.number().int() }),
  story: z.object({
    signals: z.array(storySignal),
    health: z.array(z.object({ day: z.string(), score: z.number().nullable() })),
    tasks: z.array(storyTask),
    activities: z.array(storyActivity),
    escalations: z.array(storyEscalation),
    checkIns: z.array(storyCheckIn),
    planEvents: z.array(storyPlanEvent),
  }),
  unacted: z.array(z.object({ type: z.enum(['signal', 'task', 'milestone']), id: z.uuid(), label: z.string(), why: z.string() })),
  earliestSignal: earliestSignal.nullable(),
  canEdit: z.boolean(),
});
export type ReviewDetail = z.infer<typeof reviewDetail>;

export const reviewDetailQuery = z.object({
  actWithinDays: queryInt(1, 90).default(DEFAULT_ACT_WITHIN_DAYS).describe('A signal counts as acted on when a task, an activity or a playbook run followed within this many days'),
});

export const patternsQuery = z.object({
  minSupport: queryDecimal(0, 1).default(0.1).describe('Share of losses a combination must precede (0–1)'),
  lookbackDays: queryInt(7, 730).default(180),
});
export const patternsResult = z.object({
  losses: z.number().int(),
  retained: z.number().int(),
  lookbackDays: z.number().int(),
  patterns: z.array(z.object({
    kinds: z.array(z.string()),
    labels: z.array(z.string()),
    support: z.number(),
    lossCount: z.number().int(),
    retainedCount: z.number().int(),
    lift: z.number(),
    medianLeadDays: z.number(),
  })),
});
