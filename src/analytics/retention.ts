import { arrOn } from '../subscriptions/steps.js';
import { addMonths, periodLabel, periodStart, type Group, type Period } from '../renewals/periods.js';

/**
 * Retention and cohorts from the ARR history (pure). Each account is a step function of ARR over days
 * (account_arr_history: ARR from valid_from until the next step; before the first step 0). A period
 * [start, end) compares each account's ARR at its start (the end of the day before) with its ARR at its
 * end (the end of its last day; for the period holding today, the end of today).
 */

export type AccountSteps = { id: string; steps: readonly { validFrom: string; arr: number }[] };
/** complete: the period has ended; partial: it holds today (figures so far); future: it has not begun (no figures). */
export type PeriodStatus = 'complete' | 'partial' | 'future';
export type RetentionPeriod = {
  period: string; start: string; end: string; status: PeriodStatus;
  startArr: number; endArr: number; newArr: number; expansion: number; contraction: number; churned: number;
  grr: number | null; nrr: number | null; logoRetention: number | null; n: number;
};
export type CohortPoint = { offset: number; period: string; logos: number; arr: number; logoRetention: number | null; revenueRetention: number | null };
export type Cohort = { cohort: string; accounts: number; startArr: number; points: CohortPoint[] };

export const DEFINITIONS = {
  basis: 'Every figure reads the ARR history: per account, ARR from each change day until the next (from its subscriptions when it has them, '
    + 'otherwise from changes of its ARR and its recorded outcomes; 0 after a churn). ARR at the start of a period is ARR at the end of the day before it; '
    + 'ARR at the end is ARR at the end of its last day (for the period holding today: today, status partial). Periods that have not begun have no figures (status future).',
  startArr: 'Starting ARR: the sum of ARR at the start of the period over accounts with ARR > 0 then (n is their number).',
  endArr: 'Ending ARR: the sum of ARR at the end of the period over all accounts = starting ARR + new − churned − contraction + expansion.',
  newArr: 'New ARR: ARR at the end of accounts that had none at the start (new customers, and former customers who came back).',
  expansion: 'Expansion: for accounts with ARR at the start and at the end, the increase (end − start where end > start).',
  contraction: 'Contraction: for accounts with ARR at the start and at the end, the decrease (start − end where end < start).',
  churned: 'Churned ARR: the starting ARR of accounts with ARR at the start and none at the end.',
  grr: 'GRR = (starting ARR − churned ARR − contraction ARR) / starting ARR. Expansion and new customers are not counted; at most 100 %. No starting ARR: no rate (null).',
  nrr: 'NRR = (starting ARR − churned ARR − contraction ARR + expansion ARR) / starting ARR, over the same accounts as GRR (new customers are not counted).',
  logoRetention: 'Logo retention = accounts with ARR at the start and at the end / accounts with ARR at the start.',
  cohorts: 'A cohort is the accounts whose first ARR (first day with ARR > 0) falls in that month. Its starting ARR is the sum of their first ARR. '
    + 'At each later month (offset 0 is the cohort month), logos = cohort accounts with ARR at the end of that month, ARR = their ARR then; '
    + 'logo retention = logos / accounts, revenue retention = ARR / starting ARR (expansion included, so it may pass 100 %).',
} as const;

/** numerator / denominator to 4 decimals; null without a positive denominator. */
export function rate(numerator: number, denominator: number): number | null {
  if (!(denominator > 0) || !Number.isFinite(numerator)) return null;
  return Math.round((numerator / denominator) * 1e4) / 1e4;
}
export const grr = (startArr: number, churned: number, contraction: number) => rate(startArr - churned - contraction, startArr);
export const nrr = (startArr: number, churned: number, contraction: number, expansion: number) => rate(startArr - churned - contraction + expansion, startArr);

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The day before a YYYY-MM-DD day. */
export function dayBefore(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

export function periodStatus(p: { start: string; end: string }, today: string): PeriodStatus {
  if (p.start > today) return 'future';
  return today < p.end ? 'partial' : 'complete';
}

/** One account's movement between ARR at the start (`s`) and at the end (`e`). */
export function movement(s: number, e: number): { start: number; end: number; new: number; expansion: number; contraction: number; churned: number; retained: boolean } {
  if (!(s > 0)) return { start: 0, end: e, new: e > 0 ? e : 0, expansion: 0, contraction: 0, churned: 0, retained: false };
  if (!(e > 0)) return { start: s, end: 0, new: 0, expansion: 0, contraction: 0, churned: s, retained: false };
  return { start: s, end: e, new: 0, expansion: Math.max(0, e - s), contraction: Math.max(0, s - e), churned: 0, retained: true };
}

export function retentionByPeriod(accounts: readonly AccountSteps[], periods: readonly Period[], today: string): RetentionPeriod[] {
  return periods.map((p) => {
    const status = periodStatus(p, today);
    const base = { period: p.period, start: p.start, end: p.end, status };
    if (status === 'future') {
      return { ...base, startArr: 0, endArr: 0, newArr: 0, expansion: 0, contraction: 0, churned: 0, grr: null, nrr: null, logoRetention: null, n: 0 };
    }
    const startDay = dayBefore(p.start);
    const endDay = status === 'partial' ? today : dayBefore(p.end);
    const t = { start: 0, end: 0, new: 0, expansion: 0, contraction: 0, churned: 0 };
    let n = 0;
    let kept = 0;
    for (const a of accounts) {
      const m = movement(arrOn(a.steps, startDay), arrOn(a.steps, endDay));
      if (m.start > 0) n += 1;
      if (m.retained) kept += 1;
      t.start += m.start; t.end += m.end; t.new += m.new; t.expansion += m.expansion; t.contraction += m.contraction; t.churned += m.churned;
    }
    return {
      ...base, startArr: round2(t.start), endArr: round2(t.end), newArr: round2(t.new), expansion: round2(t.expansion), contraction: round2(t.contraction), churned: round2(t.churned),
      grr: grr(t.start, t.churned, t.contraction), nrr: nrr(t.start, t.churned, t.contraction, t.expansion), logoRetention: rate(kept, n), n,
    };
  });
}

/** The first day with ARR > 0 and the ARR then, or null (never a customer). */
export function firstRevenue(steps: AccountSteps['steps']): { day: string; arr: number } | null {
  const s = steps.find((x) => x.arr > 0);
  return s ? { day: s.validFrom, arr: s.arr } : null;
}

const STEP: Record<Group, number> = { month: 1, quarter: 3 };

/**
 * Cohorts by the month (or quarter) of first ARR, for cohorts starting in [from, to), each followed
 * from its own period to the one holding today.
 */
export function cohorts(accounts: readonly AccountSteps[], by: Group, range: { from: string; to: string }, today: string): Cohort[] {
  const groups = new Map<string, { account: AccountSteps; first: number }[]>();
  for (const a of accounts) {
    const f = firstRevenue(a.steps);
    if (!f || f.day < range.from || f.day >= range.to || f.day > today) continue;
    const key = periodStart(f.day, by);
    const list = groups.get(key) ?? [];
    list.push({ account: a, first: f.arr });
    groups.set(key, list);
  }
  const current = periodStart(today, by);
  return [...groups.keys()].sort().map((start) => {
    const members = groups.get(start) ?? [];
    const startArr = round2(members.reduce((t, m) => t + m.first, 0));
    const points: CohortPoint[] = [];
    for (let offset = 0, s = start; s <= current; offset += 1, s = addMonths(start, STEP[by] * offset)) {
      const endDay = s === current ? today : dayBefore(addMonths(s, STEP[by]));
      let logos = 0;
      let arr = 0;
      for (const m of members) {
        const v = arrOn(m.account.steps, endDay);
        if (v > 0) { logos += 1; arr += v; }
      }
      points.push({ offset, period: periodLabel(s, by), logos, arr: round2(arr), logoRetention: rate(logos, members.length), revenueRetention: rate(arr, startArr) });
    }
    return { cohort: periodLabel(start, by), accounts: members.length, startArr, points };
  });
}
