import type { QueryClient } from '@tanstack/react-query';
import { taskPagesOptions } from '../api/tasks';
import { inboxQuery, parseInboxParams } from './InboxFilters';

/**
 * Opening the inbox directly (a bookmark, a reload): its first page is asked for while the app
 * starts and checks the session, with the same query key the page will read, so the rows are
 * there when it renders. Without a session the request fails quietly and the page refetches.
 */
export function prefetchInbox(queryClient: QueryClient, search: string): Promise<void> {
  const params = parseInboxParams(new URLSearchParams(search));
  return queryClient.prefetchInfiniteQuery(taskPagesOptions(inboxQuery(params, params.q.trim())));
}
