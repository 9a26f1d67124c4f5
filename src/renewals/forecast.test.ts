import { describe, expect, it } from 'vitest';
import { evaluate, renewalProbability, suggestedCategory, totalsByPeriod } from './forecast.js';
import { periodsIn } from './periods.js';

describe('renewal forecast arithmetic', () => {
  it('turns risk into a renewal probability, with the stated default when there is no risk row', () => {
    expect(renewalProbability(0.3)).toEqual({ probability: 0.7, source: 'risk' });
    expect(renewalProbability(0)).toEqual({ probability: 1, source: 'risk' });
    expect(renewalProbability(null)).toEqual({ probability: 0.95, source: 'default' });
  });

  it('categorises at the thresholds: commit ≥ 0.85, likely ≥ 0.6, else at risk', () => {
    expect(suggestedCategory(0.85)).toBe('commit');
    expect(suggestedCategory(0.8499)).toBe('likely');
    expect(suggestedCategory(0.6)).toBe('likely');
    expect(suggestedCategory(0.5999)).toBe('at_risk');
  });

  it('forecasts ARR × probability to the cent and lets an override set the category', () => {
    expect(evaluate({ renewalDate: '2027-01-10', arr: 1000, riskProbability: 0.3333, overrideCategory: null }))
      .toMatchObject({ probability: 0.6667, forecast: 666.7, suggested: 'likely', category: 'likely', probabilitySource: 'risk' });
    expect(evaluate({ renewalDate: '2027-01-10', arr: 1000, riskProbability: 0.5, overrideCategory: 'commit' }))
      .toMatchObject({ suggested: 'at_risk', category: 'commit', forecast: 500 });
  });

  it('sums per quarter, in total and per category, with empty quarters listed', () => {
    const periods = periodsIn('2026-10-01', '2027-10-01', 'quarter');
    const items = [
      evaluate({ renewalDate: '2026-11-01', arr: 10_000, riskProbability: 0.1, overrideCategory: null }), // 0.9 commit, 9000
      evaluate({ renewalDate: '2026-12-31', arr: 20_000, riskProbability: 0.5, overrideCategory: null }), // 0.5 at risk, 10000
      evaluate({ renewalDate: '2027-02-01', arr: 5_000, riskProbability: null, overrideCategory: null }), // 0.95 commit, 4750
      evaluate({ renewalDate: '2027-03-01', arr: 8_000, riskProbability: 0.3, overrideCategory: 'at_risk' }), // 0.7 likely → at risk, 5600
      evaluate({ renewalDate: '2027-10-01', arr: 99_999, riskProbability: 0, overrideCategory: null }), // outside
    ];
    const t = totalsByPeriod(items, periods);
    expect(t.map((p) => [p.period, p.arr, p.forecast, p.count])).toEqual([
      ['2026-Q4', 30_000, 19_000, 2], ['2027-Q1', 13_000, 10_350, 2], ['2027-Q2', 0, 0, 0], ['2027-Q3', 0, 0, 0],
    ]);
    expect(t[0]?.categories).toEqual({ commit: { arr: 10_000, forecast: 9000, count: 1 }, likely: { arr: 0, forecast: 0, count: 0 }, at_risk: { arr: 20_000, forecast: 10_000, count: 1 } });
    expect(t[1]?.categories.commit).toEqual({ arr: 5000, forecast: 4750, count: 1 });
    expect(t[1]?.categories.at_risk).toEqual({ arr: 8000, forecast: 5600, count: 1 });
  });

  it('keeps cents exact where floating point would not (0.1 + 0.2)', () => {
    const periods = periodsIn('2027-01-01', '2027-02-01', 'month');
    const items = [0.1, 0.2].map((arr) => evaluate({ renewalDate: '2027-01-05', arr, riskProbability: 0, overrideCategory: null }));
    expect(totalsByPeriod(items, periods)[0]?.arr).toBe(0.3);
  });
});
