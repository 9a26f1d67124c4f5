import { describe, expect, it } from 'vitest';
import { aucText, contributionTotal, halfLifeError, pct, points, refHref, roundedContributions, strengthOfPct, strengthPctError } from './logic';

describe('risk display logic', () => {
  it('rounds contributions so the labels still add up to the rounded score', () => {
    const values = [20.6, 15.3, 12.45, 3.2];
    const total = values.reduce((a, b) => a + b, 0); // 51.55 → 52
    const rounded = roundedContributions(values, total);
    expect(rounded.reduce((a, b) => a + b, 0)).toBe(52);
    expect(rounded).toEqual([21, 15, 13, 3]);
    expect(roundedContributions([], 0)).toEqual([]);
  });
  it('sums contributions and formats percentages and points', () => {
    expect(contributionTotal([{ contribution: 10.5 }, { contribution: 4.5 }])).toBe(15);
    expect(pct(0.237)).toBe('24%');
    expect(pct(0.004)).toBe('0.4%');
    expect(pct(null)).toBe('—');
    expect(points(-0.01)).toBe('0.0');
    expect(points(12.345)).toBe('12.3');
  });
  it('says an AUC with its interval, or that it cannot be measured', () => {
    expect(aucText({ auc: 0.7412, low: 0.66, high: 0.812 })).toBe('0.74 (95% 0.66–0.81)');
    expect(aucText({ auc: null })).toBe('not measurable');
  });
  it('links evidence to the pages that exist', () => {
    expect(refHref({ type: 'escalation', id: 'e1' })).toBe('/escalations?id=e1');
    expect(refHref({ type: 'task', id: 't1' }, 'a1')).toBe('/accounts/a1#task-t1');
    expect(refHref({ type: 'contact', id: 'c1' })).toBeNull();
  });
});

describe('signal forms: out-of-range numbers are refused, never clamped (issue 9 §7)', () => {
  it('takes a strength of 0.1 to 99.9 % (the API’s 0.001–0.999), one decimal at most; empty only where optional', () => {
    for (const bad of [0, 0.05, 100, 150, -5, 12.34]) expect(strengthPctError(bad)).toBe('From 0.1 to 99.9 %, one decimal at most');
    for (const ok of [0.1, 1, 33.3, 99, 99.9]) expect(strengthPctError(ok)).toBeUndefined();
    expect(strengthPctError('')).toBeUndefined();
    expect(strengthPctError('', true)).toBe('Required: from 0.1 to 99.9 %');
  });

  it('sends the percentage as the API’s probability without a floating-point excess', () => {
    expect(strengthOfPct(99.9)).toBe(0.999);
    expect(strengthOfPct(0.1)).toBe(0.001);
    expect(strengthOfPct(57.7)).toBe(0.577);
    expect(strengthOfPct(40)).toBe(0.4);
  });

  it('takes a half-life of 1 to 3650 whole days', () => {
    for (const bad of [0, 3651, 2.5, -1]) expect(halfLifeError(bad)).toBe('Whole days, 1 to 3650');
    expect(halfLifeError('')).toBe('Required: whole days, 1 to 3650');
    for (const ok of [1, 30, 3650]) expect(halfLifeError(ok)).toBeUndefined();
  });
});
