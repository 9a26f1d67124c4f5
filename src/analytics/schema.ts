import { z } from 'zod';
import { isoDate } from '../http/zod.js';
import { rangeProblem } from '../renewals/periods.js';

/** Requests and responses of retention analytics (issue 13): the one source for validation, types and OpenAPI. */

const group = z.enum(['month', 'quarter']);
const day = () => isoDate().describe('YYYY-MM-DD (a day, nothing else)');
const checkRange = (v: { from?: string | undefined; to?: string | undefined }, ctx: z.RefinementCtx) => {
  const problem = v.from && v.to ? rangeProblem(v.from, v.to) : null;
  if (problem) ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
};

export const retentionQuery = z.object({
  period: group.default('quarter').describe('month or quarter (UTC calendar)'),
  from: day().optional().describe('First day included. Default: the start of the period four quarters (or twelve months) before this one'),
  to: day().optional().describe('First day NOT included; at most 3 years after from. Default: the end of this period'),
}).superRefine(checkRange);

export const cohortsQuery = z.object({
  by: group.default('month').describe('Cohorts by the month (or quarter) of first ARR'),
  from: day().optional().describe('Cohorts whose first ARR is on or after this day. Default: 24 months (8 quarters) before this period'),
  to: day().optional().describe('Cohorts whose first ARR is before this day; at most 3 years after from. Default: the end of this period'),
}).superRefine(checkRange);

const rateOf = (what: string) => z.number().nullable().describe(`${what}; null without a denominator or for a period that has not begun`);

export const retentionPeriod = z.object({
  period: z.string().describe('2027-Q1 or 2027-01'),
  start: z.string().describe('First day of the period (clipped to from)'),
  end: z.string().describe('First day after the period (exclusive)'),
  status: z.enum(['complete', 'partial', 'future']).describe('complete: ended; partial: holds today, figures so far; future: not begun, no figures and n 0'),
  startArr: z.number(), endArr: z.number(), newArr: z.number(), expansion: z.number(), contraction: z.number(), churned: z.number(),
  grr: rateOf('Gross revenue retention'), nrr: rateOf('Net revenue retention'), logoRetention: rateOf('Logo retention'),
  n: z.number().int().describe('Accounts with ARR at the start of the period'),
});
export const retentionResponse = z.array(retentionPeriod);

export const cohortPoint = z.object({
  offset: z.number().int().describe('Periods since the cohort period (0: the cohort period itself)'),
  period: z.string(), logos: z.number().int(), arr: z.number(),
  logoRetention: rateOf('logos / accounts'), revenueRetention: rateOf('ARR / starting ARR'),
});
export const cohort = z.object({
  cohort: z.string().describe('2025-03 (or 2025-Q1): the period of first ARR'),
  accounts: z.number().int(), startArr: z.number().describe('Sum of the accounts\' first ARR'),
  points: z.array(cohortPoint),
});
export const cohortsResponse = z.array(cohort);

export const definitionsResponse = z.object({
  basis: z.string(), startArr: z.string(), endArr: z.string(), newArr: z.string(), expansion: z.string(), contraction: z.string(), churned: z.string(),
  grr: z.string(), nrr: z.string(), logoRetention: z.string(), cohorts: z.string(),
});
