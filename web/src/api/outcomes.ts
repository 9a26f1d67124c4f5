import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { Outcome, OutcomeInput } from './healthTypes';

export const outcomeKeys = {
  all: ['outcomes'] as const,
  list: (accountId: string | null, limit: number) => ['outcomes', accountId, limit] as const,
};

export function useOutcomes(accountId: string | null, limit = 20) {
  return useQuery({
    queryKey: outcomeKeys.list(accountId, limit),
    queryFn: ({ signal }) => api<{ items: Outcome[] }>('/api/outcomes', { query: { accountId, limit }, signal }),
    select: (d) => d.items,
  });
}

function useInvalidateOutcomes() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: outcomeKeys.all });
    // Outcomes are the ground truth of driver impact.
    void qc.invalidateQueries({ queryKey: ['drivers', 'impact'] });
  };
}

export function useCreateOutcome() {
  const invalidate = useInvalidateOutcomes();
  return useMutation({
    mutationFn: (input: OutcomeInput) => api<{ id: string }>('/api/outcomes', { method: 'POST', body: input }),
    onSuccess: invalidate,
  });
}

export function useDeleteOutcome() {
  const invalidate = useInvalidateOutcomes();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/outcomes/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: invalidate,
  });
}
