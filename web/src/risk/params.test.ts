import { describe, expect, it } from 'vitest';
import { formatParams } from './params';

describe('formatParams', () => {
  it('writes name-value pairs in the order given', () => {
    expect(formatParams({ dropPct: 30, minPriorEvents: 20 })).toBe('dropPct 30 · minPriorEvents 20');
  });
  it('joins arrays with commas and keeps strings and booleans as they are', () => {
    expect(formatParams({ stages: ['onboarding', 'adoption'], label: 'Quiet', strict: false, ratio: 0.5 })).toBe(
      'stages onboarding, adoption · label Quiet · strict false · ratio 0.5',
    );
  });
  it('says none for null, empty arrays and empty objects, and nests objects in parentheses', () => {
    expect(formatParams({ a: null, b: [], c: {}, d: { min: 1, max: 3 } })).toBe('a none · b none · c none · d (min 1 · max 3)');
  });
  it('is empty without parameters', () => {
    expect(formatParams({})).toBe('');
  });
});
