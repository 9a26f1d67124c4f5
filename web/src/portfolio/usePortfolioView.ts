import { useCallback, useMemo } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import type { ViewState } from '../views/api';
import { exportUrl } from '../views/api';
import { portfolioColumns } from './columns';
import { FILTER_KEYS, type usePortfolioParams } from './usePortfolioParams';

/** Every column id of the portfolio table, in table order. */
export const ALL_COLUMNS: string[] = portfolioColumns.map((c) => c.id ?? ('accessorKey' in c ? String(c.accessorKey) : '')).filter(Boolean);
/** The account name stays: without it a row means nothing. */
export const FIXED_COLUMNS = ['name'];

/** The table's column ids as the export and saved views name them (src/exports/columns.ts). */
export const EXPORT_KEY: Record<string, string> = { ownerName: 'owner', usage: 'usageChange' };
const UI_KEY: Record<string, string> = Object.fromEntries(Object.entries(EXPORT_KEY).map(([a, b]) => [b, a]));
export const toExportColumns = (cols: string[]) => cols.map((c) => EXPORT_KEY[c] ?? c);
export const fromExportColumns = (cols: string[]) => cols.map((c) => UI_KEY[c] ?? c);

/** The page's URL filter names and the list API's (GET /api/accounts), which saved views keep. */
export const API_FILTER: Record<string, string> = { q: 'search', owner: 'ownerId', renewal: 'renewalWithinDays', dropped: 'healthDropMin', risk: 'riskLevel' };
const URL_FILTER: Record<string, string> = Object.fromEntries(Object.entries(API_FILTER).map(([a, b]) => [b, a]));

/** Visible columns from `?cols=a,b` (all when absent), unknown ids dropped, the fixed ones kept. */
export function visibleColumns(cols: string | null): string[] {
  if (!cols) return ALL_COLUMNS;
  const wanted = new Set(cols.split(',').map((c) => c.trim()));
  return ALL_COLUMNS.filter((c) => wanted.has(c) || FIXED_COLUMNS.includes(c));
}

/** The portfolio's saved-view state (filters, columns, sort from the URL) and how to apply a saved one; its export link. */
export function usePortfolioView(p: ReturnType<typeof usePortfolioParams>) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const location = useLocation();
  const colsParam = params.get('cols');
  const columns = useMemo(() => visibleColumns(colsParam), [colsParam]);

  const { cursor: _c, limit: _l, sort: _s, ...query } = p.apiParams;
  const current: ViewState = useMemo(() => {
    const filters: Record<string, string> = {};
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') filters[k] = String(v);
    return { filters, columns: toExportColumns(columns), sort: p.sort };
    // query is rebuilt each render from the URL: the URL is what changes
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params, columns, p.sort]);

  const apply = useCallback(
    (s: ViewState) => {
      const next = new URLSearchParams();
      for (const [k, v] of Object.entries(s.filters)) {
        const key = URL_FILTER[k] ?? k;
        if ((FILTER_KEYS as readonly string[]).includes(key) && v) next.set(key, v);
      }
      if (s.sort && s.sort !== 'name') next.set('sort', s.sort);
      const cols = s.columns.length ? visibleColumns(fromExportColumns(s.columns).join(',')) : ALL_COLUMNS;
      if (cols.length < ALL_COLUMNS.length) next.set('cols', cols.join(','));
      const qs = next.toString();
      void navigate({ pathname: location.pathname, search: qs ? `?${qs}` : '' }, { state: { cursors: [] } });
    },
    [navigate, location.pathname],
  );

  const setColumns = useCallback(
    (cols: string[]) => {
      const next = new URLSearchParams(params);
      const shown = visibleColumns(cols.join(','));
      if (shown.length >= ALL_COLUMNS.length) next.delete('cols');
      else next.set('cols', shown.join(','));
      const qs = next.toString();
      void navigate({ pathname: location.pathname, search: qs ? `?${qs}` : '' }, { replace: true, state: location.state as unknown });
    },
    [params, navigate, location.pathname, location.state],
  );

  const bare = [...params.keys()].length === 0;
  const csv = exportUrl('/api/accounts/export.csv', { ...query, sort: p.sort } as Record<string, string | number | undefined>, toExportColumns(columns));
  return { current, apply, columns, setColumns, bare, csv };
}
