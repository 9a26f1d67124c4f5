import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';

/**
 * Success planting (issue 10, seed 000): the library of crazy questions with their record, the
 * seeds planted on an account and their evidence, the planting funnel. Shapes as in
 * docs/design/issue-10-contract.md; the stage machine itself is src/seeds/stage.ts.
 */

export const SEED_STAGES = ['planted', 'reacted', 'sprouted', 'rooted', 'harvested', 'dormant'] as const;
export type SeedStage = (typeof SEED_STAGES)[number];
/** The growth path, in order (dormant is beside it). */
export const GROWTH_STAGES = ['planted', 'reacted', 'sprouted', 'rooted', 'harvested'] as const;
export const REACTION_STRENGTHS = ['strong_positive', 'strong_negative', 'lukewarm', 'none'] as const;
export type ReactionStrength = (typeof REACTION_STRENGTHS)[number];
export const SEED_EVENT_KINDS = ['reaction', 'objection', 'follow_up', 'variant_asked', 'engaged', 'raised_by_customer', 'discussed_in_qbr', 'harvested', 'dormant'] as const;
export type SeedEventKind = (typeof SEED_EVENT_KINDS)[number];

export interface SeedRecordByCsm {
  /** null: planted through an API key or by a deleted user. */
  userId: string | null;
  name: string;
  planted: number;
  strongReactionShare: number | null;
  sproutedShare: number | null;
  harvestedShare: number | null;
}

/** Shares are 0–1, null when nothing was planted. */
export interface SeedRecord {
  planted: number;
  strongReactionShare: number | null;
  sproutedShare: number | null;
  harvestedShare: number | null;
  medianDaysToHarvest: number | null;
  byCsm: SeedRecordByCsm[];
}

export interface SeedQuestion {
  id: string;
  text: string;
  theme: string;
  variants: string[];
  reaskIntervalDays: number;
  archived: boolean;
  createdAt: string;
  record: SeedRecord;
}

export interface SeedQuestionInput {
  text: string;
  theme: string;
  variants: string[];
  reaskIntervalDays: number;
}

export interface LibraryRecord {
  themes: (SeedRecord & { theme: string })[];
  questions: (SeedRecord & { id: string; text: string; theme: string })[];
}

export interface Named {
  id: string;
  name: string;
}

export interface SeedEvent {
  id: string;
  /** `planted` opens the history; `goal_deleted` says a harvested seed went back to rooted. */
  kind: SeedEventKind | 'planted' | 'goal_deleted';
  at: string;
  moved: boolean;
  fromStage: SeedStage | null;
  toStage: SeedStage | null;
  summary: string;
  note: string | null;
  activityId: string | null;
  goalId: string | null;
  strength: ReactionStrength | null;
  text: string | null;
  variant: string | null;
  by: Named | null;
}

export interface Seed {
  id: string;
  accountId: string;
  accountName: string;
  questionId: string | null;
  text: string;
  theme: string | null;
  contactId: string | null;
  contactName: string | null;
  activityId: string | null;
  askedAt: string;
  plantedBy: Named | null;
  stage: SeedStage;
  /** The furthest stage on the growth path it reached (a dormant seed keeps it). */
  highStage: SeedStage;
  lastMovedAt: string;
  lastAskedAt: string;
  variantsAsked: number;
  nextVariant: string | null;
  reaskDueAt: string | null;
  goalId: string | null;
  goalStatement: string | null;
  reaction: ReactionStrength | null;
  canEdit: boolean;
  events: SeedEvent[];
}

/** What the log-activity form sends to plant a seed in the same step. */
export interface SeedPlantInput {
  questionId?: string;
  text?: string;
  theme?: string;
  contactId?: string;
}

export interface SeedEventInput {
  kind: SeedEventKind;
  at?: string;
  note?: string;
  activityId?: string;
  strength?: ReactionStrength;
  text?: string;
  variant?: string;
  goalId?: string;
}

export interface HarvestInput {
  planId?: string;
  statement?: string;
  why?: string;
  targetDate?: string;
}

export interface FunnelRow {
  month: string;
  userId: string | null;
  name: string;
  planted: number;
  reacted: number;
  sprouted: number;
  rooted: number;
  harvested: number;
}

export const seedKeys = {
  all: ['seeds'] as const,
  questions: (archived: boolean) => ['seeds', 'questions', archived] as const,
  question: (id: string) => ['seeds', 'question', id] as const,
  record: ['seeds', 'record'] as const,
  account: (accountId: string) => ['seeds', 'account', accountId] as const,
  funnel: (months: number) => ['seeds', 'funnel', months] as const,
};

const enc = encodeURIComponent;

/** The library; `archived` includes the retired questions too. */
export function useSeedQuestions(opts: { archived?: boolean; enabled?: boolean } = {}) {
  const archived = opts.archived ?? false;
  return useQuery({
    queryKey: seedKeys.questions(archived),
    queryFn: ({ signal }) => api<{ items: SeedQuestion[] }>('/api/seed-questions', { query: { archived: archived ? 'all' : undefined }, signal }),
    select: (d) => d.items,
    enabled: opts.enabled ?? true,
    staleTime: 60_000,
  });
}

export function useSeedQuestion(id: string | null) {
  return useQuery({
    queryKey: seedKeys.question(id ?? ''),
    queryFn: ({ signal }) => api<SeedQuestion>(`/api/seed-questions/${enc(id ?? '')}`, { signal }),
    enabled: !!id,
  });
}

export function useLibraryRecord() {
  return useQuery({
    queryKey: seedKeys.record,
    queryFn: ({ signal }) => api<LibraryRecord>('/api/seed-library/record', { signal }),
  });
}

export function useAccountSeeds(accountId: string) {
  return useQuery({
    queryKey: seedKeys.account(accountId),
    queryFn: ({ signal }) => api<{ items: Seed[] }>(`/api/accounts/${enc(accountId)}/seeds`, { signal }),
    select: (d) => d.items,
  });
}

export function useSeedFunnel(months = 6) {
  return useQuery({
    queryKey: seedKeys.funnel(months),
    queryFn: ({ signal }) => api<{ items: FunnelRow[] }>('/api/seeds/funnel', { query: { months }, signal }),
    select: (d) => d.items,
  });
}

/** A seed's move shows up in the seeds card, the library's record, the funnel, the timeline, autopilot and the plan. */
function useInvalidateSeeds() {
  const qc = useQueryClient();
  return (accountId?: string) => {
    void qc.invalidateQueries({ queryKey: seedKeys.all });
    void qc.invalidateQueries({ queryKey: accountId ? ['timeline', accountId] : ['timeline'] });
    void qc.invalidateQueries({ queryKey: accountId ? ['autopilot', accountId] : ['autopilot'] });
  };
}

export function useCreateQuestion() {
  const invalidate = useInvalidateSeeds();
  return useMutation({
    mutationFn: (input: SeedQuestionInput) => api<SeedQuestion>('/api/seed-questions', { method: 'POST', body: input }),
    onSuccess: () => invalidate(),
  });
}

export function useUpdateQuestion() {
  const invalidate = useInvalidateSeeds();
  return useMutation({
    mutationFn: ({ id, ...patch }: Partial<SeedQuestionInput> & { id: string; archived?: boolean }) =>
      api<SeedQuestion>(`/api/seed-questions/${enc(id)}`, { method: 'PATCH', body: patch }),
    onSuccess: () => invalidate(),
  });
}

export function usePlantSeed(accountId: string) {
  const invalidate = useInvalidateSeeds();
  return useMutation({
    mutationFn: (input: SeedPlantInput & { activityId?: string; askedAt: string }) =>
      api<Seed>(`/api/accounts/${enc(accountId)}/seeds`, { method: 'POST', body: input }),
    onSuccess: () => invalidate(accountId),
  });
}

export function useSeedEvent() {
  const invalidate = useInvalidateSeeds();
  return useMutation({
    mutationFn: ({ seedId, ...input }: SeedEventInput & { seedId: string }) => api<Seed>(`/api/seeds/${enc(seedId)}/events`, { method: 'POST', body: input }),
    onSuccess: (s) => invalidate(s.accountId),
  });
}

export function useHarvest() {
  const invalidate = useInvalidateSeeds();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ seedId, ...input }: HarvestInput & { seedId: string }) => api<Seed>(`/api/seeds/${enc(seedId)}/harvest`, { method: 'POST', body: input }),
    onSuccess: (s) => {
      invalidate(s.accountId);
      // The harvest made (or added to) the account's success plan.
      void qc.invalidateQueries({ queryKey: ['plans'] });
    },
  });
}

/** The activities of an account, newest first: the evidence a seed's event can point at. */
export interface ActivityRef {
  id: string;
  kind: string;
  subject: string;
  occurredAt: string;
}
export function useAccountActivityRefs(accountId: string, enabled = true) {
  return useQuery({
    queryKey: ['activities', 'refs', accountId],
    queryFn: ({ signal }) => api<{ items: ActivityRef[] }>('/api/activities', { query: { accountId, limit: 50 }, signal }),
    select: (d) => d.items,
    enabled,
  });
}

/** The account's success plans, as far as a harvest needs them: where a goal lives. */
export interface PlanRef {
  id: string;
  title: string;
  goals: { id: string; statement: string }[];
}
export function useAccountPlanRefs(accountId: string, enabled = true) {
  return useQuery({
    queryKey: ['plans', 'account', accountId],
    queryFn: ({ signal }) => api<{ items: PlanRef[] }>(`/api/accounts/${enc(accountId)}/success-plans`, { signal }),
    select: (d) => d.items,
    enabled,
    retry: false,
  });
}
