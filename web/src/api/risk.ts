import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import {
  accountRisk,
  dryRun,
  type Evaluation,
  evaluation,
  failureModeList,
  radarPage,
  riskHistory,
  type RaisedRisk,
  raisedRisk,
  type RaisedStatus,
  type RiskLevel,
  riskSummary,
  signal,
  signalDefinition,
} from '../risk/schemas';
import { api } from './client';

/**
 * Risk radar (issue 12, seed 002): compound risk per account, the signals behind it, the CSM's own
 * judgment beside it, the register of failure modes with their playbooks, and the definitions CS
 * ops tune. Shapes: docs/design/issue-12-contract.md and web/src/risk/schemas.ts.
 */

export * from '../risk/schemas';

const enc = encodeURIComponent;

export const riskKeys = {
  all: ['risk'] as const,
  account: (id: string) => ['risk', 'account', id] as const,
  history: (id: string, days: number) => ['risk', 'history', id, days] as const,
  radar: (f: RadarFilters) => ['risk', 'radar', f] as const,
  summary: ['risk', 'summary'] as const,
  evaluation: (leadDays: number) => ['risk', 'evaluation', leadDays] as const,
  definitions: ['risk', 'definitions'] as const,
  failureModes: ['risk', 'failure-modes'] as const,
  raised: (f: RaisedFilters) => ['risk', 'raised', f] as const,
};

export interface RadarFilters {
  level?: RiskLevel;
  ownerId?: string;
  segment?: string;
  renewalWithinDays?: number;
  acted?: 'true' | 'false';
}

export const RADAR_PAGE = 50;

/** The book ranked by compound risk, a page at a time ("load more"). */
export function useRadar(filters: RadarFilters) {
  return useInfiniteQuery({
    queryKey: riskKeys.radar(filters),
    queryFn: ({ pageParam, signal }) =>
      api<unknown>('/api/risk/radar', { query: { ...filters, limit: RADAR_PAGE, cursor: pageParam }, signal }).then((r) => radarPage.parse(r)),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useRiskSummary() {
  return useQuery({
    queryKey: riskKeys.summary,
    queryFn: ({ signal }) => api<unknown>('/api/risk/summary', { signal }).then((r) => riskSummary.parse(r)),
    staleTime: 30_000,
  });
}

export const LEAD_DAYS = [30, 60, 90, 180] as const;

export function useRiskEvaluation(leadDays: number) {
  return useQuery<Evaluation>({
    queryKey: riskKeys.evaluation(leadDays),
    queryFn: ({ signal }) => api<unknown>('/api/risk/evaluation', { query: { leadDays }, signal }).then((r): Evaluation => evaluation.parse(r)),
    staleTime: 5 * 60_000,
    placeholderData: keepPreviousData,
  });
}

export function useAccountRisk(accountId: string) {
  return useQuery({
    queryKey: riskKeys.account(accountId),
    queryFn: ({ signal }) => api<unknown>(`/api/accounts/${enc(accountId)}/risk`, { signal }).then((r) => accountRisk.parse(r)),
    enabled: accountId !== '',
  });
}

/** The window of the account's risk history shown on the Risk card (the API's default). */
export const HISTORY_DAYS = 180;

/** GET /api/accounts/:id/risk/history: the account's recorded risk moves and the signals of the last `days` days. */
export function fetchRiskHistory(accountId: string, days: number, signal?: AbortSignal) {
  return api<unknown>(`/api/accounts/${enc(accountId)}/risk/history`, { query: { days }, signal }).then((r) => riskHistory.parse(r));
}

export function useRiskHistory(accountId: string, days = HISTORY_DAYS) {
  return useQuery({
    queryKey: riskKeys.history(accountId, days),
    queryFn: ({ signal }) => fetchRiskHistory(accountId, days, signal),
    enabled: accountId !== '',
  });
}

/** Anything about risk changed: the card, the radar, the portfolio's column, the timeline. */
function useInvalidateRisk() {
  const qc = useQueryClient();
  return () => {
    for (const root of ['risk', 'accounts', 'timeline', 'playbooks', 'tasks']) void qc.invalidateQueries({ queryKey: [root] });
  };
}

export function useSetJudgment(accountId: string) {
  const invalidate = useInvalidateRisk();
  return useMutation({
    mutationFn: (input: { level: Exclude<RiskLevel, 'critical'>; note: string }) =>
      api<unknown>(`/api/accounts/${enc(accountId)}/risk/judgment`, { method: 'POST', body: input }),
    onSuccess: invalidate,
  });
}

export function useRaiseSignal() {
  const invalidate = useInvalidateRisk();
  return useMutation({
    mutationFn: (input: { accountId: string; kind: string; strength?: number; note?: string }) =>
      api<unknown>('/api/risk-signals', { method: 'POST', body: input }).then((r) => signal.parse(r)),
    onSuccess: invalidate,
  });
}

export function useResolveSignal() {
  const invalidate = useInvalidateRisk();
  return useMutation({
    mutationFn: ({ id, note }: { id: string; note?: string }) =>
      api<unknown>(`/api/risk-signals/${enc(id)}`, { method: 'PATCH', body: note ? { ended: true, note } : { ended: true } }),
    onSuccess: invalidate,
  });
}

// ── Signal definitions (CS ops) ─────────────────────────────────────────────────────────────────

export function useSignalDefinitions() {
  return useQuery({
    queryKey: riskKeys.definitions,
    queryFn: ({ signal }) =>
      api<unknown>('/api/signal-definitions', { signal }).then((r) => z.object({ items: z.array(signalDefinition) }).or(z.array(signalDefinition)).parse(r)),
    select: (d) => (Array.isArray(d) ? d : d.items),
    staleTime: 60_000,
  });
}

export interface DefinitionPatch {
  label?: string;
  description?: string;
  params?: Record<string, unknown>;
  strength?: number;
  halfLifeDays?: number;
  decayFrom?: 'end' | 'start';
  enabled?: boolean;
  family?: string;
}

export function usePatchDefinition() {
  const invalidate = useInvalidateRisk();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: DefinitionPatch }) =>
      api<unknown>(`/api/signal-definitions/${enc(id)}`, { method: 'PATCH', body: patch }).then((r) => signalDefinition.parse(r)),
    onSuccess: invalidate,
  });
}

export function useDryRunDefinition() {
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: DefinitionPatch }) =>
      api<unknown>(`/api/signal-definitions/${enc(id)}/dry-run`, { method: 'POST', body: patch }).then((r) => dryRun.parse(r)),
  });
}

// ── Register: failure modes and raised risks ────────────────────────────────────────────────────

export function useFailureModes(includeArchived = false) {
  return useQuery({
    queryKey: [...riskKeys.failureModes, includeArchived] as const,
    queryFn: ({ signal }) =>
      api<unknown>('/api/failure-modes', { query: { includeArchived: includeArchived ? 'true' : undefined }, signal }).then((r) => failureModeList.parse(r)),
  });
}

export interface FailureModeInput {
  name?: string;
  description?: string | null;
  signalKinds?: string[];
  playbookId?: string | null;
  ownerTeamId?: string | null;
  archived?: boolean;
}

export function useSaveFailureMode() {
  const invalidate = useInvalidateRisk();
  return useMutation({
    mutationFn: ({ id, input }: { id: string | null; input: FailureModeInput }) =>
      id
        ? api<unknown>(`/api/failure-modes/${enc(id)}`, { method: 'PATCH', body: input })
        : api<unknown>('/api/failure-modes', { method: 'POST', body: input }),
    onSuccess: invalidate,
  });
}

export interface RaisedFilters {
  status?: RaisedStatus | 'live';
  accountId?: string;
  failureModeId?: string;
}

export function useRaisedRisks(filters: RaisedFilters) {
  return useQuery<RaisedRisk[]>({
    queryKey: riskKeys.raised(filters),
    queryFn: ({ signal }) =>
      api<unknown>('/api/account-risks', { query: { ...filters }, signal }).then((r): RaisedRisk[] => {
        const d = z.object({ items: z.array(raisedRisk) }).or(z.array(raisedRisk)).parse(r);
        return Array.isArray(d) ? d : d.items;
      }),
    placeholderData: keepPreviousData,
  });
}

export function useRaiseRisk(accountId: string) {
  const invalidate = useInvalidateRisk();
  return useMutation({
    mutationFn: (input: { failureModeId?: string; title?: string; arrAtRisk?: number; note?: string; signalIds?: string[] }) =>
      api<unknown>(`/api/accounts/${enc(accountId)}/risks`, { method: 'POST', body: input }).then((r) => raisedRisk.parse(r)),
    onSuccess: invalidate,
  });
}

export function usePatchRaisedRisk() {
  const invalidate = useInvalidateRisk();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: { status?: RaisedStatus; note?: string | null } }) =>
      api<unknown>(`/api/account-risks/${enc(id)}`, { method: 'PATCH', body: patch }),
    onSuccess: invalidate,
  });
}

/** One click on a failure mode: raise it on the account (unless already raised), then start its playbook. */
export function useStartFailureModePlaybook(accountId: string) {
  const invalidate = useInvalidateRisk();
  return useMutation({
    mutationFn: async ({ failureModeId, existingRiskId, signalIds }: { failureModeId: string; existingRiskId?: string; signalIds?: string[] }) => {
      const riskId =
        existingRiskId ??
        raisedRisk.parse(
          await api<unknown>(`/api/accounts/${enc(accountId)}/risks`, { method: 'POST', body: { failureModeId, signalIds } }),
        ).id;
      return api<{ runId: string }>(`/api/account-risks/${enc(riskId)}/start-playbook`, { method: 'POST', body: {} });
    },
    onSuccess: invalidate,
  });
}
