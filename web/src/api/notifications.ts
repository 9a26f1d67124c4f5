import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';

export interface AppNotification {
  id: string;
  kind: string;
  title: string;
  body: string;
  accountId: string | null;
  accountName: string | null;
  link: string | null;
  readAt: string | null;
  createdAt: string;
}

export interface NotificationPage {
  items: AppNotification[];
  nextCursor: string | null;
  unreadCount: number;
}

export interface NotificationPrefs {
  inApp: boolean;
  email: boolean;
  slack: boolean;
  slackWebhookUrl: string | null;
  digest: boolean;
}

export const notificationKeys = {
  all: ['notifications'] as const,
  bell: ['notifications', 'bell'] as const,
  list: (unread: boolean) => ['notifications', 'list', unread] as const,
  prefs: ['notificationPrefs'] as const,
};

/** The bell: the latest notifications and the unread count, polled every 30 s. */
export function useBell() {
  return useQuery({
    queryKey: notificationKeys.bell,
    queryFn: ({ signal }) => api<NotificationPage>('/api/notifications', { query: { limit: 10 }, signal }),
    refetchInterval: 30_000,
    refetchIntervalInBackground: false,
    staleTime: 10_000,
  });
}

export function useNotificationList(unread: boolean) {
  return useInfiniteQuery({
    queryKey: notificationKeys.list(unread),
    queryFn: ({ pageParam, signal }) =>
      api<NotificationPage>('/api/notifications', { query: { limit: 30, cursor: pageParam, unread: unread ? 'true' : undefined }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useMarkRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<{ unreadCount: number }>(`/api/notifications/${encodeURIComponent(id)}/read`, { method: 'POST' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

export function useMarkAllRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ updated: number; unreadCount: number }>('/api/notifications/read-all', { method: 'POST' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

export function useNotificationPrefs() {
  return useQuery({
    queryKey: notificationKeys.prefs,
    queryFn: ({ signal }) => api<NotificationPrefs>('/api/notifications/prefs', { signal }),
  });
}

export function useSaveNotificationPrefs() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (prefs: NotificationPrefs) => api<NotificationPrefs>('/api/notifications/prefs', { method: 'PUT', body: prefs }),
    onSuccess: (saved) => qc.setQueryData(notificationKeys.prefs, saved),
  });
}
