import { z } from 'zod';
import { domain, isoDate, jsonObject as storableJson, money, queryInt, queryMoney, text } from '../http/zod.js';

/** Seats an account may have; ingestion (src/ingest/traits.ts) holds Segment traits to the same bound. */
export const MAX_SEATS = 10_000_000;

export const STAGES = ['onboarding', 'adoption', 'renewal', 'churned'] as const;
export const SORTS = ['name', 'arr', 'renewalDate', 'lastActivityAt', 'lastTouchAt', 'createdAt', 'health', 'healthChange30d', 'onAutopilot', 'risk'] as const;

const jsonObject = z.record(z.string(), z.unknown());

export const accountInput = z.object({
  name: text().trim().min(1).max(200),
  domain: domain().nullish(),
  externalId: text().trim().min(1).max(200).nullish().describe('Your id for this account; Segment `group` calls use it as groupId'),
  externalIds: z.record(text().max(100), text().max(200)).optional().describe('Ids in other systems, e.g. {"salesforce": "001…"}'),
  ownerId: z.uuid().nullish(),
  teamId: z.uuid().nullish(),
  segment: text().trim().max(100).nullish(),
  stage: z.enum(STAGES).optional(),
  arr: money().optional().describe('numeric(14, 2): up to 999999999999.99'),
  seats: z.number().int().min(0).max(MAX_SEATS).nullish(),
  contractStart: isoDate().nullish(),
  renewalDate: isoDate().nullish(),
  custom: storableJson().optional().describe('Custom fields; on PATCH the object given replaces the stored one'),
});
export type AccountInput = z.infer<typeof accountInput>;

export const RENEWAL_BEFORE_START = 'The renewal date must be on or after the contract start';
export const RENEWAL_IN_PAST = 'The renewal date is in the past: pick today or a later date';

/**
 * The earliest renewal date a person may set now: yesterday in UTC, so that nobody whose own
 * calendar is still on yesterday (west of UTC) is told that their today is in the past.
 */
export function earliestNewRenewal(now: Date = new Date()): string {
  return new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
}

/**
 * The rules between an account's dates, on the values the account will have after the change:
 *
 * - the contract starts on or before the renewal date (reported on the renewal field);
 * - a renewal date being set now is not in the past. A renewal that lapsed is real data (the
 *   customer is late, the deal is in negotiation), so a date already stored may stay as it is
 *   (`kept`: the stored renewal date on an edit); it cannot be newly set to a past day.
 *
 * Dates are YYYY-MM-DD, so comparing the strings compares the days. Used by the schemas below, by
 * PATCH (with the stored values) and by the web form.
 */
export function accountDateProblems(
  v: { contractStart?: string | null; renewalDate?: string | null },
  kept?: string | null,
  now: Date = new Date(),
): { path: 'renewalDate'; message: string }[] {
  const { contractStart: start, renewalDate: renewal } = v;
  if (!renewal) return [];
  if (start && start > renewal) return [{ path: 'renewalDate', message: RENEWAL_BEFORE_START }];
  if (renewal !== kept && renewal < earliestNewRenewal(now)) return [{ path: 'renewalDate', message: RENEWAL_IN_PAST }];
  return [];
}

/** The dates of a partial body are checked against each other only when both are in it; PATCH adds the stored ones. */
const datesAgree = (v: { contractStart?: string | null; renewalDate?: string | null }, ctx: z.core.$RefinementCtx) => {
  for (const p of accountDateProblems(v)) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
};

export const accountCreate = accountInput.superRefine(datesAgree);
export const accountPatch = accountInput
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'Send at least one field')
  .superRefine((v, ctx) => {
    // The stored renewal date may be re-sent unchanged: only the route knows it, so here only the order is checked.
    if (v.contractStart && v.renewalDate && v.contractStart > v.renewalDate) {
      ctx.addIssue({ code: 'custom', path: ['renewalDate'], message: RENEWAL_BEFORE_START });
    }
  });
export type AccountPatch = z.infer<typeof accountPatch>;

const accountCore = {
  id: z.uuid(),
  name: z.string(),
  domain: z.string().nullable(),
  externalId: z.string().nullable(),
  ownerId: z.uuid().nullable(),
  ownerName: z.string().nullable(),
  segment: z.string().nullable(),
  stage: z.enum(STAGES),
  arr: z.number(),
  seats: z.number().int().nullable(),
  renewalDate: z.string().nullable(),
  lastActivityAt: z.string().nullable().describe('Last product use: the latest product event received for the account (not a CSM touch)'),
};

export const accountListItem = z.object({
  ...accountCore,
  usage: z.array(z.number().int()).describe('Daily event counts for the last 30 days, oldest first'),
  usageChange: z.number().nullable().describe('Percent change of the last 14 days against the 14 before; null without a base'),
  health: z.number().int().nullable().describe('Effective health: a valid override, else the computed score'),
  healthBand: z.enum(['good', 'watch', 'poor']).nullable().describe('Band of the effective health'),
  healthSource: z.enum(['override', 'computed']).nullable().describe('Whether health is a CSM override (valid now) or computed; null before the first computation'),
  computedHealth: z.number().int().nullable().describe('The computed score, shown beside an override'),
  computedHealthBand: z.enum(['good', 'watch', 'poor']).nullable(),
  healthChange30d: z.number().int().nullable().describe('Computed score against the snapshot 30 days ago (computed history; overrides are not moves)'),
  lastTouchAt: z.string().nullable().describe('Last touch: when the latest activity (call, meeting, e-mail, note, …) with the account happened'),
  onAutopilot: z.boolean().describe('Its last N touchpoints are routine (stored verdict, recomputed within a minute of a change and daily; GET /api/accounts/:id/autopilot says why)'),
  riskScore: z.number().int().nullable().describe('Compound risk 0–100 (GET /api/accounts/:id/risk explains it); null before the first computation'),
  riskLevel: z.enum(['low', 'medium', 'high', 'critical']).nullable().describe('Level of the compound risk: low < 25 ≤ medium < 50 ≤ high < 75 ≤ critical'),
});
export type AccountListItem = z.infer<typeof accountListItem>;

export const account = z.object({
  ...accountCore,
  teamId: z.uuid().nullable(),
  teamName: z.string().nullable(),
  externalIds: z.record(z.string(), z.string()),
  contractStart: z.string().nullable(),
  custom: jsonObject,
  createdAt: z.string(),
  updatedAt: z.string(),
  contactCount: z.number().int(),
  canEdit: z.boolean(),
});
export type Account = z.infer<typeof account>;

export const accountListQuery = z.object({
  search: text().trim().max(200).optional(),
  sort: z.enum([...SORTS, ...SORTS.map((s) => `-${s}` as const)]).default('name'),
  stage: z.enum(STAGES).optional(),
  segment: text().max(100).optional(),
  ownerId: z.union([z.uuid(), z.literal('me'), z.literal('none')]).optional(),
  renewalWithinDays: queryInt(0, 3650).optional(),
  arrMin: queryMoney().optional(),
  arrMax: queryMoney().optional(),
  band: z.enum(['good', 'watch', 'poor', 'none']).optional(),
  healthMax: queryInt(0, 100).optional(),
  healthDropMin: queryInt(1, 100).optional().describe('Dropped by at least this many points in 30 days'),
  autopilot: z.enum(['true', 'false']).optional().describe('true: only accounts on autopilot; false: only accounts not on it'),
  riskLevel: z.enum(['low', 'medium', 'high', 'critical', 'none']).optional().describe('Compound risk level; none: not computed yet'),
  cursor: text().max(500).optional(),
  limit: queryInt(1, 200).default(50),
});
export type AccountListQuery = z.infer<typeof accountListQuery>;

export const accountList = z.object({
  items: z.array(accountListItem),
  nextCursor: z.string().nullable(),
  total: z.number().int().describe('Accounts matching the filters, churned included'),
  active: z.number().int().describe('Of those, the active ones (not churned)'),
  totalArr: z.number().describe('Sum of ARR of the accounts matching the filters, churned included'),
  activeArr: z.number().describe('ARR of the active accounts matching the filters (the ARR figure every screen shows)'),
  churnedArr: z.number().describe('ARR of the churned accounts matching the filters'),
});

export const facets = z.object({
  segments: z.array(z.string()),
  stages: z.array(z.enum(STAGES)),
  owners: z.array(z.object({ id: z.uuid(), name: z.string() })),
});

export const usageQuery = z.object({
  days: queryInt(1, 730).default(90),
  event: text().max(200).optional(),
});
export const usageResponse = z.object({
  from: z.string(),
  to: z.string(),
  events: z.array(
    z.object({
      event: z.string(),
      total: z.number().int(),
      series: z.array(z.object({ day: z.string(), count: z.number().int(), users: z.number().int() })),
    }),
  ),
});
export type UsageResponse = z.infer<typeof usageResponse>;
