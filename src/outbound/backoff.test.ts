import { describe, expect, it } from 'vitest';
import { backoffSeconds } from './backoff.js';

describe('backoffSeconds', () => {
  const mid = () => 0.5;
  it('doubles from 30 s and caps at 6 h', () => {
    expect([1, 2, 3, 4].map((n) => backoffSeconds(n, { random: mid }))).toEqual([30, 60, 120, 240]);
    expect(backoffSeconds(20, { random: mid })).toBe(6 * 3600);
    expect(backoffSeconds(1000, { random: mid })).toBe(6 * 3600);
  });
  it('spreads by ±10% and never exceeds the cap', () => {
    expect(backoffSeconds(1, { random: () => 0 })).toBe(27);
    expect(backoffSeconds(1, { random: () => 1 })).toBe(33);
    expect(backoffSeconds(30, { random: () => 1 })).toBe(6 * 3600);
  });
  it('takes another base', () => {
    expect(backoffSeconds(2, { baseSeconds: 60, random: mid })).toBe(120);
  });
});
