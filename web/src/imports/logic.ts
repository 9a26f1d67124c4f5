import type { FieldSpec, Mapping, PreviewColumn } from './api';

/** Date formats the import reads (src/imports/values.ts); offered when the sample cannot tell. */
export const DATE_FORMATS = ['YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY', 'YYYY/MM/DD', 'DD-MM-YYYY', 'MM-DD-YYYY', 'D MMM YYYY', 'iso'] as const;
/** Money formats: the decimal mark. */
export const MONEY_FORMATS = [
  { value: 'decimal_point', label: '1,234.50 (decimal point)' },
  { value: 'decimal_comma', label: '1.234,50 (decimal comma)' },
] as const;

/** `1536` → `1.5 KB`. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n) || n < 0) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : Math.round(v * 10) / 10} ${units[i]}`;
}

/** `75` → `1 min 15 s`, `12` → `12 s`, `4000` → `1 h 7 min`. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export interface Sample {
  at: number;
  rows: number;
  bytes: number;
}

/**
 * Rate and time left from two progress readings (the first seen and the latest): rows a second,
 * bytes a second, and the seconds left by bytes (null when it cannot be told yet).
 */
export function progressRate(first: Sample | null, last: Sample | null, totalBytes: number | null | undefined) {
  if (!first || !last || last.at <= first.at) return { rowsPerSec: null, bytesPerSec: null, secondsLeft: null };
  const dt = (last.at - first.at) / 1000;
  const rowsPerSec = (last.rows - first.rows) / dt;
  const bytesPerSec = (last.bytes - first.bytes) / dt;
  const secondsLeft = totalBytes && bytesPerSec > 0 ? Math.max(0, (totalBytes - last.bytes) / bytesPerSec) : null;
  return { rowsPerSec, bytesPerSec, secondsLeft };
}

/** 0–100, or null when the size is unknown. */
export function percentDone(bytes: number, totalBytes: number | null | undefined): number | null {
  if (!totalBytes || totalBytes <= 0) return null;
  return Math.min(100, Math.max(0, (bytes / totalBytes) * 100));
}

export type MappingProblem = { column: string | null; message: string };

/**
 * What stops the user from going on with this mapping: a date column whose format the preview
 * could not tell (the user must pick one), a field mapped twice, a required field not mapped.
 * Account references are one-of (id, external id, domain or name): any one of them will do.
 */
export function mappingProblems(mapping: Mapping, columns: PreviewColumn[], fields: FieldSpec[]): MappingProblem[] {
  const out: MappingProblem[] = [];
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const used = new Map<string, string>();
  for (const c of columns) {
    const m = mapping.columns[c.name];
    if (!m || m.field === 'ignore') continue;
    const spec = byKey.get(m.field);
    if (m.field.startsWith('custom:')) {
      if (m.field.length <= 'custom:'.length) out.push({ column: c.name, message: `Name the custom field for “${c.name}”.` });
      continue;
    }
    if (!spec) {
      out.push({ column: c.name, message: `“${c.name}” is mapped to an unknown field (${m.field}).` });
      continue;
    }
    const other = used.get(m.field);
    if (other !== undefined) out.push({ column: c.name, message: `“${c.name}” and “${other}” both go to ${spec.label}: keep one.` });
    used.set(m.field, c.name);
    if ((spec.type === 'date' || spec.type === 'datetime') && !m.format && (c.ambiguous || spec.type === 'date')) {
      out.push({ column: c.name, message: `Pick the date format of “${c.name}”: its values could be read more than one way.` });
    }
  }
  const accountRef = ['accountId', 'accountExternalId', 'accountDomain', 'accountName'];
  const refRequired = fields.some((f) => accountRef.includes(f.key) && f.required);
  for (const f of fields) {
    if (!f.required || used.has(f.key)) continue;
    if (accountRef.includes(f.key)) continue;
    out.push({ column: null, message: `${f.label} is required: map a column to it.` });
  }
  if (refRequired && !accountRef.some((k) => used.has(k))) out.push({ column: null, message: 'Map a column that names the account (id, external id, domain or name).' });
  return out;
}

/** Confidence 0–1 as words and a colour. */
export function confidenceLabel(c: number | null | undefined): { label: string; color: string } | null {
  if (c === null || c === undefined) return null;
  if (c >= 0.9) return { label: 'exact', color: 'teal' };
  if (c >= 0.6) return { label: 'likely', color: 'blue' };
  return { label: 'guess', color: 'orange' };
}

export const MODE_TEXT: Record<'create' | 'update' | 'upsert', string> = {
  create: 'Create only: adds new records; a row whose record already exists is skipped, never changed.',
  update: 'Update only: changes records that already exist; a row with no match is skipped, nothing new is added.',
  upsert: 'Create or update: a row that matches an existing record updates it, any other row creates one.',
};
