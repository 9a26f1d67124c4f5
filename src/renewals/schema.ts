import { z } from 'zod';
import { isoDate, queryInt, text } from '../http/zod.js';
import { CATEGORIES } from './forecast.js';
import { rangeProblem } from './periods.js';

/** Requests and responses of renewals and retention: the one source for validation, types and OpenAPI. */

export const category = z.enum(CATEGORIES).describe('commit (renewal probability ≥ 0.85), likely (≥ 0.6) or at_risk');
const group = z.enum(['month', 'quarter']);
const named = z.object({ id: z.uuid(), name: z.string() });
const day = () => isoDate().describe('YYYY-MM-DD (a day, nothing else)');

/** from < to and at most 3 years apart, when both are given (a missing bound is filled by the service: one year). */
const checkRange = (v: { from?: string | undefined; to?: string | undefined }, ctx: z.RefinementCtx) => {
  const problem = v.from && v.to ? rangeProblem(v.from, v.to) : null;
  if (problem) ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
};

const range = {
  from: day().optional().describe('First day included (YYYY-MM-DD). Default: the start of this quarter'),
  to: day().optional().describe('First day NOT included (YYYY-MM-DD); at most 3 years after from. Default: four quarters after from'),
};

export const renewalsQuery = z.object({
  ...range,
  group: group.default('quarter').describe('How the calendar groups renewals: month or quarter (UTC calendar)'),
  limit: queryInt(1, 500).default(100),
  cursor: text().max(500).optional().describe('nextCursor of the previous page'),
}).superRefine(checkRange);
export type RenewalsQuery = z.infer<typeof renewalsQuery>;

export const csvQuery = z.object(range).superRefine(checkRange);
export const forecastQuery = z.object({ period: group.default('quarter').describe('quarter: the next four quarters from this one; month: the next twelve months from this one') });
export const accountIdParams = z.object({ accountId: z.uuid() });
export const overrideBody = z.object({
  renewalDate: day().describe("The renewal this override is for: must be the account's current renewal date"),
  category,
  reason: text().trim().min(1).max(2000).describe('Why the manager overrides the suggested category (shown beside it)'),
});
export const overrideDeleteQuery = z.object({ renewalDate: day().describe('The renewal whose override to remove') });

const tally = z.object({ arr: z.number(), forecast: z.number(), count: z.number().int() });

export const signal = z.object({
  id: z.string(), accountId: z.uuid(), kind: z.string(), family: z.string(), label: z.string(), strength: z.number(), effective: z.number(),
  contribution: z.number().describe('Points of the risk score'), startedAt: z.string().nullable(), endedAt: z.string().nullable(),
  evidence: z.object({ summary: z.string(), facts: z.record(z.string(), z.unknown()).optional(), refs: z.array(z.object({ type: z.string(), id: z.string(), label: z.string().optional() })).optional() }),
  source: z.string().nullable(), note: z.string().nullable(), raisedBy: named.nullable(),
});

export const renewalItem = z.object({
  account: z.object({ id: z.uuid(), name: z.string(), owner: named.nullable(), segment: z.string().nullable(), stage: z.string() }),
  renewalDate: z.string(),
  arr: z.number(),
  probability: z.number().describe('Renewal probability = 1 − the compound risk probability (account_risk); 0.95 when the account has no risk yet'),
  probabilitySource: z.enum(['risk', 'default']).describe('default: no compound risk computed for the account yet; the default renewal probability stands in'),
  forecast: z.number().describe('ARR × probability'),
  category,
  suggested: category.describe('The category from the probability alone'),
  override: z.object({ category, reason: z.string(), by: named.nullable(), at: z.string() }).nullable(),
  risks: z.array(signal).describe('The three signals that contribute most to the risk, most first'),
});
export type RenewalItem = z.infer<typeof renewalItem>;

export const renewalPeriod = z.object({
  period: z.string().describe('2027-Q1 or 2027-01'), start: z.string(), end: z.string().describe('First day after the period (exclusive)'),
  arrDue: z.number(), forecast: z.number(), count: z.number().int(),
  byCategory: z.object({ commit: z.number(), likely: z.number(), at_risk: z.number() }).describe('ARR due per (effective) category'),
});

const defaults = z.object({
  riskProbability: z.number(), renewalProbability: z.number(), thresholds: z.object({ commit: z.number(), likely: z.number() }), note: z.string(),
});

export const renewalsResponse = z.object({
  from: z.string(), to: z.string(), group,
  periods: z.array(renewalPeriod),
  items: z.array(renewalItem),
  nextCursor: z.string().nullable(),
  total: z.number().int(),
  defaults,
});

export const forecastResponse = z.object({
  period: group, from: z.string(), to: z.string(),
  periods: z.array(z.object({
    period: z.string(), start: z.string(), end: z.string(), arrDue: z.number(), forecast: z.number(), count: z.number().int(),
    commit: tally, likely: tally, atRisk: tally,
  })),
  totals: z.object({ arrDue: z.number(), forecast: z.number(), count: z.number().int(), commit: tally, likely: tally, atRisk: tally }),
  defaults,
});
