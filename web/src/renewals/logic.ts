import dayjs from 'dayjs';
import type { Category, Renewal, RenewalGroup, RenewalPeriod } from '../api/renewals';

export const CATEGORY_META: Record<Category, { label: string; color: string; hex: string; rule: string }> = {
  commit: { label: 'Commit', color: 'teal', hex: '#12b886', rule: 'renewal probability ≥ 85%' },
  likely: { label: 'Likely', color: 'blue', hex: '#4dabf7', rule: 'renewal probability ≥ 60%' },
  at_risk: { label: 'At risk', color: 'red', hex: '#fa5252', rule: 'renewal probability below 60%' },
};

/** The period a renewal day falls in: `2026-07` by month, `2026-Q3` by quarter. */
export function periodOf(day: string, group: RenewalGroup): string {
  const d = dayjs(day);
  if (group === 'month') return d.format('YYYY-MM');
  return `${d.year()}-Q${Math.floor(d.month() / 3) + 1}`;
}

/** "2026-Q3" → "Q3 2026", "2026-07" → "Jul 2026"; anything else as it came. */
export function periodLabel(period: string): string {
  const q = /^(\d{4})-Q([1-4])$/.exec(period);
  if (q) return `Q${q[2]} ${q[1]}`;
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (m) return dayjs(`${period}-01`).format('MMM YYYY');
  return period;
}

/** ARR due per period and category (from the server's split when given, else summed from the items). */
export function arrByCategory(periods: RenewalPeriod[], items: Renewal[], group: RenewalGroup): Map<string, Record<Category, number>> {
  const out = new Map<string, Record<Category, number>>();
  for (const p of periods) {
    const split = p.byCategory;
    out.set(p.period, { commit: split?.commit ?? 0, likely: split?.likely ?? 0, at_risk: split?.at_risk ?? 0 });
  }
  if (periods.some((p) => p.byCategory)) return out;
  const keyFor = matcher(periods.map((p) => p.period), group);
  for (const r of items) {
    const key = keyFor(r.renewalDate);
    const row = key ? out.get(key) : undefined;
    if (row) row[r.category] += r.arr ?? 0;
  }
  return out;
}

/** Finds the server's period for a day whether it names periods `2026-Q3`, `2026-07` or by their first day. */
function matcher(periods: string[], group: RenewalGroup): (day: string) => string | null {
  const set = new Set(periods);
  return (day) => {
    const own = periodOf(day, group);
    if (set.has(own)) return own;
    const start = group === 'month' ? dayjs(day).startOf('month') : dayjs(day).startOf('month').subtract(dayjs(day).month() % 3, 'month');
    const iso = start.format('YYYY-MM-DD');
    return set.has(iso) ? iso : null;
  };
}

export type RenewalSort = 'date' | 'arr' | 'probability' | 'forecast' | 'account';
const VALUE: Record<RenewalSort, (r: Renewal) => number | string> = {
  date: (r) => r.renewalDate,
  arr: (r) => r.arr ?? -1,
  probability: (r) => r.probability,
  forecast: (r) => r.forecast ?? -1,
  account: (r) => r.account.name.toLowerCase(),
};

export function sortRenewals(rows: Renewal[], sort: string): Renewal[] {
  const desc = sort.startsWith('-');
  const key = (desc ? sort.slice(1) : sort) as RenewalSort;
  const value = VALUE[key] ?? VALUE.date;
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const c = x < y ? -1 : x > y ? 1 : 0;
    return (desc ? -c : c) || a.account.id.localeCompare(b.account.id);
  });
}
