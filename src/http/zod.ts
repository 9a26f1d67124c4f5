import { z } from 'zod';
import { domainProblem } from '../validation/domain.js';
import { installMessages } from '../validation/messages.js';

// Every request schema is built from this file, so installing the plain-language messages here
// puts them in force wherever a schema exists: the API and the web forms (src/validation/messages.ts).
installMessages();

/**
 * The zod primitives every request schema is built from (bodies, query strings, params, cursors).
 *
 * Why a shared layer: PostgreSQL refuses some values that JSON and JavaScript carry happily, and
 * each refusal surfaced as a 500 instead of a 400 naming the field:
 *
 * - a NUL character (U+0000) cannot be stored in `text` or `jsonb` (22P05 / 22021);
 * - a lone UTF-16 surrogate has no UTF-8 encoding (jsonb refuses the `\ud800` escape, 22P02);
 * - `date` and `timestamptz` refuse year 0000 and years past 294276, and a JavaScript Date stops
 *   at 275760 (22008 / 22007); real dates for a customer-success book sit well inside 1900–2200;
 * - `integer` and `numeric(14, 2)` columns overflow (22003) long before a double does.
 *
 * So these checks run in the schema, where the failure becomes `request.invalid` with the field's
 * path, and the error handler maps any class-22 error that still slips through to a 400 as well.
 */

export const NUL_MESSAGE = 'Must not contain NUL (\\u0000) characters';
export const SURROGATE_MESSAGE = 'Must be well-formed Unicode (a lone surrogate cannot be stored)';

/** In `u` mode a surrogate pair reads as one code point, so this matches only lone surrogates. */
const LONE_SURROGATE = /\p{Surrogate}/u;
const wellFormed = (s: string) => !LONE_SURROGATE.test(s);

/** Why a string cannot be stored as PostgreSQL text, or null when it can. */
export function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return NUL_MESSAGE;
  if (!wellFormed(s)) return SURROGATE_MESSAGE;
  return null;
}

/**
 * A string PostgreSQL can store. A drop-in for `z.string()` in request schemas: chain `.trim()`,
 * `.min()`, `.max()`, `.regex()` after it as usual (zod 4 keeps the type through refinements).
 */
export const text = () =>
  z
    .string()
    .refine((s) => !s.includes('\u0000'), NUL_MESSAGE)
    .refine(wellFormed, SURROGATE_MESSAGE);

export const email = () => z.email().max(320).refine((s) => textProblem(s) === null, NUL_MESSAGE);

/** The range of years a date or a time in a request may fall in. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2200;
const RANGE_MESSAGE = `Enter a year between ${MIN_YEAR} and ${MAX_YEAR}`;
/**
 * ISO dates and times start with the 4-digit year (zod's formats never carry an extended year). A
 * string without one already failed the format check: passing here keeps that the only issue.
 */
const yearInRange = (s: string) => {
  const m = /^(\d{4})-/.exec(s);
  if (!m) return true;
  const year = Number(m[1]);
  return year >= MIN_YEAR && year <= MAX_YEAR;
};

/** YYYY-MM-DD, a real calendar day (zod checks months and leap years) in 1900–2200. */
export const isoDate = () => z.iso.date().refine(yearInRange, RANGE_MESSAGE).describe('YYYY-MM-DD');
/** ISO 8601 date and time with Z or an offset (e.g. 2026-03-01T09:30:00Z), in 1900–2200. */
export const dateTime = () => z.iso.datetime({ offset: true }).refine(yearInRange, RANGE_MESSAGE);

/**
 * A domain name such as `acme.com`, stored in lower case. Anything else (a URL, a path, an e-mail
 * address, "not a domain!!") is refused with a message saying what to type instead.
 */
export const domain = () =>
  text()
    .trim()
    .superRefine((s, ctx) => {
      const problem = domainProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .toLowerCase()
    .describe('A domain name such as acme.com (no scheme, no path); stored in lower case');

/** PostgreSQL `integer`. (z.number() itself already refuses ±Infinity and NaN.) */
export const INT4_MIN = -2_147_483_648;
export const INT4_MAX = 2_147_483_647;
export const int4 = () => z.number().int().min(INT4_MIN).max(INT4_MAX);

/** `numeric(14, 2)` (ARR and other amounts): twelve digits before the point. */
export const MONEY_MAX = 999_999_999_999.99;
export const money = () => z.number().min(0).max(MONEY_MAX);

/**
 * Query-string numbers, written in plain decimal only: `30`, `-5`, `1200.50` for money. Anything else — an empty
 * value, `0x10`, `1e2`, ` 7` — is refused with a 400 instead of being read as some other number (coercion would
 * turn `?days=` into 0 and `0x10` into 16). Then the same bounds apply.
 */
export const queryInt = (min: number, max: number) =>
  z.string().regex(/^-?\d{1,15}$/, 'Must be a whole number in plain digits, e.g. 30').transform(Number).pipe(z.number().int().min(min).max(max));
/** A query-string decimal in plain digits (`0.25`), within bounds; see queryInt. */
export const queryDecimal = (min: number, max: number) =>
  z.string().regex(/^-?\d{1,15}(\.\d{1,9})?$/, 'Must be a number in plain digits, e.g. 0.25').transform(Number).pipe(z.number().min(min).max(max));
export const queryMoney = () =>
  z.string().regex(/^\d{1,15}(\.\d{1,2})?$/, 'Must be an amount in plain digits, e.g. 1200 or 1200.50').transform(Number).pipe(z.number().min(0).max(MONEY_MAX));

/**
 * How deep a JSON value may nest: a request body (src/http/json-body.ts) and any JSON read
 * elsewhere, such as an imported CSV cell. A few thousand levels crash the embedded database's
 * jsonb parser and overflow JSON.stringify; real data stays under ten.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Where inside a JSON value a string or key cannot be stored in `jsonb`, or it nests deeper than
 * MAX_JSON_DEPTH, or null. Iterative: a request body was already capped by the body parser, but
 * this is also handed JSON that was never a body (an imported CSV cell), nested at any depth.
 */
export function jsonProblem(value: unknown): { path: (string | number)[]; message: string } | null {
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: value, path: [] }];
  while (stack.length > 0) {
    const { v, path } = stack.pop() as { v: unknown; path: (string | number)[] };
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) return { path, message: problem };
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path, message: 'Must be a finite number' };
    } else if (v !== null && typeof v === 'object' && path.length >= MAX_JSON_DEPTH) {
      return { path, message: `Nested deeper than ${MAX_JSON_DEPTH} levels` };
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push({ v: x, path: [...path, i] }));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const problem = textProblem(k);
        if (problem) return { path: [...path, k], message: `Key: ${problem}` };
        stack.push({ v: x, path: [...path, k] });
      }
    }
  }
  return null;
}

/** A JSON object (custom fields and the like) whose keys and strings, at any depth, PostgreSQL can store. */
export const jsonObject = () =>
  z.record(z.string(), z.unknown()).superRefine((v, ctx) => {
    const problem = jsonProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  });
