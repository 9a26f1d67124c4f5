import { z } from 'zod';
import { AppError } from './errors.js';
import { INT4_MAX, INT4_MIN, text } from './zod.js';

/** Opaque keyset cursors: base64url of a JSON array of the sort values of the last row. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/**
 * The sort values of the last row, checked against the list's own tuple schema. A cursor is client
 * input like any other: decoded without a schema, `["a","b"]` reached `::timestamptz` and `::uuid`
 * casts and came back as a 500. `field` names the query parameter in the error (`before` on the
 * timeline).
 */
export function decodeCursor<T extends z.ZodTuple>(cursor: string, schema: T, field = 'cursor'): z.output<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    raw = undefined;
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new AppError('request.invalid', 'The cursor is not valid; start again without it.', [{ path: field, message: 'invalid cursor' }]);
}

/*
 * Cursor values, as the lists encode them: most come from `::text` of the sort expression, so a
 * timestamp is PostgreSQL's text form (`2026-03-01 09:30:00.123456+00`, microseconds kept), and the
 * nullable sorts coalesce to ±infinity. Each schema accepts exactly what its cast can read.
 */

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2}){0,2})?( BC)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})( BC)?$/;

/** A real calendar day with a year PostgreSQL reads (0001–9999): no year 0, no 30 February. */
function realDay(y: string | undefined, m: string | undefined, d: string | undefined): boolean {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const last = new Date(Date.UTC(2000, month, 0)).getUTCDate(); // days in that month of a leap year
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && !leap ? 28 : last);
}

const infinity = z.enum(['infinity', '-infinity']);

export const cursorTimestamp = z.union([
  infinity,
  z.string().max(40).refine((s) => {
    const m = TIMESTAMP.exec(s);
    return m !== null && realDay(m[1], m[2], m[3]) && Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6]) < 60;
  }, 'not a timestamp'),
]);

export const cursorDate = z.union([
  infinity,
  z.string().max(20).refine((s) => {
    const m = DATE.exec(s);
    return m !== null && realDay(m[1], m[2], m[3]);
  }, 'not a date'),
]);

/** An `integer` sort value; `::text` gives a string, so both forms are read. */
export const cursorInt = z.union([z.number(), z.string().max(11).regex(/^-?\d+$/).transform(Number)]).pipe(z.number().int().min(INT4_MIN).max(INT4_MAX));

/** A `numeric` sort value (ARR) in its text form, never in exponent notation. */
export const cursorNumeric = z.string().max(40).regex(/^-?\d{1,20}(\.\d{1,10})?$/, 'not a decimal number');

/** A text sort value (names, kind-prefixed timeline ids). */
export const cursorText = text().max(1000);

/** A `bigserial` id. */
export const cursorSerial = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** The most common shape: (timestamp, id) for lists newest first. `guid`: any id a `::uuid` cast reads. */
export const timestampUuid = z.tuple([cursorTimestamp, z.guid()]);
