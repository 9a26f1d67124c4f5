import { z } from 'zod';
import { INT4_MAX, INT4_MIN, MAX_YEAR, MIN_YEAR, MONEY_MAX, jsonProblem, textProblem } from '../http/zod.js';
import type { ColumnMapping, FieldSpec } from './types.js';

/**
 * Typed values of an import (pure). A cell is read by its field's type and its column's format;
 * what cannot be read for sure is refused with a message (an ambiguous date is never guessed, a
 * decimal comma is read only when the column's format says so).
 */

export type CellResult = { ok: true; value: unknown } | { ok: false; message: string };

/** A cell longer than this (in characters, about 1 MB) is its row's error. */
export const MAX_CELL_CHARS = 1_000_000;

export const DATE_FORMATS = ['YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY', 'YYYY/MM/DD', 'DD-MM-YYYY', 'MM-DD-YYYY', 'D MMM YYYY'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];
/** Datetimes: ISO 8601 ('iso'); a datetime column may also take any date format (midnight UTC). */
export const DATETIME_FORMATS = ['iso', ...DATE_FORMATS] as const;
/** Money: '1,234.50' (the default) or, only when chosen, '1.234,50' (decimal_comma). */
export const MONEY_FORMATS = ['decimal_point', 'decimal_comma'] as const;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const NUMERIC: Record<Exclude<DateFormat, 'D MMM YYYY'>, { re: RegExp; y: number; m: number; d: number }> = {
  'YYYY-MM-DD': { re: /^(\d{4})-(\d{1,2})-(\d{1,2})$/, y: 1, m: 2, d: 3 },
  'YYYY/MM/DD': { re: /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/, y: 1, m: 2, d: 3 },
  'DD/MM/YYYY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, y: 3, m: 2, d: 1 },
  'MM/DD/YYYY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, y: 3, m: 1, d: 2 },
  'DD.MM.YYYY': { re: /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, y: 3, m: 2, d: 1 },
  'DD-MM-YYYY': { re: /^(\d{1,2})-(\d{1,2})-(\d{4})$/, y: 3, m: 2, d: 1 },
  'MM-DD-YYYY': { re: /^(\d{1,2})-(\d{1,2})-(\d{4})$/, y: 3, m: 1, d: 2 },
};
const NAMED = /^(\d{1,2})[ -]([A-Za-z]{3,9})\.?,?[ -](\d{4})$/;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function calendarDay(y: number, m: number, d: number): string | null {
  if (y < MIN_YEAR || y > MAX_YEAR || m < 1 || m > 12 || d < 1) return null;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d > last ? null : `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** The day (YYYY-MM-DD) a string gives in one format, or null. */
export function parseDateIn(format: DateFormat, s: string): string | null {
  if (format === 'D MMM YYYY') {
    const m = NAMED.exec(s);
    if (!m) return null;
    const name = (m[2] ?? '').toLowerCase();
    const month = MONTHS.findIndex((x) => name.startsWith(x) && (name.length === 3 || fullMonth(x).startsWith(name)));
    return month < 0 ? null : calendarDay(Number(m[3]), month + 1, Number(m[1]));
  }
  const f = NUMERIC[format];
  const m = f.re.exec(s);
  return m ? calendarDay(Number(m[f.y]), Number(m[f.m]), Number(m[f.d])) : null;
}
const FULL = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const fullMonth = (abbr: string) => FULL[MONTHS.indexOf(abbr)] ?? abbr;

/** ISO 8601 date and time; without a zone it is UTC (`assumedUtc`). Null when not ISO or out of range. */
export function parseIsoDateTime(s: string): { iso: string; assumedUtc: boolean } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (!m) return null;
  const day = calendarDay(Number(m[1]), Number(m[2]), Number(m[3]));
  if (!day || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return null;
  const zone = m[8] ? (m[8].toUpperCase() === 'Z' ? 'Z' : m[8].length === 5 ? `${m[8].slice(0, 3)}:${m[8].slice(3)}` : m[8]) : 'Z';
  if (zone !== 'Z' && (Number(zone.slice(1, 3)) > 14 || Number(zone.slice(4, 6)) > 59)) return null;
  const ms = (m[7] ?? '').slice(0, 4).padEnd(4, '0');
  const t = Date.parse(`${day}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ? ms : ''}${zone}`);
  if (!Number.isFinite(t)) return null;
  const iso = new Date(t).toISOString();
  const year = Number(iso.slice(0, 4));
  if (year < MIN_YEAR || year > MAX_YEAR) return null;
  return { iso, assumedUtc: !m[8] };
}

function parseDate(raw: string, format: string | undefined): CellResult {
  if (format !== undefined && format !== 'iso') {
    if (!(DATE_FORMATS as readonly string[]).includes(format)) return { ok: false, message: `Unknown date format ${format}; use one of ${DATE_FORMATS.join(', ')}` };
    const day = parseDateIn(format as DateFormat, raw);
    return day ? { ok: true, value: day } : { ok: false, message: `"${clip(raw)}" is not a date in the format ${format} (years ${MIN_YEAR}–${MAX_YEAR})` };
  }
  const fits = UNAMBIGUOUS.filter((f) => parseDateIn(f, raw) !== null);
  const first = fits[0];
  if (first !== undefined) return { ok: true, value: parseDateIn(first, raw) };
  const dt = parseIsoDateTime(raw);
  if (dt && dt.iso.endsWith('T00:00:00.000Z') && !dt.assumedUtc) return { ok: true, value: dt.iso.slice(0, 10) };
  if (DATE_FORMATS.some((f) => parseDateIn(f, raw) !== null)) {
    return { ok: false, message: `"${clip(raw)}" needs the column's date format (day or month first?): choose DD/MM/YYYY, MM/DD/YYYY, DD-MM-YYYY or MM-DD-YYYY` };
  }
  return { ok: false, message: `"${clip(raw)}" is not a date (e.g. 2026-03-31; years ${MIN_YEAR}–${MAX_YEAR})` };
}
/** Formats read without being chosen: the only one of their shape (slashes and dashes with the year last are not). */
const UNAMBIGUOUS: DateFormat[] = ['YYYY-MM-DD', 'YYYY/MM/DD', 'DD.MM.YYYY', 'D MMM YYYY'];

function parseDateTime(raw: string, format: string | undefined): CellResult {
  const dt = parseIsoDateTime(raw);
  if (dt && (format === undefined || format === 'iso')) return { ok: true, value: dt.iso };
  // A date alone is midnight UTC of that day (the preview says so).
  const day = parseDate(raw, format === 'iso' ? 'YYYY-MM-DD' : format);
  if (day.ok) return { ok: true, value: `${String(day.value)}T00:00:00.000Z` };
  return dt ? { ok: false, message: `"${clip(raw)}" is not in the column's format ${String(format)}` } : { ok: false, message: `"${clip(raw)}" is not a date and time (ISO 8601, e.g. 2026-03-31T09:30:00Z)` };
}

const SYMBOLS = /^[$€£]|[$€£]$/g;

/** An amount: `$1,234.50`, `(1,234.50)` (negative), `-€12`; with decimal_comma `1.234,50 €`. */
export function parseMoney(raw: string, format: string | undefined): CellResult {
  if (format !== undefined && !(MONEY_FORMATS as readonly string[]).includes(format)) return { ok: false, message: `Unknown amount format ${format}; use ${MONEY_FORMATS.join(' or ')}` };
  let s = raw.trim();
  let negative = false;
  if (/^\(.*\)$/.test(s)) { negative = true; s = s.slice(1, -1).trim(); }
  for (let i = 0; i < 2; i += 1) {
    // One minus sign, before or after the currency symbol ($-12, -$12); never with parentheses.
    if (s.startsWith('-')) { if (negative) return bad(raw); negative = true; s = s.slice(1).trim(); }
    if (i === 0) s = s.replace(SYMBOLS, '').trim();
  }
  const comma = format === 'decimal_comma';
  const re = comma ? /^(\d{1,3}(?:[. ]\d{3})+|\d+)(?:,(\d{1,2}))?$/ : /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;
  const m = re.exec(s);
  if (!m) {
    const hint = !comma && /^\d{1,3}(\.\d{3})*,\d{1,2}$/.test(s) ? ' (a decimal comma? choose the format 1.234,50 for this column)' : '';
    return { ok: false, message: `"${clip(raw)}" is not an amount such as 1,234.50 with at most 2 decimals${hint}` };
  }
  const value = Number(`${(m[1] ?? '').replace(/[., ]/g, '')}.${m[2] ?? '0'}`) * (negative ? -1 : 1);
  if (Math.abs(value) > MONEY_MAX) return { ok: false, message: `${clip(raw)} is larger than ${MONEY_MAX}` };
  return { ok: true, value: value === 0 ? 0 : value };
}
const bad = (raw: string): CellResult => ({ ok: false, message: `"${clip(raw)}" is not an amount` });

function parseInt4(raw: string): CellResult {
  if (!/^[+-]?(\d{1,3}(,\d{3})+|\d+)$/.test(raw)) return { ok: false, message: `"${clip(raw)}" is not a whole number` };
  const n = Number(raw.replace(/,/g, ''));
  if (n < INT4_MIN || n > INT4_MAX) return { ok: false, message: `${clip(raw)} is out of range (${INT4_MIN} to ${INT4_MAX})` };
  return { ok: true, value: n === 0 ? 0 : n };
}

function parseDecimal(raw: string): CellResult {
  if (!/^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^[+-]?\.\d+$/.test(raw)) return { ok: false, message: `"${clip(raw)}" is not a number (plain digits, a point for decimals)` };
  const n = Number(raw.replace(/,/g, ''));
  if (!Number.isFinite(n) || Math.abs(n) > 1e15) return { ok: false, message: `${clip(raw)} is out of range` };
  return { ok: true, value: n === 0 ? 0 : n };
}

const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);

function parseEnum(spec: FieldSpec, raw: string, col: ColumnMapping): CellResult {
  const map = col.valueMap ?? {};
  const own = Object.hasOwn(map, raw) ? map[raw] : undefined;
  const mapped = own ?? Object.entries(map).find(([k]) => k.trim().toLowerCase() === raw.toLowerCase())?.[1] ?? raw;
  const values = spec.values ?? [];
  const hit = values.find((v) => v === mapped) ?? values.find((v) => v.toLowerCase() === mapped.toLowerCase());
  return hit !== undefined ? { ok: true, value: hit } : { ok: false, message: `"${clip(raw)}" is not one of ${values.join(', ')} (map it to one in the column's values)` };
}

const emailSchema = z.email().max(320);

/** Reads one cell for its field. An empty cell is absent (value undefined). */
export function parseCell(spec: FieldSpec, raw: string, col: ColumnMapping): CellResult {
  if (raw.length > MAX_CELL_CHARS) return { ok: false, message: `The cell is larger than 1 MB (${raw.length} characters)` };
  const problem = textProblem(raw);
  if (problem) return { ok: false, message: problem };
  const s = raw.trim();
  if (s === '') return { ok: true, value: undefined };
  switch (spec.type) {
    case 'text':
      return { ok: true, value: s };
    case 'email':
      return emailSchema.safeParse(s).success ? { ok: true, value: s.toLowerCase() } : { ok: false, message: `"${clip(s)}" is not an e-mail address` };
    case 'url': {
      let u: URL | null = null;
      try { u = new URL(s); } catch { u = null; }
      return u && (u.protocol === 'http:' || u.protocol === 'https:') && s.length <= 2048 ? { ok: true, value: s } : { ok: false, message: `"${clip(s)}" is not a web address (http:// or https://)` };
    }
    case 'int':
      return parseInt4(s);
    case 'decimal':
      return parseDecimal(s);
    case 'money':
      return parseMoney(s, col.format);
    case 'date':
      return parseDate(s, col.format);
    case 'datetime':
      return parseDateTime(s, col.format);
    case 'boolean': {
      const v = s.toLowerCase();
      return TRUE.has(v) ? { ok: true, value: true } : FALSE.has(v) ? { ok: true, value: false } : { ok: false, message: `"${clip(s)}" is not yes/no (true, false, yes, no, y, n, 1, 0)` };
    }
    case 'enum':
      return parseEnum(spec, s, col);
    case 'json': {
      let v: unknown;
      try { v = JSON.parse(s); } catch { return { ok: false, message: 'Not valid JSON' }; }
      const p = jsonProblem(v);
      return p ? { ok: false, message: p.message } : { ok: true, value: v };
    }
  }
}

/**
 * The format a column's sample is written in, for dates, datetimes and amounts; undefined when
 * the sample fits none, or (dates) more than one that give different days: the user must choose.
 */
export function detectFormat(spec: FieldSpec, samples: string[]): string | undefined {
  const xs = samples.map((s) => s.trim()).filter((s) => s !== '');
  if (xs.length === 0) return undefined;
  if (spec.type === 'money') {
    if (xs.every((x) => parseMoney(x, 'decimal_point').ok)) return undefined;
    return xs.every((x) => parseMoney(x, 'decimal_comma').ok) ? 'decimal_comma' : undefined;
  }
  if (spec.type !== 'date' && spec.type !== 'datetime') return undefined;
  if (spec.type === 'datetime' && xs.every((x) => parseIsoDateTime(x) !== null)) return 'iso';
  const fits = DATE_FORMATS.filter((f) => xs.every((x) => parseDateIn(f, x) !== null));
  if (fits.length === 0) return spec.type === 'datetime' && xs.every((x) => parseIsoDateTime(x) !== null || parseDateIn('YYYY-MM-DD', x) !== null) ? 'iso' : undefined;
  // Several formats read every value (day and month both 12 or less everywhere): the user chooses.
  return fits.length === 1 ? fits[0] : undefined;
}

/** Whether a datetime column's sample has values without a zone (read as UTC: the preview says so). */
export function assumesUtc(samples: string[]): boolean {
  return samples.some((s) => parseIsoDateTime(s.trim())?.assumedUtc === true);
}

const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}…` : s);
