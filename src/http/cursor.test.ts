import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cursorDate, cursorInt, cursorNumeric, cursorText, cursorTimestamp, decodeCursor, encodeCursor, timestampUuid } from './cursor.js';
import { AppError } from './errors.js';

const refused = (fn: () => unknown, field = 'cursor') => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('request.invalid');
    expect((err as AppError).fields).toEqual([{ path: field, message: 'invalid cursor' }]);
    return true;
  }
  return false;
};

describe('decodeCursor', () => {
  it('round-trips the values a list encodes', () => {
    const id = randomUUID();
    expect(decodeCursor(encodeCursor(['2026-03-01 09:30:00.123456+00', id]), timestampUuid)).toEqual(['2026-03-01 09:30:00.123456+00', id]);
    expect(decodeCursor(encodeCursor(['2026-03-01T09:30:00.123Z', id]), timestampUuid)[0]).toBe('2026-03-01T09:30:00.123Z');
    expect(decodeCursor(encodeCursor(['57', id]), z.tuple([cursorInt, z.guid()]))).toEqual([57, id]);
    expect(decodeCursor(encodeCursor(['-infinity', id]), z.tuple([cursorDate, z.guid()]))[0]).toBe('-infinity');
  });

  it('refuses ["a","b"] and anything else of the wrong shape, naming the field, and never throws anything else', () => {
    expect(refused(() => decodeCursor('WyJhIiwiYiJd', timestampUuid))).toBe(true);
    expect(refused(() => decodeCursor('WyJhIiwiYiJd', z.tuple([cursorTimestamp, cursorText]), 'before'), 'before')).toBe(true);
    fc.assert(fc.property(fc.oneof(fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')), fc.string()), (c) => {
      try {
        const [at, id] = decodeCursor(c, timestampUuid);
        // Whatever passes is castable: a timestamp PostgreSQL reads and an id of the uuid shape.
        expect(at === 'infinity' || at === '-infinity' || /^\d{4}-\d\d-\d\d[ T]/.test(at)).toBe(true);
        expect(id).toMatch(/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i);
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
      }
    }), { numRuns: 500 });
  });

  it('refuses values a cast cannot read: year 0, 30 February, 24:00, exponents, int4 overflow, NUL', () => {
    const id = randomUUID();
    for (const at of ['0000-01-01 00:00:00+00', '2026-02-30 00:00:00+00', '2026-01-01 24:00:00+00', '275760-09-13T00:00:00Z', 'now', 'epoch']) {
      expect(refused(() => decodeCursor(encodeCursor([at, id]), timestampUuid)), at).toBe(true);
    }
    expect(refused(() => decodeCursor(encodeCursor(['1e308', id]), z.tuple([cursorNumeric, z.guid()])))).toBe(true);
    expect(refused(() => decodeCursor(encodeCursor(['2147483648', id]), z.tuple([cursorInt, z.guid()])))).toBe(true);
    expect(refused(() => decodeCursor(encodeCursor(['a\u0000', id]), z.tuple([cursorText, z.guid()])))).toBe(true);
    expect(refused(() => decodeCursor(encodeCursor(['2024-02-29 00:00:00+00', id, 'extra']), timestampUuid))).toBe(true);
  });

  it('accepts every timestamp PostgreSQL prints in its ISO style, in any zone', () => {
    const ts = fc.tuple(
      fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
      fc.integer({ min: 0, max: 999_999 }),
      fc.constantFrom('+00', '-05', '+05:30', '+00:53:28', 'Z', ''),
    ).map(([d, us, zone]) => `${d.toISOString().slice(0, 19).replace('T', ' ')}.${String(us).padStart(6, '0')}${zone}`);
    fc.assert(fc.property(ts, (at) => {
      expect(cursorTimestamp.safeParse(at).success, at).toBe(true);
    }));
  });
});
