import type { Database, Queryable } from '../../db/connect.js';
import { ALL_EVENTS } from '../../ingest/rollup-sql.js';
import type { ChunkRollup } from './usage-rollup.js';

/** SQL of the usage kinds (issue 13, part D). Everything runs inside the chunk's transaction. */

/** The sha-256 of the import's file (the dedupe key of rows without a message id), or undefined. */
export async function importFileSha(q: Queryable, importId: string): Promise<string | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(importId)) return undefined;
  const { rows } = await q.query<{ sha: string }>('SELECT file_sha256 AS sha FROM imports WHERE id = $1', [importId]);
  return rows[0]?.sha;
}

/** The keys among these already stored by an earlier import (for the plan: skip, not create). */
export async function storedKeys(q: Queryable, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const { rows } = await q.query<{ key: string }>('SELECT key::text AS key FROM usage_import_ids WHERE key = ANY($1::uuid[])', [keys]);
  return new Set(rows.map((r) => r.key));
}

/** Claims the keys (in key order); returns those no earlier import or concurrent chunk claimed. */
export async function claimKeys(tx: Queryable, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const { rows } = await tx.query<{ key: string }>(
    `INSERT INTO usage_import_ids (key) SELECT k FROM unnest($1::uuid[]) AS k ORDER BY k ON CONFLICT DO NOTHING RETURNING key::text AS key`, [keys],
  );
  return new Set(rows.map((r) => r.key));
}

/**
 * Monthly partitions for these months. On PostgreSQL on a session of its own, before the chunk's
 * transaction writes (creating a partition locks events; held for a whole chunk it would stall
 * live ingestion); PGlite is one session, so there it runs in the chunk's transaction.
 */
export async function ensureMonths(database: Database, tx: Queryable, months: string[]): Promise<void> {
  if (months.length === 0) return;
  await (database.kind === 'postgres' ? database : tx).query('SELECT canopy_ensure_event_months($1::date[])', [months]);
}

/** Locks the chunk's accounts in id order first, as a live batch does (no deadlock with ingestion). */
export async function lockAccounts(tx: Queryable, ids: string[]): Promise<void> {
  if (ids.length) await tx.query('SELECT id FROM accounts WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE', [ids]);
}

export type EventColumns = {
  messageId: string[]; event: string[]; userId: (string | null)[]; accountId: string[];
  properties: (string | null)[]; ts: string[]; count: number[];
};

/** Inserts track events (no write key: imported), one statement over column arrays. */
export async function insertEvents(tx: Queryable, c: EventColumns): Promise<number> {
  if (c.messageId.length === 0) return 0;
  const { rowCount } = await tx.query(
    `INSERT INTO events (message_id, type, event, user_id, account_id, properties, ts, count)
     SELECT m, 'track', e, u, a, p, t, n
       FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::jsonb[], $6::timestamptz[], $7::int[]) AS x(m, e, u, a, p, t, n)`,
    [c.messageId, c.event, c.userId, c.accountId, c.properties, c.ts, c.count],
  );
  return rowCount;
}

/**
 * The live rollup of a chunk aggregated in memory (usage-rollup.ts): distinct users through
 * usage_daily_users, counts and unattributed added to usage_daily, first and last activity moved,
 * contacts' last_seen_at moved forward, accounts marked for the health refresh.
 */
export async function applyRollup(tx: Queryable, r: ChunkRollup): Promise<void> {
  if (r.daily.account.length === 0) return;
  await tx.query(
    `WITH new_users AS (
       INSERT INTO usage_daily_users (account_id, event, day, user_key)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[], $4::text[]) ORDER BY 1, 2, 3, 4
       ON CONFLICT DO NOTHING
       RETURNING account_id, event, day
     ),
     -- One aggregate over both (no join: the planner cannot size a data-modifying CTE and chose nested loops).
     s AS (
       SELECT a, e, d, n, u, un FROM unnest($5::uuid[], $6::text[], $7::date[], $8::int[], $9::int[], $10::int[]) AS x(a, e, d, n, un, u)
       UNION ALL
       SELECT account_id, event, day, 0, 1, 0 FROM new_users
     )
     INSERT INTO usage_daily AS d (account_id, event, day, count, users, unattributed)
     SELECT a, e, d, sum(n)::int, sum(u)::int, sum(un)::int FROM s GROUP BY a, e, d ORDER BY 1, 2, 3
     ON CONFLICT (account_id, event, day) DO UPDATE
       SET count = d.count + EXCLUDED.count, users = d.users + EXCLUDED.users, unattributed = d.unattributed + EXCLUDED.unattributed`,
    [r.users.account, r.users.event, r.users.day, r.users.user, r.daily.account, r.daily.event, r.daily.day, r.daily.count, r.daily.unattributed, r.daily.users],
  );
  await touchAccounts(tx, r.accounts);
  if (r.contacts.user.length) {
    await tx.query(
      `UPDATE contacts c SET last_seen_at = m.ts
         FROM (SELECT c2.id, m0.ts
                 FROM (SELECT u, max(t) AS ts FROM unnest($1::text[], $2::timestamptz[]) AS x(u, t) GROUP BY 1) m0
                 JOIN contacts c2 ON c2.external_id = m0.u
                WHERE c2.last_seen_at IS NULL OR c2.last_seen_at < m0.ts
                ORDER BY c2.id FOR NO KEY UPDATE OF c2) m
        WHERE c.id = m.id AND (c.last_seen_at IS NULL OR c.last_seen_at < m.ts)`,
      [r.contacts.user, r.contacts.last],
    );
  }
}

const splitKeys = (keys: string[]) => {
  const c = { a: [] as string[], e: [] as string[], d: [] as string[], u: [] as string[] };
  for (const k of keys) {
    const [a = '', e = '', d = '', u = ''] = k.split('\u0000');
    c.a.push(a); c.e.push(e); c.d.push(d); c.u.push(u);
  }
  return c;
};

/** Which of these user keys (usage-rollup.ts userKey) usage_daily_users holds (old days: usually none, pruned). */
export async function storedUserKeys(tx: Queryable, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const c = splitKeys(keys);
  const { rows } = await tx.query<{ a: string; e: string; d: string; u: string }>(
    `SELECT u.account_id::text AS a, u.event AS e, u.day::text AS d, u.user_key AS u
       FROM unnest($1::uuid[], $2::text[], $3::date[], $4::text[]) AS x(a, e, d, k)
       JOIN usage_daily_users u ON u.account_id = x.a AND u.event = x.e AND u.day = x.d AND u.user_key = x.k`,
    [c.a, c.e, c.d, c.u],
  );
  return new Set(rows.map((r) => `${r.a}\u0000${r.e}\u0000${r.d}\u0000${r.u}`));
}

/** Writes user keys already counted (the run's memory when it is full); nothing is added to usage_daily. */
export async function writeUserKeys(tx: Queryable, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  const c = splitKeys([...keys].sort());
  await tx.query(
    `INSERT INTO usage_daily_users (account_id, event, day, user_key)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[], $4::text[]) ON CONFLICT DO NOTHING`,
    [c.a, c.e, c.d, c.u],
  );
}

/** Whether a claimed message key is stored (its chunk committed). */
export async function keyCommitted(q: Queryable, key: string): Promise<boolean> {
  const { rows } = await q.query('SELECT 1 FROM usage_import_ids WHERE key = $1::uuid', [key]);
  return rows.length > 0;
}

export async function touchAccounts(tx: Queryable, a: ChunkRollup['accounts']): Promise<void> {
  await tx.query(
    `WITH m AS (SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) AS x(id, first_ts, last_ts)),
     t AS (
       UPDATE accounts a SET last_activity_at = greatest(a.last_activity_at, m.last_ts), first_activity_at = least(a.first_activity_at, m.first_ts)
         FROM m WHERE a.id = m.id
          AND (a.last_activity_at IS NULL OR a.last_activity_at < m.last_ts OR a.first_activity_at IS NULL OR a.first_activity_at > m.first_ts)
       RETURNING 1
     )
     INSERT INTO health_dirty (account_id, cause) SELECT id, 'usage' FROM m ORDER BY id ON CONFLICT (account_id) DO NOTHING`,
    [a.id, a.first, a.last],
  );
}

export type DailyColumns = { accountId: string[]; event: string[]; day: string[]; count: number[]; users: (number | null)[]; unattributed: number[] };

/**
 * Daily counts (usage_daily kind): count += N per event and under '$all'; users, when the file
 * gives them, raise the day's users to at least that many (the same users may already be counted,
 * so the figures are not added; under '$all' the largest event's users is a lower bound of the
 * distinct users across events); a count given without users is unattributed. Rows come summed
 * per (account, event, day) by the caller (a statement cannot update one row twice).
 */
export async function applyDaily(tx: Queryable, c: DailyColumns): Promise<void> {
  if (c.accountId.length === 0) return;
  await tx.query(
    `WITH x AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[], $4::int[], $5::int[], $6::int[]) AS x(a, e, d, n, u, un)),
     rows AS (
       SELECT a, e, d, n, coalesce(u, 0) AS u, un FROM x
       UNION ALL
       SELECT a, '${ALL_EVENTS}', d, sum(n)::int, coalesce(max(u), 0), sum(un)::int FROM x GROUP BY a, d
     )
     INSERT INTO usage_daily AS d (account_id, event, day, count, users, unattributed)
     SELECT a, e, d, n, u, un FROM rows ORDER BY 1, 2, 3
     ON CONFLICT (account_id, event, day) DO UPDATE
       SET count = d.count + EXCLUDED.count, users = greatest(d.users, EXCLUDED.users), unattributed = d.unattributed + EXCLUDED.unattributed`,
    [c.accountId, c.event, c.day, c.count, c.users, c.unattributed],
  );
}

