import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detect, DETECTORS } from './detectors.js';
import { emptyFacts, type AccountFacts } from './facts.js';
import { DETECTOR_KINDS, type DetectorKind } from './params.js';

const DAY = 86_400_000;
const now = new Date('2026-06-01T12:00:00Z');
const ago = (d: number) => new Date(now.getTime() - d * DAY);
const day = (d: number) => ago(d).toISOString().slice(0, 10);
const facts = (over: Partial<AccountFacts> = {}): AccountFacts => ({ ...emptyFacts('a1', ago(400)), ...over });
const run = (kind: DetectorKind, f: AccountFacts, params: Record<string, unknown> = {}) => detect(kind, f, params, now);
const contact = (over: Partial<AccountFacts['contacts'][number]> = {}) => ({ id: 'c1', name: 'Ann', role: 'champion', deactivatedAt: null, lastSeenAt: null, createdAt: ago(300), lastActivityAt: null, ...over });

describe('usage detectors', () => {
  it('usage_drop fires at exactly dropPct and not just below; needs minPriorEvents', () => {
    expect(run('usage_drop', facts({ usage: { recent: 70, prior: 100 } }))?.evidence.facts).toMatchObject({ dropPct: 30 });
    expect(run('usage_drop', facts({ usage: { recent: 71, prior: 100 } }))).toBeNull();
    expect(run('usage_drop', facts({ usage: { recent: 0, prior: 19 } }))).toBeNull();
    expect(run('usage_drop', facts({ usage: { recent: 0, prior: 20 } }))?.startedAt).toEqual(now);
    expect(run('usage_drop', facts({ usage: { recent: 50, prior: 100 } }), { dropPct: 60 })).toBeNull();
  });
  it('seat_use_falling compares distinct users (per seat), with a floor on prior users', () => {
    expect(run('seat_use_falling', facts({ seats: 10, users: { recent: 8, prior: 10 } }))?.evidence.summary).toMatch(/0\.80 per seat/);
    expect(run('seat_use_falling', facts({ users: { recent: 9, prior: 10 } }))).toBeNull();
    expect(run('seat_use_falling', facts({ users: { recent: 0, prior: 2 } }))).toBeNull();
  });
  it('health_drop measures from the peak within the window and starts when the drop reached the threshold', () => {
    const f = facts({ healthChanges: [
      { at: ago(20), fromScore: 70, toScore: 75 }, { at: ago(10), fromScore: 75, toScore: 66 }, { at: ago(5), fromScore: 66, toScore: 60 }] });
    const s = run('health_drop', f);
    expect(s?.evidence.facts).toEqual({ from: 75, to: 60 });
    expect(s?.startedAt).toEqual(ago(5));
    expect(run('health_drop', f, { points: 16 })).toBeNull();
    expect(run('health_drop', f, { withinDays: 7 })).toBeNull(); // only 66 → 60 within 7 days
    expect(run('health_drop', facts({ healthChanges: [{ at: ago(3), fromScore: 80, toScore: null }] }))).toBeNull();
  });
});

describe('relationship detectors', () => {
  const left = { contactId: 'c1', name: 'Ann', fromRole: 'champion', toRole: 'champion', change: 'deactivated' as const, at: ago(10) };
  it('champion_left: deactivated or role changed within the window, unless another champion is active', () => {
    expect(run('champion_left', facts({ roleChanges: [left] }))?.startedAt).toEqual(ago(10));
    expect(run('champion_left', facts({ roleChanges: [{ ...left, change: 'role', toRole: 'user' }] }))?.evidence.summary).toMatch(/changed role to user/);
    expect(run('champion_left', facts({ roleChanges: [left], contacts: [contact({ id: 'c2' })] }))).toBeNull();
    expect(run('champion_left', facts({ roleChanges: [{ ...left, at: ago(121) }] }))).toBeNull();
    expect(run('champion_left', facts({ roleChanges: [{ ...left, change: 'reactivated' }] }))).toBeNull();
    expect(run('sponsor_left', facts({ roleChanges: [left] }))).toBeNull();
    expect(run('sponsor_left', facts({ roleChanges: [{ ...left, fromRole: 'executive_sponsor', toRole: 'executive_sponsor' }] }))).not.toBeNull();
  });
  it('champion_quiet: quiet for quietDays since the last sighting; starts when the quiet period was reached', () => {
    expect(run('champion_quiet', facts({ contacts: [contact({ lastSeenAt: ago(30) })] }))?.startedAt).toEqual(now);
    expect(run('champion_quiet', facts({ contacts: [contact({ lastSeenAt: ago(29) })] }))).toBeNull();
    expect(run('champion_quiet', facts({ contacts: [contact({ lastSeenAt: ago(40), lastActivityAt: ago(5) })] }))).toBeNull();
    expect(run('champion_quiet', facts({ contacts: [contact({ lastSeenAt: ago(50), deactivatedAt: ago(1) })] }))).toBeNull();
    expect(run('champion_quiet', facts())).toBeNull();
  });
  it('no_exec_touch: days since the last executive touch (or since the account began)', () => {
    expect(run('no_exec_touch', facts({ lastExecTouch: { activityId: 'x', at: ago(100) } }))?.startedAt).toEqual(ago(10));
    expect(run('no_exec_touch', facts({ lastExecTouch: { activityId: 'x', at: ago(89) } }))).toBeNull();
    expect(run('no_exec_touch', facts({ createdAt: ago(50) }))).toBeNull();
    expect(run('no_exec_touch', facts({ createdAt: ago(95) }))?.startedAt).toEqual(ago(5));
  });
});

describe('support and sentiment detectors', () => {
  it('support_spike: at least minCount and ratio × the usual rate in the window', () => {
    const spike = facts({ eventDays: [{ event: 'ticket_created', day: day(3), count: 2 }, { event: 'Ticket Created', day: day(1), count: 1 }] });
    expect(run('support_spike', spike)?.startedAt).toEqual(new Date(`${day(3)}T00:00:00Z`));
    expect(run('support_spike', facts({ eventDays: [{ event: 'ticket_created', day: day(3), count: 2 }] }))).toBeNull();
    const usual = facts({ eventDays: [...spike.eventDays, { event: 'ticket_created', day: day(40), count: 20 }] }); // 20/90*14 = 3.1 → needs 6.2
    expect(run('support_spike', usual)).toBeNull();
    expect(run('support_spike', spike, { events: ['other'] })).toBeNull();
  });
  it('open_escalation: open or investigating at minSeverity or above', () => {
    const e = { id: 'e1', title: 'Down', severity: 'medium' as const, status: 'open', createdAt: ago(4) };
    expect(run('open_escalation', facts({ escalations: [e] }))?.startedAt).toEqual(ago(4));
    expect(run('open_escalation', facts({ escalations: [{ ...e, severity: 'low' }] }))).toBeNull();
    expect(run('open_escalation', facts({ escalations: [{ ...e, status: 'mitigated' }] }))).toBeNull();
    expect(run('open_escalation', facts({ escalations: [e] }), { minSeverity: 'high' })).toBeNull();
  });
  it('detractor_nps and low_csat: the contact latest answer at or below maxScore within the window', () => {
    const a = { id: 'r1', kind: 'nps' as const, score: 6, answeredAt: ago(10), contactId: 'c1' };
    expect(run('detractor_nps', facts({ surveyAnswers: [a] }))?.startedAt).toEqual(ago(10));
    expect(run('detractor_nps', facts({ surveyAnswers: [{ ...a, score: 7 }] }))).toBeNull();
    expect(run('detractor_nps', facts({ surveyAnswers: [a, { ...a, id: 'r2', score: 9, answeredAt: ago(2) }] }))).toBeNull();
    expect(run('detractor_nps', facts({ surveyAnswers: [{ ...a, answeredAt: ago(91) }] }))).toBeNull();
    expect(run('low_csat', facts({ surveyAnswers: [a] }))).toBeNull();
    expect(run('low_csat', facts({ surveyAnswers: [{ ...a, kind: 'csat', score: 2 }] }))).not.toBeNull();
    expect(run('low_csat', facts({ surveyAnswers: [{ ...a, kind: 'csat', score: 3 }] }))).toBeNull();
  });
  it('low_confidence and sustain_talk', () => {
    const c = { id: 'k1', initiativeId: 'i1', initiativeTitle: 'SSO', confidence: 4, at: ago(6) };
    expect(run('low_confidence', facts({ checkIns: [c] }))?.startedAt).toEqual(ago(6));
    expect(run('low_confidence', facts({ checkIns: [{ ...c, confidence: 5 }] }))).toBeNull();
    const t = { type: 'activity' as const, id: 'a1', at: ago(20), label: 'sustain' as const, excerpt: 'we are fine as we are' };
    expect(run('sustain_talk', facts({ talk: [t] }))?.startedAt).toEqual(ago(20));
    expect(run('sustain_talk', facts({ talk: [{ ...t, label: 'change' }] }))).toBeNull();
    expect(run('sustain_talk', facts({ talk: [{ ...t, at: ago(61) }] }))).toBeNull();
  });
});

describe('delivery, commercial and engagement detectors', () => {
  it('overdue_milestones: more than graceDays past due, at least minCount', () => {
    const m = { id: 'm1', title: 'Import data', due: day(8) };
    expect(run('overdue_milestones', facts({ overdueMilestones: [m] }))).not.toBeNull();
    expect(run('overdue_milestones', facts({ overdueMilestones: [{ ...m, due: day(7) }] }))).toBeNull();
    expect(run('overdue_milestones', facts({ overdueMilestones: [m] }), { minCount: 2 })).toBeNull();
  });
  it('critical_date_close: within the largest lead time or expired; starts when it entered the window', () => {
    const d = { id: 'd1', kind: 'domain', label: 'example.com', expiresAt: new Date(now.getTime() + 50 * DAY), leadDays: [60, 30, 7], createdAt: ago(100) };
    expect(run('critical_date_close', facts({ criticalDates: [d] }))?.startedAt).toEqual(ago(10));
    expect(run('critical_date_close', facts({ criticalDates: [{ ...d, expiresAt: new Date(now.getTime() + 61 * DAY) }] }))).toBeNull();
    expect(run('critical_date_close', facts({ criticalDates: [{ ...d, expiresAt: ago(3) }] }))?.evidence.summary).toMatch(/expired 3 days ago/);
    expect(run('critical_date_close', facts({ criticalDates: [{ ...d, createdAt: ago(2) }] }))?.startedAt).toEqual(ago(2));
    expect(run('critical_date_close', facts({ criticalDates: [d] }), { kinds: ['tls'] })).toBeNull();
  });
  it('payment_failed: an event within the window or the account field', () => {
    expect(run('payment_failed', facts({ eventDays: [{ event: 'payment_failed', day: day(5), count: 1 }] }))).not.toBeNull();
    expect(run('payment_failed', facts({ eventDays: [{ event: 'payment_failed', day: day(40), count: 1 }] }))).toBeNull();
    expect(run('payment_failed', facts({ custom: { paymentStatus: 'Past_Due ' } }))?.startedAt).toEqual(now);
    expect(run('payment_failed', facts({ custom: { paymentStatus: 'ok' } }))).toBeNull();
    expect(run('payment_failed', facts({ custom: { paymentStatus: 'failed' } }), { field: null })).toBeNull();
  });
  it('autopilot', () => {
    expect(run('autopilot', facts({ autopilot: { on: true, computedAt: ago(3), n: 5, reasons: [] } }))?.startedAt).toEqual(ago(3));
    expect(run('autopilot', facts({ autopilot: { on: false, computedAt: ago(3), n: 5, reasons: [] } }))).toBeNull();
  });
  it('stored params that no longer parse fall back to the defaults', () => {
    expect(run('usage_drop', facts({ usage: { recent: 70, prior: 100 } }), { dropPct: 'x' })).not.toBeNull();
  });
});

describe('every detector on arbitrary facts', () => {
  const date = fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: false });
  const nullableDate = fc.option(date, { nil: null });
  const str = fc.string({ maxLength: 20 });
  const arbFacts: fc.Arbitrary<AccountFacts> = fc.record({
    accountId: fc.constant('a1'), createdAt: date, seats: fc.option(fc.integer(), { nil: null }),
    custom: fc.dictionary(str, fc.anything()) as fc.Arbitrary<Record<string, unknown>>,
    usage: fc.record({ recent: fc.double(), prior: fc.double() }), users: fc.record({ recent: fc.integer(), prior: fc.integer() }),
    eventDays: fc.array(fc.record({ event: fc.constantFrom('ticket_created', 'payment_failed', 'x'), day: fc.constantFrom(day(1), day(30), 'bad', day(-5)), count: fc.integer() }), { maxLength: 5 }),
    contacts: fc.array(fc.record({ id: str, name: fc.option(str, { nil: null }), role: fc.constantFrom('champion', 'executive_sponsor', null), deactivatedAt: nullableDate, lastSeenAt: nullableDate, createdAt: date, lastActivityAt: nullableDate }), { maxLength: 3 }),
    roleChanges: fc.array(fc.record({ contactId: str, name: fc.option(str, { nil: null }), fromRole: fc.constantFrom('champion', 'executive_sponsor', null), toRole: fc.constantFrom('champion', 'user', null), change: fc.constantFrom('role' as const, 'deactivated' as const, 'reactivated' as const), at: date }), { maxLength: 3 }),
    lastExecTouch: fc.option(fc.record({ activityId: str, at: date }), { nil: null }),
    surveyAnswers: fc.array(fc.record({ id: str, kind: fc.constantFrom('nps' as const, 'csat' as const), score: fc.integer({ min: 0, max: 10 }), answeredAt: date, contactId: fc.option(str, { nil: null }) }), { maxLength: 3 }),
    checkIns: fc.array(fc.record({ id: str, initiativeId: str, initiativeTitle: str, confidence: fc.integer({ min: 0, max: 10 }), at: date }), { maxLength: 3 }),
    talk: fc.array(fc.record({ type: fc.constantFrom('check_in' as const, 'activity' as const), id: str, at: date, label: fc.constantFrom('change' as const, 'sustain' as const, 'neutral' as const), excerpt: str }), { maxLength: 3 }),
    overdueMilestones: fc.array(fc.record({ id: str, title: str, due: fc.constantFrom(day(1), day(30), 'bad') }), { maxLength: 3 }),
    criticalDates: fc.array(fc.record({ id: str, kind: fc.constantFrom('domain', 'tls', 'other'), label: str, expiresAt: date, leadDays: fc.array(fc.integer({ min: -10, max: 4000 }), { maxLength: 3 }), createdAt: date }), { maxLength: 3 }),
    escalations: fc.array(fc.record({ id: str, title: str, severity: fc.constantFrom('low' as const, 'medium' as const, 'high' as const, 'critical' as const), status: fc.constantFrom('open', 'investigating', 'resolved'), createdAt: date }), { maxLength: 3 }),
    healthChanges: fc.array(fc.record({ at: date, fromScore: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }), toScore: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }) }), { maxLength: 4 }),
    autopilot: fc.option(fc.record({ on: fc.boolean(), computedAt: date, n: fc.integer(), reasons: fc.anything() }), { nil: null }),
  });
  it('never throw, never start after now, always start at a valid instant with a summary', () => {
    fc.assert(fc.property(arbFacts, fc.constantFrom(...DETECTOR_KINDS), (f, kind) => {
      const s = detect(kind, f, {}, now);
      if (s) {
        expect(s.kind).toBe(kind);
        expect(Number.isFinite(s.startedAt.getTime())).toBe(true);
        expect(s.startedAt.getTime()).toBeLessThanOrEqual(now.getTime());
        expect(typeof s.evidence.summary).toBe('string');
      }
    }), { numRuns: 400 });
  });
  it('there is one detector per seeded detector kind', () => {
    expect(Object.keys(DETECTORS).sort()).toEqual([...DETECTOR_KINDS].sort());
    expect(DETECTOR_KINDS).toHaveLength(17);
  });
});
