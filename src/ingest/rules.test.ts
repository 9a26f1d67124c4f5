import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeJson } from './sanitize.js';
import { MAX_FUTURE_MS, MAX_PAST_MS, parseIsoTime, resolveEventTime } from './times.js';
import { accountFromGroup, contactFromIdentify } from './traits.js';
import { MAX_SEATS } from '../accounts/schema.js';

type Es2024String = string & { isWellFormed(): boolean };
const strings = (v: unknown, out: string[] = []): string[] => {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { out.push(k); strings(x, out); }
  return out;
};
const anyString = fc.string({ unit: fc.oneof(fc.constantFrom('\u0000', '\ud800', '\udc00', '\udbff\udfff'), fc.string({ unit: 'binary', maxLength: 1 })), maxLength: 8 });
const anyJson = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, anyString, fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(anyString, tie('value'), { maxKeys: 3 })),
})).value;

describe('sanitizeJson', () => {
  it('leaves no NUL and no lone surrogate in any string or key, and is a no-op on its own output', () => {
    fc.assert(fc.property(anyJson, (v) => {
      const { value } = sanitizeJson(v);
      for (const s of strings(value)) {
        expect(s.includes('\u0000')).toBe(false);
        expect((s as Es2024String).isWellFormed()).toBe(true);
      }
      expect(sanitizeJson(value)).toEqual({ value, notes: [] });
    }), { numRuns: 300 });
  });
  it('names where it repaired, keeps clean strings as they are, and never writes a prototype', () => {
    const { value, notes } = sanitizeJson({ a: 'x\u0000y', b: ['\ud800'], ok: 'é😀', '__pro\u0000to__': { polluted: true } });
    expect(value).toEqual({ a: 'xy', b: ['\ufffd'], ok: 'é😀' });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(notes.map((n) => n.field).sort()).toEqual(['__proto__', '__proto__', 'a', 'b.0']);
  });
});

describe('resolveEventTime', () => {
  const received = new Date('2026-11-22T12:00:00Z');
  it('always lands within the window around receivedAt, and flags every time it did not use', () => {
    const time = fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string(), fc.integer(), fc.constant('0000-01-01T00:00:00Z'));
    fc.assert(fc.property(fc.option(time, { nil: undefined }), fc.option(time, { nil: undefined }), (timestamp, sentAt) => {
      const r = resolveEventTime({ timestamp, sentAt }, received);
      const ms = r.ts.getTime();
      expect(ms).toBeGreaterThanOrEqual(received.getTime() - MAX_PAST_MS);
      expect(ms).toBeLessThanOrEqual(received.getTime() + MAX_FUTURE_MS);
      if (r.fallback) expect(ms).toBe(received.getTime());
      if (timestamp !== undefined && parseIsoTime(timestamp) === null) expect(r.fallback?.timestamp).toBe(timestamp);
    }), { numRuns: 500 });
  });
  it('falls back for year 0000 and for a sentAt skew correction landing thousands of years back', () => {
    expect(resolveEventTime({ timestamp: '0000-01-01T00:00:00Z' }, received)).toMatchObject({ ts: received, fallback: { timestamp: '0000-01-01T00:00:00Z' } });
    const skewed = resolveEventTime({ timestamp: '2026-01-01T00:00:00Z', sentAt: '9999-12-31T00:00:00Z' }, received);
    expect(skewed).toMatchObject({ ts: received, sentAt: null, fallback: { sentAt: '9999-12-31T00:00:00Z' } });
  });
  it('reads a time without an offset as UTC and refuses impossible dates', () => {
    expect(parseIsoTime('2026-11-01T08:00:00')).toBe(Date.parse('2026-11-01T08:00:00Z'));
    expect(parseIsoTime('2026-11-01')).toBe(Date.parse('2026-11-01T00:00:00Z'));
    expect(parseIsoTime('2023-02-29')).toBeNull();
    expect(parseIsoTime('12/04/2024')).toBeNull();
  });
});

describe('trait checks', () => {
  it('takes only whole seats up to the API\'s bound, amounts within numeric(14,2), ISO dates in 1900–2199', () => {
    fc.assert(fc.property(fc.oneof(fc.double(), fc.integer(), fc.bigInt().map(String), fc.string()), (v) => {
      const a = accountFromGroup('g', { seats: v, arr: v, renewalDate: v });
      if (a.seats !== null) expect(Number.isInteger(a.seats) && a.seats >= 0 && a.seats <= MAX_SEATS).toBe(true);
      if (a.arr !== null) expect(a.arr >= 0 && a.arr < 1e12).toBe(true);
      if (a.renewalDate !== null) expect(a.renewalDate >= '1900-01-01' && a.renewalDate <= '2199-12-31').toBe(true);
      // Every trait given and not taken is reported.
      const refused = ['seats', 'arr', 'renewalDate'].filter((k) => a[k === 'renewalDate' ? 'renewalDate' : (k as 'seats' | 'arr')] === null);
      const given = v !== '' && !(typeof v === 'string' && v.trim() === '');
      if (given) expect(a.issues.map((i) => i.field).sort()).toEqual(refused.map((k) => `traits.${k}`).sort());
    }), { numRuns: 500 });
  });
  it('reports day-first dates, unknown stages and roles instead of guessing', () => {
    expect(accountFromGroup('g', { renewalDate: '12-04-2024', stage: 'active' })).toMatchObject({ renewalDate: null, stage: null, issues: [{ field: 'traits.stage' }, { field: 'traits.renewalDate' }] });
    expect(accountFromGroup('g', { renewalDate: '2024-12-04T23:30:00-05:00' }).renewalDate).toBe('2024-12-04');
    expect(contactFromIdentify('u', { role: 'boss' })).toMatchObject({ role: null, issues: [{ field: 'traits.role' }] });
    expect(contactFromIdentify('u', { role: 'Executive Sponsor' })).toMatchObject({ role: 'executive_sponsor', issues: [] });
  });
});
