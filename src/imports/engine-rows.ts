import { textProblem } from '../http/zod.js';
import { MAX_CELL_CHARS, parseCell } from './values.js';
import type { ColumnMapping, FieldSpec, ImportKind, Mapping, RowIssue, TypedRow } from './types.js';

/** One mapped column: its position in the record, its name in the file, where it goes. */
export type BoundColumn = { index: number; name: string; col: ColumnMapping; spec: FieldSpec | null; custom: string | null };

/** The mapping bound to a header: the columns that are not ignored. */
export function bindMapping(header: string[], mapping: Mapping, fields: FieldSpec[]): BoundColumn[] {
  const bound: BoundColumn[] = [];
  header.forEach((name, index) => {
    const col = mapping.columns[name];
    if (!col || col.field === 'ignore') return;
    if (col.field.startsWith('custom:')) bound.push({ index, name, col, spec: null, custom: col.field.slice(7) });
    else bound.push({ index, name, col, spec: fields.find((f) => f.key === col.field) ?? null, custom: null });
  });
  return bound;
}

export type Typed = { ok: true; row: TypedRow } | { ok: false; row: number; issues: RowIssue[] };

/** A record read by the mapping: its typed values, or every cell that could not be read. */
export function typeRecord(row: number, record: string[], headerLength: number, columns: BoundColumn[]): Typed {
  if (record.length !== headerLength) {
    return { ok: false, row, issues: [{ column: null, message: `The row has ${record.length} field${record.length === 1 ? '' : 's'}; the header has ${headerLength}` }] };
  }
  const issues: RowIssue[] = [];
  const values: Record<string, unknown> = {};
  const custom: Record<string, string> = {};
  for (const c of columns) {
    const raw = record[c.index] ?? '';
    if (c.custom !== null) {
      if (raw.length > MAX_CELL_CHARS) { issues.push({ column: c.name, message: `The cell is larger than 1 MB (${raw.length} characters)` }); continue; }
      const problem = textProblem(raw);
      if (problem) issues.push({ column: c.name, message: problem });
      else if (raw.trim() !== '') custom[c.custom] = raw.trim();
      continue;
    }
    if (!c.spec) { issues.push({ column: c.name, message: `Unknown field ${c.col.field}` }); continue; }
    const r = parseCell(c.spec, raw, c.col);
    if (!r.ok) issues.push({ column: c.name, message: r.message });
    else if (r.value !== undefined) values[c.spec.key] = r.value;
  }
  // Other cells of the row (ignored columns) may be huge: still this row's error (the cap is per cell).
  const huge = record.findIndex((v) => v.length > MAX_CELL_CHARS);
  if (huge >= 0 && !columns.some((c) => c.index === huge)) issues.push({ column: null, message: `Cell ${huge + 1} is larger than 1 MB (${record[huge]?.length ?? 0} characters)` });
  return issues.length > 0 ? { ok: false, row, issues } : { ok: true, row: { row, values, custom } };
}

/** Typing then the kind's own validation, for one chunk. */
export function validateChunk<R>(
  kind: ImportKind<R>, records: { row: number; record: string[] }[], headerLength: number, columns: BoundColumn[], options: Record<string, unknown>,
): { good: { row: number; value: R }[]; bad: { row: number; issues: RowIssue[] }[] } {
  const good: { row: number; value: R }[] = [];
  const bad: { row: number; issues: RowIssue[] }[] = [];
  for (const r of records) {
    const t = typeRecord(r.row, r.record, headerLength, columns);
    if (!t.ok) { bad.push({ row: t.row, issues: t.issues }); continue; }
    let v: ReturnType<ImportKind<R>['validate']>;
    try {
      v = kind.validate(t.row, options);
    } catch (err) {
      v = { ok: false, issues: [{ column: null, message: `Could not validate the row: ${(err as Error).message}` }] };
    }
    if (v.ok) good.push({ row: r.row, value: v.value });
    else bad.push({ row: r.row, issues: v.issues.length > 0 ? v.issues : [{ column: null, message: 'The row is not valid' }] });
  }
  return { good, bad };
}
