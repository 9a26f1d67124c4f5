import { describe, expect, it } from 'vitest';
import { addMonths, defaultRenewalRange, horizon, periodIndex, periodLabel, periodStart, periodsIn, rangeProblem, resolveRange } from './periods.js';

describe('periods', () => {
  it('finds the start of a month and of a quarter', () => {
    expect(periodStart('2026-12-02', 'month')).toBe('2026-12-01');
    expect(periodStart('2026-12-02', 'quarter')).toBe('2026-10-01');
    expect(periodStart('2027-03-31', 'quarter')).toBe('2027-01-01');
    expect(periodStart('2027-04-01', 'quarter')).toBe('2027-04-01');
  });

  it('adds months across years and clamps the day', () => {
    expect(addMonths('2026-10-01', 3)).toBe('2027-01-01');
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2027-01-15', -12)).toBe('2026-01-15');
  });

  it('labels months and quarters', () => {
    expect(periodLabel('2027-01-01', 'quarter')).toBe('2027-Q1');
    expect(periodLabel('2026-10-01', 'quarter')).toBe('2026-Q4');
    expect(periodLabel('2027-07-01', 'month')).toBe('2027-07');
  });

  it('lists the periods of a range, clipped at both ends, with no holes', () => {
    expect(periodsIn('2026-11-15', '2027-04-10', 'quarter')).toEqual([
      { period: '2026-Q4', start: '2026-11-15', end: '2027-01-01' },
      { period: '2027-Q1', start: '2027-01-01', end: '2027-04-01' },
      { period: '2027-Q2', start: '2027-04-01', end: '2027-04-10' },
    ]);
    expect(periodsIn('2027-01-01', '2027-04-01', 'month').map((p) => p.period)).toEqual(['2027-01', '2027-02', '2027-03']);
  });

  it('finds the period of a day, and -1 outside', () => {
    const ps = periodsIn('2026-10-01', '2027-10-01', 'quarter');
    expect(periodIndex(ps, '2026-10-01')).toBe(0);
    expect(periodIndex(ps, '2026-12-31')).toBe(0);
    expect(periodIndex(ps, '2027-01-01')).toBe(1);
    expect(periodIndex(ps, '2027-09-30')).toBe(3);
    expect(periodIndex(ps, '2027-10-01')).toBe(-1);
    expect(periodIndex(ps, '2026-09-30')).toBe(-1);
  });

  it('defaults to this quarter and the three after it, and twelve months for the monthly horizon', () => {
    expect(defaultRenewalRange('2026-12-02')).toEqual({ from: '2026-10-01', to: '2027-10-01' });
    expect(horizon('2026-12-02', 'month', 12)).toEqual({ from: '2026-12-01', to: '2027-12-01' });
  });

  it('fills a missing bound with one year and keeps a given pair', () => {
    const fallback = { from: '2026-10-01', to: '2027-10-01' };
    expect(resolveRange({}, fallback)).toEqual(fallback);
    expect(resolveRange({ from: '2027-02-01' }, fallback)).toEqual({ from: '2027-02-01', to: '2028-02-01' });
    expect(resolveRange({ to: '2027-02-01' }, fallback)).toEqual({ from: '2026-02-01', to: '2027-02-01' });
    expect(resolveRange({ from: '2027-01-01', to: '2027-02-01' }, fallback)).toEqual({ from: '2027-01-01', to: '2027-02-01' });
  });

  it('refuses an empty or reversed range and one over three years', () => {
    expect(rangeProblem('2027-01-02', '2027-01-01')?.path).toBe('to');
    expect(rangeProblem('2027-01-01', '2027-01-01')?.path).toBe('to');
    expect(rangeProblem('2027-01-01', '2030-01-01')).toBeNull();
    expect(rangeProblem('2027-01-01', '2030-01-02')?.message).toMatch(/3 years/);
  });
});
