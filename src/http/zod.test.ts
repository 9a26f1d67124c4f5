import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_JSON_DEPTH, dateTime, isoDate, jsonObject, jsonProblem, money, text, textProblem } from './zod.js';

const hasLoneSurrogate = (s: string) => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return true;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
};

describe('text()', () => {
  it('accepts exactly the strings without NUL and without lone surrogates', () => {
    // 'binary' units cover every UTF-16 code unit, so NULs and lone surrogates come up often.
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.boolean(), (s, nul) => {
      const v = nul ? `${s}\u0000` : s;
      const ok = !v.includes('\u0000') && !hasLoneSurrogate(v);
      expect(text().safeParse(v).success).toBe(ok);
      expect(textProblem(v) === null).toBe(ok);
    }), { numRuns: 500 });
  });

  it('keeps surrogate pairs (emoji) and chains like z.string()', () => {
    expect(text().trim().min(1).max(5).parse('  😀a ')).toBe('😀a');
    expect(text().safeParse('\ud83d').success).toBe(false);
    expect(text().max(2).safeParse('abc').success).toBe(false);
  });
});

describe('dates', () => {
  it('refuse year 0000, years past 2200 and impossible days; accept 1900–2200', () => {
    for (const bad of ['0000-01-01', '1899-12-31', '2201-01-01', '2026-02-30', '2026-13-01']) expect(isoDate().safeParse(bad).success, bad).toBe(false);
    for (const good of ['1900-01-01', '2024-02-29', '2200-12-31']) expect(isoDate().safeParse(good).success, good).toBe(true);
    for (const bad of ['0000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '9999-12-31T23:59:59Z', '2026-01-01T25:00:00Z']) expect(dateTime().safeParse(bad).success, bad).toBe(false);
    expect(dateTime().safeParse('2026-03-01T09:30:00.123+05:30').success).toBe(true);
    // One issue per mistake: a malformed date is not also "out of range".
    expect(isoDate().safeParse('31/12/2026').error?.issues).toHaveLength(1);
    expect(dateTime().safeParse('+275760-09-13T00:00:00Z').error?.issues).toHaveLength(1);
  });

  it('accept every timestamp a Date in range prints', () => {
    const range = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-12-31T23:59:59Z'), noInvalidDate: true });
    fc.assert(fc.property(range, (d) => {
      expect(dateTime().safeParse(d.toISOString()).success).toBe(true);
      expect(isoDate().safeParse(d.toISOString().slice(0, 10)).success).toBe(true);
    }));
  });
});

describe('numbers and JSON', () => {
  it('money() holds numeric(14, 2) and nothing beyond', () => {
    expect(money().safeParse(999_999_999_999.99).success).toBe(true);
    for (const bad of [1e12, 1e308, -1, Infinity, Number.NaN]) expect(money().safeParse(bad).success, String(bad)).toBe(false);
  });

  it('jsonObject() refuses NUL and lone surrogates in keys and values at any depth, naming the path', () => {
    const r = jsonObject().safeParse({ a: [{ ok: 1 }, { 'b\u0000': 2 }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['a', 1, 'b\u0000']);
    expect(jsonObject().safeParse({ a: { b: 'x\udc00' } }).error?.issues[0]?.path).toEqual(['a', 'b']);
    // The oracle looks at every key and string itself: reading JSON.stringify's escapes would take
    // a literal backslash followed by "ud800" for a lone surrogate.
    const strings = (v: unknown): string[] =>
      typeof v === 'string' ? [v]
      : Array.isArray(v) ? v.flatMap(strings)
      : v !== null && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => [k, ...strings(x)])
      : [];
    const nasty = fc.oneof(fc.constantFrom('\\ud800', '\\u0000', '\u0000', '\ud800', '\udfff', 'ok', '\ud83d\ude00'), fc.string());
    const crafted = fc.dictionary(nasty, fc.oneof(nasty, fc.array(nasty, { maxLength: 3 })), { maxKeys: 3 });
    fc.assert(fc.property(fc.oneof(fc.jsonValue(), crafted), (v) => {
      const ok = strings(v).every((s) => !s.includes('\u0000') && !hasLoneSurrogate(s));
      expect(jsonObject().safeParse({ v }).success).toBe(ok);
    }), { numRuns: 500 });
  });

  it('jsonProblem() refuses JSON nested deeper than MAX_JSON_DEPTH, iteratively (JSON that was never a body, such as a CSV cell)', () => {
    const nest = (n: number): unknown => { let v: unknown = 1; for (let i = 0; i < n; i++) v = i % 2 ? { k: v } : [v]; return v; };
    expect(jsonProblem(nest(MAX_JSON_DEPTH))).toBeNull();
    expect(jsonProblem(nest(MAX_JSON_DEPTH + 1))).toMatchObject({ path: expect.any(Array) as unknown, message: `Nested deeper than ${MAX_JSON_DEPTH} levels` });
    expect(jsonProblem(nest(MAX_JSON_DEPTH + 1))?.path).toHaveLength(MAX_JSON_DEPTH);
    expect(jsonProblem(JSON.parse('['.repeat(10_000) + ']'.repeat(10_000)))?.message).toMatch(/Nested deeper/); // no stack overflow
  });

  it('z.number() itself refuses the non-finite', () => {
    expect(z.number().safeParse(Infinity).success).toBe(false);
  });
});
