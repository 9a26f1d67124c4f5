import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stateProblems, viewState } from './state.js';

const ok = (scope: 'portfolio' | 'inbox', state: unknown) => stateProblems(scope, viewState.parse(state));

describe('saved view state', () => {
  it('accepts filters, columns and a sort the list knows', () => {
    expect(ok('portfolio', { filters: { stage: 'adoption', renewalWithinDays: '90', riskLevel: 'high' }, columns: ['name', 'arr', 'health'], sort: '-arr' })).toEqual([]);
    expect(ok('inbox', { filters: { assignee: 'me', status: 'open' }, columns: ['title'], sort: null })).toEqual([]);
    expect(ok('portfolio', {})).toEqual([]);
  });
  it('refuses an unknown filter, a value the list refuses, paging, an unknown column or sort', () => {
    const p = ok('portfolio', { filters: { color: 'red', renewalWithinDays: '1e2', cursor: 'x', stage: 'nope' }, columns: ['name', 'name', 'shoeSize'], sort: 'shoeSize' });
    const paths = p.map((x) => x.path);
    expect(paths).toEqual(expect.arrayContaining(['state.filters.color', 'state.filters.renewalWithinDays', 'state.filters.cursor', 'state.filters.stage', 'state.columns.1', 'state.columns.2', 'state.sort']));
    expect(p.find((x) => x.path === 'state.filters.color')?.message).toContain('not a filter of the portfolio list');
    expect(ok('inbox', { sort: 'name' })[0]?.path).toBe('state.sort');
    expect(ok('inbox', { filters: { band: 'good' } })[0]?.path).toBe('state.filters.band');
  });
  it('refuses a state over 16 KB and extra keys or nesting', () => {
    const big = { filters: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'x'.repeat(999)])) };
    expect(ok('portfolio', big).some((x) => x.path === 'state')).toBe(true);
    expect(viewState.safeParse({ filters: { stage: { nested: 'x' } } }).success).toBe(false);
    expect(viewState.safeParse({ filters: {}, extra: 1 }).success).toBe(false);
  });
  it('fast-check: any filters either pass the list schema or are refused, never thrown', () => {
    fc.assert(fc.property(fc.dictionary(fc.constantFrom('stage', 'arrMin', 'ownerId', 'search', 'band', 'zzz', '__proto__', 'constructor'), fc.string({ maxLength: 40 })), (filters) => {
      const parsed = viewState.safeParse({ filters });
      if (!parsed.success) return;
      const problems = stateProblems('portfolio', parsed.data);
      expect(Array.isArray(problems)).toBe(true);
      if (Object.hasOwn(filters, 'zzz') || Object.hasOwn(filters, 'constructor')) expect(problems.length).toBeGreaterThan(0);
    }), { numRuns: 500 });
  });
});
