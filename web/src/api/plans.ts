import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type {
  Criterion,
  CriterionInput,
  CriterionValue,
  Goal,
  GoalInput,
  Milestone,
  MilestoneInput,
  MilestonePatch,
  PlanStatus,
  PlanSummary,
  PlanListItem,
  PlanTask,
  PlanTaskInput,
  PlanTemplate,
  PlanTemplateInput,
  ShareLink,
  ShareState,
  Side,
  SuccessPlan,
} from './planTypes';
import type { Page } from './types';

export * from './planTypes';

const enc = encodeURIComponent;

export const planKeys = {
  all: ['plans'] as const,
  byAccount: (accountId: string) => ['plans', 'account', accountId] as const,
  one: (id: string) => ['plans', 'one', id] as const,
  list: (f: PlanFilter) => ['plans', 'list', f] as const,
  summary: ['plans', 'summary'] as const,
  values: (criterionId: string) => ['plans', 'values', criterionId] as const,
  share: (planId: string) => ['plans', 'share', planId] as const,
  templates: ['planTemplates'] as const,
  template: (id: string) => ['planTemplates', id] as const,
};

export interface PlanFilter {
  status?: PlanStatus;
  ownerId?: string;
}

export function useAccountPlans(accountId: string) {
  return useQuery({
    queryKey: planKeys.byAccount(accountId),
    queryFn: ({ signal }) => api<{ items: SuccessPlan[] }>(`/api/accounts/${enc(accountId)}/success-plans`, { signal }),
    select: (d) => d.items,
  });
}

export function usePlan(id: string) {
  return useQuery({
    queryKey: planKeys.one(id),
    queryFn: ({ signal }) => api<SuccessPlan>(`/api/success-plans/${enc(id)}`, { signal }),
  });
}

export function usePlans(filter: PlanFilter) {
  return useInfiniteQuery({
    queryKey: planKeys.list(filter),
    queryFn: ({ pageParam, signal }) =>
      api<Page<PlanListItem>>('/api/success-plans', { query: { ...filter, limit: 100, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function usePlanSummary() {
  return useQuery({
    queryKey: planKeys.summary,
    queryFn: ({ signal }) => api<PlanSummary>('/api/success-plans/summary', { signal }),
  });
}

export function useCriterionValues(criterionId: string) {
  return useQuery({
    queryKey: planKeys.values(criterionId),
    queryFn: ({ signal }) => api<{ items: CriterionValue[] }>(`/api/criteria/${enc(criterionId)}/values`, { signal }),
    select: (d) => d.items,
  });
}

/** Any plan edit can move progress, status, the timeline and (for plan tasks) the inbox. */
function useInvalidatePlans() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: planKeys.all });
    void qc.invalidateQueries({ queryKey: ['timeline'] });
    void qc.invalidateQueries({ queryKey: ['tasks'] });
    // A customer's plan task is an ask of their capacity (spoons).
    void qc.invalidateQueries({ queryKey: ['capacity'] });
  };
}

function usePlanMutation<I, O>(fn: (input: I) => Promise<O>) {
  const invalidate = useInvalidatePlans();
  return useMutation({ mutationFn: fn, onSuccess: invalidate });
}

export const useCreatePlan = (accountId: string) =>
  usePlanMutation((input: { title: string; templateId?: string }) =>
    api<SuccessPlan>(`/api/accounts/${enc(accountId)}/success-plans`, { method: 'POST', body: input }),
  );
export const useUpdatePlan = (id: string) =>
  usePlanMutation((patch: { title: string }) => api<SuccessPlan>(`/api/success-plans/${enc(id)}`, { method: 'PATCH', body: patch }));
export const useDeletePlan = () => usePlanMutation((id: string) => api<void>(`/api/success-plans/${enc(id)}`, { method: 'DELETE' }));
export const useApplyTemplate = (planId: string) =>
  usePlanMutation((input: { templateId: string; startDate?: string }) =>
    api<SuccessPlan>(`/api/success-plans/${enc(planId)}/apply-template`, { method: 'POST', body: input }),
  );

export const useCreateGoal = (planId: string) =>
  usePlanMutation((input: GoalInput) => api<Goal>(`/api/success-plans/${enc(planId)}/goals`, { method: 'POST', body: input }));
export const useUpdateGoal = () =>
  usePlanMutation(({ id, patch }: { id: string; patch: Partial<GoalInput> }) => api<Goal>(`/api/goals/${enc(id)}`, { method: 'PATCH', body: patch }));
export const useDeleteGoal = () => usePlanMutation((id: string) => api<void>(`/api/goals/${enc(id)}`, { method: 'DELETE' }));

export const useCreateCriterion = (goalId: string) =>
  usePlanMutation((input: CriterionInput) => api<Criterion>(`/api/goals/${enc(goalId)}/criteria`, { method: 'POST', body: input }));
export const useUpdateCriterion = () =>
  usePlanMutation(({ id, patch }: { id: string; patch: Partial<CriterionInput> }) =>
    api<Criterion>(`/api/criteria/${enc(id)}`, { method: 'PATCH', body: patch }),
  );
export const useDeleteCriterion = () => usePlanMutation((id: string) => api<void>(`/api/criteria/${enc(id)}`, { method: 'DELETE' }));
export const useAddCriterionValue = (criterionId: string) =>
  usePlanMutation((input: { value: number; at?: string; side?: Side }) =>
    api<unknown>(`/api/criteria/${enc(criterionId)}/values`, { method: 'POST', body: input }),
  );

export const useCreateMilestone = (goalId: string) =>
  usePlanMutation((input: MilestoneInput) => api<Milestone>(`/api/goals/${enc(goalId)}/milestones`, { method: 'POST', body: input }));
export const useUpdateMilestone = () =>
  usePlanMutation(({ id, patch }: { id: string; patch: MilestonePatch }) =>
    api<Milestone>(`/api/milestones/${enc(id)}`, { method: 'PATCH', body: patch }),
  );
export const useDeleteMilestone = () => usePlanMutation((id: string) => api<void>(`/api/milestones/${enc(id)}`, { method: 'DELETE' }));

export const useCreatePlanTask = (milestoneId: string) =>
  usePlanMutation((input: PlanTaskInput) => api<PlanTask>(`/api/milestones/${enc(milestoneId)}/tasks`, { method: 'POST', body: input }));
/** Plan tasks are ordinary tasks: completed and reopened through the task routes. */
export const useUpdatePlanTask = () =>
  usePlanMutation(({ id, patch }: { id: string; patch: { status: 'open' | 'done' } }) =>
    api<unknown>(`/api/tasks/${enc(id)}`, { method: 'PATCH', body: patch }),
  );
/** Show or hide a plan task on the customer's shared page (the one thing about a plan task the plan routes change). */
export const useSetPlanTaskHidden = () =>
  usePlanMutation(({ milestoneId, taskId, hiddenFromCustomer }: { milestoneId: string; taskId: string; hiddenFromCustomer: boolean }) =>
    api<PlanTask>(`/api/milestones/${enc(milestoneId)}/tasks/${enc(taskId)}`, { method: 'PATCH', body: { hiddenFromCustomer } }),
  );

export function useShareState(planId: string, enabled = true) {
  return useQuery({
    queryKey: planKeys.share(planId),
    queryFn: ({ signal }) => api<ShareState>(`/api/success-plans/${enc(planId)}/share`, { signal }),
    enabled,
  });
}
export function useCreateShare(planId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { expiresAt?: string; allowCustomerUpdates?: boolean }) =>
      api<ShareLink>(`/api/success-plans/${enc(planId)}/share`, { method: 'POST', body: input }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: planKeys.share(planId) }),
  });
}
export function useRevokeShare(planId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>(`/api/success-plans/${enc(planId)}/share`, { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: planKeys.share(planId) }),
  });
}

export function usePlanTemplates() {
  return useQuery({
    queryKey: planKeys.templates,
    queryFn: ({ signal }) => api<{ items: PlanTemplate[] }>('/api/plan-templates', { signal }),
    select: (d) => d.items,
    staleTime: 30_000,
  });
}
export function usePlanTemplate(id: string | null) {
  return useQuery({
    queryKey: planKeys.template(id ?? ''),
    queryFn: ({ signal }) => api<PlanTemplate>(`/api/plan-templates/${enc(id ?? '')}`, { signal }),
    enabled: !!id,
  });
}
function useTemplateMutation<I, O>(fn: (input: I) => Promise<O>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => void qc.invalidateQueries({ queryKey: planKeys.templates }) });
}
export const useCreateTemplate = () =>
  useTemplateMutation((input: PlanTemplateInput) => api<PlanTemplate>('/api/plan-templates', { method: 'POST', body: input }));
export const useUpdateTemplate = () =>
  useTemplateMutation(({ id, input }: { id: string; input: PlanTemplateInput }) =>
    api<PlanTemplate>(`/api/plan-templates/${enc(id)}`, { method: 'PATCH', body: input }),
  );
export const useDeleteTemplate = () => useTemplateMutation((id: string) => api<void>(`/api/plan-templates/${enc(id)}`, { method: 'DELETE' }));
