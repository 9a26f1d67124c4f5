import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { ApiKey, AuditEntry, Page, Role, Team, User } from './types';

export const adminKeys = {
  users: ['users'] as const,
  teams: ['teams'] as const,
  apiKeys: ['apiKeys'] as const,
  audit: (f: AuditFilter) => ['audit', f] as const,
};

export function useUsers() {
  return useQuery({
    queryKey: adminKeys.users,
    queryFn: ({ signal }) => api<{ items: User[] }>('/api/users', { signal }),
    select: (d) => d.items,
    staleTime: 30_000,
  });
}

export function useTeams() {
  return useQuery({
    queryKey: adminKeys.teams,
    queryFn: ({ signal }) => api<{ items: Team[] }>('/api/teams', { signal }),
    select: (d) => d.items,
    staleTime: 60_000,
  });
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  teamId?: string;
  password?: string;
}

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: NewUser) =>
      api<{ user: User; temporaryPassword?: string }>('/api/users', { method: 'POST', body: input }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: adminKeys.users }),
  });
}

export interface UserPatch {
  name?: string;
  role?: Role;
  teamId?: string | null;
  active?: boolean;
}

export function useUpdateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UserPatch }) =>
      api<User>(`/api/users/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: adminKeys.users }),
  });
}

export function useResetPassword() {
  return useMutation({
    mutationFn: (id: string) =>
      api<{ temporaryPassword: string }>(`/api/users/${encodeURIComponent(id)}/reset-password`, { method: 'POST' }),
  });
}

export function useCreateTeam() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api<Team>('/api/teams', { method: 'POST', body: { name } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: adminKeys.teams }),
  });
}

export function useApiKeys() {
  return useQuery({
    queryKey: adminKeys.apiKeys,
    queryFn: ({ signal }) => api<{ items: ApiKey[] }>('/api/api-keys', { signal }),
    select: (d) => d.items,
  });
}

export interface NewApiKey {
  name: string;
  kind: 'write' | 'rest';
  role?: 'admin' | 'manager' | 'viewer';
}

export function useCreateApiKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: NewApiKey) =>
      api<{ apiKey: ApiKey; key: string }>('/api/api-keys', { method: 'POST', body: input }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: adminKeys.apiKeys }),
  });
}

export function useRevokeApiKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/api-keys/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: adminKeys.apiKeys }),
  });
}

/** An audit row with the object's name as it was when the change was made (null when it has none). */
export type AuditRow = AuditEntry & { objectLabel: string | null };

export interface AuditFilter {
  objectType?: string;
  action?: string;
}

export function useAudit(filter: AuditFilter) {
  return useInfiniteQuery({
    queryKey: adminKeys.audit(filter),
    queryFn: ({ pageParam, signal }) =>
      api<Page<AuditRow>>('/api/audit', { query: { ...filter, limit: 50, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
