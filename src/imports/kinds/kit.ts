import type { z } from 'zod';
import type { PlanContext, RowIssue, RowPlan } from '../types.js';

/** Helpers the kinds of part B share (pure). */

/** zod issues → row issues, the path's first key naming the field (the column the UI shows). */
export function zodIssues(err: z.ZodError, rename: Record<string, string> = {}): RowIssue[] {
  return err.issues.map((i) => {
    const key = i.path.length ? String(i.path[0]) : null;
    return { column: key === null ? null : ((Object.hasOwn(rename, key) ? rename[key] : undefined) ?? key), message: i.message };
  });
}

/**
 * A custom cell as stored: a plain decimal without a leading zero is a number (so numeric drivers
 * can read it); everything else stays the text it was. "007" stays text (an id, not seven).
 */
export function customValue(s: string): string | number {
  if (/^-?(0|[1-9]\d{0,14})(\.\d{1,6})?$/.test(s)) {
    const n = Number(s);
    if (Number.isFinite(n)) return n;
  }
  return s;
}

export function customObject(cells: Record<string, string>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(cells)) out[k] = customValue(v);
  return out;
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * What a row whose natural key was (or was not) found does in this mode. `seenRow`: an earlier row
 * of the file planned to create the same key.
 */
export function decide<R>(
  row: number, value: R, mode: PlanContext['mode'], found: string | undefined, seenRow: string | undefined, noun: string,
): RowPlan<R> {
  if (found) {
    if (mode === 'create') return { row, action: 'skip', reason: `${noun} already exists (create-only)` };
    return { row, action: 'update', value, targetId: found };
  }
  if (seenRow) {
    if (mode === 'create') return { row, action: 'skip', reason: `Same key as row ${seenRow}, which creates it (create-only)` };
    return { row, action: 'update', value, reason: `Updates the ${noun.toLowerCase()} row ${seenRow} creates` };
  }
  if (mode === 'update') return { row, action: 'skip', reason: `No such ${noun.toLowerCase()} (update-only)` };
  return { row, action: 'create', value };
}

/** Parses a timestamp the engine typed (a Date or an ISO string) to an ISO string, or undefined. */
export function isoOf(v: unknown): string | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
  if (typeof v === 'string' && v !== '') {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  return undefined;
}

/** e-mail → user id for the distinct addresses asked (one query). */
export async function usersByEmail(q: { query<T>(t: string, v?: unknown[]): Promise<{ rows: T[] }> }, emails: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(emails.map((e) => e.toLowerCase()))];
  if (wanted.length === 0) return new Map();
  const { rows } = await q.query<{ id: string; e: string }>('SELECT id, lower(email) AS e FROM users WHERE lower(email) = ANY($1::text[])', [wanted]);
  return new Map(rows.map((r) => [r.e, r.id]));
}
