// "Active users" drivers over usage that names no user (usage_daily.unattributed, migration 0028):
// a window whose every usage row is unattributed is no data, not 0 users; a window with some
// attributed usage counts its users; silence is still 0. The same in measure() and measureDays().
// On a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL); rows inserted directly. Also:
// a rollup row always counts at least one event (the measure relies on it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type TestApp } from '../../test/support/app.js';
import { utcToday } from '../accounts/usage.js';
import { ALL_EVENTS } from '../ingest/rollup-sql.js';
import { evaluate, type EngineDriver } from './engine.js';
import { measure, type MeasuredDriver } from './metrics.js';
import { measureDays } from './metrics-days.js';

let t: TestApp;
const today = utcToday();
const dayAgo = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
beforeAll(async () => { t = await createTestApp(); }, 60_000);
afterAll(() => t?.close());

/** An account with rollup rows [daysAgo, count, users, unattributed] under '$all' and 'Report'. */
async function account(rows: [number, number, number, number][]): Promise<string> {
  const name = unique('unattributed');
  const { rows: [a] } = await t.database.query<{ id: string }>(
    `INSERT INTO accounts (name, external_id, stage, first_activity_at, last_activity_at) VALUES ($1, $1, 'adoption', now() - interval '60 days', now()) RETURNING id`, [name]);
  const id = a?.id ?? '';
  for (const [n, count, users, unattributed] of rows) {
    for (const event of [ALL_EVENTS, 'Report']) {
      await t.database.query('INSERT INTO usage_daily (account_id, event, day, count, users, unattributed) VALUES ($1, $2, $3, $4, $5, $6)', [id, event, dayAgo(n), count, users, unattributed]);
    }
  }
  return id;
}

const users = (events: string[], trend = false): MeasuredDriver => ({ key: trend ? 'users_trend' : events.length ? 'report_users' : 'users', source: { type: 'event_metric', events, measure: 'avg_daily_users', windowDays: 7, perSeat: false }, trend });
const drivers: MeasuredDriver[] = [
  users([]), users(['Report']), users([], true),
  { key: 'count', source: { type: 'event_metric', events: [], measure: 'count', windowDays: 7, perSeat: false }, trend: false },
];
const engineDrivers: EngineDriver[] = drivers.map((d) => ({
  id: d.key, key: d.key, name: d.key, source: d.source, stageWeights: { adoption: 1 },
  scoring: { type: d.trend ? 'trend' : 'bands', direction: 'higher_is_better', thresholds: [{ value: 0, score: 100 }] },
}));

describe('daily users of usage that names no user', () => {
  it('are no data when every row of the window is unattributed, counted when some name users, 0 in silence', async () => {
    const allUnattributed = await account([[1, 5, 0, 5], [2, 4, 0, 4], [10, 6, 3, 0]]);
    const mixed = await account([[1, 5, 2, 3], [2, 4, 0, 4], [9, 2, 0, 2]]);
    const silent = await account([[20, 5, 0, 5]]);
    const ms = await measure(t.database, drivers, { ids: [allUnattributed, mixed, silent] }, today);
    const values = new Map(evaluate(engineDrivers, ms, today).map((h) => [h.facts.id, Object.fromEntries([...h.values].map(([k, v]) => [k, v.value]))]));
    // No users known this week: no data, for all events and for one; the count still counts.
    expect(values.get(allUnattributed)).toEqual({ users: null, report_users: null, users_trend: null, count: 9 });
    // Known users this week: 2 over 7 days; the trend compares with a previous week of unknown users: no data.
    expect(values.get(mixed)).toEqual({ users: 0.286, report_users: 0.286, users_trend: null, count: 9 });
    // Nothing this week after earlier usage: silence is 0 users.
    expect(values.get(silent)).toEqual({ users: 0, report_users: 0, users_trend: null, count: 0 });
    // The previous week of the first account named users: known there.
    expect(ms.find((m) => m.facts.id === allUnattributed)?.raw.get('users_trend')).toEqual({ current: null, previous: 3 / 7, unknown: { current: true, previous: false } });
  });

  it('the back-fill measures the same past values day by day', async () => {
    const ids = [await account([[3, 5, 0, 5], [5, 2, 1, 1], [12, 4, 0, 4], [14, 7, 2, 0]]), await account([[2, 5, 0, 5], [16, 3, 0, 3]])];
    const days = await measureDays(t.database, drivers, { ids }, dayAgo(15), dayAgo(1));
    expect(days.length).toBe(15);
    let unknown = 0;
    for (const { day, measurements } of days) {
      const want = await measure(t.database, drivers, { ids }, day);
      expect(measurements.map((m) => [m.facts.id, [...m.raw]]), day).toEqual(want.map((m) => [m.facts.id, [...m.raw]]));
      unknown += want.filter((m) => m.raw.get('users')?.unknown?.current).length;
    }
    expect(unknown).toBeGreaterThan(3);
  });
});

describe('rollup rows count at least one event (migration 0031)', () => {
  it('refuses a row of 0 or fewer events, so active days and breadth can be read from the key alone', async () => {
    const id = await account([[1, 1, 1, 0]]);
    for (const count of [0, -3]) {
      await expect(t.database.query('INSERT INTO usage_daily (account_id, event, day, count, users) VALUES ($1, $2, $3, $4, 0)', [id, 'Other', dayAgo(2), count]))
        .rejects.toThrow(/usage_daily_count_positive/);
    }
    await expect(t.database.query(`UPDATE usage_daily SET count = 0 WHERE account_id = $1 AND event = 'Report'`, [id])).rejects.toThrow(/usage_daily_count_positive/);
    const { rows } = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM usage_daily WHERE account_id = $1 AND count >= 1', [id]);
    expect(rows[0]?.n).toBe(2);
  });
});
