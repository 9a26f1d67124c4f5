// Event property filters on event drivers (equals / in / exists, ANDed): the schema refuses what
// cannot be evaluated; on a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL) a filtered
// driver scores from the matching stored events only, the same live and as of a past day (measureDays).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, createTestApp, unique, type TestApp } from '../../test/support/app.js';
import { utcToday } from '../accounts/usage.js';
import { measure, type MeasuredDriver } from './metrics.js';
import { measureDays } from './metrics-days.js';
import { driverSource } from './schema.js';

const base = { type: 'event_metric', events: [], measure: 'count', windowDays: 7 };
describe('the filters schema', () => {
  it('takes equals a scalar, in a list of scalars, exists without a value', () => {
    expect(driverSource.safeParse({ ...base, filters: [{ property: 'plan', op: 'equals', value: 'pro' }, { property: 'n', op: 'in', value: [1, true, 'x'] }, { property: 'x', op: 'exists' }] }).success).toBe(true);
  });
  it('refuses an empty or long key, a value for exists, a list for equals, a scalar or empty list for in, objects and null', () => {
    const bad = [
      { property: '', op: 'equals', value: 'a' }, { property: 'k'.repeat(201), op: 'exists' }, { property: 'a', op: 'exists', value: 1 },
      { property: 'a', op: 'equals', value: ['a'] }, { property: 'a', op: 'in', value: 'a' }, { property: 'a', op: 'in', value: [] },
      { property: 'a', op: 'equals', value: null }, { property: 'a', op: 'equals', value: { b: 1 } }, { property: 'a', op: 'in', value: [null] },
      { property: 'a', op: 'like', value: 'a' }, { property: 'a', op: 'equals', value: Number.NaN },
    ];
    for (const f of bad) expect(driverSource.safeParse({ ...base, filters: [f] }).success, JSON.stringify(f)).toBe(false);
  });
});

let t: TestApp;
const today = utcToday();
const at = (n: number) => new Date(Date.parse(`${today}T12:00:00Z`) - n * 86_400_000).toISOString();
beforeAll(async () => { t = await createTestApp(); }, 60_000);
afterAll(() => t?.close());

describe('property filters on the stored events', () => {
  it('count only the matching events, the same in measure() and measureDays()', async () => {
    const { key } = await t.writeKey();
    const g = unique('props');
    const ev = (n: number, properties: object, event = 'Report') => ({ type: 'track', userId: `${g}-u${n}`, event, properties, context: { groupId: g }, timestamp: at(n) });
    const batch = [{ type: 'group', userId: `${g}-u`, groupId: g, traits: { name: g, stage: 'adoption' } },
      ev(1, { plan: 'pro' }), ev(1, { plan: 'pro', seats: 3 }), ev(2, { plan: 'free' }), ev(2, { plan: 'team', seats: 3.0 }, 'Export'), ev(3, {}), ev(30, { plan: 'pro' })];
    expect((await t.app.inject({ method: 'POST', url: '/v1/batch', payload: { batch }, headers: { authorization: basic(key) } })).statusCode).toBe(200);
    const id = (await t.database.query<{ id: string }>('SELECT id FROM accounts WHERE external_id = $1', [g])).rows[0]?.id ?? '';
    const metric = (filters: object[], over: object = {}) => ({ type: 'event_metric', events: [], measure: 'count', windowDays: 7, perSeat: false, filters, ...over } as MeasuredDriver['source']);
    const drivers: MeasuredDriver[] = [
      { key: 'pro', source: metric([{ property: 'plan', op: 'equals', value: 'pro' }]), trend: false },
      { key: 'paid', source: metric([{ property: 'plan', op: 'in', value: ['pro', 'team'] }]), trend: false },
      { key: 'seats', source: metric([{ property: 'seats', op: 'equals', value: 3 }]), trend: false },
      { key: 'has_plan_report', source: metric([{ property: 'plan', op: 'exists' }], { events: ['Report'] }), trend: false },
      { key: 'pro_days', source: metric([{ property: 'plan', op: 'equals', value: 'pro' }], { measure: 'active_days' }), trend: false },
      { key: 'paid_features', source: metric([{ property: 'plan', op: 'in', value: ['pro', 'team'] }], { measure: 'distinct_events' }), trend: false },
      { key: 'pro_users', source: metric([{ property: 'plan', op: 'equals', value: 'pro' }], { measure: 'avg_daily_users', windowDays: 1 }), trend: false },
      { key: 'none', source: metric([{ property: 'plan', op: 'equals', value: 'enterprise' }]), trend: false },
      { key: 'all', source: metric([]), trend: false },
    ];
    const [m] = await measure(t.database, drivers, { ids: [id] }, today);
    const got = Object.fromEntries([...(m?.raw ?? new Map())].map(([k, v]) => [k, v.current]));
    // Counted from the events whose properties match; a driver without filters still reads the rollups.
    // Usage in the window but no matching event: 0, as a rollup-read driver gives.
    expect(got).toEqual({ pro: 2, paid: 3, seats: 2, has_plan_report: 3, pro_days: 1, paid_features: 2, pro_users: 0, none: 0, all: 5 });
    const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const past = await measure(t.database, drivers, { ids: [id] }, yesterday);
    expect(Object.fromEntries([...(past[0]?.raw ?? new Map())].map(([k, v]) => [k, v.current]))).toMatchObject({ pro: 2, pro_users: 1 }) // both pro events of that day are one user's;
    const [days] = await measureDays(t.database, drivers, { ids: [id] }, yesterday, yesterday);
    expect([...(days?.measurements[0]?.raw ?? [])]).toEqual([...(past[0]?.raw ?? [])]);
    const runs = await measureDays(t.database, drivers, { ids: [id] }, at(10).slice(0, 10), yesterday);
    for (const { day, measurements } of runs) {
      expect([...(measurements[0]?.raw ?? [])], day).toEqual([...((await measure(t.database, drivers, { ids: [id] }, day))[0]?.raw ?? [])]);
    }
  });
});
