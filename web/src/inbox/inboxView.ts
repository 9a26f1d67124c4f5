import type { ViewState } from '../views/api';
import { exportUrl } from '../views/api';
import { inboxQuery, type InboxParams, parseInboxParams } from './InboxFilters';

/**
 * The inbox's filters as a saved view's state, in GET /api/tasks's names (assignee, status, source,
 * includeSnoozed, search). The inbox has its own order and no column choice: sort null, columns [].
 */
export function inboxViewState(p: InboxParams): ViewState {
  const filters: Record<string, string> = {};
  for (const [k, v] of Object.entries(inboxQuery(p, p.q.trim()))) if (v !== undefined && v !== null && v !== '') filters[k] = String(v);
  return { filters, columns: [], sort: null };
}

/** A saved view's state as the inbox's filters (unknown values fall back to the defaults). */
export function inboxParamsOf(s: ViewState): InboxParams {
  const f = s.filters;
  const sp = new URLSearchParams();
  const who = f.assignee === 'me' ? 'mine' : f.assignee === 'team' ? 'team' : f.assignee === 'any' ? 'all' : undefined;
  if (who) sp.set('who', who);
  if (f.status) sp.set('status', f.status);
  if (f.search) sp.set('q', f.search);
  if (f.source) sp.set('source', f.source);
  if (f.includeSnoozed === 'true') sp.set('snoozed', '1');
  return parseInboxParams(sp);
}

/** The tasks export with the inbox's query. */
export function inboxCsvUrl(p: InboxParams, search: string): string {
  return exportUrl('/api/tasks/export.csv', inboxQuery(p, search) as Record<string, string | undefined>);
}
