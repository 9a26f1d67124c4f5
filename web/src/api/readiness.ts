import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { named, shownTalk } from './changeTalk';
import { api } from './client';

/**
 * Readiness (issue 11, seed 004): initiatives, the two scaling questions asked in check-ins, the
 * quadrant they put an initiative in and what to do next. Shapes as in
 * docs/design/issue-11-contract.md; the rules themselves are src/readiness/quadrant.ts.
 */

export const QUADRANTS = ['ready', 'enable', 'align', 'nurture'] as const;
export const quadrantSchema = z.enum(QUADRANTS);
export type Quadrant = z.infer<typeof quadrantSchema>;

/** The two follow-up questions, word for word (seed 004). */
export const WHY_NOT_LOWER = 'Why did you pick that number and not a lower one?';
export const WHAT_WOULD_MOVE_HIGHER = 'What would it take to move it to a higher number?';

export const checkIn = z.object({
  id: z.string(),
  initiativeId: z.string(),
  accountId: z.string(),
  contact: named.nullable(),
  importance: z.number().int(),
  confidence: z.number().int(),
  whyNotLower: z.string().nullable(),
  whatWouldMoveHigher: z.string().nullable(),
  source: z.enum(['csm', 'customer']),
  activityId: z.string().nullable(),
  at: z.string(),
  recordedBy: named.nullable(),
  quadrant: quadrantSchema,
  talk: z.object({ whyNotLower: shownTalk.nullable(), whatWouldMoveHigher: shownTalk.nullable() }),
});

export const ACTION_KINDS = ['give_spoon_task', 'start_playbook', 'link_goal', 'schedule_check_in', 'proceed'] as const;
export const recommendation = z.object({
  quadrant: quadrantSchema,
  headline: z.string(),
  because: z.array(z.string()),
  actions: z.array(
    z.object({
      kind: z.enum(ACTION_KINDS),
      label: z.string(),
      playbookId: z.string().optional(),
      goalId: z.string().optional(),
      taskTitle: z.string().optional(),
    }),
  ),
});

export const initiative = z.object({
  id: z.string(),
  accountId: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  goalId: z.string().nullable(),
  goalStatement: z.string().nullable(),
  milestoneId: z.string().nullable(),
  status: z.enum(['active', 'done', 'dropped']),
  createdAt: z.string(),
  checkIns: z.array(checkIn),
  latest: z.object({ quadrant: quadrantSchema, importance: z.number(), confidence: z.number(), at: z.string() }).nullable(),
  recommendation: recommendation.nullable(),
  openRequest: z.object({ id: z.string(), contactId: z.string(), sentAt: z.string(), expiresAt: z.string() }).nullable(),
  canEdit: z.boolean(),
});

export const thresholds = z.object({ importance: z.number().int(), confidence: z.number().int() });
export const accountReadiness = z.object({ initiatives: z.array(initiative), thresholds, accountQuadrant: quadrantSchema.nullable() });

export const checkInRecorded = z.object({
  id: z.string(),
  quadrant: quadrantSchema,
  recommendation,
  changeTalk: z.object({ whyNotLower: shownTalk.nullable(), whatWouldMoveHigher: shownTalk.nullable() }),
  checkIn,
});

export const readinessSummary = z.object({
  quadrants: z.array(z.object({ quadrant: quadrantSchema, accounts: z.number().int(), arr: z.number() })),
  noCheckIn: z.object({ accounts: z.number().int(), arr: z.number() }),
  thresholds,
});

export const readinessSettings = z.object({ importanceThreshold: z.number().int(), confidenceThreshold: z.number().int() });

export type CheckIn = z.infer<typeof checkIn>;
export type Recommendation = z.infer<typeof recommendation>;
export type RecommendedAction = Recommendation['actions'][number];
export type Initiative = z.infer<typeof initiative>;
export type Thresholds = z.infer<typeof thresholds>;
export type AccountReadiness = z.infer<typeof accountReadiness>;
export type CheckInRecorded = z.infer<typeof checkInRecorded>;
export type ReadinessSummary = z.infer<typeof readinessSummary>;
export type ReadinessSettings = z.infer<typeof readinessSettings>;

/** The scales and follow-ups, as the forms send them. */
export interface CheckInAnswers {
  importance: number;
  confidence: number;
  whyNotLower?: string;
  whatWouldMoveHigher?: string;
}

export interface CheckInInput extends CheckInAnswers {
  accountId: string;
  initiativeId: string;
  contactId?: string;
}

/** `checkIn` on activity creation: an initiative by id, or a new one by title. */
export interface ActivityCheckInInput extends CheckInAnswers {
  initiativeId?: string;
  initiativeTitle?: string;
  contactId?: string;
}

export interface InitiativeInput {
  title: string;
  description?: string;
  goalId?: string;
}

export interface InitiativePatch {
  title?: string;
  description?: string | null;
  goalId?: string | null;
  status?: 'active' | 'done' | 'dropped';
}

export const readinessKeys = {
  all: ['readiness'] as const,
  account: (accountId: string) => ['readiness', 'account', accountId] as const,
  summary: ['readiness', 'summary'] as const,
  settings: ['readiness', 'settings'] as const,
};

const enc = encodeURIComponent;

export function useAccountReadiness(accountId: string) {
  return useQuery({
    queryKey: readinessKeys.account(accountId),
    queryFn: ({ signal }) => api<unknown>(`/api/accounts/${enc(accountId)}/readiness`, { signal }).then((r) => accountReadiness.parse(r)),
  });
}

export function useReadinessSummary() {
  return useQuery({
    queryKey: readinessKeys.summary,
    queryFn: ({ signal }) => api<unknown>('/api/readiness/summary', { signal }).then((r) => readinessSummary.parse(r)),
    staleTime: 60_000,
  });
}

/** A quadrant of the dashboard, or `none`: the accounts without a check-in. */
export const QUADRANT_FILTERS = [...QUADRANTS, 'none'] as const;
export type QuadrantFilter = (typeof QUADRANT_FILTERS)[number];

export const quadrantAccount = z.object({
  accountId: z.string(),
  accountName: z.string(),
  arr: z.number().nullable(),
  ownerName: z.string().nullable(),
  quadrant: quadrantSchema.nullable(),
  latest: z.object({ initiativeId: z.string(), initiativeTitle: z.string(), importance: z.number(), confidence: z.number(), at: z.string() }).nullable(),
});
export type QuadrantAccount = z.infer<typeof quadrantAccount>;
const quadrantAccountsPage = z.object({ items: z.array(quadrantAccount), nextCursor: z.string().nullable().optional() });

/** The accounts behind a quadrant's numbers (GET /api/readiness/accounts), a page at a time. */
export function useQuadrantAccounts(quadrant: QuadrantFilter | null) {
  return useInfiniteQuery({
    queryKey: [...readinessKeys.all, 'accounts', quadrant] as const,
    queryFn: ({ pageParam, signal }) =>
      api<unknown>('/api/readiness/accounts', { query: { quadrant: quadrant ?? undefined, limit: 50, cursor: pageParam }, signal }).then((r) => quadrantAccountsPage.parse(r)),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: quadrant !== null,
  });
}

export function useReadinessSettings() {
  return useQuery({
    queryKey: readinessKeys.settings,
    queryFn: ({ signal }) => api<unknown>('/api/readiness/settings', { signal }).then((r) => readinessSettings.parse(r)),
  });
}

/** A check-in changes the quadrant, the capacity (confidence and sustain talk lower it) and the timeline. */
export function useInvalidateReadiness() {
  const qc = useQueryClient();
  return () => {
    for (const root of ['readiness', 'capacity', 'timeline', 'tasks']) void qc.invalidateQueries({ queryKey: [root] });
  };
}

export function useSaveReadinessSettings() {
  const invalidate = useInvalidateReadiness();
  return useMutation({
    mutationFn: (input: ReadinessSettings) => api<unknown>('/api/readiness/settings', { method: 'PUT', body: input }),
    onSuccess: invalidate,
  });
}

export function useCreateInitiative(accountId: string) {
  const invalidate = useInvalidateReadiness();
  return useMutation({
    mutationFn: (input: InitiativeInput) =>
      api<unknown>(`/api/accounts/${enc(accountId)}/initiatives`, { method: 'POST', body: input }).then((r) => initiative.parse(r)),
    onSuccess: invalidate,
  });
}

export function usePatchInitiative() {
  const invalidate = useInvalidateReadiness();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: InitiativePatch }) =>
      api<unknown>(`/api/initiatives/${enc(id)}`, { method: 'PATCH', body: patch }),
    onSuccess: invalidate,
  });
}

export function useDeleteInitiative() {
  const invalidate = useInvalidateReadiness();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/initiatives/${enc(id)}`, { method: 'DELETE' }),
    onSuccess: invalidate,
  });
}

export function useLogCheckIn() {
  const invalidate = useInvalidateReadiness();
  return useMutation({
    mutationFn: (input: CheckInInput) =>
      api<unknown>('/api/check-ins', { method: 'POST', body: input }).then((r) => checkInRecorded.parse(r)),
    onSuccess: invalidate,
  });
}

export function useRequestCheckIn() {
  const invalidate = useInvalidateReadiness();
  return useMutation({
    mutationFn: ({ initiativeId, contactId, confirmOverload }: { initiativeId: string; contactId: string; confirmOverload?: boolean }) =>
      api<{ requestId: string; sentTo: { contactId: string; name: string | null; email: string } }>(
        `/api/initiatives/${enc(initiativeId)}/check-in-requests`,
        { method: 'POST', body: confirmOverload ? { contactId, confirmOverload } : { contactId } },
      ),
    onSuccess: invalidate,
  });
}

export function useSpoonTask() {
  const invalidate = useInvalidateReadiness();
  return useMutation({
    mutationFn: ({ initiativeId, title }: { initiativeId: string; title?: string }) =>
      api<{ id: string; title: string }>(`/api/initiatives/${enc(initiativeId)}/spoon-task`, { method: 'POST', body: title ? { title } : {} }),
    onSuccess: invalidate,
  });
}
