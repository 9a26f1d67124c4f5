import { describe, expect, it } from 'vitest';
import { bookLine, count, decimal, formatDay, formatShortDay, money, moneyFull, percent, percentOf, plural, share } from './format';
import { describeScoring, formatDriverValue, toShown, valueUnit } from './health';
import type { DriverSource, Scoring } from '../api/healthTypes';

/** The web app's one formatter (issue 9 §4): one money style, percentages, dates, book figures. */
describe('format', () => {
  it('money: one compact style, lowercase k, uppercase M and B', () => {
    expect(money(609_000)).toBe('$609k');
    expect(money(28_300_000)).toBe('$28.3M');
    expect(money(1_200_000_000)).toBe('$1.2B');
    expect(money(900)).toBe('$900');
    expect(money(null)).toBe('—');
    expect(money(Number.NaN)).toBe('—');
    expect(moneyFull(1_234_567)).toBe('$1,234,567');
  });

  it('numbers and percentages', () => {
    expect(count(12_345)).toBe('12,345');
    expect(decimal(0.7349, 2)).toBe('0.73');
    expect(decimal(1234.5, 1)).toBe('1,234.5');
    expect(percent(12.4)).toBe('+12%');
    expect(percent(-3.46)).toBe('-3.5%');
    expect(percentOf(0.254)).toBe('25%');
    expect(percentOf(0.0825)).toBe('8.3%');
    expect(share(30, 110)).toBe('27%');
    expect(share(1, 0)).toBe('—');
    expect(plural(1, 'account')).toBe('1 account');
    expect(plural(2_000, 'account')).toBe('2,000 accounts');
  });

  it('dates', () => {
    expect(formatDay('2026-03-05')).toBe('Mar 5, 2026');
    expect(formatShortDay('2026-03-05')).toBe('Mar 5');
    expect(formatDay(null)).toBe('—');
  });

  it('the book reads the same everywhere: accounts, active, ARR of active', () => {
    expect(bookLine({ accounts: 300, active: 285, activeArr: 28_300_000 })).toBe('300 accounts, 285 active · $28.3M ARR (active)');
    expect(bookLine({ accounts: 12, active: 12, activeArr: 609_000 })).toBe('12 accounts · $609k ARR');
    expect(bookLine({ accounts: 1, active: 1 })).toBe('1 account');
  });

  it('a per-seat ratio driver: values and thresholds in % of seats', () => {
    const source: DriverSource = { type: 'event_metric', events: [], measure: 'avg_daily_users', windowDays: 28, perSeat: true };
    const scoring: Scoring = { type: 'bands', direction: 'higher_is_better', thresholds: [{ value: 0.25, score: 100 }, { value: 0.15, score: 70 }] };
    expect(formatDriverValue(0.254, { source, scoring })).toBe('25.4% of seats');
    expect(valueUnit(source, scoring)).toEqual({ scale: 100, suffix: '% of seats' });
    expect(toShown(0.15, valueUnit(source, scoring))).toBe(15);
    expect(describeScoring(scoring, source)).toBe('Higher value is better: ≥ 25% of seats → 100, ≥ 15% of seats → 70');
    expect(valueUnit(source, { type: 'trend' })).toBeNull();
  });
});
