import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Page } from '../api/types';

/** The kinds the server's source registry knows (src/timeline/sources.ts). */
export const TIMELINE_KINDS = ['activity', 'task', 'health', 'playbook', 'rule', 'escalation', 'email', 'check_in'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export const timelineKindLabel: Record<TimelineKind, string> = {
  activity: 'Activities',
  task: 'Tasks',
  health: 'Health',
  playbook: 'Playbooks',
  rule: 'Rules',
  escalation: 'Escalations',
  email: 'E-mails',
  check_in: 'Check-ins',
};

export interface TimelineItem {
  id: string;
  kind: TimelineKind;
  at: string;
  title: string;
  summary: string | null;
  actor: { type: 'user' | 'rule' | 'system'; id: string | null; name: string } | null;
  refs: { activityId?: string; taskId?: string; escalationId?: string; playbookRunId?: string; ruleId?: string; [key: string]: string | undefined };
  data: Record<string, unknown>;
}

export function useTimeline(accountId: string, kinds: TimelineKind[]) {
  const all = kinds.length === TIMELINE_KINDS.length;
  return useInfiniteQuery({
    queryKey: ['timeline', accountId, all ? 'all' : [...kinds].sort().join(',')],
    queryFn: ({ pageParam, signal }) =>
      api<Page<TimelineItem>>(`/api/accounts/${encodeURIComponent(accountId)}/timeline`, {
        query: { kinds: all ? undefined : kinds.join(','), before: pageParam, limit: 25 },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: kinds.length > 0,
  });
}

export type TimelineEntry = { type: 'item'; item: TimelineItem } | { type: 'thread'; escalationId: string; items: TimelineItem[] };

/**
 * Groups everything of one escalation (opened, resolved, the activities of its thread) into one
 * entry, placed where its newest loaded item is; everything else stays as it is, newest first.
 */
export function groupThreads(items: TimelineItem[]): TimelineEntry[] {
  const threads = new Map<string, TimelineItem[]>();
  for (const i of items) {
    const e = i.refs.escalationId;
    if (e && (i.kind === 'activity' || i.kind === 'escalation')) threads.set(e, [...(threads.get(e) ?? []), i]);
  }
  const placed = new Set<string>();
  const out: TimelineEntry[] = [];
  for (const i of items) {
    const e = i.refs.escalationId;
    const thread = e ? threads.get(e) : undefined;
    if (!e || !thread || thread.length < 2) {
      out.push({ type: 'item', item: i });
      continue;
    }
    if (placed.has(e)) continue;
    placed.add(e);
    out.push({ type: 'thread', escalationId: e, items: thread });
  }
  return out;
}
