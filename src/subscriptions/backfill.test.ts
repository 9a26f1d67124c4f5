import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Database } from '../db/connect.js';
import { migrate } from '../db/migrate.js';

/** Migration 0026's back-fill on a book that existed before it: history from outcomes, or ARR since the account became a customer. */
let database: Database;
beforeAll(async () => {
  database = await connect({});
  await migrate(database, { upTo: 25 });
}, 120_000);
afterAll(() => database?.close());

describe('0026 back-fill', () => {
  it('writes each existing account\'s ARR history (set-based)', async () => {
    const acct = async (name: string, arr: number, stage = 'adoption', contractStart: string | null = '2024-01-01') =>
      (await database.query<{ id: string }>(`INSERT INTO accounts (name, arr, stage, contract_start, created_at) VALUES ($1, $2, $3, $4::date, '2024-06-01T00:00:00Z') RETURNING id`, [name, arr, stage, contractStart])).rows[0]?.id ?? '';
    const plain = await acct('plain', 500);
    const lost = await acct('lost', 0, 'churned');
    await database.query("INSERT INTO outcomes (account_id, kind, occurred_on, arr_before, arr_after) VALUES ($1, 'churned', '2025-03-01', 900, 0)", [lost]);
    const grew = await acct('grew', 1500);
    await database.query("INSERT INTO outcomes (account_id, kind, occurred_on, arr_before, arr_after) VALUES ($1, 'expanded', '2025-01-15', 1000, 1500)", [grew]);
    await migrate(database, { upTo: 26 });
    const h = async (id: string) => (await database.query<{ d: string; arr: number; source: string }>(
      'SELECT valid_from::text AS d, arr::float8 AS arr, source FROM account_arr_history WHERE account_id = $1 ORDER BY valid_from', [id])).rows;
    expect(await h(plain)).toEqual([{ d: '2024-01-01', arr: 500, source: 'backfill' }]);
    expect(await h(lost)).toEqual([{ d: '2024-01-01', arr: 900, source: 'backfill' }, { d: '2025-03-01', arr: 0, source: 'outcome' }]);
    expect(await h(grew)).toEqual([{ d: '2024-01-01', arr: 1000, source: 'backfill' }, { d: '2025-01-15', arr: 1500, source: 'outcome' }]);
  });
});
