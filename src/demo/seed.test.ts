// Runs on in-memory PGlite, or on PostgreSQL when TEST_DATABASE_URL is set (a fresh database
// per run of this file, dropped afterwards).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Database, type Queryable } from '../db/connect.js';
import { ALL_EVENTS } from '../ingest/rollup-sql.js';
import { migrate } from '../db/migrate.js';
import { generateDemoBook } from './generate.js';
import { DemoAlreadyLoadedError, seedDemo } from './seed.js';

// One `now` for the loader and the expected book, so both describe the same data.
const OPTS = { seed: 11, accounts: 40, days: 30, now: new Date() };
const book = generateDemoBook(OPTS);

let database: Database | undefined;
let admin: Database | undefined;
let dbName: string | undefined;

function db(): Database {
  if (!database) throw new Error('database not connected (see beforeAll)');
  return database;
}

async function count(table: string): Promise<number> {
  const r = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return r.rows[0]?.n ?? -1;
}

beforeAll(async () => {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    admin = await connect({ databaseUrl: url, poolSize: 1 });
    dbName = `canopy_t_${randomBytes(6).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${dbName}`);
    const target = new URL(url);
    target.pathname = `/${dbName}`;
    database = await connect({ databaseUrl: target.toString(), poolSize: 4 });
  } else {
    database = await connect({});
  }
  await migrate(database);
}, 60_000);

afterAll(async () => {
  await database?.close();
  if (admin && dbName) {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.close();
  }
});

describe('seedDemo', () => {
  it('leaves nothing behind when the rollups fail after the events were copied', async () => {
    const real = db();
    // The claim and the COPY succeed; the finishing transaction fails on its last statement.
    const failing: Database = {
      ...real,
      async transaction(fn) {
        return real.transaction((tx) =>
          fn({
            async query(text, values) {
              if (text.includes('INSERT INTO audit_log')) throw new Error('disk full');
              return tx.query(text, values);
            },
          } as Queryable),
        );
      },
    };
    await expect(seedDemo(failing, OPTS)).rejects.toThrow('disk full');
    for (const table of ['teams', 'users', 'accounts', 'contacts', 'outcomes', 'events', 'usage_daily', 'usage_daily_users', 'health_dirty', 'audit_log']) {
      expect(await count(table), table).toBe(0);
    }
  });

  it('leaves nothing behind when the load fails after the claim', async () => {
    const real = db();
    // Copies the first chunk for real, then fails as a dropped connection would.
    const failing: Database = {
      ...real,
      async copyRows(table, columns, rows) {
        await real.copyRows(table, columns, rows);
        throw new Error('connection lost');
      },
    };
    await expect(seedDemo(failing, OPTS)).rejects.toThrow('connection lost');
    for (const table of ['teams', 'users', 'accounts', 'contacts', 'outcomes', 'events', 'usage_daily', 'usage_daily_users', 'health_dirty', 'audit_log']) {
      expect(await count(table), table).toBe(0);
    }
  });

  it('loads the generated book and builds the rollups', async () => {
    const summary = await seedDemo(db(), OPTS);
    expect(summary).toMatchObject({
      teams: 2,
      users: 6,
      accounts: book.accounts.length,
      contacts: book.contacts.length,
      outcomes: book.outcomes.length,
      events: book.events.length,
    });
    expect(summary.ms).toBeGreaterThan(0);
    expect(await count('accounts')).toBe(40);
    expect(await count('contacts')).toBe(book.contacts.length);
    expect(await count('events')).toBe(book.events.length);
    expect(await count('usage_daily')).toBe(summary.usageRows);

    const noPassword = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE password_hash IS NULL');
    expect(noPassword.rows[0]?.n).toBe(6);
    const sums = await db().query<{ event: string; total: number }>(
      `SELECT event = $1 AS event, coalesce(sum(count), 0)::int AS total FROM usage_daily GROUP BY 1 ORDER BY 1`,
      [ALL_EVENTS],
    );
    // Every event once under its name and once under ALL_EVENTS, as ingestion rolls it up.
    expect(sums.rows.map((r) => r.total)).toEqual([book.events.length, book.events.length]);
    // Every account with usage is marked for a health refresh.
    expect(await count('health_dirty')).toBe(new Set(book.events.map((e) => e.account_id)).size);
  });

  it('loads the outcomes', async () => {
    expect(book.outcomes.length).toBeGreaterThan(0);
    expect(await count('outcomes')).toBe(book.outcomes.length);
    const rows = await db().query<{ id: string; account_id: string; kind: string; occurred_on: string; arr_before: number; arr_after: number; note: string }>(
      `SELECT id::text, account_id::text, kind, occurred_on::text AS occurred_on, arr_before::float8 AS arr_before, arr_after::float8 AS arr_after, note
         FROM outcomes ORDER BY id`,
    );
    expect(rows.rows).toEqual([...book.outcomes].sort((a, b) => (a.id < b.id ? -1 : 1)));
    const churned = await db().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM accounts a WHERE a.stage = 'churned' AND NOT EXISTS (SELECT 1 FROM outcomes o WHERE o.account_id = a.id AND o.kind = 'churned')`,
    );
    expect(churned.rows[0]?.n).toBe(0);
  });

  it('matches usage_daily to the events, computed independently', async () => {
    const expected = new Map<string, { count: number; users: Set<string> }>();
    for (const e of book.events) {
      const key = `${e.account_id}|${e.event}|${e.ts.toISOString().slice(0, 10)}`;
      const cell = expected.get(key) ?? { count: 0, users: new Set<string>() };
      cell.count++;
      cell.users.add(e.user_id);
      expected.set(key, cell);
    }
    // And the account as a whole under ALL_EVENTS: users distinct across events.
    for (const e of book.events) {
      const key = `${e.account_id}|${ALL_EVENTS}|${e.ts.toISOString().slice(0, 10)}`;
      const cell = expected.get(key) ?? { count: 0, users: new Set<string>() };
      cell.count++;
      cell.users.add(e.user_id);
      expected.set(key, cell);
    }
    const rows = await db().query<{ account_id: string; event: string; day: string; count: number; users: number }>(
      'SELECT account_id::text, event, day::text AS day, count, users FROM usage_daily',
    );
    expect(rows.rows).toHaveLength(expected.size);
    const wrong = rows.rows.filter((r) => {
      const cell = expected.get(`${r.account_id}|${r.event}|${r.day}`);
      return cell?.count !== r.count || cell.users.size !== r.users;
    });
    expect(wrong.slice(0, 3)).toEqual([]);
    expect(await count('usage_daily_users')).toBe([...expected.values()].reduce((n, c) => n + c.users.size, 0));

    // And against a direct count(distinct) over the raw events, for a sample of days.
    const sample = await db().query<{ account_id: string; day: string; users: number }>(
      `SELECT account_id::text, day::text AS day, users FROM usage_daily WHERE event = 'Logged In' ORDER BY count DESC, account_id LIMIT 5`,
    );
    expect(sample.rows.length).toBeGreaterThan(0);
    for (const s of sample.rows) {
      const direct = await db().query<{ n: number }>(
        `SELECT count(DISTINCT user_id)::int AS n FROM events
         WHERE account_id = $1 AND event = 'Logged In' AND (ts AT TIME ZONE 'UTC')::date = $2::date`,
        [s.account_id, s.day],
      );
      expect(direct.rows[0]?.n).toBe(s.users);
    }
  });

  it('sets last activity and last seen from the events, and audits the load', async () => {
    const lastByAccount = new Map<string, number>();
    const lastByUser = new Map<string, number>();
    for (const e of book.events) {
      lastByAccount.set(e.account_id, Math.max(lastByAccount.get(e.account_id) ?? 0, e.ts.getTime()));
      lastByUser.set(e.user_id, Math.max(lastByUser.get(e.user_id) ?? 0, e.ts.getTime()));
    }
    const accounts = await db().query<{ id: string; ms: number | null }>(
      'SELECT id::text, (extract(epoch FROM last_activity_at) * 1000)::float8 AS ms FROM accounts',
    );
    for (const a of accounts.rows) expect(a.ms, a.id).toBe(lastByAccount.get(a.id) ?? null);
    const contacts = await db().query<{ external_id: string; role: string; ms: number | null }>(
      'SELECT external_id, role, (extract(epoch FROM last_seen_at) * 1000)::float8 AS ms FROM contacts',
    );
    for (const c of contacts.rows) expect(c.ms, c.external_id).toBe(lastByUser.get(c.external_id) ?? null);
    // Sponsors differ: some seen lately, some long ago or never (what executive engagement reads).
    const sponsors = contacts.rows.filter((c) => c.role === 'executive_sponsor');
    expect(sponsors.some((c) => c.ms === null)).toBe(true);
    expect(sponsors.some((c) => c.ms !== null && c.ms >= OPTS.now.getTime() - 14 * 86_400_000)).toBe(true);

    const audit = await db().query<{ actor_type: string; action: string; object_type: string; events: number }>(
      "SELECT actor_type, action, object_type, (changes->>'events')::int AS events FROM audit_log",
    );
    expect(audit.rows).toEqual([{ actor_type: 'system', action: 'demo.seed', object_type: 'demo', events: book.events.length }]);
  });

  it('refuses to load twice', async () => {
    await expect(seedDemo(db(), OPTS)).rejects.toBeInstanceOf(DemoAlreadyLoadedError);
    expect(await count('accounts')).toBe(40);
    expect(await count('events')).toBe(book.events.length);
  });
});
