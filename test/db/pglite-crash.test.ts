import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Database } from '../../src/db/connect.js';
import { crashEngine } from '../../src/db/crash.js';


/** Polls until the engine answers again (the reopen replays the WAL in a fresh worker). */
async function backUp(database: Database, deadlineMs = 120_000) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await database.query('SELECT 1');
    } catch (err) {
      if (Date.now() > until) throw err;
      await sleep(100);
    }
  }
}

describe('embedded database in a data folder, after its engine crashes', () => {
  let dir: string;
  let database: Database;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-crash-'));
    database = await connect({ dataDir: dir });
    await database.query('CREATE TABLE kept (id int PRIMARY KEY, note text, at timestamptz DEFAULT now(), doc jsonb)');
  });
  afterAll(async () => {
    await database?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503-class errors while reopening, then serves every committed row, and keeps the folder lock', async () => {
    await database.query(`INSERT INTO kept (id, note, doc) VALUES ($1, $2, $3)`, [1, 'autocommit', { k: [1, 2] }]);
    await database.transaction(async (tx) => {
      await tx.query(`INSERT INTO kept (id, note) VALUES ($1, $2)`, [2, 'in a transaction']);
      await tx.query(`INSERT INTO kept (id, note) VALUES ($1, $2)`, [3, 'in a transaction']);
    });
    await database.copyRows('kept', ['id', 'note'], [[4, 'copied'], [5, 'copied']]);

    // The crashing query itself fails as "database unavailable" (SQLSTATE 57P03 → HTTP 503), not as a 500.
    await expect(crashEngine(database)).rejects.toMatchObject({ name: 'DatabaseUnavailableError', code: '57P03', cause: { name: 'RuntimeError' } });
    // Meanwhile every query fails at once, the same way, instead of hanging.
    await expect(database.query('SELECT 1')).rejects.toMatchObject({ code: '57P03' });
    expect(fs.readFileSync(path.join(dir, 'canopy.pid'), 'utf8')).toBe(String(process.pid));

    await backUp(database);
    const { rows } = await database.query<{ id: number; note: string; at: unknown; doc: unknown }>('SELECT id, note, at, doc FROM kept ORDER BY id');
    expect(rows.map((r) => [r.id, r.note])).toEqual([[1, 'autocommit'], [2, 'in a transaction'], [3, 'in a transaction'], [4, 'copied'], [5, 'copied']]);
    expect(rows[0]?.at).toBeInstanceOf(Date);
    expect(rows[0]?.doc).toEqual({ k: [1, 2] });
    // Drizzle goes through the new engine too, and the lock never left this process.
    expect(await database.rows(sql`SELECT count(*)::int AS n FROM kept`)).toEqual([{ n: 5 }]);
    expect(fs.readFileSync(path.join(dir, 'canopy.pid'), 'utf8')).toBe(String(process.pid));
  });

  it('fails a transaction whose engine dies, stores none of it, and never sends its rest to the new engine', async () => {
    let afterCrash: unknown = 'not reached';
    const tx = database.transaction(async (t) => {
      await t.query(`INSERT INTO kept (id, note) VALUES ($1, $2)`, [10, 'never committed']);
      await crashEngine(t).catch(() => undefined);
      // Were this to reach the reopened engine it would run outside any transaction and be stored.
      afterCrash = await t.query(`INSERT INTO kept (id, note) VALUES ($1, $2)`, [11, 'never committed']).catch((err: unknown) => err);
    });
    // Its COMMIT cannot reach the dead engine either: the caller learns that nothing was stored.
    await expect(tx).rejects.toMatchObject({ code: '57P03' });
    expect(afterCrash).toMatchObject({ code: '57P03' });
    await backUp(database);
    const { rows } = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM kept WHERE id >= 10');
    expect(rows[0]?.n).toBe(0);
  });
});

describe('embedded database in memory, after its engine crashes', () => {
  it('stays down (its data died with it) and says so, rather than reopening empty', async () => {
    const database = await connect({});
    try {
      await database.query('CREATE TABLE t (id int)');
      await expect(crashEngine(database)).rejects.toMatchObject({ code: '57P03' });
      await sleep(500);
      await expect(database.query('SELECT 1')).rejects.toMatchObject({ name: 'DatabaseUnavailableError', code: '08006' });
    } finally {
      await database.close();
    }
    await expect(database.query('SELECT 1')).rejects.toMatchObject({ message: 'PGlite is closed' });
  });
});
