import { describe, expect, it } from 'vitest';
import { accountFields, arrOn, stateOn, stepsFrom, type Sub } from './steps.js';

const sub = (plan: string, arr: number, startsOn: string, endsOn: string | null, seats: number | null = null): Sub => ({ plan, arr, startsOn, endsOn, seats });

describe('ARR step function from subscriptions', () => {
  it('sums overlapping subscriptions, seats likewise, plan the largest running', () => {
    const subs = [sub('Core', 1000, '2025-01-01', '2026-01-01', 10), sub('Addon', 300, '2025-04-01', '2025-10-01', 5)];
    expect(stepsFrom(subs)).toEqual([
      { validFrom: '2025-01-01', arr: 1000, seats: 10, plan: 'Core' },
      { validFrom: '2025-04-01', arr: 1300, seats: 15, plan: 'Core' },
      { validFrom: '2025-10-01', arr: 1000, seats: 10, plan: 'Core' },
      { validFrom: '2026-01-01', arr: 0, seats: null, plan: null },
    ]);
  });

  it('makes a gap between subscriptions a step at 0', () => {
    const steps = stepsFrom([sub('A', 500, '2025-01-01', '2025-03-01'), sub('A', 600, '2025-05-01', null)]);
    expect(steps.map((s) => [s.validFrom, s.arr])).toEqual([['2025-01-01', 500], ['2025-03-01', 0], ['2025-05-01', 600]]);
    expect(arrOn(steps, '2025-04-15')).toBe(0);
    expect(arrOn(steps, '2024-12-31')).toBe(0);
    expect(arrOn(steps, '2030-01-01')).toBe(600);
  });

  it('joins a subscription ending the day the next starts without a gap (an upgrade)', () => {
    const steps = stepsFrom([sub('Basic', 500, '2025-01-01', '2025-07-01'), sub('Pro', 900, '2025-07-01', '2026-07-01')]);
    expect(steps).toEqual([
      { validFrom: '2025-01-01', arr: 500, seats: null, plan: 'Basic' },
      { validFrom: '2025-07-01', arr: 900, seats: null, plan: 'Pro' },
      { validFrom: '2026-07-01', arr: 0, seats: null, plan: null },
    ]);
  });

  it('merges a renewal at the same ARR and plan into one step; an open-ended subscription never ends', () => {
    const steps = stepsFrom([sub('A', 500, '2025-01-01', '2026-01-01'), sub('A', 500, '2026-01-01', null)]);
    expect(steps).toEqual([{ validFrom: '2025-01-01', arr: 500, seats: null, plan: 'A' }]);
    expect(stateOn([sub('A', 500, '2025-01-01', null)], '2099-01-01').arr).toBe(500);
    expect(stepsFrom([])).toEqual([]);
  });

  it('derives the account fields: renewal = earliest end of those running today, contract start = first start', () => {
    const subs = [sub('Core', 1000, '2024-01-01', '2026-03-01', 10), sub('Addon', 200, '2025-06-01', '2025-12-01', 2), sub('Old', 50, '2023-01-01', '2023-06-01')];
    expect(accountFields(subs, '2025-07-01')).toEqual({ arr: 1200, seats: 12, plan: 'Core', renewalDate: '2025-12-01', contractStart: '2023-01-01' });
    expect(accountFields(subs, '2026-04-01')).toEqual({ arr: 0, seats: null, plan: null, renewalDate: null, contractStart: '2023-01-01' });
  });
});
