// PostgreSQL only (npm run test:pg): needs concurrent sessions. While a refresh measures and saves
// its claimed accounts, a writer marking one of them (ingestion's rollup statement, the risk trigger
// on account_health) must not wait for that transaction. Before issue 14's claims it did: the mark's
// DELETE was uncommitted until the refresh committed.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './connect.js';
import { createPgTestDatabase } from '../../test/support/db.js';
import { drainMarks } from './dirty-claims.js';

let database: Database;
let url: string;
let drop: () => Promise<void>;
let id = '';

beforeAll(async () => {
  const t = await createPgTestDatabase();
  database = t.database;
  url = t.url;
  drop = t.drop;
  id = (await database.query<{ id: string }>(`INSERT INTO accounts (name, external_id) VALUES ('claims pg', 'claims-pg') RETURNING id`)).rows[0]?.id as string;
});
afterAll(async () => drop());

describe('claims on PostgreSQL', () => {
  it.each(['health_dirty', 'risk_dirty'] as const)('a new %s mark for an account being refreshed is written at once, and kept', async (table) => {
    await database.query(`INSERT INTO ${table} (account_id, cause) VALUES ($1, 'test')`, [id]);
    let inWork!: () => void;
    const started = new Promise<void>((r) => { inWork = r; });
    let finish!: () => void;
    const gate = new Promise<void>((r) => { finish = r; });
    const refresh = drainMarks(database, table, 10, async (tx, ids) => {
      await tx.query('SELECT id FROM accounts WHERE id = ANY($1::uuid[]) FOR NO KEY UPDATE', [ids]); // as the save's writes lock its rows
      inWork();
      await gate;
      return ids.length;
    });
    await started;
    const writer = new pg.Client({ connectionString: url });
    await writer.connect();
    try {
      await writer.query(`SET lock_timeout = '3s'`);
      const t0 = performance.now();
      const r = await writer.query(`INSERT INTO ${table} (account_id, cause) VALUES ($1, 'event') ON CONFLICT (account_id) DO NOTHING`, [id]);
      expect(r.rowCount).toBe(1);
      expect(performance.now() - t0).toBeLessThan(3000);
    } finally {
      await writer.end();
      finish();
    }
    expect(await refresh).toBe(1);
    const left = await database.query<{ cause: string }>(`SELECT cause FROM ${table} WHERE account_id = $1`, [id]);
    expect(left.rows).toEqual([{ cause: 'event' }]);
    await database.query(`TRUNCATE ${table}`);
  });
});
