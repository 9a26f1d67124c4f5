import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';

/** How an outbound message stands (src/notifications/outbox-schema.ts). */
export type OutboundStatus = 'awaiting_approval' | 'queued' | 'sending' | 'sent' | 'failed' | 'cancelled';
export const OUTBOUND_STATUSES: OutboundStatus[] = ['awaiting_approval', 'queued', 'sending', 'sent', 'failed', 'cancelled'];
export const STATUS_LABEL: Record<OutboundStatus, string> = {
  awaiting_approval: 'Awaiting approval', queued: 'Queued', sending: 'Sending', sent: 'Sent', failed: 'Failed', cancelled: 'Cancelled',
};
export const STATUS_COLOR: Record<OutboundStatus, string> = {
  awaiting_approval: 'violet', queued: 'yellow', sending: 'blue', sent: 'green', failed: 'red', cancelled: 'gray',
};

export interface OutboundMessage {
  id: string;
  channel: 'email' | 'slack';
  audience: 'customer' | 'user';
  recipient: string;
  subject: string;
  body: string;
  status: OutboundStatus;
  attempts: number;
  lastError: string | null;
  messageId: string | null;
  account: { id: string; name: string } | null;
  playbookRunId: string | null;
  stepIndex: number | null;
  approvalTaskId: string | null;
  approvedBy: { id: string; name: string } | null;
  approvedAt: string | null;
  edited: boolean;
  cancelledBy: { id: string; name: string } | null;
  cancelReason: string | null;
  createdAt: string;
  nextAttemptAt: string | null;
  sentAt: string | null;
  failedAt: string | null;
  cancelledAt: string | null;
}
export interface OutboxPage { items: OutboundMessage[]; nextCursor: string | null; counts: Record<OutboundStatus, number> }
export interface EmailSettings { configured: boolean; from: string | null; message: string; publicUrlConfigured: boolean }

export interface EmailApproval {
  taskId: string;
  outboundId: string;
  status: OutboundStatus;
  to: { email: string; name: string | null; contactId: string | null };
  subject: string;
  body: string;
  edited: boolean;
  approvedBy: { id: string; name: string } | null;
  approvedAt: string | null;
  accountId: string | null;
  playbookRunId: string | null;
  playbookName: string | null;
  stepIndex: number | null;
  emailConfigured: boolean;
}
export interface EmailPreview { to: { contactId: string; name: string | null; email: string } | null; subject: string; body: string; note: string | null }

export const outboxKeys = { all: ['outbox'] as const, list: (f: object) => ['outbox', 'list', f] as const, settings: ['settings', 'email'] as const };

/** Whether e-mail is sent at all (the banner, the notification settings). */
export function useEmailSettings() {
  return useQuery({ queryKey: outboxKeys.settings, queryFn: ({ signal }) => api<EmailSettings>('/api/settings/email', { signal }), staleTime: 60_000 });
}

export function useOutbox(filter: { status?: OutboundStatus | null; audience?: 'customer' | 'user' | null }) {
  return useInfiniteQuery({
    queryKey: outboxKeys.list(filter),
    queryFn: ({ pageParam, signal }) =>
      api<OutboxPage>('/api/outbox', { query: { status: filter.status ?? undefined, audience: filter.audience ?? undefined, limit: 50, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useOutboxAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, reason }: { id: string; action: 'retry' | 'cancel'; reason?: string }) =>
      api<OutboundMessage>(`/api/outbox/${encodeURIComponent(id)}/${action}`, { method: 'POST', ...(action === 'cancel' ? { body: reason ? { reason } : {} } : {}) }),
    onSuccess: () => qc.invalidateQueries({ queryKey: outboxKeys.all }),
  });
}

/** The e-mail an approval task holds (404: the task holds none). */
export function useEmailApproval(taskId: string | null) {
  return useQuery({
    queryKey: ['email-approval', taskId ?? ''],
    queryFn: ({ signal }) => api<EmailApproval>(`/api/email-approvals/${encodeURIComponent(taskId ?? '')}`, { signal }),
    enabled: !!taskId,
    retry: false,
  });
}

export function useDecideEmail() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ taskId, decision, body }: { taskId: string; decision: 'approve' | 'reject'; body: object }) =>
      api<{ approval: EmailApproval }>(`/api/email-approvals/${encodeURIComponent(taskId)}/${decision}`, { method: 'POST', body }),
    onSuccess: () => Promise.all([
      qc.invalidateQueries({ queryKey: ['tasks'] }), qc.invalidateQueries({ queryKey: ['email-approval'] }),
      qc.invalidateQueries({ queryKey: ['timeline'] }), qc.invalidateQueries({ queryKey: ['playbooks'] }), qc.invalidateQueries({ queryKey: outboxKeys.all }),
    ]),
  });
}

export function usePreviewEmail() {
  return useMutation({
    mutationFn: (body: { accountId: string; step: { to: string; subject: string; body: string } }) =>
      api<EmailPreview>('/api/playbooks/preview-email', { method: 'POST', body }),
  });
}
