import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { capacityExceededOf } from '../api/capacity';
import { MAX_PIPS, periodWords, spoonPips, spoons, spoonsError } from './logic';

describe('spoonPips', () => {
  it('draws one pip per spoon: used first, then left', () => {
    expect(spoonPips(4, 1)).toEqual(['used', 'left', 'left', 'left']);
  });
  it('marks a pending ask and runs past the capacity into overload pips', () => {
    expect(spoonPips(4, 2, 3)).toEqual(['used', 'used', 'ask', 'ask', 'over']);
  });
  it('shows uses beyond the capacity as overload', () => {
    expect(spoonPips(2, 3)).toEqual(['used', 'used', 'over']);
  });
  it('a cost of 0 changes nothing; no capacity and nothing used draws nothing', () => {
    expect(spoonPips(3, 1, 0)).toEqual(spoonPips(3, 1));
    expect(spoonPips(0, 0)).toEqual([]);
  });
  it('adds the lowered spoons after the capacity, and none for a negative lowering', () => {
    expect(spoonPips(2, 1, 0, 2)).toEqual(['used', 'left', 'lowered', 'lowered']);
    expect(spoonPips(2, 3, 0, 1)).toEqual(['used', 'used', 'over', 'lowered']);
    expect(spoonPips(2, 0, 0, -3)).toEqual(['left', 'left']);
  });
  it('never draws more than MAX_PIPS', () => {
    expect(spoonPips(100, 10)).toHaveLength(MAX_PIPS);
  });
});

describe('periodWords', () => {
  const id = (d: string) => d;
  it('names the last day of a period whose end is exclusive', () => {
    expect(periodWords('2026-03-02', '2026-03-09', id)).toBe('2026-03-02 – 2026-03-08');
    expect(periodWords('2026-02-01', '2026-03-01', id)).toBe('2026-02-01 – 2026-02-28');
  });
});

describe('capacityExceededOf', () => {
  it('reads the details of a 409 capacity.exceeded', () => {
    const err = new ApiError(409, 'capacity.exceeded', 'over', [], { left: 1, capacity: 10, used: 9, cost: 3, suggestion: { action: 'give_spoon', text: 'Do it for them' } });
    expect(capacityExceededOf(err)).toMatchObject({ left: 1, cost: 3, suggestion: { text: 'Do it for them' } });
  });
  it('is null for any other error, and still opens (zeros) when the details are missing', () => {
    expect(capacityExceededOf(new ApiError(400, 'validation', 'bad'))).toBeNull();
    expect(capacityExceededOf(new Error('x'))).toBeNull();
    expect(capacityExceededOf(new ApiError(409, 'capacity.exceeded', 'over'))).toEqual({ left: 0, capacity: 0, used: 0, cost: 0 });
  });
});

describe('spoons', () => {
  it('says spoon or spoons', () => {
    expect(spoons(1)).toBe('1 spoon');
    expect(spoons(0)).toBe('0 spoons');
    expect(spoons(-1)).toBe('-1 spoon');
  });
});

describe('the capacity form: out-of-range spoons are refused, never clamped (issue 9 §7)', () => {
  it('says 120, -1 or 2.5 spoons is not a whole number from 0 to 100; empty (the default) and 0–100 are fine', () => {
    for (const bad of [120, 101, -1, 2.5, '-']) expect(spoonsError(bad)).toBe('A whole number from 0 to 100');
    for (const ok of ['', 0, 10, 100]) expect(spoonsError(ok)).toBeUndefined();
  });
});
