// "What was not acted on" and "could we have seen it?" for one churn or downgrade review (issue 12,
// seed 002: review every unexpected loss and ask why). Pure: the story in, the findings out.

export const DAY_MS = 86_400_000;

export type StorySignalFact = { id: string; kind: string; label: string; startedAt: Date };
/** Anything that counts as acting on an account: a task created, an activity logged, a playbook run started. */
export type Action = { type: 'task' | 'activity' | 'playbook_run'; at: Date };
export type TaskFact = { id: string; title: string; status: 'open' | 'done' | 'cancelled'; dueAt: Date | null; completedAt: Date | null };
export type MilestoneFact = { id: string; title: string; dueOn: string /* YYYY-MM-DD */; completedAt: Date | null };
export type Unacted = { type: 'signal' | 'task' | 'milestone'; id: string; label: string; why: string };
export type EarliestSignal = { kind: string; label: string; at: string; leadDays: number };

/** The loss day as a UTC midnight, and the instant the loss day ends (everything before it happened "before the loss"). */
export function lossBounds(lossOn: string): { lossDay: Date; lossEnd: Date } {
  const lossDay = new Date(`${lossOn}T00:00:00.000Z`);
  return { lossDay, lossEnd: new Date(lossDay.getTime() + DAY_MS) };
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * Findings, oldest first:
 * - a signal with no task created, activity logged or playbook run started on the account within
 *   `withinDays` of its start (and before the loss: acting after the customer left does not count);
 * - a task still open (or completed only after the loss) whose due date had passed at the loss, and
 *   a task cancelled before the loss;
 * - a milestone due before the loss and not completed by then.
 */
export function unactedItems(input: {
  lossOn: string;
  withinDays: number;
  signals: StorySignalFact[];
  actions: Action[];
  tasks: TaskFact[];
  milestones: MilestoneFact[];
}): Unacted[] {
  const { lossDay, lossEnd } = lossBounds(input.lossOn);
  const found: { at: number; item: Unacted }[] = [];
  const actionTimes = input.actions.map((a) => a.at.getTime()).sort((a, b) => a - b);

  for (const s of input.signals) {
    const from = s.startedAt.getTime();
    if (from >= lossEnd.getTime()) continue;
    const until = Math.min(from + input.withinDays * DAY_MS, lossEnd.getTime());
    if (actionTimes.some((t) => t >= from && t <= until)) continue;
    const window = until - from < input.withinDays * DAY_MS
      ? `between its start on ${day(s.startedAt)} and the loss`
      : `within ${plural(input.withinDays, 'day')} of its start on ${day(s.startedAt)}`;
    found.push({ at: from, item: { type: 'signal', id: s.id, label: s.label, why: `No task, activity or playbook run on the account ${window}.` } });
  }

  for (const t of input.tasks) {
    if (t.status === 'cancelled') {
      found.push({ at: t.dueAt?.getTime() ?? 0, item: { type: 'task', id: t.id, label: t.title, why: 'Cancelled: the work was dropped, not done.' } });
      continue;
    }
    if (!t.dueAt || t.dueAt.getTime() >= lossEnd.getTime()) continue;
    const doneBeforeLoss = t.completedAt !== null && t.completedAt.getTime() < lossEnd.getTime();
    if (doneBeforeLoss) continue;
    const late = Math.floor((lossDay.getTime() - t.dueAt.getTime()) / DAY_MS);
    found.push({
      at: t.dueAt.getTime(),
      item: { type: 'task', id: t.id, label: t.title, why: `Overdue at the loss: due ${day(t.dueAt)}${late > 0 ? `, ${plural(late, 'day')} before` : ''}, not done.` },
    });
  }

  for (const m of input.milestones) {
    const due = new Date(`${m.dueOn}T00:00:00.000Z`);
    if (due.getTime() >= lossDay.getTime()) continue;
    if (m.completedAt !== null && m.completedAt.getTime() < lossEnd.getTime()) continue;
    found.push({ at: due.getTime(), item: { type: 'milestone', id: m.id, label: m.title, why: `Missed: due ${m.dueOn}, not completed before the loss.` } });
  }

  return found.sort((a, b) => a.at - b.at || a.item.type.localeCompare(b.item.type) || a.item.id.localeCompare(b.item.id)).map((f) => f.item);
}

/** "Could we have seen it?": the first signal before the loss, and how many whole days before the loss day it started. */
export function earliestSignal(lossOn: string, signals: StorySignalFact[]): EarliestSignal | null {
  const { lossDay, lossEnd } = lossBounds(lossOn);
  let first: StorySignalFact | null = null;
  for (const s of signals) {
    if (s.startedAt.getTime() >= lossEnd.getTime()) continue;
    if (!first || s.startedAt.getTime() < first.startedAt.getTime() || (s.startedAt.getTime() === first.startedAt.getTime() && s.id < first.id)) first = s;
  }
  if (!first) return null;
  return { kind: first.kind, label: first.label, at: first.startedAt.toISOString(), leadDays: leadDays(lossDay, first.startedAt) };
}

/** Calendar days (UTC) from the day a signal started to the loss day: 0 when it started on the loss day. */
export function leadDays(lossDay: Date, startedAt: Date): number {
  const startDay = Math.floor(startedAt.getTime() / DAY_MS) * DAY_MS;
  return Math.max(0, Math.round((lossDay.getTime() - startDay) / DAY_MS));
}
