import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { named } from './changeTalk';
import { api } from './client';

/**
 * Critical dates (issue 12, seed 002: "the companies that let their domain lapse"): what expires on
 * an account — a domain, a TLS certificate, a contract, a licence, a payment card — with live checks
 * for domains (RDAP) and certificates (TLS). Shapes as in docs/design/issue-12-contract.md.
 */

export const CRITICAL_DATE_KINDS = ['domain', 'tls', 'contract', 'licence', 'card', 'custom'] as const;
export const criticalDateKind = z.enum(CRITICAL_DATE_KINDS);
export type CriticalDateKind = z.infer<typeof criticalDateKind>;

/** Kinds Canopy reads live from a host; the others carry a date typed by a person. */
export const CHECKED_KINDS: readonly CriticalDateKind[] = ['domain', 'tls'];
export const DEFAULT_LEAD_DAYS = [60, 30, 7];

export const criticalDateCheck = z.object({
  id: z.string().optional(),
  ok: z.boolean(),
  expiresAt: z.string().nullable(),
  result: z.record(z.string(), z.unknown()).nullish(),
  error: z.string().nullable(),
  at: z.string(),
});

export const criticalDate = z.object({
  id: z.string(),
  accountId: z.string(),
  /** The list of the book names the account; an account's own list may leave it out. */
  account: named.nullish(),
  kind: criticalDateKind,
  label: z.string(),
  target: z.string().nullable(),
  expiresAt: z.string().nullable(),
  leadDays: z.array(z.number()),
  autoCheck: z.boolean(),
  lastCheckedAt: z.string().nullable(),
  lastCheckOk: z.boolean().nullable(),
  lastError: z.string().nullable(),
  nextCheckAt: z.string().nullish(),
  archivedAt: z.string().nullish(),
  /** The last five checks, newest first (on the account's list). */
  checks: z.array(criticalDateCheck).optional(),
  canEdit: z.boolean().optional(),
});

export type CriticalDateCheck = z.infer<typeof criticalDateCheck>;
export type CriticalDate = z.infer<typeof criticalDate>;

const page = z.object({ items: z.array(criticalDate), nextCursor: z.string().nullish(), total: z.number().optional() });
const accountList = z.union([z.object({ items: z.array(criticalDate) }), z.array(criticalDate)]);

export interface CriticalDateInput {
  kind: CriticalDateKind;
  label: string;
  target?: string;
  expiresAt?: string;
  leadDays?: number[];
  autoCheck?: boolean;
}

export interface CriticalDatePatch {
  label?: string;
  target?: string | null;
  expiresAt?: string | null;
  leadDays?: number[];
  autoCheck?: boolean;
  archived?: boolean;
}

export const criticalDateKeys = {
  all: ['critical-dates'] as const,
  book: (filters: { withinDays: number; kind: CriticalDateKind | null }) => ['critical-dates', 'book', filters] as const,
  account: (accountId: string) => ['critical-dates', 'account', accountId] as const,
};

const enc = encodeURIComponent;

/** The book's next expiries (expired first), a page at a time. */
export function useCriticalDates(filters: { withinDays: number; kind: CriticalDateKind | null }) {
  return useInfiniteQuery({
    queryKey: criticalDateKeys.book(filters),
    queryFn: ({ pageParam, signal }) =>
      api<unknown>('/api/critical-dates', {
        query: { withinDays: filters.withinDays, kind: filters.kind ?? undefined, limit: 100, cursor: pageParam },
        signal,
      }).then((r) => page.parse(r)),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** An account's critical dates with their last checks. */
export function useAccountCriticalDates(accountId: string) {
  return useQuery({
    queryKey: criticalDateKeys.account(accountId),
    queryFn: ({ signal }) =>
      api<unknown>(`/api/accounts/${enc(accountId)}/critical-dates`, { signal }).then((r) => {
        const parsed = accountList.parse(r);
        return Array.isArray(parsed) ? parsed : parsed.items;
      }),
    enabled: accountId !== '',
  });
}

/** A date changes the account's risk (a close domain or certificate is a signal) and its timeline. */
function useInvalidate() {
  const qc = useQueryClient();
  return () => {
    for (const root of ['critical-dates', 'risk', 'timeline', 'tasks']) void qc.invalidateQueries({ queryKey: [root] });
  };
}

export function useCreateCriticalDate(accountId: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (input: CriticalDateInput) =>
      api<unknown>(`/api/accounts/${enc(accountId)}/critical-dates`, { method: 'POST', body: input }).then((r) => criticalDate.parse(r)),
    onSuccess: invalidate,
  });
}

export function usePatchCriticalDate() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: CriticalDatePatch }) =>
      api<unknown>(`/api/critical-dates/${enc(id)}`, { method: 'PATCH', body: patch }),
    onSuccess: invalidate,
  });
}

/** Archive: the date leaves the radar and stops alerting; its checks stay on record. */
export function useArchiveCriticalDate() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/critical-dates/${enc(id)}`, { method: 'DELETE' }),
    onSuccess: invalidate,
  });
}

/** Checks now (TLS or RDAP for domain and tls; a re-read of the typed date otherwise) and records the result. */
export function useCheckCriticalDate() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) =>
      api<unknown>(`/api/critical-dates/${enc(id)}/check`, { method: 'POST' }).then((r) => criticalDateCheck.parse(r)),
    onSuccess: invalidate,
  });
}
