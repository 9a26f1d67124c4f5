import { infiniteQueryOptions, keepPreviousData, queryOptions, useInfiniteQuery, useMutation, usePrefetchInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { Band } from './healthTypes';
import type { Contact, Page } from './types';

export const TASK_KINDS = ['todo', 'call', 'email', 'meeting'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];
export type TaskStatus = 'open' | 'done' | 'cancelled';
/** plan: a task on a success-plan milestone; seed: a reminder to re-ask a variant of a planted question. */
export const TASK_SOURCES = ['manual', 'rule', 'playbook', 'escalation', 'recommendation', 'plan', 'seed'] as const;
export type TaskSource = (typeof TASK_SOURCES)[number];

export interface TaskAssignee {
  type: 'user' | 'contact';
  id: string;
  name: string;
}

export interface Task {
  id: string;
  accountId: string;
  accountName: string;
  title: string;
  reason: string;
  kind: TaskKind;
  /** 1 low, 2 normal, 3 high, 4 urgent. */
  priority: number;
  status: TaskStatus;
  dueAt: string | null;
  snoozedUntil: string | null;
  assignee: TaskAssignee | null;
  customerEffort: number | null;
  source: TaskSource;
  ruleFiringId: string | null;
  playbookRunId: string | null;
  escalationId: string | null;
  outcomeNote: string | null;
  completedAt: string | null;
  createdAt: string;
  account: { arr: number; healthScore: number | null; healthBand: Band | null; renewalDate: string | null };
  overdue: boolean;
  /** Whether you may change it (its assignee, or edit rights on its account). */
  canAct: boolean;
  /** Inbox urgency: priority × ARR × risk × due-soon. */
  score: number;
}

export interface TaskCounts {
  open: number;
  overdue: number;
  dueToday: number;
  callThem: number;
}

export interface TaskListParams {
  /** 'me', 'team' (anyone in my team), 'any' or a user id. */
  assignee?: string;
  /** Title, reason or account name. */
  search?: string;
  accountId?: string;
  status?: TaskStatus | 'all';
  includeSnoozed?: boolean;
  source?: TaskSource;
  kind?: TaskKind;
  limit?: number;
}

/** One page of GET /api/tasks: counts are of the whole filtered set, on every page. */
export interface TaskPage {
  items: Task[];
  nextCursor: string | null;
  counts: TaskCounts;
}

export interface TaskInput {
  accountId: string;
  title: string;
  reason?: string;
  kind?: TaskKind;
  priority?: number;
  dueAt?: string | null;
  assigneeUserId?: string | null;
  assigneeContactId?: string | null;
  customerEffort?: number | null;
  /** Over the customer's capacity (409 capacity.exceeded): ask anyway, recorded as an overload. */
  confirmOverload?: boolean;
  /** Over capacity: do it for them instead (our task, the customer's effort 0). */
  giveSpoon?: boolean;
}

export interface TaskPatch {
  title?: string;
  reason?: string;
  priority?: number;
  dueAt?: string | null;
  snoozedUntil?: string | null;
  assigneeUserId?: string | null;
  assigneeContactId?: string | null;
  customerEffort?: number | null;
  status?: TaskStatus;
  outcomeNote?: string | null;
  /** Completing a call, meeting or e-mail task: what to log (defaults: the title and the note); null logs nothing. */
  activity?: { subject?: string; body?: string; occurredAt?: string } | null;
}

export const taskKeys = {
  all: ['tasks'] as const,
  list: (p: TaskListParams) => ['tasks', 'list', p] as const,
  pages: (p: TaskListParams) => ['tasks', 'pages', p] as const,
  one: (id: string) => ['tasks', 'one', id] as const,
};

/** "Call them" proposals: Canopy's advice to phone instead of automating another e-mail. */
export const isCallThem = (t: Task) => t.kind === 'call' && t.source === 'recommendation';

const taskListOptions = (params: TaskListParams, enabled = true) =>
  queryOptions({
    queryKey: taskKeys.list(params),
    queryFn: ({ signal }) =>
      api<TaskPage>('/api/tasks', { query: { ...params, includeSnoozed: params.includeSnoozed === undefined ? undefined : String(params.includeSnoozed) }, signal }),
    placeholderData: keepPreviousData,
    enabled,
  });

export function useTasks(params: TaskListParams, enabled = true) {
  return useQuery(taskListOptions(params, enabled));
}

/** The inbox's pages (`limit` tasks, 50 by default) in inbox order, following `nextCursor`. */
export function taskPagesOptions(params: TaskListParams) {
  const p = { limit: 50, ...params };
  return infiniteQueryOptions({
    queryKey: taskKeys.pages(p),
    queryFn: ({ pageParam, signal }) =>
      api<TaskPage>('/api/tasks', {
        query: { ...p, includeSnoozed: p.includeSnoozed === undefined ? undefined : String(p.includeSnoozed), cursor: pageParam },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** The inbox, a page at a time (see taskPagesOptions). */
export function useTaskPages(params: TaskListParams) {
  const options = taskPagesOptions(params);
  // Asks while the page renders, not after its first commit: the first rows come ~0.1–0.2 s sooner.
  usePrefetchInfiniteQuery(options);
  return useInfiniteQuery(options);
}

export function useTask(id: string | null, enabled = true) {
  return useQuery({
    queryKey: taskKeys.one(id ?? ''),
    queryFn: ({ signal }) => api<Task>(`/api/tasks/${encodeURIComponent(id ?? '')}`, { signal }),
    enabled: enabled && !!id,
  });
}

function useInvalidateTasks() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: taskKeys.all });
    // Tasks appear in the account timeline; completing one may log an activity and move a playbook run.
    void qc.invalidateQueries({ queryKey: ['timeline'] });
    void qc.invalidateQueries({ queryKey: ['activities'] });
    void qc.invalidateQueries({ queryKey: ['playbooks'] });
    void qc.invalidateQueries({ queryKey: ['accounts'] });
    // A customer's task is an ask of their capacity (spoons).
    void qc.invalidateQueries({ queryKey: ['capacity'] });
  };
}

export function useCreateTask() {
  const invalidate = useInvalidateTasks();
  return useMutation({
    mutationFn: (input: TaskInput) => api<Task>('/api/tasks', { method: 'POST', body: input }),
    onSuccess: invalidate,
  });
}

export function useUpdateTask() {
  const invalidate = useInvalidateTasks();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: TaskPatch }) =>
      api<Task>(`/api/tasks/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch }),
    onSuccess: invalidate,
  });
}

/** An account's contacts, for assigning customer-side work; nothing is asked until an account is chosen. */
export function useContactChoices(accountId: string | null) {
  return useQuery({
    queryKey: ['contacts', accountId ?? '', 'choices'],
    queryFn: ({ signal }) => api<Page<Contact>>('/api/contacts', { query: { accountId, sort: 'name', limit: 200 }, signal }),
    select: (d) => d.items,
    enabled: !!accountId,
    staleTime: 30_000,
  });
}
