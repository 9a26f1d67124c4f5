import { describe, expect, it } from 'vitest';
import { arrFilterError, arrFilterParam, arrFilterValue } from './arrFilter';

describe('portfolio ARR filters: out-of-range amounts are refused, never clamped (issue 9 §7)', () => {
  it('says a negative or too large amount is out of range, text that is no amount says so, and more than two decimals is refused', () => {
    for (const bad of ['-5', '-0.5', '- 5']) expect(arrFilterError(bad)).toBe('$0 or more');
    // Not an amount at all (a shared link's 1e400, letters): said so, not called negative.
    for (const bad of ['abc', '1e3', '1e400', '--5', '5-']) expect(arrFilterError(bad)).toBe('Digits only');
    for (const bad of ['1000000000000', '999999999999.999']) expect(arrFilterError(bad)).toBe('Too large');
    expect(arrFilterError('12.345')).toBe('Cents at most');
    for (const ok of ['', ' ', '0', '1200', '1200.5', '1200.50', '999999999999.99', '1.']) expect(arrFilterError(ok)).toBeUndefined();
  });

  it('puts the amount in the URL in the API’s plain form, and nothing when it is refused', () => {
    expect(arrFilterValue('1200')).toBe('1200');
    expect(arrFilterValue('1200.50')).toBe('1200.50');
    expect(arrFilterValue('1.')).toBe('1');
    expect(arrFilterValue('.5')).toBe('0.5');
    expect(arrFilterValue('')).toBe('');
    expect(arrFilterValue('-5')).toBeNull();
  });

  it('sends the API only an amount it takes: a shared link with a negative bound is not applied (its field says why)', () => {
    expect(arrFilterParam('5000')).toBe(5000);
    expect(arrFilterParam('0')).toBe(0);
    expect(arrFilterParam(null)).toBeUndefined();
    expect(arrFilterParam('-5')).toBeUndefined();
  });
});
