// Event name patterns and exclusions: pure matching, validation, and on a real database (PGlite, or
// PostgreSQL with TEST_DATABASE_URL) the same values from measure() and measureDays().
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, createTestApp, unique, type TestApp } from '../../test/support/app.js';
import { utcToday } from '../accounts/usage.js';
import { likePattern, matchesPattern } from './event-filter.js';
import { measure, type MeasuredDriver } from './metrics.js';
import { measureDays } from './metrics-days.js';
import { validateDriver } from './validate.js';
import type { DriverSource } from './schema.js';

describe('name patterns', () => {
  it('* matches any run of characters; LIKE wildcards are literal', () => {
    expect(matchesPattern('Feature Export', 'Feature *')).toBe(true);
    expect(matchesPattern('Feature', 'Feature *')).toBe(false);
    expect(matchesPattern('100% done', '100% *')).toBe(true);
    expect(matchesPattern('100x done', '100% *')).toBe(false);
    expect(likePattern('a_b%c\\*')).toBe('a\\_b\\%c\\\\%');
  });
  it('a name matches itself as a pattern whatever it holds (no * inside)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 30 }).filter((s) => !s.includes('*')), (s) => matchesPattern(s, s) && matchesPattern(s, '*')));
  });
  it('validation: a pattern matching nothing received and exclusions that leave nothing are refused; daily users take no patterns', () => {
    const known = new Set(['Feature A', 'Feature B', 'Login']);
    const scoring = { type: 'bands' as const, thresholds: [{ value: 1 }] };
    const src = (over: Partial<Extract<DriverSource, { type: 'event_metric' }>>): DriverSource => ({ type: 'event_metric', events: [], measure: 'count', windowDays: 7, perSeat: false, ...over });
    const v = (source: DriverSource) => validateDriver({ key: 'x', source, scoring, stageWeights: { adoption: 1 } }, [], known).map((e) => e.path);
    expect(v(src({ patterns: ['Feature *'] }))).toEqual([]);
    expect(v(src({ patterns: ['Report *'] }))).toEqual(['source.patterns.0']);
    expect(v(src({ exclude: ['*'] }))).toEqual(['source.exclude']);
    expect(v(src({ measure: 'avg_daily_users', patterns: ['Feature *'] }))).toEqual(['source.patterns']);
  });
});

let t: TestApp;
const today = utcToday();
const at = (n: number) => new Date(Date.parse(`${today}T12:00:00Z`) - n * 86_400_000).toISOString();
beforeAll(async () => { t = await createTestApp(); }, 60_000);
afterAll(() => t?.close());

describe('patterns and exclusions on the rollups', () => {
  it('count what they select, the same in measure() and measureDays()', async () => {
    const { key } = await t.writeKey();
    const g = unique('filters');
    const ev = (event: string, n: number) => ({ type: 'track', userId: `${g}-u`, event, context: { groupId: g }, timestamp: at(n) });
    const batch = [{ type: 'group', userId: `${g}-u`, groupId: g, traits: { name: g, stage: 'adoption' } },
      ev('Feature A', 3), ev('Feature A', 2), ev('Feature B', 2), ev('Feature_C', 1), ev('Login', 1), ev('Login', 2)];
    expect((await t.app.inject({ method: 'POST', url: '/v1/batch', payload: { batch }, headers: { authorization: basic(key) } })).statusCode).toBe(200);
    const id = (await t.database.query<{ id: string }>('SELECT id FROM accounts WHERE external_id = $1', [g])).rows[0]?.id ?? '';
    const metric = (over: object): MeasuredDriver['source'] => ({ type: 'event_metric', events: [], measure: 'count', windowDays: 7, perSeat: false, ...over } as MeasuredDriver['source']);
    const drivers: MeasuredDriver[] = [
      { key: 'features', source: metric({ patterns: ['Feature *'] }), trend: false },
      { key: 'not_b', source: metric({ patterns: ['Feature *'], exclude: ['Feature B'] }), trend: false },
      { key: 'no_login', source: metric({ exclude: ['Log*'] }), trend: false },
      { key: 'breadth', source: metric({ measure: 'distinct_events', patterns: ['Feature*'] }), trend: false },
      { key: 'named_or_pattern', source: metric({ events: ['Login'], patterns: ['Feature_*'] }), trend: false },
      { key: 'since', source: { type: 'days_since_event', events: [], patterns: ['Feature B'], maxDays: 30 }, trend: false },
    ];
    const [m] = await measure(t.database, drivers, { ids: [id] }, today);
    const got = Object.fromEntries([...(m?.raw ?? new Map())].map(([k, v]) => [k, v.current]));
    expect(got).toEqual({ features: 3, not_b: 2, no_login: 4, breadth: 3, named_or_pattern: 3, since: 2 });
    const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const [days] = await measureDays(t.database, drivers, { ids: [id] }, yesterday, yesterday);
    const past = await measure(t.database, drivers, { ids: [id] }, yesterday);
    expect([...(days?.measurements[0]?.raw ?? [])]).toEqual([...(past[0]?.raw ?? [])]);
  });
});
