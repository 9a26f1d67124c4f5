import { useDebouncedValue } from '@mantine/hooks';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import type { AccountListParams } from '../api/accounts';
import { arrFilterParam } from './arrFilter';

/** Filters live in the URL (shareable, back button works); the stack of earlier cursors lives in history state. */
export const FILTER_KEYS = ['q', 'stage', 'segment', 'owner', 'renewal', 'arrMin', 'arrMax', 'band', 'healthMax', 'dropped', 'autopilot', 'risk'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export const SORT_KEYS = ['name', 'arr', 'renewalDate', 'lastActivityAt', 'lastTouchAt', 'createdAt', 'health', 'healthChange30d', 'onAutopilot', 'risk'] as const;
/** The "Dropped ≥ 10 in 30 days" toggle. */
export const DROP_POINTS = 10;
export const PAGE_SIZE = 50;

interface HistoryState {
  cursors?: string[];
}

function num(v: string | null): number | undefined {
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function validSort(v: string | null): string {
  if (!v) return 'name';
  const key = v.startsWith('-') ? v.slice(1) : v;
  return (SORT_KEYS as readonly string[]).includes(key) ? v : 'name';
}

let lastSearch = '';

/** The portfolio's last query string, so "back to the portfolio" keeps the view. */
export function lastPortfolioSearch(): string {
  return lastSearch;
}

export function usePortfolioParams() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const location = useLocation();
  useEffect(() => {
    lastSearch = location.search;
  }, [location.search]);
  const state = (location.state ?? {}) as HistoryState;
  const cursorStack = useMemo(() => state.cursors ?? [], [state.cursors]);

  const get = (k: string) => params.get(k) ?? '';
  const sort = validSort(params.get('sort'));
  const cursor = params.get('cursor') ?? '';

  const apiParams: AccountListParams & { autopilot?: 'true' | 'false'; riskLevel?: string } = {
    search: get('q').trim() || undefined,
    sort,
    stage: get('stage') || undefined,
    segment: get('segment') || undefined,
    ownerId: get('owner') || undefined,
    renewalWithinDays: num(params.get('renewal')),
    arrMin: arrFilterParam(params.get('arrMin')),
    arrMax: arrFilterParam(params.get('arrMax')),
    band: get('band') || undefined,
    healthMax: num(params.get('healthMax')),
    healthDropMin: get('dropped') ? (num(params.get('dropped')) ?? DROP_POINTS) : undefined,
    autopilot: get('autopilot') === 'true' ? 'true' : undefined,
    riskLevel: get('risk') || undefined,
    cursor: cursor || undefined,
    limit: PAGE_SIZE,
  };

  const go = useCallback(
    (next: URLSearchParams, opts: { replace?: boolean; cursors?: string[] } = {}) => {
      const qs = next.toString();
      void navigate({ pathname: location.pathname, search: qs ? `?${qs}` : '' }, {
        replace: opts.replace,
        state: { cursors: opts.cursors ?? [] } satisfies HistoryState,
      });
    },
    [navigate, location.pathname],
  );

  /** Change filters or sort; always back to the first page. */
  const update = useCallback(
    (patch: Partial<Record<FilterKey | 'sort', string | null>>, opts: { replace?: boolean } = {}) => {
      const next = new URLSearchParams(params);
      for (const [k, v] of Object.entries(patch)) {
        if (v === null || v === undefined || v === '' || (k === 'sort' && v === 'name')) next.delete(k);
        else next.set(k, v);
      }
      next.delete('cursor');
      if (next.toString() === params.toString()) return;
      go(next, { replace: opts.replace });
    },
    [params, go],
  );

  const clearFilters = useCallback(() => {
    const next = new URLSearchParams();
    if (params.get('sort')) next.set('sort', params.get('sort') ?? '');
    go(next);
  }, [params, go]);

  const nextPage = useCallback(
    (nextCursor: string) => {
      const next = new URLSearchParams(params);
      next.set('cursor', nextCursor);
      go(next, { cursors: [...cursorStack, cursor] });
    },
    [params, go, cursorStack, cursor],
  );

  const prevPage = useCallback(() => {
    const next = new URLSearchParams(params);
    const stack = [...cursorStack];
    const previous = stack.pop() ?? '';
    if (previous) next.set('cursor', previous);
    else next.delete('cursor');
    go(next, { cursors: stack });
  }, [params, go, cursorStack]);

  const hasFilters = FILTER_KEYS.some((k) => get(k) !== '');

  return {
    get,
    sort,
    cursor,
    apiParams,
    update,
    clearFilters,
    nextPage,
    prevPage,
    hasFilters,
    /** 0-based page index when known (a shared link with a cursor has no history). */
    pageIndex: cursor && cursorStack.length === 0 ? null : cursorStack.length,
  };
}

/**
 * Local text that follows a URL value, and is written back after `delay` ms of quiet.
 * Typing is never clobbered by our own write-back; back/forward navigation does update it.
 */
export function useDebouncedUrlText(urlValue: string, commit: (v: string) => void, delay = 250) {
  const [text, setText] = useState(urlValue);
  const [debounced] = useDebouncedValue(text, delay);
  const pushed = useRef(urlValue);

  useEffect(() => {
    if (urlValue !== pushed.current) {
      pushed.current = urlValue;
      setText(urlValue);
    }
  }, [urlValue]);

  useEffect(() => {
    if (debounced !== pushed.current) {
      pushed.current = debounced;
      commit(debounced);
    }
    // commit changes identity with the URL; only the debounced text should trigger a write
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);

  return [text, setText] as const;
}
