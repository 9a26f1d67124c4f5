// Pure: a driver's shown value is the one scored (rounded to 3 decimals), and silence after
// activity is 0 while an account that never sent usage has no data.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { driverValues, type EngineDriver } from './engine.js';
import type { AccountFacts, Measurements } from './metrics.js';
import { scoreValue } from './score.js';
import { sourceValue } from './sources.js';
import type { DriverSource } from './schema.js';

const facts = (over: Partial<AccountFacts> = {}): AccountFacts => ({
  id: '00000000-0000-4000-8000-000000000001', name: 'A', stage: 'adoption', seats: 7, arr: 1000, renewalDate: null,
  customerSince: '2025-01-01', custom: {}, hasUsage: true, ...over,
});
const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });

describe('scored as shown', () => {
  it('score(shown value) is the shown score for every driver row', () => {
    const threshold = fc.record({ value: finite, score: fc.integer({ min: 0, max: 100 }) });
    fc.assert(fc.property(
      fc.array(threshold, { minLength: 1, maxLength: 6 }), fc.constantFrom('higher_is_better', 'lower_is_better'),
      finite, fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 999 }),
      (thresholds, direction, field, count, seats) => {
        // Thresholds near the value's rounding boundary are where shown and scored could differ.
        const r3 = (x: number) => Math.round(x * 1000) / 1000;
        const near = [...thresholds, { value: r3(field), score: 50 }, { value: r3(count / seats), score: 60 }, { value: r3(field / 3 + r3(count / seats)), score: 70 }];
        const scoring = { type: 'bands' as const, direction, thresholds: near };
        const drivers: EngineDriver[] = [
          { id: '1', key: 'field', name: 'f', source: { type: 'account_field', field: 'custom.x' }, scoring, stageWeights: { adoption: 1 } },
          { id: '2', key: 'per_seat', name: 'p', source: { type: 'event_metric', events: [], measure: 'count', windowDays: 30, perSeat: true }, scoring, stageWeights: { adoption: 1 } },
          { id: '3', key: 'formula', name: 'q', source: { type: 'formula', expression: 'field / 3 + per_seat' }, scoring, stageWeights: { adoption: 1 } },
        ];
        const m: Measurements = { facts: facts({ seats, custom: { x: field } }), raw: new Map([['per_seat', { current: count, previous: null }]]) };
        for (const [key, row] of driverValues(drivers, m, '2026-06-01')) {
          if (row.value !== null && Math.round(row.value * 1000) / 1000 !== row.value) return false;
          if (scoreValue(row.value, scoring) !== row.score) throw new Error(`${key}: value ${row.value} scores ${scoreValue(row.value, scoring)}, shown ${row.score}`);
        }
        return true;
      },
    ), { numRuns: 500 });
  });
});

describe('silence after activity', () => {
  const metric = (measure: 'count' | 'avg_daily_users' | 'active_days' | 'distinct_events', perSeat = false): Extract<DriverSource, { type: 'event_metric' }> =>
    ({ type: 'event_metric', events: [], measure, windowDays: 30, perSeat });
  it('is 0 for count and breadth drivers when the account has sent usage before', () => {
    for (const m of ['count', 'avg_daily_users', 'active_days', 'distinct_events'] as const) {
      expect(sourceValue(metric(m), undefined, facts(), '2026-06-01').value, m).toBe(0);
      expect(sourceValue(metric(m), { current: null, previous: null }, facts(), '2026-06-01').value, m).toBe(0);
    }
    expect(sourceValue(metric('count', true), undefined, facts(), '2026-06-01').value).toBe(0);
    expect(sourceValue({ type: 'days_since_event', events: [], maxDays: 60 }, undefined, facts(), '2026-06-01').value).toBe(60);
  });
  it('is no data when the account never sent any usage', () => {
    for (const m of ['count', 'avg_daily_users', 'active_days', 'distinct_events'] as const) {
      expect(sourceValue(metric(m), undefined, facts({ hasUsage: false }), '2026-06-01').value, m).toBeNull();
    }
  });
  it('counts account age from the day it became a customer', () => {
    expect(sourceValue({ type: 'account_field', field: 'account_age_days' }, undefined, facts({ customerSince: '2026-05-01' }), '2026-06-01').value).toBe(32);
  });
});
