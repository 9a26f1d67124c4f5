import { periodIndex, type Period } from './periods.js';

/**
 * The renewal forecast's arithmetic (pure). A renewal's probability is 1 − the account's compound
 * risk probability (src/risk); an account Canopy has not scored yet gets DEFAULT_RISK_PROBABILITY
 * and says so (`probabilitySource: 'default'`). Its forecast is ARR × that probability; its
 * category follows the probability unless a manager overrode it for this renewal date.
 */

export const CATEGORIES = ['commit', 'likely', 'at_risk'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Risk probability assumed for an account without an account_risk row (contract: 0.05, so 0.95 to renew). */
export const DEFAULT_RISK_PROBABILITY = 0.05;
/** A renewal probability at or above these is commit, likely; below `likely` it is at risk. */
export const THRESHOLDS = { commit: 0.85, likely: 0.6 } as const;

export const round2 = (x: number) => Math.round(x * 100) / 100;

export function renewalProbability(riskProbability: number | null): { probability: number; source: 'risk' | 'default' } {
  const risk = riskProbability ?? DEFAULT_RISK_PROBABILITY;
  // 1 − p in floating point leaves noise (1 − 0.7 = 0.30000000000000004): the stored risk has 5 decimals.
  return { probability: Math.round((1 - risk) * 1e5) / 1e5, source: riskProbability === null ? 'default' : 'risk' };
}

export function suggestedCategory(probability: number): Category {
  if (probability >= THRESHOLDS.commit) return 'commit';
  if (probability >= THRESHOLDS.likely) return 'likely';
  return 'at_risk';
}

export type Evaluated = {
  renewalDate: string; arr: number; probability: number; probabilitySource: 'risk' | 'default'; forecast: number;
  suggested: Category; category: Category;
};

/** One renewal's numbers: probability, forecast (to the cent), suggested and effective category. */
export function evaluate(r: { renewalDate: string; arr: number; riskProbability: number | null; overrideCategory: Category | null }): Evaluated {
  const { probability, source } = renewalProbability(r.riskProbability);
  const suggested = suggestedCategory(probability);
  return {
    renewalDate: r.renewalDate, arr: r.arr, probability, probabilitySource: source, forecast: round2(r.arr * probability),
    suggested, category: r.overrideCategory ?? suggested,
  };
}

type Tally = { arr: number; forecast: number; count: number };
export type PeriodTotals = Period & Tally & { categories: Record<Category, Tally> };

const tally = (): Tally => ({ arr: 0, forecast: 0, count: 0 });
const add = (t: Tally, e: Evaluated) => {
  t.arr += e.arr;
  t.forecast += e.forecast;
  t.count += 1;
};
const rounded = (t: Tally): Tally => ({ arr: round2(t.arr), forecast: round2(t.forecast), count: t.count });

/**
 * ARR due, forecast and count per period, in total and per (effective) category. The period's
 * forecast is the sum of its renewals' forecasts, so the calendar adds up to the list. Renewals
 * outside every period are ignored.
 */
export function totalsByPeriod(items: readonly Evaluated[], periods: readonly Period[]): PeriodTotals[] {
  const out = periods.map((p) => ({ ...p, ...tally(), categories: { commit: tally(), likely: tally(), at_risk: tally() } }));
  for (const e of items) {
    const bucket = out[periodIndex(periods, e.renewalDate)];
    if (!bucket) continue;
    add(bucket, e);
    add(bucket.categories[e.category], e);
  }
  return out.map((b) => ({
    period: b.period, start: b.start, end: b.end, ...rounded(b),
    categories: { commit: rounded(b.categories.commit), likely: rounded(b.categories.likely), at_risk: rounded(b.categories.at_risk) },
  }));
}
