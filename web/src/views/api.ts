import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { api, withQuery } from '../api/client';

/** Saved views (issue 13): a list page's filters, columns and sort under a name; personal or shared; one default per scope. */

export type ViewScope = 'portfolio' | 'inbox';
/** As GET /api/views has it: the list API's query-string filters, the export's column keys, the list's sort (null for the inbox). */
export interface ViewState {
  filters: Record<string, string>;
  columns: string[];
  sort: string | null;
}

const viewState = z
  .object({
    filters: z.record(z.string(), z.unknown()).default({}),
    columns: z.array(z.string()).default([]),
    sort: z.string().nullish(),
  })
  .transform((s): ViewState => ({
    filters: Object.fromEntries(Object.entries(s.filters).flatMap(([k, v]) => (v === null || v === undefined || v === '' ? [] : [[k, String(v)]]))),
    columns: s.columns,
    sort: s.sort ?? null,
  }));

const view = z
  .object({
    id: z.string(),
    scope: z.string(),
    name: z.string(),
    state: viewState.catch({ filters: {}, columns: [], sort: null }),
    shared: z.boolean().default(false),
    ownerId: z.string().nullish(),
    ownerName: z.string().nullish(),
    mine: z.boolean().optional(),
    isDefault: z.boolean().optional(),
    teamDefault: z.boolean().optional(),
  })
  .passthrough();
export type SavedView = z.infer<typeof view>;

const list = z.union([
  z.array(view).transform((items) => ({ items, defaultId: null as string | null })),
  z.object({ items: z.array(view), defaultId: z.string().nullish(), defaultViewId: z.string().nullish() }).transform((x) => ({ items: x.items, defaultId: x.defaultId ?? x.defaultViewId ?? null })),
]);

export const viewKeys = { scope: (scope: ViewScope) => ['views', scope] as const };

export function useViews(scope: ViewScope) {
  return useQuery({
    queryKey: viewKeys.scope(scope),
    queryFn: ({ signal }) =>
      api<unknown>('/api/views', { query: { scope }, signal }).then((x) => {
        const r = list.parse(x);
        const defaultId = r.defaultId ?? r.items.find((v) => v.isDefault)?.id ?? null;
        return { items: r.items.filter((v) => v.scope === scope), defaultId };
      }),
    staleTime: 30_000,
  });
}

export function useSaveView(scope: ViewScope) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { name: string; state: ViewState; shared: boolean; makeDefault: boolean }) =>
      view.parse(await api<unknown>('/api/views', { method: 'POST', body: { scope, name: v.name, state: v.state, shared: v.shared, default: v.makeDefault } })),
    onSettled: () => void qc.invalidateQueries({ queryKey: viewKeys.scope(scope) }),
  });
}

export function useUpdateView(scope: ViewScope) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...patch }: { id: string; name?: string; shared?: boolean; state?: ViewState }) => api<unknown>(`/api/views/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch }),
    onSettled: () => void qc.invalidateQueries({ queryKey: viewKeys.scope(scope) }),
  });
}

export function useDeleteView(scope: ViewScope) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/views/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSettled: () => void qc.invalidateQueries({ queryKey: viewKeys.scope(scope) }),
  });
}

async function setDefault(scope: ViewScope, viewId: string | null): Promise<void> {
  await api<unknown>(`/api/views/defaults/${scope}`, { method: 'PUT', body: { viewId } });
}

export function useSetDefaultView(scope: ViewScope) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (viewId: string | null) => setDefault(scope, viewId),
    onSettled: () => void qc.invalidateQueries({ queryKey: viewKeys.scope(scope) }),
  });
}

/** An export link: the list's query string (no paging) plus the visible columns. */
export function exportUrl(path: string, search: URLSearchParams | Record<string, string | number | null | undefined>, columns?: string[]): string {
  const q: Record<string, string> = {};
  const entries = search instanceof URLSearchParams ? [...search.entries()] : Object.entries(search);
  for (const [k, v] of entries) if (v !== null && v !== undefined && v !== '' && k !== 'cursor' && k !== 'limit') q[k] = String(v);
  if (columns?.length) q.columns = columns.join(',');
  return withQuery(path, q);
}
