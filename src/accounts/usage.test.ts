import { describe, expect, it } from 'vitest';
import { addDays, denseSeries, percentChange } from './usage.js';

describe('addDays', () => {
  it('crosses month and year ends in UTC', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});

describe('denseSeries', () => {
  it('fills missing days with zero and places points by day, oldest first', () => {
    const s = denseSeries([{ day: '2026-11-20', count: 3 }, { day: '2026-11-22', count: 5 }], '2026-11-22', 5);
    expect(s).toEqual([0, 0, 3, 0, 5]);
  });
  it('ignores points outside the window', () => {
    expect(denseSeries([{ day: '2026-10-01', count: 9 }, { day: '2026-11-23', count: 9 }], '2026-11-22', 3)).toEqual([0, 0, 0]);
  });
});

describe('percentChange', () => {
  it('compares the last window with the one before', () => {
    const s = [...new Array<number>(14).fill(10), ...new Array<number>(14).fill(15)];
    expect(percentChange(s)).toBe(50);
  });
  it('is negative for a decline', () => {
    const s = [...new Array<number>(14).fill(20), ...new Array<number>(14).fill(5)];
    expect(percentChange(s)).toBe(-75);
  });
  it('is null without a base or without enough days', () => {
    expect(percentChange([...new Array<number>(14).fill(0), ...new Array<number>(14).fill(3)])).toBeNull();
    expect(percentChange([1, 2, 3])).toBeNull();
  });
});
