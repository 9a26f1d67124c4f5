// Historical usage import (issue 13, part D), on PGlite or PostgreSQL (TEST_DATABASE_URL): the
// same events imported and sent live through /v1/batch give the same rollups and health history;
// re-importing the file adds nothing; daily counts and usage without users.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, createTestApp, unique, type TestApp } from '../../../test/support/app.js';
import { utcToday } from '../../accounts/usage.js';
import type { ImportDeps, ImportKind, TypedRow } from '../types.js';
import { usageRuns } from './usage-common.js';
import { usageDailyKind } from './usage-daily.js';
import { usageEventsKind } from './usage-events.js';
import { rollUpChunk } from './usage-rollup.js';
import { claimKeys } from './usage-store.js';

let t: TestApp;
let deps: ImportDeps;
const today = utcToday();
const at = (daysAgo: number, hour = 12) => new Date(Date.parse(`${today}T00:00:00Z`) - daysAgo * 86_400_000 + hour * 3_600_000).toISOString();
const actor = { type: 'user' as const, id: 'test', label: 'test' };

beforeAll(async () => {
  t = await createTestApp();
  deps = {
    config: t.config, database: t.database, jobs: null, outbox: t.app.services.outbox,
    rebuildHealth: async (ids, from) => { await t.app.services.health.rebuildHistory(ids, from); },
  } as ImportDeps;
}, 60_000);
afterAll(() => t?.close());

/** An import run as the engine drives a kind: validate, plan, write each chunk in a transaction, finish. */
async function runImport<R>(kind: ImportKind<R>, rows: Record<string, unknown>[], importId: string = randomUUID(), chunk = 3) {
  const counts = { create: 0, skip: 0, error: 0 };
  const errors: string[] = [];
  const accountIds = new Set<string>();
  const typed: TypedRow[] = rows.map((values, i) => ({ row: i + 1, values: Object.fromEntries(Object.entries(values).filter(([k]) => !k.startsWith('custom:'))), custom: Object.fromEntries(Object.entries(values).filter(([k]) => k.startsWith('custom:')).map(([k, v]) => [k.slice(7), String(v)])) }));
  for (let i = 0; i < typed.length; i += chunk) {
    const valid: { row: number; value: R }[] = [];
    for (const r of typed.slice(i, i + chunk)) {
      const v = kind.validate(r, {});
      if (v.ok) valid.push({ row: r.row, value: v.value });
      else { counts.error++; errors.push(...v.issues.map((x) => `${r.row} ${x.column}: ${x.message}`)); }
    }
    const ctx = { mode: 'create' as const, options: {}, seen: new Map<string, string>(), importId };
    const plans = await kind.plan(t.database, valid, ctx);
    for (const p of plans) if (p.action === 'skip') counts.skip++; else if (p.action === 'error') { counts.error++; errors.push(...p.issues.map((x) => `${p.row} ${x.column}: ${x.message}`)); }
    const todo = plans.filter((p): p is Extract<typeof p, { action: 'create' | 'update' }> => p.action === 'create' || p.action === 'update');
    const res = await t.database.transaction((tx) => kind.write(todo, { ...ctx, actor, tx }));
    for (const r of res) { counts[r.action === 'create' ? 'create' : 'skip']++; if (r.id) accountIds.add(r.id); }
  }
  await kind.finish?.({ importId, created: counts.create, updated: 0, accountIds: [...accountIds] });
  return { ...counts, errors };
}

async function group(key: string, ext: string, extra: object[] = []) {
  const batch = [{ type: 'group', userId: `${ext}-admin`, groupId: ext, traits: { name: ext, seats: 5, stage: 'adoption' } }, ...extra];
  const res = await t.app.inject({ method: 'POST', url: '/v1/batch', payload: { batch }, headers: { authorization: basic(key) } });
  expect(res.statusCode, res.body).toBe(200);
  return (await t.database.query<{ id: string }>('SELECT id FROM accounts WHERE external_id = $1', [ext])).rows[0]?.id ?? '';
}
const rollups = async (id: string) =>
  (await t.database.query(`SELECT event, day::text AS day, count, users, unattributed FROM usage_daily WHERE account_id = $1 ORDER BY event, day`, [id])).rows;
const snapshots = async (id: string) =>
  (await t.database.query(`SELECT day::text AS day, score, band FROM health_snapshots WHERE account_id = $1 ORDER BY day`, [id])).rows;
const activity = async (id: string) =>
  (await t.database.query(`SELECT first_activity_at, last_activity_at FROM accounts WHERE id = $1`, [id])).rows[0];

async function importRecord(sha: string): Promise<string> {
  const { rows } = await t.database.query<{ id: string }>(
    `INSERT INTO imports (kind, dry_run, mode, on_error, file_name, file_sha256, total_bytes, mapping, actor_type, actor_label)
     VALUES ('usage_events', false, 'create', 'skip', 'usage.csv', $1, 100, '{}', 'system', 'test') RETURNING id`, [sha]);
  return rows[0]?.id ?? '';
}

describe('usage_events import', () => {
  it('gives the rollups and the health history the same events give sent live, and re-importing the file adds nothing', async () => {
    const { key } = await t.writeKey();
    const live = unique('live');
    const imp = unique('imp');
    const events = [
      { user: 'u1', event: 'Report Created', ago: 45, h: 9 }, { user: 'u2', event: 'Report Created', ago: 45, h: 23 },
      { user: 'u1', event: 'Login', ago: 30, h: 1 }, { user: 'u1', event: 'Login', ago: 30, h: 2 }, { user: 'u3', event: 'Export', ago: 12, h: 8 },
      { user: 'u2', event: 'Login', ago: 3, h: 10 }, { user: 'u1', event: 'Report Created', ago: 3, h: 11 },
    ];
    const liveId = await group(key, live, events.map((e) => ({ type: 'track', userId: `${live}-${e.user}`, event: e.event, context: { groupId: live }, timestamp: at(e.ago, e.h) })));
    const impId = await group(key, imp);
    const rows = events.map((e) => ({ accountExternalId: imp, userId: `${imp}-${e.user}`, event: e.event, timestamp: at(e.ago, e.h) }));
    const sha: string = randomUUID().replace(/-/g, '');
    const first = await runImport(usageEventsKind(deps), rows, await importRecord(sha));
    expect(first).toMatchObject({ create: 7, skip: 0, error: 0 });

    expect(await rollups(impId)).toEqual(await rollups(liveId));
    expect(await activity(impId)).toEqual(await activity(liveId));
    const stored = await t.database.query<{ n: number; c: number }>(`SELECT count(*)::int AS n, sum(count)::int AS c FROM events WHERE account_id = $1 AND write_key_id IS NULL`, [impId]);
    expect(stored.rows[0]).toEqual({ n: 7, c: 7 });
    // Old months get partitions of their own, not the default one.
    const parts = await t.database.query<{ p: string }>(`SELECT DISTINCT tableoid::regclass::text AS p FROM events WHERE account_id = $1`, [impId]);
    expect(parts.rows.map((r) => r.p).every((p) => /^events_\d{4}_\d{2}$/.test(p))).toBe(true);

    // Health history: the import's finish rebuilt it; the live account's is rebuilt from the same day.
    await t.app.services.health.rebuildHistory([liveId], at(45).slice(0, 10));
    const hist = await snapshots(impId);
    expect(hist.length).toBeGreaterThanOrEqual(46);
    expect(hist).toEqual(await snapshots(liveId));

    // The same file again (another import of the same sha-256): every row is a skip.
    const again = await runImport(usageEventsKind(deps), rows, await importRecord(sha));
    expect(again).toMatchObject({ create: 0, skip: 7, error: 0 });
    expect(await rollups(impId)).toEqual(await rollups(liveId));
  }, 120_000);

  it('counts the distinct users of days older than usage_daily_users keeps in memory, across chunks, equal to live, without writing their keys', async () => {
    const { key } = await t.writeKey();
    const live = unique('oldlive');
    const imp = unique('oldimp');
    // Day 200 spans several chunks of 3 with repeated users; day 130 too; day 10 is recent.
    const events = [
      ...['u1', 'u2', 'u1', 'u3', 'u2', 'u1', 'u4'].map((user, i) => ({ user, event: i % 2 ? 'Login' : 'Export', ago: 200, h: i + 1 })),
      ...['u1', 'u1', 'u2', 'u5'].map((user, i) => ({ user, event: 'Login', ago: 130, h: i + 1 })),
      { user: 'u1', event: 'Login', ago: 10, h: 3 }, { user: 'u2', event: 'Login', ago: 10, h: 4 },
    ];
    const liveId = await group(key, live, events.map((e) => ({ type: 'track', userId: `${live}-${e.user}`, event: e.event, context: { groupId: live }, timestamp: at(e.ago, e.h) })));
    const impId = await group(key, imp);
    // What the table already holds for an old day counts once: u5 of day 130 sent live before the import.
    const pre = { type: 'track', userId: `${imp}-u5`, event: 'Login', context: { groupId: imp }, timestamp: at(130, 23) };
    const preLive = { ...pre, userId: `${live}-u5`, context: { groupId: live } };
    for (const [k, e] of [[imp, pre], [live, preLive]] as const) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/batch', payload: { batch: [e] }, headers: { authorization: basic(key) } });
      expect(res.statusCode, `${k} ${res.body}`).toBe(200);
    }
    const rows = events.map((e) => ({ accountExternalId: imp, userId: `${imp}-${e.user}`, event: e.event, timestamp: at(e.ago, e.h) }));
    expect(await runImport(usageEventsKind(deps), rows, randomUUID(), 3)).toMatchObject({ create: 13, error: 0 });
    expect(await rollups(impId)).toEqual(await rollups(liveId));
    const byDay = await t.database.query<{ day: string; n: number }>(
      `SELECT day::text AS day, count(*)::int AS n FROM usage_daily_users WHERE account_id = $1 GROUP BY 1 ORDER BY 1`, [impId]);
    // Only the recent day's keys and the one sent live are stored.
    expect(byDay.rows).toEqual([{ day: at(130).slice(0, 10), n: 2 }, { day: at(10).slice(0, 10), n: 4 }]);
  }, 120_000);

  it('writes the old-day keys of its memory to usage_daily_users when the memory is full, and counts each user once across it', async () => {
    const { key } = await t.writeKey();
    const id = await group(key, unique('flush'));
    const runs = usageRuns();
    const importId = `flush-${randomUUID()}`;
    const old = (user: string) => ({ accountId: id, event: 'Login', ts: at(300), userId: user, count: 1 });
    const chunk = async (users: string[]) => t.database.transaction(async (tx) => {
      const r = rollUpChunk(users.map(old), at(200).slice(0, 10));
      const claimed = [...(await claimKeys(tx, [randomUUID()]))][0] ?? '';
      await runs.countOld(tx, importId, r, claimed, 3);
      return r.daily.users;
    });
    expect(await chunk(['u1'])).toEqual([1, 1]);
    expect(await chunk(['u1', 'u2'])).toEqual([1, 1]); // 2 keys in memory + 2 fresh > 3: written, memory cleared
    const stored = await t.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM usage_daily_users WHERE account_id = $1`, [id]);
    expect(stored.rows[0]?.n).toBe(4);
    expect(await chunk(['u1', 'u2', 'u3'])).toEqual([1, 1]); // u1, u2 found in the table
  }, 60_000);

  it('counts usage without a user as unattributed, keeps properties and custom columns, and refuses what it cannot read', async () => {
    const { key } = await t.writeKey();
    const ext = unique('anon');
    const id = await group(key, ext);
    const r = await runImport(usageEventsKind(deps), [
      { accountExternalId: ext, event: 'Sync', timestamp: at(20), properties: { plan: 'pro' }, 'custom:region': 'eu' },
      { accountExternalId: ext, event: 'Sync', timestamp: at(20, 13) },
      { accountExternalId: ext, userId: 'x1', event: 'Sync', timestamp: at(20, 14), messageId: 'm-1' },
      { accountExternalId: ext, userId: 'x1', event: 'Sync', timestamp: at(20, 15), messageId: 'm-1' },
      { accountExternalId: 'nobody-has-this', event: 'Sync', timestamp: at(2) },
      { accountExternalId: ext, event: 'Sync', timestamp: at(6 * 366) },
      { accountExternalId: ext, event: 'Sync', timestamp: at(20), properties: [1, 2] },
      { accountExternalId: ext, event: 'Sync', timestamp: at(20), properties: { region: 'us' }, 'custom:region': 'eu' },
    ], randomUUID(), 8);
    expect(r).toMatchObject({ create: 3, skip: 1, error: 4 });
    expect(r.errors.join('\n')).toMatch(/No account has the external id "nobody-has-this"/);
    expect(r.errors.join('\n')).toMatch(/five years/);
    expect(r.errors.join('\n')).toMatch(/properties: Not a JSON object/);
    expect(r.errors.join('\n')).toMatch(/custom:region: The properties column already has "region"/);
    const day = at(20).slice(0, 10);
    expect(await rollups(id)).toEqual([
      { event: '$all', day, count: 3, users: 1, unattributed: 2 },
      { event: 'Sync', day, count: 3, users: 1, unattributed: 2 },
    ]);
    const props = await t.database.query<{ properties: unknown }>(`SELECT properties FROM events WHERE account_id = $1 ORDER BY ts LIMIT 1`, [id]);
    expect(props.rows[0]?.properties).toEqual({ plan: 'pro', region: 'eu' });
  }, 60_000);
});

describe('usage_daily import', () => {
  it('stores one event per row carrying its count, adds to the rollups, and leaves users unknown unless given', async () => {
    const { key } = await t.writeKey();
    const ext = unique('daily');
    const id = await group(key, ext);
    const day = at(10).slice(0, 10);
    const rows = [
      { accountExternalId: ext, event: 'Login', day, count: 9 },
      { accountExternalId: ext, event: 'Report', day, count: 3, users: 2 },
      { accountExternalId: ext, event: 'Report', day, count: 0 },
      { accountExternalId: ext, event: 'Report', day, count: 2, users: 5 },
    ];
    const r = await runImport(usageDailyKind(deps), rows);
    expect(r).toMatchObject({ create: 2, error: 2 });
    expect(r.errors.join('\n')).toMatch(/count: A whole number of at least 1/);
    expect(r.errors.join('\n')).toMatch(/5 users cannot make 2 events/);
    expect(await rollups(id)).toEqual([
      { event: '$all', day, count: 12, users: 2, unattributed: 9 },
      { event: 'Login', day, count: 9, users: 0, unattributed: 9 },
      { event: 'Report', day, count: 3, users: 2, unattributed: 0 },
    ]);
    const ev = await t.database.query(`SELECT event, count, ts, properties, user_id FROM events WHERE account_id = $1 AND type = 'track' ORDER BY event`, [id]);
    expect(ev.rows).toEqual([
      { event: 'Login', count: 9, ts: new Date(`${day}T00:00:00Z`), properties: {}, user_id: null },
      { event: 'Report', count: 3, ts: new Date(`${day}T00:00:00Z`), properties: {}, user_id: null },
    ]);
    // Counts are added to live usage of the same day; a second file's users raise the day's users only when higher.
    const more = await runImport(usageDailyKind(deps), [{ accountExternalId: ext, event: 'Report', day, count: 4, users: 1 }]);
    expect(more).toMatchObject({ create: 1 });
    expect((await rollups(id)).find((x) => x.event === 'Report')).toEqual({ event: 'Report', day, count: 7, users: 2, unattributed: 0 });
    expect((await snapshots(id)).length).toBeGreaterThanOrEqual(10);
  }, 60_000);
});
