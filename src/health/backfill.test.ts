// The history back-fill on a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL): a small
// demo book with 40 days of usage, scored today, then back-filled through the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import { seedDemo } from '../demo/seed.js';
import { utcToday } from '../accounts/usage.js';
import { evaluate, measuredDrivers } from './engine.js';
import { measure } from './metrics.js';
import { measureDays } from './metrics-days.js';
import { BAND_CHANGED } from './store.js';
import { backfillRange } from './backfill.js';

const DAYS = 40;
let t: TestApp;
let manager: SignedIn;
const today = utcToday();
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const daysAgo = (n: number) => addDays(today, -n);
const { from, to } = backfillRange(DAYS, today);

type Snapshot = { account_id: string; day: string; score: number | null; band: string | null };
type Change = { account_id: string; day: string; from_score: number | null; to_score: number | null; from_band: string | null; to_band: string | null };
const snapshots = async () => (await t.database.query<Snapshot>('SELECT account_id, day::text AS day, score, band FROM health_snapshots ORDER BY account_id, day')).rows;
const backfilled = async () => (await t.database.query<Change>(
  `SELECT account_id, (at AT TIME ZONE 'UTC')::date::text AS day, from_score, to_score, from_band, to_band
     FROM health_changes WHERE cause = 'backfill' ORDER BY account_id, at`)).rows;
const groupBy = <T>(items: T[], key: (t: T) => string) => {
  const out = new Map<string, T[]>();
  for (const i of items) out.set(key(i), [...(out.get(key(i)) ?? []), i]);
  return out;
};
const current = async () => (await t.database.query('SELECT * FROM account_health ORDER BY account_id')).rows;
const api = (method: 'GET' | 'POST', url: string, payload?: object) => t.app.inject({ method, url, headers: manager.headers, ...(payload ? { payload } : {}) });

beforeAll(async () => {
  t = await createTestApp();
  manager = await t.signIn('manager');
  await seedDemo(t.database, { seed: 5, accounts: 24, days: DAYS });
  // A webhook that would receive band moves: the back-fill must not queue anything for it.
  await t.database.query(`INSERT INTO webhooks (name, url, secret, events) VALUES ('bands', 'https://hooks.example.test/x', 's3cret', ARRAY['${BAND_CHANGED}'])`);
  await t.app.services.health.startRecompute('test');
}, 120_000);
afterAll(() => t?.close());

describe('health history back-fill', () => {
  let firstRun: { snapshots: Snapshot[]; changes: Change[] };
  let before: unknown[];
  let deliveriesBefore: number;

  it('starts from the API (202 with the run) and shows in the run listing with its progress', async () => {
    before = await current();
    deliveriesBefore = (await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_deliveries')).rows[0]?.n ?? -1;
    const res = await api('POST', '/api/health/backfill', { days: DAYS });
    expect(res.statusCode, res.body).toBe(202);
    const run = res.json() as { id: string; status: string; total: number; done: number; trigger: string };
    expect(run.trigger).toMatch(/^backfill:user:/);
    // Without a job queue the test app runs it inline: the run is finished when the answer comes.
    expect(run.status).toBe('done');
    expect(run.total).toBeGreaterThan(0);
    expect(run.done).toBe(run.total);
    const list = (await api('GET', '/api/health/runs?limit=5')).json() as { items: { id: string }[] };
    expect(list.items.map((r) => r.id)).toContain(run.id);
    firstRun = { snapshots: await snapshots(), changes: await backfilled() };
  });

  it('refuses days outside 1–365', async () => {
    for (const days of [0, 366, -1, 1.5]) expect((await api('POST', '/api/health/backfill', { days })).statusCode, String(days)).toBe(400);
  });

  it('writes one snapshot per day from each account’s first activity to yesterday, plus today’s', async () => {
    const { rows: accounts } = await t.database.query<{ id: string; first: string }>(
      `SELECT id, greatest($1::date, first_activity_at::date)::text AS first FROM accounts WHERE first_activity_at IS NOT NULL ORDER BY id`, [from]);
    expect(accounts.length).toBeGreaterThan(10);
    const byAccount = groupBy(firstRun.snapshots, (s) => s.account_id);
    let total = 0;
    for (const a of accounts) {
      const days = (byAccount.get(a.id) ?? []).map((s) => s.day);
      const expected: string[] = [];
      for (let d = a.first; d <= to; d = addDays(d, 1)) expected.push(d);
      total += expected.length;
      expect(days, a.id).toEqual([...expected, today]);
    }
    // Accounts active since the start of the demo's usage have (about) the whole range.
    expect(accounts.filter((a) => (byAccount.get(a.id)?.length ?? 0) >= DAYS - 2).length).toBeGreaterThan(accounts.length / 2);
    const run = (await t.app.services.health.queries.runs(1))[0];
    expect(run?.total).toBe(total);
  });

  it('scores each past day as a recompute "as of" that day would', async () => {
    const active = await t.app.services.health.drivers.enabled();
    const bySnapshot = new Map(firstRun.snapshots.map((s) => [`${s.account_id}:${s.day}`, s]));
    let compared = 0;
    for (const n of [DAYS, 33, 21, 14, 8, 2, 1]) {
      const day = daysAgo(n);
      const results = evaluate(active, await measure(t.database, measuredDrivers(active), { all: true }, day), day);
      for (const r of results) {
        const s = bySnapshot.get(`${r.facts.id}:${day}`);
        if (!r.facts.hasUsage) {
          expect(s, `${r.facts.id} ${day}: no snapshot before the first activity`).toBeUndefined();
          continue;
        }
        expect({ score: s?.score, band: s?.band }, `${r.facts.id} ${day}`).toEqual({ score: r.health.score, band: r.health.band });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('measures a run of days exactly as measure() does for each of them', async () => {
    const md = measuredDrivers(await t.app.services.health.drivers.enabled());
    const ids = (await t.database.query<{ id: string }>('SELECT id FROM accounts ORDER BY id')).rows.map((r) => r.id);
    const days = await measureDays(t.database, md, { ids }, from, to);
    expect(days.length).toBeGreaterThan(DAYS - 3);
    for (const { day, measurements } of days.filter((_, i) => i % 3 === 0)) {
      const want = (await measure(t.database, md, { ids }, day)).filter((m) => m.facts.hasUsage);
      expect(measurements.map((m) => [m.facts.id, [...m.raw]]), day).toEqual(want.map((m) => [m.facts.id, [...m.raw]]));
    }
  });

  it('records the day-to-day moves as health changes with cause backfill, at the day they happened', async () => {
    const expected: Change[] = [];
    for (const list of groupBy(firstRun.snapshots.filter((s) => s.day <= to), (s) => s.account_id).values()) {
      list.forEach((s, i) => {
        const prev = list[i - 1];
        if (s.day >= from && ((prev?.score ?? null) !== s.score || (prev?.band ?? null) !== s.band)) {
          expected.push({ account_id: s.account_id, day: s.day, from_score: prev?.score ?? null, to_score: s.score, from_band: prev?.band ?? null, to_band: s.band });
        }
      });
    }
    expect(expected.length).toBeGreaterThan(0);
    expect(firstRun.changes).toEqual(expected);
  });

  it('leaves the current health alone and queues no webhook deliveries', async () => {
    expect(await current()).toEqual(before);
    const { rows } = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_deliveries');
    expect(rows[0]?.n).toBe(deliveriesBefore);
  });

  it('is idempotent: a second back-fill gives the same snapshots and changes, no duplicates', async () => {
    const id = await t.app.services.health.startBackfill(DAYS, 'test');
    expect((await t.app.services.health.queries.run(id)).status).toBe('done');
    expect(await snapshots()).toEqual(firstRun.snapshots);
    expect(await backfilled()).toEqual(firstRun.changes);
    expect(await current()).toEqual(before);
  });

  it('gives the account chart and the health page their trend', async () => {
    const { rows } = await t.database.query<{ id: string; first: string }>(
      `SELECT id, greatest($1::date, first_activity_at::date)::text AS first FROM accounts WHERE first_activity_at IS NOT NULL ORDER BY first_activity_at, id LIMIT 1`, [from]);
    const first = rows[0]?.first ?? today;
    const span = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000);
    expect(span).toBeGreaterThanOrEqual(DAYS - 2);
    const history = (await api('GET', `/api/accounts/${rows[0]?.id ?? ''}/health/history?days=90`)).json() as { items: { day: string }[] };
    expect(history.items.map((d) => d.day)).toEqual(Array.from({ length: span + 1 }, (_, i) => daysAgo(span - i)));
    const summary = (await api('GET', '/api/health/summary')).json() as { trend: { day: string }[] };
    expect(summary.trend.map((d) => d.day)).toEqual(Array.from({ length: span + 1 }, (_, i) => daysAgo(span - i)));
  });

  it('gives the portfolio its 30-day change', async () => {
    const res = await api('GET', '/api/accounts?limit=200');
    expect(res.statusCode, res.body).toBe(200);
    const items = (res.json() as { items: { id: string; health: number | null; healthChange30d: number | null }[] }).items;
    const { rows } = await t.database.query<{ id: string }>(
      `SELECT a.id FROM accounts a JOIN health_snapshots s ON s.account_id = a.id AND s.day = current_date - 30 WHERE s.score IS NOT NULL`);
    expect(rows.length).toBeGreaterThan(5);
    for (const r of rows) {
      const item = items.find((i) => i.id === r.id);
      if (item?.health !== null) expect(item?.healthChange30d, r.id).not.toBeNull();
    }
  });

  it('takes a request without a body as the default 90 days', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/health/backfill', headers: manager.headers });
    expect(res.statusCode, res.body).toBe(202);
    expect((res.json() as { trigger: string }).trigger).toMatch(/^backfill/);
  });
});

describe('history after a bulk load of past events', () => {
  it('fills in the history of accounts whose usage starts before their snapshots, once', async () => {
    const { key } = await t.writeKey();
    const g = unique('imported');
    const at = (n: number) => new Date(Date.parse(`${today}T12:00:00Z`) - n * 86_400_000).toISOString();
    const batch = [
      { type: 'group', userId: `${g}-u`, groupId: g, traits: { name: g, seats: 5, stage: 'adoption' } },
      ...[20, 18, 15, 11, 7, 4, 2].map((n) => ({ type: 'track', userId: `${g}-u`, event: 'Report Created', context: { groupId: g }, timestamp: at(n) })),
    ];
    const res = await t.app.inject({ method: 'POST', url: '/v1/batch', payload: { batch }, headers: { authorization: basic(key) } });
    expect(res.statusCode, res.body).toBe(200);
    const id = (await t.database.query<{ id: string }>('SELECT id FROM accounts WHERE external_id = $1', [g])).rows[0]?.id ?? '';
    await t.app.services.health.recomputeAccounts([id]);
    const days = async () => (await t.database.query<{ day: string }>('SELECT day::text AS day FROM health_snapshots WHERE account_id = $1 ORDER BY day', [id])).rows.map((r) => r.day);
    expect(await days()).toEqual([today]);

    expect(await t.app.services.health.backfillGaps()).toBe(1);
    const filled = await days();
    expect(filled[0]).toBe(daysAgo(20));
    expect(filled).toHaveLength(21);
    expect((await t.app.services.health.queries.runs(1))[0]).toMatchObject({ trigger: 'backfill:gaps', status: 'done' });
    expect(await t.app.services.health.backfillGaps()).toBe(0);
  });
});
