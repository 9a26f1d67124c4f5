import type { Ownable } from '../auth/policy.js';
import type { Database } from '../db/connect.js';
import { AppError } from '../http/errors.js';
import { addMonths, periodStart, periodsIn, rangeProblem, resolveRange, utcDay, type Group } from '../renewals/periods.js';
import { arrHistories } from './queries.js';
import { cohorts, dayBefore, retentionByPeriod } from './retention.js';

/** Retention analytics over the ARR history, of the accounts `mayRead` allows. */

export type MayRead = (a: Ownable) => boolean;
type Range = { from?: string | undefined; to?: string | undefined };
const LEN: Record<Group, number> = { month: 1, quarter: 3 };

function checked(q: Range, fallback: { from: string; to: string }) {
  const r = resolveRange(q, fallback);
  const problem = rangeProblem(r.from, r.to);
  if (problem) throw new AppError('request.invalid', problem.message, [problem]);
  return r;
}

export function createAnalyticsService(database: Database) {
  return {
    /** GRR, NRR, logo retention and ARR movements per period. Default: the last four quarters (twelve months) and this one. */
    async retention(q: Range & { period: Group }, mayRead: MayRead, now = new Date()) {
      const today = utcDay(now);
      const current = periodStart(today, q.period);
      const { from, to } = checked(q, { from: addMonths(current, -12), to: addMonths(current, LEN[q.period]) });
      // ARR at a period's start is ARR at the end of the day before it.
      const accounts = (await arrHistories(database, dayBefore(from), to)).filter((a) => mayRead(a));
      return retentionByPeriod(accounts, periodsIn(from, to, q.period), today);
    },

    /** Cohorts by the period of first ARR. Default: cohorts from 24 months (8 quarters) before this period to now. */
    async cohorts(q: Range & { by: Group }, mayRead: MayRead, now = new Date()) {
      const today = utcDay(now);
      const current = periodStart(today, q.by);
      const range = checked(q, { from: addMonths(current, -24), to: addMonths(current, LEN[q.by]) });
      const accounts = (await arrHistories(database, null, addMonths(current, LEN[q.by]))).filter((a) => mayRead(a));
      return cohorts(accounts, q.by, range, today);
    },
  };
}
export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
