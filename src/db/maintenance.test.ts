import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './connect.js';
import { createTestDatabase } from '../../test/support/db.js';
import { vacuumEmbedded } from './maintenance.js';

// The embedded database's VACUUM (PGlite has no autovacuum): after updates, an index-only scan of
// usage_daily has to visit the table for every row; after vacuumEmbedded() it reads the index alone.
// On a PostgreSQL server (TEST_DATABASE_URL) autovacuum is the server's job and this does nothing.
let database: Database;
let drop: () => Promise<void>;
let account = '';

beforeAll(async () => {
  const t = await createTestDatabase();
  database = t.database;
  drop = t.drop;
  const { rows } = await database.query<{ id: string }>(`INSERT INTO accounts (name, external_id) VALUES ('vacuum', 'vacuum') RETURNING id`);
  account = rows[0]?.id ?? '';
}, 60_000);
afterAll(async () => drop());

/** Heap fetches of an index-only count of the account's rollup rows (the shape of the health measure's breadth). */
async function heapFetches(): Promise<number> {
  // In one transaction: on PostgreSQL each query may take another pooled session, and SET LOCAL ends with it.
  const rows = await database.transaction(async (tx) => {
    await tx.query('SET LOCAL enable_seqscan = off');
    await tx.query('SET LOCAL enable_bitmapscan = off');
    return (await tx.query<Record<string, string>>(
      `EXPLAIN (ANALYZE, COSTS OFF) SELECT count(DISTINCT event) FROM usage_daily WHERE account_id = $1 AND day > current_date - 400`, [account])).rows;
  });
  const lines = rows.map((r) => Object.values(r)[0] ?? '');
  expect(lines.join('\n')).toMatch(/Index Only Scan using usage_daily_pkey/);
  return Number(/Heap Fetches: (\d+)/.exec(lines.join('\n'))?.[1] ?? Number.NaN);
}

describe('vacuumEmbedded', () => {
  it('on PGlite vacuums every table, after which an index-only scan needs no visit to the table', async () => {
    await database.query(
      `INSERT INTO usage_daily (account_id, event, day, count, users)
       SELECT $1, 'E' || (g % 20), current_date - (g / 20), 1, 1 FROM generate_series(0, 1999) g`, [account]);
    await database.query(`UPDATE usage_daily SET count = count + 1 WHERE account_id = $1`, [account]);
    expect(await heapFetches()).toBeGreaterThanOrEqual(2000); // each row, and the dead versions the update left

    const report = await vacuumEmbedded(database);
    if (database.kind === 'postgres') {
      expect(report).toBeNull();
      return;
    }
    expect(report?.tables).toBeGreaterThan(50); // the application's tables and the job queue's
    expect(await heapFetches()).toBe(0);
    // Statistics are refreshed too: the planner knows the table's rows.
    const { rows } = await database.query<{ n: number }>(`SELECT reltuples::int AS n FROM pg_class WHERE relname = 'usage_daily'`);
    expect(rows[0]?.n).toBe(2000);
  });
});
