// The full recompute's split of the book (chunks.ts), on PGlite or PostgreSQL (TEST_DATABASE_URL):
// ranges of ids that cover every account exactly once, and the worker pool that runs them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type TestApp } from '../../test/support/app.js';
import { utcToday } from '../accounts/usage.js';
import { accountRanges, eachParallel } from './chunks.js';
import { measure } from './metrics.js';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); }, 60_000);
afterAll(() => t?.close());

describe('accountRanges', () => {
  it('cuts the book into ranges of the given size that measure() reads each account from exactly once', async () => {
    const prefix = unique('ranges');
    await t.database.query(`INSERT INTO accounts (name) SELECT $1 || '-' || g FROM generate_series(1, 11) g`, [prefix]);
    const all = (await t.database.query<{ id: string }>('SELECT id FROM accounts ORDER BY id')).rows.map((r) => r.id);
    const ranges = await accountRanges(t.database, 3);
    expect(ranges).toHaveLength(Math.floor(all.length / 3) + 1);
    expect(ranges[0]?.afterId).toBeNull();
    expect(ranges[ranges.length - 1]?.upTo).toBeNull();
    const seen: string[] = [];
    for (const [i, range] of ranges.entries()) {
      const ids = (await measure(t.database, [], range, utcToday())).map((m) => m.facts.id);
      if (i < ranges.length - 1) expect(ids).toHaveLength(3);
      seen.push(...ids);
    }
    expect(seen).toEqual(all);
  });
});

describe('runRecompute', () => {
  it('scores every account and counts every one in the run, with its ranges in flight at once', async () => {
    const prefix = unique('book');
    await t.database.query(`INSERT INTO accounts (name) SELECT $1 || '-' || g FROM generate_series(1, 5) g`, [prefix]);
    const { rows: run } = await t.database.query<{ id: string }>(`INSERT INTO health_runs (trigger, status) VALUES ('test', 'queued') RETURNING id`);
    const runId = run[0]?.id ?? '';
    await t.app.services.health.runRecompute(runId, 2); // ranges of 2 accounts: several, some at once on PostgreSQL
    const { rows } = await t.database.query<{ status: string; done: number; total: number; unscored: number }>(
      `SELECT status, done, total, (SELECT count(*)::int FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM account_health h WHERE h.account_id = a.id)) AS unscored
         FROM health_runs WHERE id = $1`, [runId]);
    expect(rows[0]).toMatchObject({ status: 'done', unscored: 0 });
    expect(rows[0]?.done).toBe(rows[0]?.total);
  });
});

describe('eachParallel', () => {
  it('runs every item with at most the given number at once', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await eachParallel([1, 2, 3, 4, 5, 6, 7], 2, async (n) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 5 + (n % 3) * 5));
      running--;
      done.push(n);
    });
    expect(most).toBe(2);
    expect([...done].sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('stops handing out items after a failure and throws it once the ones in flight have ended', async () => {
    const started: number[] = [];
    let ended = 0;
    const run = eachParallel([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      if (n === 2) throw new Error('chunk 2 failed');
      await new Promise((r) => setTimeout(r, 20));
      ended++;
    });
    await expect(run).rejects.toThrow('chunk 2 failed');
    expect(started).toEqual([1, 2]);
    expect(ended).toBe(1);
  });
});
