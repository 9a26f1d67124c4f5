import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyReasons, judgeAsk, ledger, loweringReasons, nextPeriod, periodOf, ymd, type Ask, type CheckInEvidence } from './ledger.js';

const at = (iso: string) => new Date(iso);
let seq = 0;
const ask = (a: Partial<Ask> = {}): Ask => ({
  kind: 'task', id: `a${String(++seq).padStart(4, '0')}`, label: 'Set up SSO', cost: 1, at: at('2026-11-25T10:00:00Z'), contactId: null, overload: false, status: 'open', ...a,
});
const base = { period: 'week' as const, defaultSpoons: 10, accountSpoons: null, contacts: [], asks: [], lowering: [] };

describe('periodOf', () => {
  it('starts a week on Monday 00:00 UTC: Sunday 23:59:59.999 is the week before, Monday 00:00 the new one', () => {
    const sunday = periodOf(at('2026-11-29T23:59:59.999Z'), 'week');
    const monday = periodOf(at('2026-11-30T00:00:00.000Z'), 'week');
    expect([ymd(sunday.from), ymd(sunday.to)]).toEqual(['2026-11-23', '2026-11-30']);
    expect([ymd(monday.from), ymd(monday.to)]).toEqual(['2026-11-30', '2026-12-07']);
  });

  it('a Monday at any hour belongs to its own week; a Wednesday to the Monday before', () => {
    expect(ymd(periodOf(at('2026-11-30T23:00:00Z'), 'week').from)).toBe('2026-11-30');
    expect(ymd(periodOf(at('2026-12-02T12:00:00Z'), 'week').from)).toBe('2026-11-30');
  });

  it('a week crosses a month and a year end', () => {
    const p = periodOf(at('2027-01-01T08:00:00Z'), 'week');
    expect([ymd(p.from), ymd(p.to)]).toEqual(['2026-12-28', '2027-01-04']);
  });

  it('months end on their last millisecond, February in leap years included', () => {
    expect(ymd(periodOf(at('2026-11-30T23:59:59.999Z'), 'month').from)).toBe('2026-11-01');
    expect(ymd(periodOf(at('2026-12-01T00:00:00.000Z'), 'month').from)).toBe('2026-12-01');
    const dec = periodOf(at('2026-12-31T23:59:59.999Z'), 'month');
    expect([ymd(dec.from), ymd(dec.to)]).toEqual(['2026-12-01', '2027-01-01']);
    expect(ymd(periodOf(at('2028-02-29T12:00:00Z'), 'month').to)).toBe('2028-03-01');
    expect(ymd(periodOf(at('2027-02-28T12:00:00Z'), 'month').to)).toBe('2027-03-01');
  });

  it('every instant falls inside its period, which is 7 days long or a calendar month', () => {
    fc.assert(fc.property(fc.date({ min: new Date('1950-01-01'), max: new Date('2150-01-01'), noInvalidDate: true }), (d) => {
      const w = periodOf(d, 'week');
      expect(w.from.getTime() <= d.getTime() && d.getTime() < w.to.getTime()).toBe(true);
      expect(w.from.getUTCDay()).toBe(1);
      expect(w.to.getTime() - w.from.getTime()).toBe(7 * 86_400_000);
      const m = periodOf(d, 'month');
      expect(m.from.getTime() <= d.getTime() && d.getTime() < m.to.getTime()).toBe(true);
      expect(m.from.getUTCDate()).toBe(1);
    }));
  });

  it('the next period starts where this one ends', () => {
    expect(ymd(nextPeriod(at('2026-11-29T23:59:00Z'), 'week').from)).toBe('2026-11-30');
    expect(ymd(nextPeriod(at('2026-12-15T00:00:00Z'), 'month').from)).toBe('2027-01-01');
  });
});

describe('ledger', () => {
  it('with no capacity set, the default applies', () => {
    const l = ledger({ ...base, at: at('2026-11-25T10:00:00Z') });
    expect(l).toMatchObject({ base: 10, capacity: 10, used: 0, left: 10, asks: [], reasons: [] });
    expect(ledger({ ...base, defaultSpoons: 6, at: at('2026-11-25T10:00:00Z') }).capacity).toBe(6);
    expect(ledger({ ...base, accountSpoons: 4, at: at('2026-11-25T10:00:00Z') }).capacity).toBe(4);
  });

  it('an ask counts in the period of its date only: Sunday night is last week, Monday morning this one', () => {
    const asks = [ask({ cost: 3, at: at('2026-11-29T23:59:59Z') }), ask({ cost: 2, at: at('2026-11-30T00:00:00Z') }), ask({ cost: 4, at: at('2026-12-07T00:00:00Z') })];
    const l = ledger({ ...base, asks, at: at('2026-12-02T09:00:00Z') });
    expect(l.asks.map((a) => a.cost)).toEqual([2]);
    expect(l).toMatchObject({ used: 2, left: 8 });
  });

  it('adds overlapping asks of the same day and lists them oldest first', () => {
    const asks = [ask({ cost: 3, at: at('2026-11-25T15:00:00Z') }), ask({ cost: 3, at: at('2026-11-25T09:00:00Z'), kind: 'survey' }), ask({ cost: 3, at: at('2026-11-25T09:00:00Z'), kind: 'check_in' })];
    const l = ledger({ ...base, asks, at: at('2026-11-25T10:00:00Z') });
    expect(l.used).toBe(9);
    expect(l.left).toBe(1);
    expect(l.asks.map((a) => a.at.toISOString())).toEqual(['2026-11-25T09:00:00.000Z', '2026-11-25T09:00:00.000Z', '2026-11-25T15:00:00.000Z']);
  });

  it('lists an ask of cost 0 and charges nothing for it; a cost 0 ask always fits, even with nothing left', () => {
    const l = ledger({ ...base, accountSpoons: 2, asks: [ask({ cost: 0 }), ask({ cost: 2 })], at: at('2026-11-25T10:00:00Z') });
    expect(l.asks).toHaveLength(2);
    expect(l).toMatchObject({ used: 2, left: 0 });
    expect(judgeAsk(l, { cost: 0 })).toEqual({ ok: true });
    expect(judgeAsk(l, { cost: 1 })).toMatchObject({ ok: false, scope: 'account', left: 0, capacity: 2, used: 2 });
  });

  it('lets an ask use exactly what is left, not one spoon more', () => {
    const l = ledger({ ...base, asks: [ask({ cost: 7 })], at: at('2026-11-25T10:00:00Z') });
    expect(judgeAsk(l, { cost: 3 })).toEqual({ ok: true });
    expect(judgeAsk(l, { cost: 4 })).toMatchObject({ ok: false, left: 3 });
  });

  it('reports a negative left when the period is already overloaded', () => {
    const l = ledger({ ...base, accountSpoons: 3, asks: [ask({ cost: 5, overload: true })], at: at('2026-11-25T10:00:00Z') });
    expect(l.left).toBe(-2);
  });

  it('an ask to a contact with a capacity of its own counts against both, and the tighter one refuses', () => {
    const contacts = [{ contactId: 'dana', name: 'Dana', spoons: 3 }];
    const asks = [ask({ cost: 2, contactId: 'dana' }), ask({ cost: 1, contactId: 'lee' })];
    const l = ledger({ ...base, contacts, asks, at: at('2026-11-25T10:00:00Z') });
    expect(l).toMatchObject({ used: 3, left: 7 });
    expect(l.contacts).toEqual([{ contactId: 'dana', name: 'Dana', capacity: 3, used: 2, left: 1 }]);
    expect(judgeAsk(l, { cost: 2, contactId: 'dana' })).toMatchObject({ ok: false, scope: 'contact', left: 1, capacity: 3, contactName: 'Dana' });
    expect(judgeAsk(l, { cost: 2, contactId: 'lee' })).toEqual({ ok: true });
    expect(judgeAsk(l, { cost: 1, contactId: 'dana' })).toEqual({ ok: true });
    // Both short: the account has 1 left, Dana 1: the account is reported when it is the tighter.
    const tight = ledger({ ...base, accountSpoons: 3, contacts, asks, at: at('2026-11-25T10:00:00Z') });
    expect(judgeAsk(tight, { cost: 1, contactId: 'dana' })).toMatchObject({ ok: false, scope: 'account', left: 0 });
  });
});

describe('automatic lowering', () => {
  const now = at('2026-12-02T12:00:00Z');
  const checkIn = (c: Partial<CheckInEvidence> = {}): CheckInEvidence => ({
    initiativeId: 'sso', initiativeTitle: 'Roll out SSO', contactName: 'Dana Ruiz', confidence: 4, at: at('2026-11-20T10:00:00Z'), ...c,
  });

  it('a low-confidence check-in of the last 30 days lowers by 2, and by 3 at confidence 3 or less, quoting it', () => {
    const [r] = loweringReasons({ checkIns: [checkIn()], sustain: [], confidenceThreshold: 7, now });
    expect(r).toEqual({ delta: -2, text: 'Low confidence: 4/10 on “Roll out SSO” at the check-in of 20 Nov 2026 (Dana Ruiz), below 7' });
    expect(loweringReasons({ checkIns: [checkIn({ confidence: 3 })], sustain: [], confidenceThreshold: 7, now })[0]?.delta).toBe(-3);
  });

  it('ignores check-ins at or above the threshold, older than 30 days, or superseded by a confident one on the same initiative', () => {
    expect(loweringReasons({ checkIns: [checkIn({ confidence: 7 })], sustain: [], confidenceThreshold: 7, now })).toEqual([]);
    expect(loweringReasons({ checkIns: [checkIn({ at: at('2026-11-02T11:59:00Z') })], sustain: [], confidenceThreshold: 7, now })).toEqual([]);
    const later = checkIn({ confidence: 8, at: at('2026-11-28T10:00:00Z') });
    expect(loweringReasons({ checkIns: [checkIn(), later], sustain: [], confidenceThreshold: 7, now })).toEqual([]);
  });

  it('counts one low-confidence reason however many, naming the lowest', () => {
    const rs = loweringReasons({ checkIns: [checkIn({ confidence: 5 }), checkIn({ initiativeId: 'rep', initiativeTitle: 'Scheduled reports', confidence: 2 })], sustain: [], confidenceThreshold: 7, now });
    expect(rs).toHaveLength(1);
    expect(rs[0]?.text).toContain('2/10 on “Scheduled reports”');
  });

  it('sustain talk of the last 14 days lowers by 1 per text, at most 3, newest first, quoting the phrases', () => {
    const s = (d: string, phrase: string) => ({ source: 'activity' as const, label: 'call “Weekly sync”', phrases: [phrase], at: at(d) });
    const rs = loweringReasons({
      checkIns: [], confidenceThreshold: 7, now,
      sustain: [s('2026-11-30T10:00:00Z', 'too busy right now'), s('2026-12-01T10:00:00Z', 'no time'), s('2026-11-25T10:00:00Z', 'not a priority'), s('2026-11-24T10:00:00Z', 'maybe later'), s('2026-11-10T10:00:00Z', 'old news')],
    });
    expect(rs.map((r) => r.delta)).toEqual([-1, -1, -1]);
    expect(rs[0]?.text).toBe('Sustain talk in an activity note of 1 Dec 2026 (call “Weekly sync”): “no time”');
    expect(rs.map((r) => r.text).join(' ')).not.toContain('old news');
  });

  it('never takes the capacity below 0, and says how much of a reason applied', () => {
    const { capacity, reasons } = applyReasons(2, [{ text: 'Low confidence', delta: -3 }, { text: 'Sustain', delta: -1 }]);
    expect(capacity).toBe(0);
    expect(reasons.map((r) => r.delta)).toEqual([-2, 0]);
    expect(reasons[0]?.text).toContain('only 2 applied');
    fc.assert(fc.property(fc.integer({ min: 0, max: 100 }), fc.array(fc.integer({ min: -5, max: 0 }), { maxLength: 6 }), (b, ds) => {
      const out = applyReasons(b, ds.map((delta) => ({ text: 'r', delta })));
      expect(out.capacity).toBeGreaterThanOrEqual(0);
      expect(out.capacity).toBe(b + out.reasons.reduce((sum, r) => sum + r.delta, 0));
    }));
  });

  it('the ledger applies the lowering to the account, not to contacts with their own capacity', () => {
    const l = ledger({ ...base, contacts: [{ contactId: 'dana', name: 'Dana', spoons: 3 }], lowering: [{ text: 'Low confidence', delta: -3 }], at: now });
    expect(l).toMatchObject({ base: 10, capacity: 7, left: 7 });
    expect(l.contacts[0]?.capacity).toBe(3);
  });
});
