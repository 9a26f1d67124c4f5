import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { Band } from './healthTypes';
import type { AssigneeRole } from './playbooks';
import type { TaskKind } from './tasks';
import type { Page, Stage } from './types';

export const CMP_OPS = ['lt', 'lte', 'gt', 'gte', 'eq', 'neq'] as const;
export type Cmp = (typeof CMP_OPS)[number];
export type SetOp = 'in' | 'not_in';
export type FieldOp = Cmp | 'contains' | 'is_empty' | 'is_not_empty';

export type Leaf =
  | { type: 'health_band'; op: SetOp; bands: Band[] }
  | { type: 'health_band_changed'; to: Band[]; withinDays: number }
  | { type: 'health_score'; op: Cmp; value: number }
  | { type: 'health_score_change'; direction: 'drop' | 'rise'; points: number; withinDays: number }
  | { type: 'driver'; driver: string; measure: 'value' | 'score'; op: Cmp; value: number }
  | { type: 'stage'; op: SetOp; values: Stage[] }
  | { type: 'segment'; op: SetOp; values: string[] }
  | { type: 'arr'; op: Cmp; value: number }
  | { type: 'days_to_renewal'; op: Cmp; value: number }
  | { type: 'event'; event: string; seen: boolean; withinDays: number }
  | { type: 'field'; field: string; op: FieldOp; value?: string | number | boolean }
  | { type: 'field_changed'; field: string; withinDays: number }
  | { type: 'autopilot'; value: boolean }
  | { type: 'plan_status'; op: SetOp; statuses: PlanStatus[] }
  | { type: 'seed_stage'; stages: SeedStageName[] };
export type LeafType = Leaf['type'];
export const PLAN_STATUSES = ['off_track', 'at_risk', 'on_track', 'achieved'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export const SEED_STAGE_NAMES = ['planted', 'reacted', 'sprouted', 'rooted', 'harvested', 'dormant'] as const;
export type SeedStageName = (typeof SEED_STAGE_NAMES)[number];

export interface Condition {
  match: 'all' | 'any';
  conditions: Leaf[];
}

export type NotifyRole = 'owner' | 'manager' | 'support' | 'exec_sponsor' | 'product';
export const NOTIFY_ROLES: readonly NotifyRole[] = ['owner', 'manager', 'support', 'exec_sponsor', 'product'];

export type RuleAction =
  | { type: 'start_playbook'; playbookId: string }
  | { type: 'create_task'; title: string; reason?: string; assignee: AssigneeRole; priority: number; dueInDays: number; kind: TaskKind }
  | { type: 'notify'; recipients: NotifyRole[]; message: string }
  | { type: 'webhook'; webhookId: string }
  /** Raise a risk signal of this kind (GET /api/signal-definitions) on the account; strength defaults to the kind's. */
  | { type: 'raise_risk'; kind: string; strength?: number; note: string };
export type ActionType = RuleAction['type'];

/** How an enabled rule starts: fire for every account that matches now, or only for accounts that start matching after the save. */
export type Activation = 'now' | 'from_now_on';

export interface RuleInput {
  name: string;
  description: string;
  enabled: boolean;
  activation?: Activation;
  condition: Condition;
  actions: RuleAction[];
  /** Fires at most once per account within this many hours. */
  windowHours: number;
}

export interface Rule extends RuleInput {
  id: string;
  activation: Activation;
  activatedAt: string | null;
  firings: { total: number; last7d: number; lastAt: string | null };
  createdAt: string;
  updatedAt: string;
}

/** One condition against one account: its readable label, the account's actual value, and whether it held. */
export interface LeafResult {
  type: string;
  label: string;
  actual: unknown;
  ok: boolean;
}

/** What saving the rule to fire now would create at once. */
export interface DryRunEffects {
  firings: number;
  alreadyFired: number;
  tasks: number;
  taskAssignees: { userId: string | null; name: string; tasks: number }[];
  people: number;
  playbookRuns: number;
  notifications: number;
  emails: number;
  webhookDeliveries: number;
}

export interface DryRun {
  total: number;
  /** Every account, churned included (the book's "accounts"); split into active and churned. */
  evaluated: number;
  evaluatedActive?: number;
  evaluatedChurned?: number;
  effects: DryRunEffects;
  items: { accountId: string; name: string; arr: number; ownerName: string | null; results: LeafResult[] }[];
}

/** What one action of a firing did: `{type, taskId}`, `{type, playbookRunId}`, `{type: 'call_them', taskId, reasons}`… */
export type FiringAction = Record<string, unknown>;

export interface Firing {
  id: string;
  ruleId: string;
  accountId: string;
  accountName: string;
  firedAt: string;
  trigger: string;
  matched: { match: 'all' | 'any'; results: LeafResult[] };
  actions: FiringAction[];
}

export const ruleKeys = {
  all: ['rules'] as const,
  list: ['rules', 'list'] as const,
  one: (id: string) => ['rules', 'one', id] as const,
  firings: (id: string) => ['rules', 'firings', id] as const,
};

export function useRules() {
  return useQuery({
    queryKey: ruleKeys.list,
    queryFn: ({ signal }) => api<{ items: Rule[] }>('/api/rules', { signal }),
    select: (d) => d.items,
  });
}

export function useRule(id: string | null) {
  return useQuery({
    queryKey: ruleKeys.one(id ?? ''),
    queryFn: ({ signal }) => api<Rule>(`/api/rules/${encodeURIComponent(id ?? '')}`, { signal }),
    enabled: !!id,
  });
}

export function useRuleFirings(id: string, enabled = true) {
  return useInfiniteQuery({
    queryKey: ruleKeys.firings(id),
    queryFn: ({ pageParam, signal }) =>
      api<Page<Firing>>(`/api/rules/${encodeURIComponent(id)}/firings`, { query: { cursor: pageParam, limit: 50 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
}

function useInvalidateRules() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: ruleKeys.all });
}

export function useCreateRule() {
  const invalidate = useInvalidateRules();
  return useMutation({
    mutationFn: (input: RuleInput) => api<Rule>('/api/rules', { method: 'POST', body: input }),
    onSuccess: invalidate,
  });
}

export function useUpdateRule() {
  const invalidate = useInvalidateRules();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: Partial<RuleInput> }) =>
      api<Rule>(`/api/rules/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch }),
    onSuccess: invalidate,
  });
}

export function useDeleteRule() {
  const invalidate = useInvalidateRules();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/rules/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: invalidate,
  });
}

/** The accounts that match a condition now; nothing fires. */
export function useDryRun() {
  return useMutation({
    mutationFn: (body: { condition: Condition; limit?: number; actions?: RuleAction[]; windowHours?: number; ruleId?: string }) => api<DryRun>('/api/rules/dry-run', { method: 'POST', body }),
  });
}

/** Evaluates every enabled rule over the whole book now. */
export function useEvaluateRules() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ evaluated: number; fired: number }>('/api/rules/evaluate', { method: 'POST' }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ruleKeys.all });
      void qc.invalidateQueries({ queryKey: ['tasks'] });
      void qc.invalidateQueries({ queryKey: ['playbooks'] });
    },
  });
}
