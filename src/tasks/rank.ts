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
