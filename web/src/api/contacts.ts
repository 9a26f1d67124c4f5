import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { accountKeys } from './accounts';
import type { Contact, ContactInput, Page } from './types';

export const contactKeys = {
  byAccount: (accountId: string, sort: string) => ['contacts', accountId, sort] as const,
};

export function useAccountContacts(accountId: string, sort = 'name') {
  return useInfiniteQuery({
    queryKey: contactKeys.byAccount(accountId, sort),
    queryFn: ({ pageParam, signal }) =>
      api<Page<Contact>>('/api/contacts', {
        query: { accountId, sort, limit: 50, cursor: pageParam },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

function useInvalidateContacts(accountId: string) {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: ['contacts', accountId] });
    void qc.invalidateQueries({ queryKey: accountKeys.one(accountId) });
  };
}

export function useCreateContact(accountId: string) {
  const invalidate = useInvalidateContacts(accountId);
  return useMutation({
    mutationFn: (input: ContactInput) =>
      api<Contact>('/api/contacts', { method: 'POST', body: { ...input, accountId } }),
    onSuccess: invalidate,
  });
}

export function useUpdateContact(accountId: string) {
  const invalidate = useInvalidateContacts(accountId);
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: ContactInput }) =>
      api<Contact>(`/api/contacts/${encodeURIComponent(id)}`, { method: 'PATCH', body: input }),
    onSuccess: invalidate,
  });
}

/** Mark a person as left (active: false) or back again (active: true). */
export function useSetContactActive(accountId: string) {
  const invalidate = useInvalidateContacts(accountId);
  return useMutation({
    mutationFn: ({ id, active }: { id: string; active: boolean }) =>
      api<Contact>(`/api/contacts/${encodeURIComponent(id)}`, { method: 'PATCH', body: { active } }),
    onSuccess: invalidate,
  });
}

export function useDeleteContact(accountId: string) {
  const invalidate = useInvalidateContacts(accountId);
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/contacts/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: invalidate,
  });
}
