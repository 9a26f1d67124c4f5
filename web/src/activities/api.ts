import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { ActivityCheckInInput } from '../api/readiness';

export const ACTIVITY_KINDS = ['call', 'meeting', 'email', 'note', 'qbr', 'escalation', 'ticket'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
export const RESPONDS_TO = ['escalation', 'ticket', 'complaint', 'risk'] as const;
export type RespondsTo = (typeof RESPONDS_TO)[number];

export const activityKindLabel: Record<ActivityKind, string> = {
  call: 'Call',
  meeting: 'Meeting',
  email: 'Email',
  note: 'Note',
  qbr: 'QBR',
  escalation: 'Escalation',
  ticket: 'Support ticket',
};
export const respondsToLabel: Record<RespondsTo, string> = {
  escalation: 'an escalation',
  ticket: 'a support ticket',
  complaint: 'a complaint',
  risk: 'a risk',
};

interface Named {
  id: string;
  name: string;
}

export interface Activity {
  id: string;
  accountId: string;
  accountName: string;
  kind: ActivityKind;
  occurredAt: string;
  subject: string;
  body: string;
  respondsTo: RespondsTo | null;
  escalationId: string | null;
  proactive: boolean;
  proactiveSource: 'inferred' | 'manual';
  author: Named | null;
  participants: { users: Named[]; contacts: Named[] };
  /** The call, meeting or e-mail task whose completion logged it. */
  taskId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ActivityInput {
  accountId: string;
  kind: ActivityKind;
  subject: string;
  body?: string;
  occurredAt?: string;
  participants?: { userIds: string[]; contactIds: string[] };
  respondsTo?: RespondsTo | null;
  escalationId?: string | null;
  proactive?: boolean;
  /** Plant a seed asked in this activity, in the same step (issue 10). */
  seed?: { questionId?: string; text?: string; theme?: string; contactId?: string };
  /** A readiness check-in asked in this activity, recorded with it (issue 11). */
  checkIn?: ActivityCheckInInput;
}

export interface RatioCounts {
  proactive: number;
  reactive: number;
  ratio: number | null;
}
export interface Ratio extends RatioCounts {
  from: string;
  to: string;
  bucket: 'week' | 'month';
  series: (RatioCounts & { periodStart: string })[];
  byUser: (RatioCounts & { userId: string | null; name: string })[];
}
export interface RatioParams {
  accountId?: string;
  userId?: string;
  teamId?: string;
  from?: string;
  to?: string;
  bucket?: 'week' | 'month';
}

/** Same inference as the server (src/activities/proactive.ts), to show the flag before saving. */
export function inferProactive(kind: ActivityKind, respondsTo: RespondsTo | null, escalationId: string | null = null): boolean {
  return kind !== 'escalation' && kind !== 'ticket' && respondsTo === null && escalationId === null;
}

export const ratioKey = (p: RatioParams) => ['activities', 'ratio', p] as const;

export function useRatio(params: RatioParams, enabled = true) {
  return useQuery({
    queryKey: ratioKey(params),
    queryFn: ({ signal }) => api<Ratio>('/api/activities/ratio', { query: { ...params }, signal }),
    enabled,
  });
}

/** Everything an activity shows up in: the timeline, ratios, escalation threads. */
export function useInvalidateWork() {
  const qc = useQueryClient();
  return (accountId?: string) => {
    void qc.invalidateQueries({ queryKey: ['activities'] });
    void qc.invalidateQueries({ queryKey: ['escalations'] });
    void qc.invalidateQueries({ queryKey: accountId ? ['timeline', accountId] : ['timeline'] });
    // The portfolio's "Last touch" follows activities.
    void qc.invalidateQueries({ queryKey: ['accounts', 'list'] });
    // A seed planted with it; a new touchpoint may change the autopilot verdict.
    void qc.invalidateQueries({ queryKey: ['seeds'] });
    void qc.invalidateQueries({ queryKey: accountId ? ['autopilot', accountId] : ['autopilot'] });
  };
}

/** An account's latest activity: its last touch (the account page shows it beside last product use). */
export function useLastTouch(accountId: string) {
  return useQuery({
    queryKey: ['activities', 'last', accountId],
    queryFn: () => api<{ items: Activity[] }>(`/api/activities?accountId=${encodeURIComponent(accountId)}&limit=1`),
    select: (d) => d.items[0] ?? null,
  });
}

export function useLogActivity() {
  const invalidate = useInvalidateWork();
  return useMutation({
    mutationFn: (input: ActivityInput) => api<Activity>('/api/activities', { method: 'POST', body: input }),
    onSuccess: (a) => invalidate(a.accountId),
  });
}

/** Logs into an escalation's thread (kind defaults to escalation on the server). */
export function useLogThreadActivity(escalationId: string) {
  const invalidate = useInvalidateWork();
  return useMutation({
    mutationFn: (input: Omit<ActivityInput, 'accountId' | 'escalationId'>) =>
      api<Activity>(`/api/escalations/${encodeURIComponent(escalationId)}/activities`, { method: 'POST', body: input }),
    onSuccess: (a) => invalidate(a.accountId),
  });
}

/** "0.625" → "63%"; null → "—". */
export function ratioLabel(r: number | null): string {
  return r === null ? '—' : `${Math.round(r * 100)}%`;
}
