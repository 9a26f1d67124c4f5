import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { Account, AccountInput, AccountPage, Facets, UsageResponse } from './types';

export interface AccountListParams {
  search?: string;
  sort?: string;
  stage?: string;
  segment?: string;
  ownerId?: string;
  renewalWithinDays?: number;
  arrMin?: number;
  arrMax?: number;
  band?: string;
  healthMax?: number;
  healthDropMin?: number;
  cursor?: string;
  limit?: number;
}

export const accountKeys = {
  all: ['accounts'] as const,
  list: (p: AccountListParams) => ['accounts', 'list', p] as const,
  facets: ['accounts', 'facets'] as const,
  one: (id: string) => ['accounts', 'one', id] as const,
  usage: (id: string, days: number, event: string | null) => ['accounts', 'usage', id, days, event] as const,
};

export function useAccounts(params: AccountListParams) {
  return useQuery({
    queryKey: accountKeys.list(params),
    queryFn: ({ signal }) => api<AccountPage>('/api/accounts', { query: { ...params }, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useFacets() {
  return useQuery({
    queryKey: accountKeys.facets,
    queryFn: ({ signal }) => api<Facets>('/api/accounts/facets', { signal }),
    staleTime: 60_000,
  });
}

export function useAccount(id: string) {
  return useQuery({
    queryKey: accountKeys.one(id),
    queryFn: ({ signal }) => api<Account>(`/api/accounts/${encodeURIComponent(id)}`, { signal }),
  });
}

export function useAccountUsage(id: string, days: number, event: string | null) {
  return useQuery({
    queryKey: accountKeys.usage(id, days, event),
    queryFn: ({ signal }) =>
      api<UsageResponse>(`/api/accounts/${encodeURIComponent(id)}/usage`, { query: { days, event }, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useCreateAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: AccountInput) => api<Account>('/api/accounts', { method: 'POST', body: input }),
    onSuccess: (account) => {
      qc.setQueryData(accountKeys.one(account.id), account);
      void qc.invalidateQueries({ queryKey: accountKeys.all });
    },
  });
}

export function useUpdateAccount(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: AccountInput) =>
      api<Account>(`/api/accounts/${encodeURIComponent(id)}`, { method: 'PATCH', body: input }),
    onSuccess: (account) => {
      qc.setQueryData(accountKeys.one(id), account);
      void qc.invalidateQueries({ queryKey: ['accounts', 'list'] });
      void qc.invalidateQueries({ queryKey: accountKeys.facets });
    },
  });
}

export function useDeleteAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/accounts/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    // The account page navigates away on success; its cached copy simply ages out.
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['accounts', 'list'] });
      void qc.invalidateQueries({ queryKey: accountKeys.facets });
    },
  });
}
