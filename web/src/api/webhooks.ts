import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { Page } from './types';

export interface Webhook {
  id: string;
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  maxAttempts: number;
  createdByName: string | null;
  createdAt: string;
  updatedAt: string;
  pending: number;
  dead: number;
  lastDeliveryAt: string | null;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'dead';

export interface Delivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  payload: unknown;
  status: DeliveryStatus;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface AllowlistEntry {
  entry: string;
  note: string;
  createdAt: string;
  createdByName: string | null;
  source: 'admin' | 'config';
}

export interface WebhookInput {
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  maxAttempts: number;
}

export const webhookKeys = {
  all: ['webhooks'] as const,
  deliveries: (id: string, status: DeliveryStatus | null) => ['webhooks', 'deliveries', id, status] as const,
  allowlist: ['outboundAllowlist'] as const,
};

export function useWebhooks() {
  return useQuery({
    queryKey: webhookKeys.all,
    queryFn: ({ signal }) => api<{ items: Webhook[]; eventTypes: string[] }>('/api/webhooks', { signal }),
  });
}

export function useCreateWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: WebhookInput) => api<{ webhook: Webhook; secret: string }>('/api/webhooks', { method: 'POST', body: input }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export function useUpdateWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: Partial<WebhookInput> }) =>
      api<Webhook>(`/api/webhooks/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export function useDeleteWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/webhooks/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export function useRotateSecret() {
  return useMutation({
    mutationFn: (id: string) => api<{ webhook: Webhook; secret: string }>(`/api/webhooks/${encodeURIComponent(id)}/rotate-secret`, { method: 'POST' }),
  });
}

export function useTestWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<Delivery>(`/api/webhooks/${encodeURIComponent(id)}/test`, { method: 'POST' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export function useDeliveries(webhookId: string, status: DeliveryStatus | null) {
  return useInfiniteQuery({
    queryKey: webhookKeys.deliveries(webhookId, status),
    queryFn: ({ pageParam, signal }) =>
      api<Page<Delivery>>(`/api/webhooks/${encodeURIComponent(webhookId)}/deliveries`, { query: { limit: 25, status, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 15_000,
  });
}

export function useRedeliver() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) => api<Delivery>(`/api/webhooks/deliveries/${encodeURIComponent(deliveryId)}/redeliver`, { method: 'POST' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export function useAllowlist() {
  return useQuery({
    queryKey: webhookKeys.allowlist,
    queryFn: ({ signal }) => api<{ items: AllowlistEntry[] }>('/api/settings/outbound-allowlist', { signal }),
    select: (d) => d.items,
  });
}

export function useAddAllowlistEntry() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { entry: string; note?: string }) => api<AllowlistEntry>('/api/settings/outbound-allowlist', { method: 'POST', body: input }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: webhookKeys.allowlist }),
  });
}

export function useRemoveAllowlistEntry() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (entry: string) => api<void>(`/api/settings/outbound-allowlist/${encodeURIComponent(entry)}`, { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: webhookKeys.allowlist }),
  });
}
