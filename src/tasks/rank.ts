/**
 * Inbox order — "what needs me today": overdue first, then by urgency = priority × ARR × risk ×
 * due-soon. Pure, so the order is tested without a database.
 */
export type Rankable = {
  priority: number;
  dueAt: Date | null;
  arr: number;
  healthBand: 'good' | 'watch' | 'poor' | null;
  renewalDate: string | null;
};

const PRIORITY_WEIGHT: Record<number, number> = { 1: 1, 2: 2, 3: 4, 4: 8 };
const RISK_WEIGHT = { poor: 3, watch: 2, good: 1 } as const;
const DAY = 86_400_000;

export function urgency(t: Rankable, now: Date): number {
  const p = PRIORITY_WEIGHT[t.priority] ?? 2;
  // ARR counts, but logarithmically: a $1M account is not 100× a $10k account's call.
  const arr = 1 + Math.log10(1 + Math.max(0, t.arr) / 1000);
  const risk = t.healthBand ? RISK_WEIGHT[t.healthBand] : 1.5;
  const daysToRenewal = t.renewalDate ? (Date.parse(`${t.renewalDate}T00:00:00Z`) - now.getTime()) / DAY : Infinity;
  const renewal = daysToRenewal >= 0 && daysToRenewal <= 60 ? 1.5 : 1;
  const dueIn = t.dueAt ? (t.dueAt.getTime() - now.getTime()) / DAY : Infinity;
  const due = dueIn <= 1 ? 1.5 : dueIn <= 7 ? 1.2 : 1;
  return Math.round(p * arr * risk * renewal * due * 100) / 100;
}

export function isOverdue(t: Pick<Rankable, 'dueAt'>, now: Date): boolean {
  return t.dueAt !== null && t.dueAt.getTime() < now.getTime();
}

export function rankInbox<T extends Rankable>(tasks: T[], now: Date): (T & { overdue: boolean; score: number })[] {
  return tasks
    .map((t) => ({ ...t, overdue: isOverdue(t, now), score: urgency(t, now) }))
    .sort((a, b) => {
      if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
      if (b.score !== a.score) return b.score - a.score;
      const ad = a.dueAt?.getTime() ?? Infinity;
      const bd = b.dueAt?.getTime() ?? Infinity;
      return ad - bd;
    });
}

/** Columns (SQL expressions) that `urgencySql` reads. */
export type RankColumns = { priority: string; arr: string; band: string; renewalDate: string; dueAt: string };

/**
 * `urgency` in SQL, so the database ranks and pages the inbox (keyset) instead of the server loading
 * every open task to sort it. Same factors, multiplied in the same order in float8 and rounded half
 * up to cents, so both give the same number (rank.sql.test.ts checks that on a real database).
 * Intervals are in hours: '60 days' would follow the session's time zone across a DST change.
 */
export function urgencySql(c: RankColumns, now: string): string {
  return `(floor(
    (CASE ${c.priority} WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 4 WHEN 4 THEN 8 ELSE 2 END)::float8
    * (1 + log10(1 + greatest(0, (${c.arr})::float8) / 1000))
    * (CASE ${c.band} WHEN 'poor' THEN 3 WHEN 'watch' THEN 2 WHEN 'good' THEN 1 ELSE 1.5 END)::float8
    * (CASE WHEN ((${c.renewalDate})::timestamp AT TIME ZONE 'UTC') BETWEEN ${now} AND ${now} + interval '1440 hours' THEN 1.5 ELSE 1 END)::float8
    * (CASE WHEN ${c.dueAt} <= ${now} + interval '24 hours' THEN 1.5 WHEN ${c.dueAt} <= ${now} + interval '168 hours' THEN 1.2 ELSE 1 END)::float8
    * 100 + 0.5) / 100)`;
}
