import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bandOf, computeHealth, largestRemainder, percentChange, scoreValue, scoredValue, type Scoring } from './score.js';

const higher: Scoring = { type: 'bands', direction: 'higher_is_better', thresholds: [{ value: 0.6, score: 100 }, { value: 0.3, score: 60 }, { value: 0.1, score: 30 }] };
const lower: Scoring = { type: 'bands', direction: 'lower_is_better', thresholds: [{ value: 14, score: 100 }, { value: 30, score: 50 }] };

describe('scoreValue', () => {
  it('takes the highest threshold reached when higher is better', () => {
    expect(scoreValue(0.75, higher)).toBe(100);
    expect(scoreValue(0.6, higher)).toBe(100);
    expect(scoreValue(0.45, higher)).toBe(60);
    expect(scoreValue(0.05, higher)).toBe(0);
  });
  it('takes the lowest threshold not exceeded when lower is better', () => {
    expect(scoreValue(3, lower)).toBe(100);
    expect(scoreValue(14, lower)).toBe(100);
    expect(scoreValue(20, lower)).toBe(50);
    expect(scoreValue(90, lower)).toBe(0);
  });
  it('of equal thresholds takes the first listed, in any order of the list (as sorting them first did)', () => {
    // The reference is the rule as it was written before: sort the thresholds (stably), take the first reached.
    const reference = (value: number, s: Scoring) => {
      const sorted = [...s.thresholds].sort((a, b) => (s.direction === 'higher_is_better' ? b.value - a.value : a.value - b.value));
      return sorted.find((t) => (s.direction === 'higher_is_better' ? value >= t.value : value <= t.value))?.score ?? 0;
    };
    const small = fc.integer({ min: -5, max: 5 });
    fc.assert(fc.property(
      fc.constantFrom('higher_is_better' as const, 'lower_is_better' as const),
      fc.array(fc.record({ value: small, score: fc.integer({ min: 0, max: 100 }) }), { minLength: 1, maxLength: 6 }),
      small,
      (direction, thresholds, value) => scoreValue(value, { type: 'bands', direction, thresholds }) === reference(value, { type: 'bands', direction, thresholds }),
    ), { numRuns: 2000 });
  });
  it('keeps no data as no data, never a zero', () => {
    expect(scoreValue(null, higher)).toBeNull();
    expect(scoreValue(Number.NaN, higher)).toBeNull();
    expect(scoreValue(Number.POSITIVE_INFINITY, higher)).toBeNull();
  });
});

describe('trend', () => {
  it('scores the percent change against the previous window', () => {
    const trend: Scoring = { type: 'trend', direction: 'higher_is_better', thresholds: [{ value: 0, score: 100 }, { value: -20, score: 50 }] };
    expect(scoredValue(trend, 80, 100)).toBe(-20);
    expect(scoreValue(scoredValue(trend, 80, 100), trend)).toBe(50);
    expect(scoreValue(scoredValue(trend, 50, 100), trend)).toBe(0);
  });
  it('has no data without a previous window or with nothing in both; growth from nothing is +100%', () => {
    expect(percentChange(5, null)).toBeNull();
    expect(percentChange(0, 0)).toBeNull();
    expect(percentChange(7, 0)).toBe(100);
    expect(percentChange(0, 10)).toBe(-100);
  });
});

describe('computeHealth', () => {
  const d = (id: string, weight: number, score: number | null) => ({ id, key: id, name: id, weight, value: score, score });

  it('weights driver scores and explains the points each one cost, adding up exactly', () => {
    const h = computeHealth([d('a', 50, 100), d('b', 30, 50), d('c', 20, 0)]);
    expect(h.state).toBe('scored');
    expect(h.score).toBe(65);
    expect(h.band).toBe('watch');
    expect(h.drivers.map((x) => [x.id, x.weight, x.pointsLost])).toEqual([['a', 50, 0], ['b', 30, 15], ['c', 20, 20]]);
  });

  it('shares the weight of drivers without data among the others, and says which had none', () => {
    const h = computeHealth([d('a', 1, 80), d('b', 1, null), d('c', 2, 20)]);
    expect(h.score).toBe(40);
    expect(h.drivers.find((x) => x.id === 'b')).toMatchObject({ noData: true, weight: 0, pointsLost: 0 });
    expect(h.drivers.find((x) => x.id === 'c')).toMatchObject({ weight: 66.7, pointsLost: 53 });
  });

  it('is "no data" for a stage without drivers and for an account without any value (a new account)', () => {
    expect(computeHealth([])).toMatchObject({ state: 'no_data', score: null, band: null, reason: 'no_drivers' });
    expect(computeHealth([d('a', 0, 90)])).toMatchObject({ state: 'no_data', reason: 'no_drivers' });
    expect(computeHealth([d('a', 1, null), d('b', 1, null)])).toMatchObject({ state: 'no_data', reason: 'no_values' });
  });

  it('always explains exactly 100 - score, whatever the weights and scores', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let run = 0; run < 500; run++) {
      const n = 1 + Math.floor(rnd() * 8);
      const inputs = Array.from({ length: n }, (_, i) => d(`d${i}`, Math.round(rnd() * 100) / 3, rnd() < 0.15 ? null : Math.round(rnd() * 100)));
      const h = computeHealth(inputs);
      if (h.state !== 'scored') continue;
      expect(h.drivers.reduce((a, x) => a + x.pointsLost, 0)).toBe(100 - h.score);
      expect(h.drivers.every((x) => x.pointsLost >= 0)).toBe(true);
    }
  });
});

describe('bands and rounding', () => {
  it('cuts bands at 70 and 40', () => {
    expect([bandOf(100), bandOf(70), bandOf(69), bandOf(40), bandOf(39), bandOf(0)]).toEqual(['good', 'good', 'watch', 'watch', 'poor', 'poor']);
  });
  it('rounds shares to integers with the given total', () => {
    expect(largestRemainder([33.33, 33.33, 33.34], 100)).toEqual([33, 33, 34]);
    expect(largestRemainder([0.5, 0.5, 0.5], 1)).toEqual([1, 0, 0]);
    expect(largestRemainder([10.6, 10.6], 20)).toEqual([10, 10]);
  });
});
