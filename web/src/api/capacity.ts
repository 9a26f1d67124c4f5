import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { named } from './changeTalk';
import { ApiError, api } from './client';

/**
 * Capacity ("spoons", issue 11, seed 004): what the customer can give this period, what is already
 * asked of them, and the 409 `capacity.exceeded` an ask over what is left gets. Shapes as in
 * docs/design/issue-11-contract.md; the ledger itself is src/capacity/.
 */

export const ASK_KINDS = ['task', 'survey', 'check_in', 'email'] as const;

export const capacity = z.object({
  period: z.object({ from: z.string(), to: z.string(), kind: z.enum(['week', 'month']).optional() }),
  capacity: z.number().int(),
  base: z.number().int(),
  isDefault: z.boolean().optional(),
  note: z.string().nullable().optional(),
  used: z.number().int(),
  left: z.number().int(),
  asks: z.array(
    z.object({
      kind: z.enum(ASK_KINDS),
      id: z.string(),
      label: z.string(),
      cost: z.number().int(),
      at: z.string(),
      contact: named.nullable(),
      overload: z.boolean(),
      status: z.string(),
    }),
  ),
  given: z.array(z.object({ taskId: z.string(), title: z.string(), at: z.string(), status: z.string().optional() })),
  reasons: z.array(z.object({ text: z.string(), delta: z.number().int() })),
  contacts: z.array(z.object({ contactId: z.string(), name: z.string(), capacity: z.number().int(), used: z.number().int(), left: z.number().int() })),
  overloads: z.number().int().optional(),
  canEdit: z.boolean().optional(),
});

export const capacitySettings = z.object({ defaultSpoons: z.number().int(), period: z.enum(['week', 'month']) });

/** The details of a 409 `capacity.exceeded`. */
export const capacityExceeded = z.object({
  left: z.number(),
  capacity: z.number(),
  used: z.number(),
  cost: z.number(),
  periodStart: z.string().optional(),
  /** 'contact': the contact's own capacity is what is short. */
  scope: z.enum(['account', 'contact']).optional(),
  suggestion: z.object({ action: z.string(), text: z.string() }).optional(),
});

export type Capacity = z.infer<typeof capacity>;
export type CapacityAsk = Capacity['asks'][number];
export type CapacitySettings = z.infer<typeof capacitySettings>;
export type CapacityExceeded = z.infer<typeof capacityExceeded>;

export interface CapacityPut {
  spoons: number | null;
  note?: string | null;
  contacts?: { contactId: string; spoons: number | null }[];
}

/** The details when `err` is a 409 `capacity.exceeded` (null otherwise, or when they do not parse). */
export function capacityExceededOf(err: unknown): CapacityExceeded | null {
  if (!(err instanceof ApiError) || err.code !== 'capacity.exceeded') return null;
  const parsed = capacityExceeded.safeParse(err.details);
  return parsed.success ? parsed.data : { left: 0, capacity: 0, used: 0, cost: 0 };
}

export const capacityKeys = {
  all: ['capacity'] as const,
  account: (accountId: string) => ['capacity', 'account', accountId] as const,
  settings: ['capacity', 'settings'] as const,
};

const enc = encodeURIComponent;

export function useCapacity(accountId: string) {
  return useQuery({
    queryKey: capacityKeys.account(accountId),
    queryFn: ({ signal }) => api<unknown>(`/api/accounts/${enc(accountId)}/capacity`, { signal }).then((r) => capacity.parse(r)),
  });
}

export function useSaveCapacity(accountId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CapacityPut) => api<unknown>(`/api/accounts/${enc(accountId)}/capacity`, { method: 'PUT', body: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: capacityKeys.all }),
  });
}

/** An open customer task becomes ours (theirs cancelled with a note): POST /api/tasks/:id/give-spoon. */
export function useGiveSpoon() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (taskId: string) => api<{ task: { id: string; title: string } }>(`/api/tasks/${enc(taskId)}/give-spoon`, { method: 'POST' }),
    onSuccess: () => {
      for (const root of ['capacity', 'tasks', 'timeline', 'plans']) void qc.invalidateQueries({ queryKey: [root] });
    },
  });
}

export function useCapacitySettings() {
  return useQuery({
    queryKey: capacityKeys.settings,
    queryFn: ({ signal }) => api<unknown>('/api/capacity/settings', { signal }).then((r) => capacitySettings.parse(r)),
  });
}

export function useSaveCapacitySettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CapacitySettings) => api<unknown>('/api/capacity/settings', { method: 'PUT', body: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: capacityKeys.all }),
  });
}
