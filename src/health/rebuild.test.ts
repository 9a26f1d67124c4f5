// health.rebuildHistory (what the import engine calls after historical usage), on PGlite or
// PostgreSQL (TEST_DATABASE_URL): an account whose usage was sent with past timestamps gets its
// history from the given day to yesterday, scored today, with the run in health_runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, createTestApp, unique, type TestApp } from '../../test/support/app.js';
import { utcToday } from '../accounts/usage.js';
import { backfillRange } from './backfill.js';

let t: TestApp;
const today = utcToday();
const daysAgo = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

async function importedAccount(agoDays: number[]): Promise<string> {
  const { key } = await t.writeKey();
  const g = unique('rebuild');
  const at = (n: number) => new Date(Date.parse(`${today}T12:00:00Z`) - n * 86_400_000).toISOString();
  const batch = [
    { type: 'group', userId: `${g}-u`, groupId: g, traits: { name: g, seats: 5, stage: 'adoption' } },
    ...agoDays.map((n) => ({ type: 'track', userId: `${g}-u`, event: 'Report Created', context: { groupId: g }, timestamp: at(n) })),
  ];
  const res = await t.app.inject({ method: 'POST', url: '/v1/batch', payload: { batch }, headers: { authorization: basic(key) } });
  expect(res.statusCode, res.body).toBe(200);
  return (await t.database.query<{ id: string }>('SELECT id FROM accounts WHERE external_id = $1', [g])).rows[0]?.id ?? '';
}
const days = async (id: string) =>
  (await t.database.query<{ day: string }>('SELECT day::text AS day FROM health_snapshots WHERE account_id = $1 ORDER BY day', [id])).rows.map((r) => r.day);

beforeAll(async () => { t = await createTestApp(); }, 60_000);
afterAll(() => t?.close());

describe('health.rebuildHistory', () => {
  it('back-fills the accounts from the day to yesterday, scores today, and records the run', async () => {
    const a = await importedAccount([30, 25, 12, 3]);
    const b = await importedAccount([10, 4]);
    const untouched = await importedAccount([9, 2]);
    const r = await t.app.services.health.rebuildHistory([a, b], daysAgo(20));
    expect(r.days).toBe(20);
    // a: from the day asked (its usage is older); b: from its first activity; both up to today.
    expect(await days(a)).toEqual(Array.from({ length: 21 }, (_, i) => daysAgo(20 - i)));
    expect(await days(b)).toEqual(Array.from({ length: 11 }, (_, i) => daysAgo(10 - i)));
    expect((await days(untouched)).filter((d) => d < today)).toEqual([]); // only its live score of today
    const run = (await t.app.services.health.queries.runs(1))[0];
    expect(run).toMatchObject({ trigger: 'backfill:import', status: 'done', total: 20 + 10, done: 20 + 10 /* account-days to yesterday */ });
    const { rows } = await t.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM health_changes WHERE account_id = $1 AND cause = 'backfill'`, [a]);
    expect(rows[0]?.n).toBeGreaterThan(0);
    const { rows: now } = await t.database.query<{ account_id: string }>('SELECT account_id FROM account_health WHERE account_id = ANY($1::uuid[])', [[a, b]]);
    expect(now.map((x) => x.account_id).sort()).toEqual([a, b].sort());
  });

  it('is idempotent and does nothing for no accounts, a day not in the past, or a malformed day', async () => {
    const a = await importedAccount([6, 1]);
    await t.app.services.health.rebuildHistory([a], daysAgo(6));
    const first = await days(a);
    expect((await t.app.services.health.rebuildHistory([a], daysAgo(6))).days).toBe(6);
    expect(await days(a)).toEqual(first);
    expect((await t.app.services.health.rebuildHistory([], daysAgo(6))).days).toBe(0);
    expect((await t.app.services.health.rebuildHistory([a], today)).days).toBe(0);
    expect((await t.app.services.health.rebuildHistory([a], 'yesterday')).days).toBe(0);
  });

  it('goes back at most the import limit', async () => {
    const a = await importedAccount([2]);
    const r = await t.app.services.health.rebuildHistory([a], '1990-01-01');
    expect(r.days).toBe(1100);
    expect(backfillRange(1100, today).from <= daysAgo(2)).toBe(true);
  });
});
