import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Page } from '../api/types';
import type { Activity } from '../activities/api';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const STATUSES = ['open', 'investigating', 'mitigated', 'resolved'] as const;
export type EscalationStatus = (typeof STATUSES)[number];
export const MEMBER_ROLES = ['csm', 'support', 'product', 'engineering', 'exec_sponsor', 'manager'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export const severityColor: Record<Severity, string> = { low: 'gray', medium: 'yellow', high: 'orange', critical: 'red' };
export const statusColor: Record<EscalationStatus, string> = { open: 'red', investigating: 'orange', mitigated: 'blue', resolved: 'teal' };
export const statusLabel: Record<EscalationStatus, string> = { open: 'Open', investigating: 'Investigating', mitigated: 'Mitigated', resolved: 'Resolved' };
export const memberRoleLabel: Record<MemberRole, string> = {
  csm: 'CSM',
  support: 'Support',
  product: 'Product',
  engineering: 'Engineering',
  exec_sponsor: 'Executive sponsor',
  manager: 'Manager',
};

export interface Member {
  userId: string;
  name: string;
  role: MemberRole;
}
export interface Escalation {
  id: string;
  accountId: string;
  accountName: string;
  title: string;
  description: string;
  severity: Severity;
  status: EscalationStatus;
  openedBy: { id: string; name: string } | null;
  members: Member[];
  contacts: { id: string; name: string; email: string | null; role: string | null }[];
  activityCount: number;
  lastActivityAt: string | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
}
export interface EscalationDetail extends Escalation {
  thread: Activity[];
  canEdit: boolean;
}
export interface EscalationInput {
  accountId: string;
  title: string;
  description: string;
  severity: Severity;
  members: { userId: string; role: MemberRole }[];
  contactIds: string[];
}
export type EscalationPatch = Partial<Omit<EscalationInput, 'accountId'> & { status: EscalationStatus }>;

export interface EscalationFilter {
  accountId?: string;
  status?: EscalationStatus | 'active';
  severity?: Severity;
  mine?: boolean;
  sort?: string;
}

/** The people and roles rule, as the server checks it: at least two people in at least two roles. */
export function teamProblem(members: { userId: string; role: string }[]): string | null {
  const people = new Set(members.map((m) => m.userId)).size;
  const roles = new Set(members.map((m) => m.role)).size;
  if (people >= 2 && roles >= 2) return null;
  return `Add ${people < 2 ? `${2 - people} more ${people === 1 ? 'person' : 'people'}` : 'someone in another role'}: an escalation is owned by at least two people in at least two roles, never one throat to choke.`;
}

export function useEscalations(filter: EscalationFilter) {
  return useInfiniteQuery({
    queryKey: ['escalations', 'list', filter],
    queryFn: ({ pageParam, signal }) =>
      api<Page<Escalation>>('/api/escalations', {
        query: { ...filter, mine: filter.mine ? 'true' : undefined, cursor: pageParam, limit: 50 },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useEscalation(id: string | null) {
  return useQuery({
    queryKey: ['escalations', 'one', id],
    queryFn: ({ signal }) => api<EscalationDetail>(`/api/escalations/${encodeURIComponent(id ?? '')}`, { signal }),
    enabled: id !== null,
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  return (e: Escalation) => {
    void qc.invalidateQueries({ queryKey: ['escalations'] });
    void qc.invalidateQueries({ queryKey: ['timeline', e.accountId] });
  };
}

export function useCreateEscalation() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (input: EscalationInput) => api<Escalation>('/api/escalations', { method: 'POST', body: input }),
    onSuccess: invalidate,
  });
}

export function useUpdateEscalation(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (patch: EscalationPatch) => api<Escalation>(`/api/escalations/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch }),
    onSuccess: invalidate,
  });
}
