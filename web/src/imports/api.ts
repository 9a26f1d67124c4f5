import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { ApiError, api, errorMessage } from '../api/client';

/**
 * The import API (issue 13; docs/design/issue-13-contract.md). Shapes are parsed leniently where
 * the server may add fields: the screens read only what is listed here.
 */

export const MODES = ['create', 'update', 'upsert'] as const;
export type Mode = (typeof MODES)[number];
export type OnError = 'stop' | 'skip';

const fieldSpec = z.object({
  key: z.string(),
  label: z.string(),
  type: z.string(),
  required: z.boolean().optional(),
  aliases: z.array(z.string()).optional(),
  values: z.array(z.string()).optional(),
  description: z.string().optional(),
});
export type FieldSpec = z.infer<typeof fieldSpec>;

const kind = z.object({
  name: z.string(),
  label: z.string(),
  description: z.string().optional(),
  fields: z.array(fieldSpec),
  allowsCustom: z.boolean().optional(),
  matchBy: z.array(z.string()).optional(),
  modes: z.array(z.enum(MODES)).optional(),
});
export type ImportKind = z.infer<typeof kind>;
const kinds = z.union([z.array(kind), z.object({ items: z.array(kind) }).transform((x) => x.items), z.object({ kinds: z.array(kind) }).transform((x) => x.kinds)]);

export type ColumnMapping = { field: string; format?: string; valueMap?: Record<string, string> };
export type Mapping = { columns: Record<string, ColumnMapping>; options?: Record<string, unknown> };

const counts = z.object({
  created: z.number().default(0),
  updated: z.number().default(0),
  skipped: z.number().default(0),
  errors: z.number().default(0),
});
export type Counts = z.infer<typeof counts>;

const rowIssue = z.object({ row: z.number(), column: z.string().nullish(), message: z.string() });
const plannedRow = z.object({
  row: z.number(),
  action: z.string(),
  reason: z.string().nullish(),
  message: z.string().nullish(),
  column: z.string().nullish(),
  targetId: z.string().nullish(),
  id: z.string().nullish(),
});
export type PlannedRow = z.infer<typeof plannedRow>;

const importItem = z
  .object({
    id: z.string(),
    status: z.string(),
    kind: z.string(),
    fileName: z.string().nullish(),
    dryRun: z.boolean().optional(),
    mode: z.string().optional(),
    onError: z.string().optional(),
    createdAt: z.string().nullish(),
    startedAt: z.string().nullish(),
    finishedAt: z.string().nullish(),
    createdBy: z.union([z.string(), z.object({ id: z.string().optional(), name: z.string().nullish(), email: z.string().nullish() })]).nullish(),
    createdByName: z.string().nullish(),
    encoding: z.string().nullish(),
    message: z.string().nullish(),
    error: z.string().nullish(),
    progress: z
      .object({ rows: z.number().default(0), bytes: z.number().default(0), totalBytes: z.number().nullish(), rate: z.number().nullish(), etaSeconds: z.number().nullish() })
      .default({ rows: 0, bytes: 0 }),
    phase: z.string().nullish(),
    counts: counts.default({ created: 0, updated: 0, skipped: 0, errors: 0 }),
    errors: z.array(rowIssue).default([]),
    rows: z.array(plannedRow).optional(),
    accountIds: z.array(z.string()).optional(),
  })
  .passthrough();
export type ImportItem = z.infer<typeof importItem>;
const importList = z.union([z.array(importItem), z.object({ items: z.array(importItem) }).transform((x) => x.items)]);

const previewColumn = z
  .object({
    name: z.string(),
    samples: z.array(z.string()).optional(),
    sample: z.array(z.string()).optional(),
    suggested: z.object({ field: z.string(), format: z.string().optional(), confidence: z.number().optional() }).optional(),
    field: z.string().nullish(),
    confidence: z.number().nullish(),
    format: z.string().nullish(),
    formats: z.array(z.string()).optional(),
    ambiguous: z.boolean().optional(),
    note: z.string().nullish(),
  })
  .passthrough();
export type PreviewColumn = z.infer<typeof previewColumn>;

/** Preview as the screens use it: one entry per column of the file, in file order. */
export interface Preview {
  columns: PreviewColumn[];
  suggested: Mapping;
  /** Sample rows, as the file has them. */
  sample: string[][];
  encoding?: string | undefined;
  /** What the user must decide or know (a date format to choose, times read as UTC). */
  notes: string[];
}

/** The server's preview `{columns, suggestedMapping, sample}`: columns may be names or objects, sample rows arrays or records. */
export function normalizePreview(raw: unknown): Preview {
  const r = (raw ?? {}) as Record<string, unknown>;
  const rawCols = Array.isArray(r.columns) ? r.columns : [];
  const cols: PreviewColumn[] = rawCols.map((c) => {
    if (typeof c === 'string') return { name: c };
    const col = previewColumn.parse(c);
    return { ...col, samples: col.samples ?? col.sample, confidence: col.confidence ?? col.suggested?.confidence ?? null, field: col.field ?? col.suggested?.field ?? null, format: col.format ?? col.suggested?.format ?? null };
  });
  const names = cols.map((c) => c.name);
  const rawSample = Array.isArray(r.sample) ? r.sample : Array.isArray(r.rows) ? r.rows : [];
  const sample: string[][] = rawSample.map((row) =>
    Array.isArray(row) ? row.map((v) => (v == null ? '' : String(v))) : names.map((n) => String((row as Record<string, unknown>)[n] ?? '')),
  );
  const sm = (r.suggestedMapping ?? r.mapping ?? {}) as { columns?: Record<string, unknown> } & Record<string, unknown>;
  const smCols = (sm.columns && typeof sm.columns === 'object' ? sm.columns : sm) as Record<string, unknown>;
  const suggested: Mapping = { columns: {}, options: (sm.options as Record<string, unknown> | undefined) ?? {} };
  cols.forEach((c, i) => {
    const s = smCols[c.name] as (ColumnMapping & { confidence?: number; ambiguous?: boolean; formats?: string[] }) | string | undefined;
    const m: ColumnMapping = typeof s === 'string' ? { field: s } : s && typeof s === 'object' ? { field: s.field ?? 'ignore', ...(s.format ? { format: s.format } : {}), ...(s.valueMap ? { valueMap: s.valueMap } : {}) } : { field: c.field ?? 'ignore', ...(c.format ? { format: c.format } : {}) };
    suggested.columns[c.name] = m;
    if (s && typeof s === 'object') {
      if (c.confidence == null && typeof s.confidence === 'number') c.confidence = s.confidence;
      if (c.ambiguous === undefined && typeof s.ambiguous === 'boolean') c.ambiguous = s.ambiguous;
      if (!c.formats && Array.isArray(s.formats)) c.formats = s.formats;
    }
    if (!c.samples) c.samples = sample.map((row) => row[i] ?? '').filter((v) => v !== '').slice(0, 5);
  });
  const notes = Array.isArray(r.notes) ? r.notes.filter((n): n is string => typeof n === 'string') : [];
  return { columns: cols, suggested, sample, encoding: typeof r.encoding === 'string' ? r.encoding : undefined, notes };
}

export const importKeys = {
  all: ['imports'] as const,
  list: ['imports', 'list'] as const,
  one: (id: string) => ['imports', 'one', id] as const,
  kinds: ['imports', 'kinds'] as const,
  mappings: (kind: string) => ['imports', 'mappings', kind] as const,
};

export const TERMINAL = new Set(['done', 'completed', 'succeeded', 'finished', 'failed', 'cancelled', 'canceled']);
export const isTerminal = (status: string) => TERMINAL.has(status);

export function useImports() {
  return useQuery({
    queryKey: importKeys.list,
    queryFn: ({ signal }) => api<unknown>('/api/imports', { query: { limit: 100 }, signal }).then((x) => importList.parse(x)),
    // Running imports move: look again every two seconds while one is running.
    refetchInterval: (q) => (q.state.data?.some((i) => !isTerminal(i.status)) ? 2000 : false),
  });
}

export function useImport(id: string | null) {
  return useQuery({
    queryKey: importKeys.one(id ?? ''),
    queryFn: ({ signal }) => api<unknown>(`/api/imports/${encodeURIComponent(id ?? '')}`, { signal }).then((x) => importItem.parse(x)),
    enabled: !!id,
    refetchInterval: (q) => (q.state.data && isTerminal(q.state.data.status) ? false : 700),
  });
}

export function useImportKinds() {
  return useQuery({
    queryKey: importKeys.kinds,
    queryFn: ({ signal }) => api<unknown>('/api/imports/kinds', { signal }).then((x) => kinds.parse(x)),
    staleTime: 10 * 60_000,
  });
}

const savedMapping = z.object({ id: z.string(), name: z.string(), kind: z.string(), mapping: z.any() }).passthrough();
export type SavedMapping = z.infer<typeof savedMapping>;
const savedMappings = z.union([z.array(savedMapping), z.object({ items: z.array(savedMapping) }).transform((x) => x.items)]);

export function useSavedMappings(kindName: string) {
  return useQuery({
    queryKey: importKeys.mappings(kindName),
    queryFn: ({ signal }) => api<unknown>('/api/import-mappings', { query: { kind: kindName }, signal }).then((x) => savedMappings.parse(x).filter((m) => m.kind === kindName)),
    enabled: !!kindName,
  });
}

export function useSaveMapping() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; kind: string; mapping: Mapping }) => api<unknown>('/api/import-mappings', { method: 'POST', body }),
    onSuccess: (_x, v) => void qc.invalidateQueries({ queryKey: importKeys.mappings(v.kind) }),
  });
}

async function csrf(): Promise<string> {
  const res = await fetch('/api/auth/me', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  const body = (await res.json().catch(() => ({}))) as { csrfToken?: string };
  return body.csrfToken ?? '';
}

/** A multipart POST (the API client speaks JSON only). */
async function postForm<T>(path: string, form: FormData): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', body: form, credentials: 'same-origin', headers: { accept: 'application/json', 'x-csrf-token': await csrf() } });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the Canopy server. Check your connection.');
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  if (!res.ok) {
    const b = (body ?? {}) as { code?: string; message?: string; fields?: { path: string; message: string }[] };
    throw new ApiError(res.status, b.code ?? `http.${res.status}`, b.message ?? (res.status === 413 ? 'The file is larger than the server accepts.' : `Request failed (${res.status}).`), b.fields ?? []);
  }
  return body as T;
}

export async function previewFile(file: File, kindName: string): Promise<Preview> {
  const form = new FormData();
  form.set('kind', kindName);
  form.set('file', file, file.name);
  return normalizePreview(await postForm<unknown>('/api/imports/preview', form));
}

export interface StartInput {
  file: File;
  kind: string;
  mapping: Mapping;
  mode: Mode;
  onError: OnError;
  dryRun: boolean;
}

export async function startImport(i: StartInput): Promise<{ id: string }> {
  const form = new FormData();
  // Fields before the file: a streaming server reads them first.
  form.set('kind', i.kind);
  form.set('mapping', JSON.stringify(i.mapping));
  form.set('mode', i.mode);
  form.set('onError', i.onError);
  form.set('dryRun', String(i.dryRun));
  form.set('file', i.file, i.file.name);
  return postForm<{ id: string }>('/api/imports', form);
}

/** Runs a finished dry run for real (`/run`), or uploads the file again when the server has no such route. */
export async function runForReal(dryRunId: string, again: StartInput): Promise<{ id: string }> {
  try {
    const r = await api<{ id?: string }>(`/api/imports/${encodeURIComponent(dryRunId)}/run`, { method: 'POST', body: {} });
    return { id: r?.id ?? dryRunId };
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 405) && err.code !== 'import.not_found') return startImport({ ...again, dryRun: false });
    throw err;
  }
}

export function useCancelImport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<unknown>(`/api/imports/${encodeURIComponent(id)}/cancel`, { method: 'POST', body: {} }),
    onSuccess: (_x, id) => {
      void qc.invalidateQueries({ queryKey: importKeys.one(id) });
      void qc.invalidateQueries({ queryKey: importKeys.list });
    },
  });
}

export const errorsCsvUrl = (id: string) => `/api/imports/${encodeURIComponent(id)}/errors.csv`;
export { errorMessage };
