import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { AccountHealth, HealthPoint, HealthRun, HealthSummary } from './healthTypes';

export const healthKeys = {
  all: ['health'] as const,
  account: (id: string) => ['health', 'account', id] as const,
  history: (id: string, days: number) => ['health', 'history', id, days] as const,
  summary: ['health', 'summary'] as const,
  runs: ['health', 'runs'] as const,
  run: (id: string) => ['health', 'run', id] as const,
};

const enc = encodeURIComponent;

export function useAccountHealth(accountId: string) {
  return useQuery({
    queryKey: healthKeys.account(accountId),
    queryFn: ({ signal }) => api<AccountHealth>(`/api/accounts/${enc(accountId)}/health`, { signal }),
  });
}

export function useHealthHistory(accountId: string, days = 90) {
  return useQuery({
    queryKey: healthKeys.history(accountId, days),
    queryFn: ({ signal }) =>
      api<{ items: HealthPoint[] }>(`/api/accounts/${enc(accountId)}/health/history`, { query: { days }, signal }),
    select: (d) => d.items,
    placeholderData: keepPreviousData,
  });
}

export interface OverrideInput {
  score: number;
  reason: string;
  expiresAt: string;
}

function useInvalidateAccountHealth(accountId: string) {
  const qc = useQueryClient();
  return (health?: AccountHealth) => {
    if (health && health.accountId === accountId) qc.setQueryData(healthKeys.account(accountId), health);
    else void qc.invalidateQueries({ queryKey: healthKeys.account(accountId) });
    void qc.invalidateQueries({ queryKey: ['accounts', 'list'] });
    void qc.invalidateQueries({ queryKey: healthKeys.summary });
  };
}

export function useSetOverride(accountId: string) {
  const invalidate = useInvalidateAccountHealth(accountId);
  return useMutation({
    mutationFn: (input: OverrideInput) =>
      api<AccountHealth>(`/api/accounts/${enc(accountId)}/health/override`, { method: 'POST', body: input }),
    // The server answers with the account's health, override included.
    onSuccess: (health) => invalidate(health),
  });
}

export function useClearOverride(accountId: string) {
  const invalidate = useInvalidateAccountHealth(accountId);
  return useMutation({
    mutationFn: () => api<void>(`/api/accounts/${enc(accountId)}/health/override`, { method: 'DELETE' }),
    onSuccess: () => invalidate(),
  });
}

export function useHealthSummary() {
  return useQuery({
    queryKey: healthKeys.summary,
    queryFn: ({ signal }) => api<HealthSummary>('/api/health/summary', { signal }),
  });
}

export function useHealthRuns(limit = 5) {
  return useQuery({
    queryKey: [...healthKeys.runs, limit],
    queryFn: ({ signal }) => api<{ items: HealthRun[] }>('/api/health/runs', { query: { limit }, signal }),
    select: (d) => d.items,
    refetchInterval: (q) => (q.state.data?.items.some(isRunActive) ? 2000 : false),
  });
}

export function isRunActive(run: HealthRun | undefined): boolean {
  return !!run && (run.status === 'queued' || run.status === 'running');
}

/** One run, polled every second while it is queued or running. */
export function useHealthRun(runId: string | null) {
  return useQuery({
    queryKey: healthKeys.run(runId ?? ''),
    queryFn: ({ signal }) => api<HealthRun>(`/api/health/runs/${enc(runId ?? '')}`, { signal }),
    enabled: !!runId,
    refetchInterval: (q) => (q.state.data && !isRunActive(q.state.data) ? false : 1000),
    staleTime: 0,
  });
}

export function useRecompute() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ runId: string }>('/api/health/recompute', { method: 'POST' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: healthKeys.runs }),
  });
}

/** Rebuild the daily health history of the last `days` days (to yesterday) with today's drivers. */
export function useBackfill() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (days: number) => api<HealthRun>('/api/health/backfill', { method: 'POST', body: { days } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: healthKeys.runs }),
  });
}

/** A history back-fill run (trigger `backfill:…`): its progress counts account-days, not accounts. */
export function isBackfill(run: Pick<HealthRun, 'trigger'> | undefined): boolean {
  return !!run && run.trigger.startsWith('backfill');
}
