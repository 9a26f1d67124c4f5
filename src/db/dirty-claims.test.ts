import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from './connect.js';
import { createTestDatabase } from '../../test/support/db.js';
import { claimMarks, drainMarks, recoverAbandoned, releaseClaim, returnClaim } from './dirty-claims.js';

// Dirty-mark claims (issue 14) on the engine under test: claiming moves marks out of the way, a new
// mark for a claimed account is kept, failed and abandoned claims come back as marks.
let database: Database;
let drop: () => Promise<void>;
const ids: string[] = [];

beforeAll(async () => {
  const t = await createTestDatabase();
  database = t.database;
  drop = t.drop;
  const { rows } = await database.query<{ id: string }>(
    `INSERT INTO accounts (name, external_id) SELECT 'claims ' || g, 'claims-' || g FROM generate_series(1, 5) g RETURNING id`,
  );
  ids.push(...rows.map((r) => r.id).sort());
});
afterAll(async () => drop());

const marks = async (table = 'health_dirty') => (await database.query<{ account_id: string }>(`SELECT account_id FROM ${table} ORDER BY account_id`)).rows.map((r) => r.account_id);
const claimed = async (table = 'health_claims') => (await database.query<{ account_id: string }>(`SELECT account_id FROM ${table} ORDER BY account_id`)).rows.map((r) => r.account_id);
const mark = async (some: string[], table = 'health_dirty') => {
  await database.query(`INSERT INTO ${table} (account_id, cause) SELECT unnest($1::uuid[]), 'test' ON CONFLICT DO NOTHING`, [some]);
};

beforeEach(async () => {
  await database.query('TRUNCATE health_dirty, health_claims, risk_dirty, risk_claims');
});

describe('dirty-mark claims', () => {
  it('takes the oldest marks up to the limit and moves them to the claims under one token', async () => {
    for (const id of ids) await database.query(`INSERT INTO health_dirty (account_id, cause, marked_at) VALUES ($1, 'test', now() - make_interval(secs => $2))`, [id, 100 - ids.indexOf(id)]);
    const claim = await claimMarks(database, 'health_dirty', 3);
    expect(claim.ids.sort()).toEqual(ids.slice(0, 3));
    expect(await marks()).toEqual(ids.slice(3));
    expect(await claimed()).toEqual(ids.slice(0, 3));
    const tokens = await database.query<{ token: string }>('SELECT DISTINCT token::text AS token FROM health_claims');
    expect(tokens.rows).toEqual([{ token: claim.token }]);
    await releaseClaim(database, claim);
    expect(await claimed()).toEqual([]);
    expect(await marks()).toEqual(ids.slice(3));
  });

  it('keeps a mark made while its account is claimed, so the account is refreshed again', async () => {
    await mark(ids.slice(0, 2));
    const claim = await claimMarks(database, 'health_dirty', 10);
    expect(await marks()).toEqual([]);
    await mark([ids[0] as string]); // an event for a claimed account
    await releaseClaim(database, claim);
    expect(await marks()).toEqual([ids[0]]);
  });

  it('puts the claims of a failed refresh back as marks, keeping their cause and age', async () => {
    await database.query(`INSERT INTO risk_dirty (account_id, cause, marked_at) VALUES ($1, 'signal', '2026-01-02T03:04:05Z')`, [ids[1]]);
    const claim = await claimMarks(database, 'risk_dirty', 10);
    expect(claim.ids).toEqual([ids[1]]);
    await returnClaim(database, claim);
    const back = await database.query<{ account_id: string; cause: string; at: string }>(`SELECT account_id, cause, to_char(marked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS at FROM risk_dirty`);
    expect(back.rows).toEqual([{ account_id: ids[1], cause: 'signal', at: '2026-01-02 03:04:05' }]);
    expect(await claimed('risk_claims')).toEqual([]);
  });

  it('drainMarks returns a failing chunk to the marks and rethrows; a later drain does them', async () => {
    await mark(ids);
    await expect(drainMarks(database, 'health_dirty', 2, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await marks()).toEqual(ids);
    expect(await claimed()).toEqual([]);
    const seen: string[] = [];
    const afters: number[] = [];
    const n = await drainMarks(database, 'health_dirty', 2, async (_tx, some) => { seen.push(...some); return some.length; }, async (k) => { afters.push(k); });
    expect(n).toBe(5);
    expect(seen.sort()).toEqual(ids);
    expect(afters).toEqual([2, 2, 1]);
    expect(await marks()).toEqual([]);
    expect(await claimed()).toEqual([]);
  });

  it('with two loops at once every mark is done exactly once, and one loop failing does not stop the other', async () => {
    await mark(ids);
    const seen: string[] = [];
    expect(await drainMarks(database, 'health_dirty', 1, async (_tx, some) => { seen.push(...some); }, undefined, 2)).toBe(5);
    expect(seen.sort()).toEqual(ids);
    await mark(ids);
    let calls = 0;
    const done: string[] = [];
    await expect(drainMarks(database, 'health_dirty', 1, async (_tx, some) => {
      if (calls++ === 0) throw new Error('first chunk fails');
      done.push(...some);
    }, undefined, 2)).rejects.toThrow('first chunk fails');
    expect(done.length + (await marks()).length).toBe(5); // the failed chunk's account is marked again
    expect(await claimed()).toEqual([]);
  });

  it('a rolled-back chunk leaves its claim open until returned: the release is part of the saved work', async () => {
    await mark(ids.slice(0, 1));
    const claim = await claimMarks(database, 'health_dirty', 10);
    await expect(database.transaction(async (tx) => { await releaseClaim(tx, claim); throw new Error('rollback'); })).rejects.toThrow('rollback');
    expect(await claimed()).toEqual(ids.slice(0, 1));
  });

  it('claims older than the lease (a refresh that died) become marks again; younger ones stay', async () => {
    await mark(ids.slice(0, 2));
    await claimMarks(database, 'health_dirty', 10);
    await database.query(`UPDATE health_claims SET claimed_at = now() - interval '11 minutes' WHERE account_id = $1`, [ids[0]]);
    expect(await recoverAbandoned(database, 'health_dirty')).toBe(1);
    expect(await marks()).toEqual([ids[0]]);
    expect(await claimed()).toEqual([ids[1]]);
  });

  it('a claim taken over by a second refresh is neither released nor returned by the first', async () => {
    await mark(ids.slice(0, 1));
    const first = await claimMarks(database, 'health_dirty', 10);
    await mark(ids.slice(0, 1));
    const second = await claimMarks(database, 'health_dirty', 10);
    expect(second.ids).toEqual(ids.slice(0, 1));
    await returnClaim(database, first);
    await releaseClaim(database, first);
    expect(await marks()).toEqual([]);
    expect(await claimed()).toEqual(ids.slice(0, 1));
    await releaseClaim(database, second);
    expect(await claimed()).toEqual([]);
  });
});
