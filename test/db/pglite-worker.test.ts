import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Database } from '../../src/db/connect.js';
import { migrate } from '../../src/db/migrate.js';
import { teams } from '../../src/db/schema.js';
import { SupervisedPglite } from '../../src/db/pglite-supervised.js';

/** PGlite runs in a worker thread: what callers see must be what an in-thread PGlite gave them. */
describe('embedded database behind its worker thread', () => {
  let database: Database;
  beforeAll(async () => {
    database = await connect({});
    await migrate(database);
  });
  afterAll(async () => {
    await database.close();
  });

  it('returns the same types as before: timestamptz and date as Date, jsonb parsed, int8 as a number, bytea as bytes', async () => {
    const { rows } = await database.query<Record<string, unknown>>(
      `SELECT $1::timestamptz AS at, '2024-02-29'::date AS day, $2::jsonb AS doc, 9007199254740991::int8 AS big, '\\x0102'::bytea AS raw, NULL::text AS nothing`,
      [new Date('2024-03-01T12:00:00Z'), { a: [1, 'two', null] }],
    );
    const row = rows[0] ?? {};
    expect(row.at).toEqual(new Date('2024-03-01T12:00:00Z'));
    expect(row.day).toBeInstanceOf(Date);
    expect(row.doc).toEqual({ a: [1, 'two', null] });
    expect(row.big).toBe(9007199254740991);
    expect(Array.from(row.raw as Uint8Array)).toEqual([1, 2]);
    expect(row.nothing).toBeNull();
  });

  it('keeps the fields of a Postgres error (code, constraint, detail) that callers branch on', async () => {
    await database.query(`INSERT INTO teams (name) VALUES ('worker-dup')`);
    const err = await database.query(`INSERT INTO teams (name) VALUES ($1)`, ['worker-dup']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code: '23505', table: 'teams', detail: expect.stringContaining('worker-dup') });
    expect((err as { constraint?: string }).constraint).toMatch(/name/);
    // Through Drizzle the same error arrives as the cause of its wrapper, as with the in-thread driver.
    const viaDrizzle = await database.db.insert(teams).values({ name: 'worker-dup' }).catch((e: unknown) => e);
    expect((viaDrizzle as { cause?: unknown }).cause).toMatchObject({ code: '23505' });
  });

  it('runs Drizzle selects, inserts, savepoints and rollbacks through the worker', async () => {
    const [row] = await database.db.insert(teams).values({ name: 'worker-drizzle' }).returning();
    expect(row?.createdAt).toBeInstanceOf(Date);
    const [found] = await database.db.select().from(teams).where(eq(teams.name, 'worker-drizzle'));
    expect(found).toEqual(row);
    await expect(
      database.db.transaction(async (tx) => {
        await tx.insert(teams).values({ name: 'worker-rolled-back' });
        await tx.transaction(async (inner) => inner.insert(teams).values({ name: 'worker-savepoint' }));
        throw new Error('abandon');
      }),
    ).rejects.toThrow('abandon');
    const left = await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM teams WHERE name IN ('worker-rolled-back', 'worker-savepoint')`);
    expect(left).toEqual([{ n: 0 }]);
  });

  it('gives a transaction the one session to itself: a query from outside waits for its commit', async () => {
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const tx = database.transaction(async (t) => {
      await t.query(`INSERT INTO teams (name) VALUES ($1)`, ['worker-exclusive']);
      await held;
      order.push('commit');
    });
    await new Promise((resolve) => setTimeout(resolve, 50)); // the transaction has begun
    const outside = database.query<{ n: number }>(`SELECT count(*)::int AS n FROM teams WHERE name = 'worker-exclusive'`).then((r) => {
      order.push('outside');
      return r.rows[0]?.n;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(order).toEqual([]); // had it run inside the open transaction, it would have answered already
    release();
    await tx;
    expect(await outside).toBe(1);
    expect(order).toEqual(['commit', 'outside']);
  });

  it('leaves the event loop free while a long query runs (on the main thread it would freeze for the whole query)', async () => {
    const long = database.query('SELECT pg_sleep(3)');
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const timerFiredAfter = Date.now() - started;
    await long;
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    expect(timerFiredAfter).toBeLessThan(2000);
  });

  it('loads rows with COPY through the worker', async () => {
    const n = await database.copyRows('teams', ['name'], [['worker-copy-1'], ['worker-copy-2']]);
    expect(n).toBe(2);
  });
});

describe('a wedged embedded engine', () => {
  it('fails the waiting query after the timeout instead of hanging, and counts the engine as dead', async () => {
    const engine = await SupervisedPglite.open({ pgdata: undefined, timeoutMs: 1000, onEvent: () => undefined });
    try {
      const started = Date.now();
      await expect(engine.withSession((s) => s.query('SELECT pg_sleep(30)', []))).rejects.toMatchObject({ code: '57P03' });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(engine.state).toBe('down'); // in memory: nothing to reopen
    } finally {
      await engine.close();
    }
  });
});
