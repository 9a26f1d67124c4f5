import { detectFormat } from './values.js';
import type { ColumnMapping, FieldSpec, Mapping } from './types.js';

/**
 * Header matching (pure): a file's column names to a kind's fields. A header matches a field by its
 * key, label or an alias once normalised; else by its words (`account_name` → name of the account,
 * `mrr_amount` → mrr); else by a close spelling (one or two letters off). Unknown columns are ignored,
 * or become custom fields when the kind allows and the caller asks.
 */

/** Lower case, accents and everything but letters and digits removed: `Account Name` → `accountname`. */
export function normaliseHeader(h: string): string {
  return h.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Words of a header or key: `accountExternalId`, `account_external-id` → [account, external, id]. */
export function words(h: string): string[] {
  return h
    .normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** Levenshtein distance, stopping early past `max`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j += 1) {
      const v = Math.min((prev[j] ?? Infinity) + 1, (cur[j - 1] ?? Infinity) + 1, (prev[j - 1] ?? Infinity) + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      best = Math.min(best, v);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length] ?? max + 1;
}

/** Filler words that say nothing about which field a column is. */
const FILLER = new Set(['the', 'of', 'a', 'amount', 'value', 'number', 'no', 'num', 'field', 'col', 'column', 'current', 'total']);

export type Suggestion = { field: string; confidence: number };

/** The best field for one header, with a confidence in 0..1, or null. */
export function matchHeader(header: string, fields: FieldSpec[]): Suggestion | null {
  const n = normaliseHeader(header);
  if (n === '') return null;
  const names = (f: FieldSpec) => [f.key, f.label, ...f.aliases];
  // 1. Exact (normalised) key, label or alias.
  for (const f of fields) if (names(f).some((x) => normaliseHeader(x) === n)) return { field: f.key, confidence: 1 };
  // 2. The header's meaningful words equal a name's words (`mrr_amount` → mrr, `Company Name` → company).
  const hw = words(header).filter((w) => !FILLER.has(w));
  const hn = hw.join('');
  if (hn !== '') {
    for (const f of fields) if (names(f).some((x) => normaliseHeader(x) === hn)) return { field: f.key, confidence: 0.9 };
  }
  // 3. A close spelling of a name (one letter off for short names, two for long ones).
  let best: Suggestion | null = null;
  for (const f of fields) {
    for (const x of names(f)) {
      const xn = normaliseHeader(x);
      if (xn.length < 4) continue;
      const max = xn.length >= 8 ? 2 : 1;
      const d = Math.min(editDistance(n, xn, max), hn.length >= 4 ? editDistance(hn, xn, max) : max + 1);
      if (d <= max) {
        const confidence = Number((0.8 - d * 0.15).toFixed(2));
        if (!best || confidence > best.confidence) best = { field: f.key, confidence };
      }
    }
  }
  return best;
}

export type ColumnSuggestion = { name: string; sample: string[]; suggested: { field: string; format?: string; confidence: number } };

/**
 * The suggested mapping for a file's header and sample rows: each field goes to at most one
 * column (the most confident; the first on a tie), dates and amounts get the detected format.
 */
export function suggestMapping(
  header: string[],
  sample: string[][],
  fields: FieldSpec[],
  opts: { custom?: boolean } = {},
): { columns: ColumnSuggestion[]; mapping: Mapping } {
  const matches = header.map((h) => matchHeader(h, fields));
  const taken = new Map<string, number>();
  matches.forEach((m, i) => {
    if (!m) return;
    const j = taken.get(m.field);
    if (j === undefined || (matches[j]?.confidence ?? -Infinity) < m.confidence) taken.set(m.field, i);
  });
  const columns: ColumnSuggestion[] = [];
  const mapping: Mapping = { columns: {} };
  header.forEach((name, i) => {
    const values = sample.map((r) => r[i] ?? '').filter((v) => v.trim() !== '');
    const m = matches[i];
    let col: ColumnMapping = { field: 'ignore' };
    let confidence = 0;
    const spec = m && taken.get(m.field) === i ? fields.find((f) => f.key === m.field) : undefined;
    if (m && spec) {
      const format = detectFormat(spec, values);
      col = { field: m.field, ...(format ? { format } : {}) };
      confidence = m.confidence;
    } else if (opts.custom) {
      col = { field: `custom:${name.trim()}` };
    }
    mapping.columns[name] = col;
    columns.push({ name, sample: values.slice(0, 5), suggested: { field: col.field, ...(col.format ? { format: col.format } : {}), confidence } });
  });
  return { columns, mapping };
}

/** Why a mapping cannot run: required fields with no column, fields mapped twice, unknown fields or columns. */
export function mappingProblems(mapping: Mapping, header: string[], fields: FieldSpec[], allowsCustom: boolean): string[] {
  const problems: string[] = [];
  const byField = new Map<string, string[]>();
  for (const [column, c] of Object.entries(mapping.columns)) {
    if (!header.includes(column)) { problems.push(`The mapping names a column "${column}" that the file does not have`); continue; }
    if (c.field === 'ignore') continue;
    if (c.field.startsWith('custom:')) {
      if (!allowsCustom) problems.push(`Column "${column}": this kind has no custom fields`);
      else if (c.field.length <= 7) problems.push(`Column "${column}": a custom field needs a name (custom:<name>)`);
      continue;
    }
    if (!fields.some((f) => f.key === c.field)) { problems.push(`Column "${column}": unknown field "${c.field}"`); continue; }
    byField.set(c.field, [...(byField.get(c.field) ?? []), column]);
  }
  for (const [field, cols] of byField) if (cols.length > 1) problems.push(`Field ${field} is mapped from several columns: ${cols.join(', ')}`);
  for (const f of fields) if (f.required && !byField.has(f.key)) problems.push(`Required field ${f.key} (${f.label}) has no column`);
  return problems;
}
