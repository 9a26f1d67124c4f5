import type { ErrorBody, FieldError } from './types';

/** An API error: `code` is stable, `message` is for people, `fields` belong beside form inputs. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    /** Machine-readable details some errors carry (e.g. `capacity.exceeded`: what is left). */
    readonly details: unknown = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Field messages keyed by the first path segment (e.g. `email`, `custom.tier` → `custom`). */
  fieldMap(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of this.fields) {
      const key = fieldKey(f.path);
      if (!(key in out)) out[key] = f.message;
    }
    return out;
  }
}

/** `email` → `email`, `custom.tier` → `custom`, `/externalIds/sf` → `externalIds`. */
export function fieldKey(path: string): string {
  return path.replace(/^\/?(body[./])?/, '').split(/[./[]/)[0] ?? path;
}

let csrfToken: string | null = null;
let onAuthRequired: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when any request answers 401 `auth.required` (the session ended). */
export function setAuthRequiredHandler(handler: (() => void) | null): void {
  onAuthRequired = handler;
}

export type Query = Record<string, string | number | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

async function toError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not JSON (proxy error page, empty body)
  }
  if (isErrorBody(body)) return new ApiError(res.status, body.code, body.message, body.fields ?? [], body.details);
  const fallback = res.status >= 500 ? 'The server had a problem. Try again in a moment.' : `Request failed (${res.status}).`;
  return new ApiError(res.status, 'http.' + res.status, fallback);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
  /** Do not trigger the global sign-in redirect on 401 (used by /api/auth/*). */
  quiet401?: boolean;
  /** Internal: set on the single retry after refreshing a stale CSRF token. */
  retried?: boolean;
}

async function refreshCsrfToken(): Promise<boolean> {
  try {
    const res = await fetch('/api/auth/me', { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!res.ok) return false;
    const body = (await res.json()) as { csrfToken?: unknown };
    if (typeof body.csrfToken !== 'string') return false;
    csrfToken = body.csrfToken;
    return true;
  } catch {
    return false;
  }
}

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'Cannot reach the Canopy server. Check your connection.');
  }
  if (!res.ok) {
    const error = await toError(res);
    if (res.status === 403 && error.code === 'auth.csrf' && !opts.retried && (await refreshCsrfToken())) {
      return api<T>(path, { ...opts, retried: true });
    }
    if (res.status === 401 && error.code === 'auth.required' && !opts.quiet401) onAuthRequired?.();
    throw error;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}
