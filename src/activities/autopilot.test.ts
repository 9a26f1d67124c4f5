import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectAutopilot, median, type NewTopic, type Touchpoint } from './autopilot.js';

const DAY = 86_400_000;
const T0 = new Date('2025-01-06T09:00:00Z');
const dayOf = (n: number) => new Date(T0.getTime() + n * DAY);

let seq = 0;
const tp = (day: number, t: Partial<Touchpoint> = {}): Touchpoint => ({
  id: `t${++seq}`, kind: 'call', occurredAt: dayOf(day), author: 'Sam', linkedSeed: false, linkedGoal: false, ...t,
});
/** Monthly calls on days 0, 30, 60, 90. */
const monthly = () => [tp(0), tp(30), tp(60), tp(90)];

describe('detectAutopilot', () => {
  it('exactly steady: the same kind every 30 days, nothing new → on autopilot, with the touchpoints', () => {
    const v = detectAutopilot({ touchpoints: monthly(), topics: [], now: dayOf(100) });
    expect(v.onAutopilot).toBe(true);
    expect(v.reasons).toEqual([
      'the last 4 touchpoints are all of kind call',
      'steady rhythm: every 30 days (gaps of 30–30 days)',
      'no seed planted and no new topic since 2025-01-06',
    ]);
    expect(v.touchpoints.map((t) => t.occurredAt)).toEqual([dayOf(0), dayOf(30), dayOf(60), dayOf(90)]);
    expect(v.medianGapDays).toBe(30);
  });

  it('only the last N count, oldest first, whatever order they come in', () => {
    const v = detectAutopilot({ touchpoints: [tp(90), tp(-50, { kind: 'email' }), tp(30), tp(60), tp(0), tp(-20, { kind: 'meeting' })], topics: [], now: dayOf(95) });
    expect(v.onAutopilot).toBe(true);
    expect(v.touchpoints.map((t) => t.occurredAt)).toEqual([dayOf(0), dayOf(30), dayOf(60), dayOf(90)]);
  });

  it('fewer than N touchpoints is not autopilot, and says why', () => {
    const v = detectAutopilot({ touchpoints: [tp(0), tp(30), tp(60)], topics: [], now: dayOf(70) });
    expect(v).toMatchObject({ onAutopilot: false, reasons: ['only 3 touchpoints so far; 4 are needed to call it a routine'] });
    expect(detectAutopilot({ touchpoints: [], topics: [], now: dayOf(0) }).reasons).toEqual(['only 0 touchpoints so far; 4 are needed to call it a routine']);
    expect(detectAutopilot({ touchpoints: [tp(0), tp(30), tp(60)], topics: [], now: dayOf(70), n: 3 }).onAutopilot).toBe(true);
  });

  it('touchpoints after now do not count', () => {
    expect(detectAutopilot({ touchpoints: [...monthly(), tp(120)], topics: [], now: dayOf(100) }).touchpoints).toHaveLength(4);
    expect(detectAutopilot({ touchpoints: monthly(), topics: [], now: dayOf(80) }).onAutopilot).toBe(false);
  });

  it('mixed kinds are not routine', () => {
    const v = detectAutopilot({ touchpoints: [tp(0), tp(30, { kind: 'email' }), tp(60), tp(90, { kind: 'meeting' })], topics: [], now: dayOf(100) });
    expect(v.onAutopilot).toBe(false);
    expect(v.reasons).toEqual(['mixed kinds in the last 4 touchpoints: 2 calls, 1 email, 1 meeting']);
  });

  it('an irregular rhythm is not routine', () => {
    const v = detectAutopilot({ touchpoints: [tp(0), tp(7), tp(37), tp(82)], topics: [], now: dayOf(90) });
    expect(v.onAutopilot).toBe(false);
    expect(v.reasons).toEqual(['irregular rhythm: gaps of 7–45 days around a median of 30 (steady is within ±30%)']);
  });

  it('gaps within ±30 % of the median are steady; just outside is not', () => {
    expect(detectAutopilot({ touchpoints: [tp(0), tp(21), tp(51), tp(90)], topics: [], now: dayOf(91) }).onAutopilot).toBe(true);
    expect(detectAutopilot({ touchpoints: [tp(0), tp(20), tp(50), tp(90)], topics: [], now: dayOf(91) }).reasons[0]).toMatch(/^irregular rhythm/);
  });

  it('a burst on one day is no rhythm', () => {
    const v = detectAutopilot({ touchpoints: [tp(0), tp(0.1), tp(0.2), tp(0.3)], topics: [], now: dayOf(0.4) });
    expect(v.reasons).toEqual(['no rhythm: the last 4 touchpoints came less than a day apart']);
  });

  it('a rhythm that stopped is silence, not autopilot', () => {
    const v = detectAutopilot({ touchpoints: monthly(), topics: [], now: dayOf(130) });
    expect(v.onAutopilot).toBe(false);
    expect(v.reasons).toEqual(['the rhythm stopped: 40 days since the last touchpoint, against every 30 days before']);
    expect(detectAutopilot({ touchpoints: monthly(), topics: [], now: dayOf(129) }).onAutopilot).toBe(true);
  });

  it('a seed planted in one of them breaks the routine', () => {
    const v = detectAutopilot({ touchpoints: [tp(0), tp(30), tp(60, { linkedSeed: true }), tp(90)], topics: [], now: dayOf(100) });
    expect(v.onAutopilot).toBe(false);
    expect(v.reasons).toEqual(['the call on 2025-03-07 planted or moved a seed']);
  });

  it('a seed planted between them (a new-topic event) breaks it too', () => {
    const topics: NewTopic[] = [{ kind: 'seed_planted', at: dayOf(45), label: 'What if reports wrote themselves?' }];
    const v = detectAutopilot({ touchpoints: monthly(), topics, now: dayOf(100) });
    expect(v.reasons).toEqual(["new topic: seed planted 'What if reports wrote themselves?' on 2025-02-20"]);
  });

  it('a new goal between them breaks the routine; one before the window does not', () => {
    const v = detectAutopilot({ touchpoints: monthly(), topics: [{ kind: 'goal_created', at: dayOf(50) }], now: dayOf(100) });
    expect(v).toMatchObject({ onAutopilot: false, reasons: ['new topic: goal created on 2025-02-25'] });
    expect(detectAutopilot({ touchpoints: monthly(), topics: [{ kind: 'goal_created', at: dayOf(-1) }], now: dayOf(100) }).onAutopilot).toBe(true);
  });

  it('a new topic after the last touchpoint counts; one after now does not', () => {
    expect(detectAutopilot({ touchpoints: monthly(), topics: [{ kind: 'escalation_opened', at: dayOf(95) }], now: dayOf(100) }).reasons).toEqual(['new topic: escalation opened on 2025-04-11']);
    expect(detectAutopilot({ touchpoints: monthly(), topics: [{ kind: 'plan_changed', at: dayOf(101) }], now: dayOf(100) }).onAutopilot).toBe(true);
  });

  it('a touchpoint on a goal of the plan is not routine', () => {
    const v = detectAutopilot({ touchpoints: [tp(0, { linkedGoal: true }), tp(30), tp(60), tp(90)], topics: [], now: dayOf(100) });
    expect(v.reasons).toEqual(['the call on 2025-01-06 worked on a goal of the success plan']);
  });

  it('says every failing reason at once', () => {
    const v = detectAutopilot({ touchpoints: [tp(0, { kind: 'email' }), tp(3), tp(60, { linkedSeed: true }), tp(90)], topics: [{ kind: 'plan_changed', at: dayOf(70) }], now: dayOf(100) });
    expect(v.reasons).toHaveLength(4);
    expect(v.reasons[0]).toMatch(/^mixed kinds/);
    expect(v.reasons[1]).toMatch(/^irregular rhythm/);
    expect(v.reasons[3]).toBe('new topic: plan changed on 2025-03-17');
  });

  it('refuses an N below 2', () => {
    expect(() => detectAutopilot({ touchpoints: [], topics: [], now: dayOf(0), n: 1 })).toThrow(RangeError);
    expect(() => detectAutopilot({ touchpoints: [], topics: [], now: dayOf(0), n: 2.5 })).toThrow(RangeError);
  });

  it('median of even and odd lists', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('property: on autopilot only with N same-kind, unlinked touchpoints and no topic in the window; reasons always said', () => {
    const arbTp = fc.record({
      day: fc.integer({ min: 0, max: 200 }), kind: fc.constantFrom('call', 'email'), linkedSeed: fc.boolean(), linkedGoal: fc.boolean(),
    });
    fc.assert(fc.property(fc.array(arbTp, { maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 250 }), { maxLength: 2 }), fc.integer({ min: 2, max: 6 }), (tps, topicDays, n) => {
      const now = dayOf(250);
      const v = detectAutopilot({ touchpoints: tps.map((t) => tp(t.day, t)), topics: topicDays.map((d) => ({ kind: 'goal_created', at: dayOf(d) })), now, n });
      expect(v.reasons.length).toBeGreaterThan(0);
      expect(v.touchpoints.length).toBe(Math.min(n, tps.length));
      if (v.onAutopilot) {
        expect(v.touchpoints).toHaveLength(n);
        expect(new Set(v.touchpoints.map((t) => t.kind)).size).toBe(1);
        expect(v.touchpoints.some((t) => t.linkedSeed || t.linkedGoal)).toBe(false);
        const from = v.touchpoints[0]?.occurredAt.getTime() ?? 0;
        expect(topicDays.some((d) => dayOf(d).getTime() >= from)).toBe(false);
      }
    }));
  });
});
