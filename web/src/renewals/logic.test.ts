import { describe, expect, it } from 'vitest';
import type { Renewal } from '../api/renewals';
import { arrByCategory, periodLabel, periodOf, sortRenewals } from './logic';

const item = (id: string, renewalDate: string, arr: number, category: Renewal['category'], probability = 0.9): Renewal => ({
  account: { id, name: id.toUpperCase() },
  renewalDate,
  arr,
  probability,
  forecast: arr * probability,
  category,
  suggested: category,
  override: null,
  risks: [],
});

describe('renewal periods', () => {
  it('names months and quarters', () => {
    expect(periodOf('2026-08-15', 'quarter')).toBe('2026-Q3');
    expect(periodOf('2026-12-31', 'quarter')).toBe('2026-Q4');
    expect(periodOf('2026-08-15', 'month')).toBe('2026-08');
    expect(periodLabel('2026-Q3')).toBe('Q3 2026');
    expect(periodLabel('2026-08')).toBe('Aug 2026');
    expect(periodLabel('odd')).toBe('odd');
  });
  it('sums ARR per period and category from the items when the server gives no split', () => {
    const periods = [
      { period: '2026-Q3', arrDue: 300, forecast: 250, count: 2 },
      { period: '2026-Q4', arrDue: 50, forecast: 20, count: 1 },
    ];
    const m = arrByCategory(periods, [item('a', '2026-07-02', 100, 'commit'), item('b', '2026-09-30', 200, 'at_risk'), item('c', '2026-11-01', 50, 'likely')], 'quarter');
    expect(m.get('2026-Q3')).toEqual({ commit: 100, likely: 0, at_risk: 200 });
    expect(m.get('2026-Q4')).toEqual({ commit: 0, likely: 50, at_risk: 0 });
  });
  it('matches periods named by their first day', () => {
    const m = arrByCategory([{ period: '2026-07-01', arrDue: 100, forecast: 90, count: 1 }], [item('a', '2026-08-20', 100, 'likely')], 'quarter');
    expect(m.get('2026-07-01')?.likely).toBe(100);
  });
  it('uses the server split when it has one', () => {
    const m = arrByCategory([{ period: '2026-Q3', arrDue: 9, forecast: 9, count: 1, byCategory: { commit: 9 } }], [item('a', '2026-07-02', 100, 'commit')], 'quarter');
    expect(m.get('2026-Q3')).toEqual({ commit: 9, likely: 0, at_risk: 0 });
  });
});

describe('renewals table', () => {
  it('sorts by any column, ties by account id', () => {
    const rows = [item('b', '2026-08-01', 100, 'commit', 0.5), item('a', '2026-07-01', 100, 'commit', 0.9), item('c', '2026-09-01', 300, 'likely', 0.7)];
    expect(sortRenewals(rows, 'date').map((r) => r.account.id)).toEqual(['a', 'b', 'c']);
    expect(sortRenewals(rows, '-arr').map((r) => r.account.id)).toEqual(['c', 'a', 'b']);
    expect(sortRenewals(rows, 'probability').map((r) => r.account.id)).toEqual(['b', 'c', 'a']);
  });
});
