import type { ReviewDetail, StoryItem } from '../api/reviews';

export type StoryKind = 'signal' | 'task' | 'activity' | 'escalation' | 'checkIn' | 'planEvent';

export interface StoryEntry {
  kind: StoryKind;
  id: string;
  at: string;
  title: string;
  detail: string | null;
}

export const STORY_LABEL: Record<StoryKind, string> = {
  signal: 'Signal',
  task: 'Task',
  activity: 'Activity',
  escalation: 'Escalation',
  checkIn: 'Check-in',
  planEvent: 'Plan',
};

export const STORY_COLOR: Record<StoryKind, string> = {
  signal: 'red',
  task: 'blue',
  activity: 'teal',
  escalation: 'orange',
  checkIn: 'grape',
  planEvent: 'cyan',
};

const DATE_FIELDS = ['at', 'occurredAt', 'startedAt', 'openedAt', 'createdAt', 'dueAt', 'completedAt', 'day'];
const TITLE_FIELDS = ['title', 'subject', 'initiative', 'label', 'summary', 'name', 'kind', 'type'];
const DETAIL_FIELDS = ['status', 'severity', 'quadrant', 'why', 'note', 'description'];

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const first = (item: StoryItem, fields: string[]): string | null => {
  for (const f of fields) {
    const v = str(item[f]);
    if (v) return v;
  }
  return null;
};

/** A story item's date, title and one detail line, whatever its kind names them. */
export function describeItem(kind: Exclude<StoryKind, 'signal'>, item: StoryItem): StoryEntry | null {
  const at = first(item, DATE_FIELDS);
  if (!at) return null;
  let detail = first(item, DETAIL_FIELDS);
  if (kind === 'checkIn' && typeof item.importance === 'number' && typeof item.confidence === 'number') {
    detail = `importance ${item.importance}, confidence ${item.confidence}${detail ? ` · ${detail}` : ''}`;
  }
  const title = first(item, TITLE_FIELDS) ?? STORY_LABEL[kind];
  return { kind, id: item.id, at, title: kind === 'planEvent' ? title.replace(/_/g, ' ') : title, detail };
}

/** The story in date order: signals, tasks, activities, escalations, check-ins and plan events on one line. */
export function storyTimeline(story: ReviewDetail['story']): StoryEntry[] {
  const out: StoryEntry[] = story.signals.map((s) => ({
    kind: 'signal' as const,
    id: s.id,
    at: s.startedAt,
    title: s.label ?? s.kind,
    detail: [s.evidence?.summary, s.endedAt ? `ended ${s.endedAt.slice(0, 10)}` : 'still open'].filter(Boolean).join(' · ') || null,
  }));
  const add = (kind: Exclude<StoryKind, 'signal'>, items: StoryItem[]) => {
    for (const i of items) {
      const e = describeItem(kind, i);
      if (e) out.push(e);
    }
  };
  add('task', story.tasks);
  add('activity', story.activities);
  add('escalation', story.escalations);
  add('checkIn', story.checkIns);
  add('planEvent', story.planEvents);
  return out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
}

/** "signal a + signal b": a combination's kinds in words, with the definitions' labels when the server sent them. */
export function comboLabel(kinds: string[], labels?: string[]): string {
  return kinds.map((k, i) => labels?.[i] ?? k.replace(/_/g, ' ')).join(' + ');
}

/** Lift in words: how much more often the combination preceded a loss than the book's base rate. */
export function liftWords(lift: number | null): string {
  if (lift === null || !Number.isFinite(lift)) return 'no retained accounts to compare';
  if (lift >= 1.05) return `${lift.toFixed(1)}× the base loss rate`;
  if (lift <= 0.95) return `${lift.toFixed(1)}× — seen more in accounts that stayed`;
  return 'about the base loss rate';
}

/** Root-cause tags as typed: trimmed, inner spaces collapsed, each once (case kept: the server stores them as given). */
export function cleanTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().replace(/\s+/g, ' ')).filter((t) => t.length > 0))];
}
