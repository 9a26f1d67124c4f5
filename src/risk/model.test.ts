import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compoundRisk, effectiveStrength, largestRemainder, levelOf, weightedAverageRisk, type ModelSignal } from './model.js';
import type { SignalFamily } from './signals/types.js';

const sig = (id: string, family: SignalFamily, p: number, kind = id): ModelSignal => ({ id, kind, family, strength: p, effective: p });
const FAMILIES: SignalFamily[] = ['usage', 'relationship', 'sentiment', 'support', 'delivery', 'commercial', 'engagement', 'other'];
const arbSignal = fc.record({
  id: fc.string({ minLength: 1, maxLength: 6 }),
  kind: fc.constantFrom('a', 'b', 'c', 'd'),
  family: fc.constantFrom(...FAMILIES),
  strength: fc.double({ min: 0, max: 1, noNaN: true }),
  effective: fc.double({ min: 0, max: 1, noNaN: true }),
});

describe('compound risk (issue 12 claims)', () => {
  it('one weak signal stays low', () => {
    const r = compoundRisk([sig('s1', 'engagement', 0.1)]);
    expect(r.score).toBe(10);
    expect(r.level).toBe('low');
  });

  it('three independent medium signals (0.3, three families) rise steeply to about 66', () => {
    const r = compoundRisk([sig('a', 'usage', 0.3), sig('b', 'relationship', 0.3), sig('c', 'sentiment', 0.3)]);
    expect(r.probability).toBeCloseTo(1 - 0.7 ** 3, 10);
    expect(r.score).toBe(66);
    expect(r.level).toBe('high');
  });

  it('three medium signals of one family do not: about 40', () => {
    const r = compoundRisk([sig('a', 'usage', 0.3), sig('b', 'usage', 0.3), sig('c', 'usage', 0.3)]);
    expect(r.probability).toBeCloseTo(1 - 0.7 * (1 - 0.25 * 0.3) ** 2, 10);
    expect(r.score).toBe(40);
    expect(r.level).toBe('medium');
    expect(r.families).toEqual([{ family: 'usage', probability: r.probability }]);
  });

  it('no signals is no risk', () => {
    expect(compoundRisk([])).toEqual({ probability: 0, score: 0, level: 'low', contributions: [], families: [] });
  });

  it('levels at 25, 50 and 75', () => {
    expect([0, 24, 25, 49, 50, 74, 75, 100].map(levelOf)).toEqual(['low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
  });

  it('contributions sum to the score, the strongest first, and follow the within-family split', () => {
    const r = compoundRisk([sig('a', 'usage', 0.3), sig('b', 'usage', 0.2), sig('c', 'relationship', 0.3), sig('d', 'sentiment', 0.05)]);
    expect(r.contributions.reduce((s, c) => s + c.contribution, 0)).toBe(r.score);
    const byId = new Map(r.contributions.map((c) => [c.id, c.contribution]));
    // a (strongest of usage) and c (alone in its family) weigh the same; b counts at α.
    expect(byId.get('a')).toBe(byId.get('c'));
    expect(byId.get('b') ?? 0).toBeLessThan(byId.get('a') ?? 0);
    expect(r.contributions[r.contributions.length - 1]?.id).toBe('d');
  });

  it('the within-family share α is an option', () => {
    const three = [sig('a', 'usage', 0.3), sig('b', 'usage', 0.3), sig('c', 'usage', 0.3)];
    expect(compoundRisk(three, { withinFamilyShare: 1 }).score).toBe(66);
    expect(compoundRisk(three, { withinFamilyShare: 0 }).score).toBe(30);
  });

  it('a certain signal gives 100 with finite contributions', () => {
    const r = compoundRisk([sig('a', 'usage', 1), sig('b', 'other', 0.2)]);
    expect(r.score).toBe(100);
    expect(r.contributions.reduce((s, c) => s + c.contribution, 0)).toBe(100);
  });
});

describe('decay over time', () => {
  const start = new Date('2026-01-01T00:00:00Z');
  const days = (n: number) => new Date(start.getTime() + n * 86_400_000);
  it('halves at the half-life after the fact ended', () => {
    const s = { strength: 0.4, startedAt: start, endedAt: days(10), decayFrom: 'end' as const, halfLifeDays: 30 };
    expect(effectiveStrength(s, days(5))).toBe(0.4);
    expect(effectiveStrength(s, days(10))).toBe(0.4);
    expect(effectiveStrength(s, days(40))).toBeCloseTo(0.2, 12);
    expect(effectiveStrength(s, days(70))).toBeCloseTo(0.1, 12);
  });
  it('a fact that still holds does not decay', () => {
    expect(effectiveStrength({ strength: 0.3, startedAt: start, endedAt: null, decayFrom: 'end', halfLifeDays: 7 }, days(400))).toBe(0.3);
  });
  it('a one-off fact halves from its start', () => {
    expect(effectiveStrength({ strength: 0.2, startedAt: start, endedAt: null, decayFrom: 'start', halfLifeDays: 60 }, days(60))).toBeCloseTo(0.1, 12);
  });
  it('nothing before the start', () => {
    expect(effectiveStrength({ strength: 0.2, startedAt: start, endedAt: null, decayFrom: 'end', halfLifeDays: 60 }, days(-1))).toBe(0);
  });
  it('a decayed signal lowers the compound risk', () => {
    const fresh = compoundRisk([sig('a', 'usage', 0.4)]).score;
    const s = { strength: 0.4, startedAt: start, endedAt: days(1), decayFrom: 'end' as const, halfLifeDays: 30 };
    expect(compoundRisk([{ ...sig('a', 'usage', 0.4), effective: effectiveStrength(s, days(31)) }]).score).toBe(fresh / 2);
  });
});

describe('largest remainder', () => {
  it('gives whole points adding up to the total', () => {
    expect(largestRemainder([1, 1, 1], 10)).toEqual([4, 3, 3]);
    expect(largestRemainder([0, 0], 5)).toEqual([0, 0]);
    expect(largestRemainder([2, 1], 0)).toEqual([0, 0]);
  });
});

describe('weighted average (the rival)', () => {
  const defs = [{ kind: 'a', strength: 0.1 }, { kind: 'b', strength: 0.1 }, { kind: 'c', strength: 0.1 }, { kind: 'd', strength: 0.3 }];
  it('is linear in the indicators and dilutes them over all defined kinds', () => {
    expect(weightedAverageRisk([], defs)).toBe(0);
    expect(weightedAverageRisk([sig('x', 'usage', 1, 'd')], defs)).toBeCloseTo(50, 10);
    expect(weightedAverageRisk([sig('x', 'usage', 0.3, 'a'), sig('y', 'other', 0.3, 'b'), sig('z', 'sentiment', 0.3, 'c')], defs)).toBeCloseTo(15, 10);
  });
  it('ranks one strong signal above three small independent ones that compound risk ranks higher', () => {
    const three = [sig('x', 'usage', 0.3, 'a'), sig('y', 'relationship', 0.3, 'b'), sig('z', 'sentiment', 0.3, 'c')];
    const one = [sig('w', 'commercial', 0.55, 'd')];
    expect(weightedAverageRisk(one, defs)).toBeGreaterThan(weightedAverageRisk(three, defs));
    expect(compoundRisk(three).score).toBeGreaterThan(compoundRisk(one).score);
  });
  it('counts a kind once (its strongest signal) and ignores undefined kinds', () => {
    expect(weightedAverageRisk([sig('x', 'usage', 0.5, 'd'), sig('y', 'usage', 1, 'd'), sig('z', 'usage', 1, 'zz')], defs)).toBeCloseTo(50, 10);
  });
});

describe('properties', () => {
  it('probability within [0, 1], score within 0..100, contributions sum to the score', () => {
    fc.assert(fc.property(fc.array(arbSignal, { maxLength: 12 }), (list) => {
      const r = compoundRisk(list);
      expect(r.probability).toBeGreaterThanOrEqual(0);
      expect(r.probability).toBeLessThanOrEqual(1);
      expect(r.contributions.reduce((s, c) => s + c.contribution, 0)).toBe(r.score);
      expect(r.contributions.every((c) => c.contribution >= 0)).toBe(true);
    }));
  });
  it('monotone in each strength', () => {
    fc.assert(fc.property(fc.array(arbSignal, { minLength: 1, maxLength: 8 }), fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }), (list, at, bump) => {
      const i = at % list.length;
      const before = compoundRisk(list).probability;
      const raised = list.map((s, j) => (j === i ? { ...s, effective: Math.min(1, s.effective + bump) } : s));
      expect(compoundRisk(raised).probability).toBeGreaterThanOrEqual(before - 1e-12);
    }));
  });
  it('does not depend on the order of the signals', () => {
    fc.assert(fc.property(fc.array(arbSignal, { maxLength: 8 }), fc.func(fc.integer()), (list, key) => {
      const shuffled = [...list].map((s, i) => ({ s, k: key(i) })).sort((a, b) => a.k - b.k).map((x) => x.s);
      const a = compoundRisk(list);
      const b = compoundRisk(shuffled);
      expect(b.probability).toBeCloseTo(a.probability, 12);
      expect(b.score).toBe(a.score);
    }));
  });
});
