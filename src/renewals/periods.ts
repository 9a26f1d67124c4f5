/**
 * Calendar periods for renewals and retention: UTC calendar months and quarters over days written
 * YYYY-MM-DD. A range is [from, to): `to` is the first day not included, so that consecutive
 * ranges never overlap and a quarter is [2027-01-01, 2027-04-01). Pure: no I/O.
 */

export type Group = 'month' | 'quarter';
export type Period = { period: string; start: string; end: string };

/** The widest range a request may ask for (renewals, the CSV and retention alike). */
export const MAX_SPAN_YEARS = 3;

const MONTHS: Record<Group, number> = { month: 1, quarter: 3 };

const parts = (day: string): [number, number, number] => {
  const [y, m, d] = day.split('-').map(Number);
  return [y ?? 0, m ?? 1, d ?? 1];
};
const fmt = (y: number, m: number, d: number) => {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.toISOString().slice(0, 10);
};

/** The first day of the month or quarter that holds `day`. */
export function periodStart(day: string, group: Group): string {
  const [y, m] = parts(day);
  const first = group === 'month' ? m : m - ((m - 1) % 3);
  return fmt(y, first, 1);
}

/** `day` moved by whole months (day of month clamped to the target month: Jan 31 + 1 month = Feb 28/29). */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = parts(day);
  const last = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return fmt(y, m + months, Math.min(d, last));
}

/** "2027-Q1" or "2027-01". */
export function periodLabel(start: string, group: Group): string {
  const [y, m] = parts(start);
  return group === 'month' ? `${y}-${String(m).padStart(2, '0')}` : `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
}

/**
 * The periods that meet [from, to), in order, each clipped to the range: a range that starts in
 * the middle of a quarter has a first period that starts at `from` (its label is still the
 * quarter's). Empty periods are listed too, so a calendar has no holes.
 */
export function periodsIn(from: string, to: string, group: Group): Period[] {
  const out: Period[] = [];
  for (let s = periodStart(from, group); s < to; s = addMonths(s, MONTHS[group])) {
    const next = addMonths(s, MONTHS[group]);
    out.push({ period: periodLabel(s, group), start: s > from ? s : from, end: next < to ? next : to });
  }
  return out;
}

/** The index of the period (from periodsIn) that holds `day`, or -1. */
export function periodIndex(periods: readonly Period[], day: string): number {
  let lo = 0;
  let hi = periods.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = periods[mid];
    if (!p) return -1;
    if (day < p.start) hi = mid - 1;
    else if (day >= p.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** `count` whole periods from the start of the period that holds `today`: the forecast's horizon. */
export function horizon(today: string, group: Group, count: number): { from: string; to: string } {
  const from = periodStart(today, group);
  return { from, to: addMonths(from, MONTHS[group] * count) };
}

/** The renewal calendar's default: this quarter's start to four quarters ahead (whatever the grouping). */
export const defaultRenewalRange = (today: string) => horizon(today, 'quarter', 4);

/**
 * Fills a missing bound: one year from `from`, or one year before `to`; neither: `fallback`.
 * A range is then checked by rangeProblem.
 */
export function resolveRange(q: { from?: string | undefined; to?: string | undefined }, fallback: { from: string; to: string }): { from: string; to: string } {
  if (q.from && q.to) return { from: q.from, to: q.to };
  if (q.from) return { from: q.from, to: addMonths(q.from, 12) };
  if (q.to) return { from: addMonths(q.to, -12), to: q.to };
  return fallback;
}

/** Why [from, to) is not a range we answer, as {path, message}, or null. */
export function rangeProblem(from: string, to: string): { path: string; message: string } | null {
  if (from >= to) return { path: 'to', message: '`to` must be after `from` (the range is [from, to): `to` is the first day not included)' };
  if (to > addMonths(from, 12 * MAX_SPAN_YEARS)) return { path: 'to', message: `The range may span at most ${MAX_SPAN_YEARS} years` };
  return null;
}

/** Today as YYYY-MM-DD in UTC. */
export const utcDay = (now: Date) => now.toISOString().slice(0, 10);
