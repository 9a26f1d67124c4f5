import type { Queryable } from '../db/connect.js';
import { ROLLUP_CTES } from './rollup-sql.js';
import type { AccountTraits, ContactTraits } from './traits.js';

/** A message ready to store, with its corrected time and the account key it names. */
export type StoredMessage = {
  message_id: string; type: string; event: string | null; user_id: string | null; anonymous_id: string | null;
  group_key: string | null; properties: Record<string, unknown> | null; context: Record<string, unknown> | null;
  ts: string; sent_at: string | null;
  /** Set when the client's time was unusable and ts is receivedAt: what the client sent, and why. */
  time_fallback?: Record<string, unknown> | null;
  /** When the request that carried it arrived (group commit stores several requests at once); default: the call's receivedAt. */
  received_at?: string;
};

export type ChangedAccount = { id: string; external_id: string; name: string; created: boolean };

/** Inserts the messageIds; returns the ones this write key had not sent before. */
export async function claimMessageIds(tx: Queryable, writeKeyId: string, ids: string[]): Promise<Set<string>> {
  const { rows } = await tx.query<{ message_id: string }>(
    `INSERT INTO ingest_dedupe (write_key_id, message_id)
     SELECT $1, m FROM unnest($2::text[]) AS m ORDER BY m
     ON CONFLICT DO NOTHING RETURNING message_id`,
    [writeKeyId, ids],
  );
  return new Set(rows.map((r) => r.message_id));
}

/**
 * Takes, in id order and before anything else, the row locks on every existing account a batch
 * may write: those named by a group key (group calls and events) and those of the contacts its
 * key-less events belong to. Every later lock on these rows in the transaction (trait updates,
 * last activity) is then already held, and the rollup rows of an account are only written by the
 * transaction that holds its row, so two batches touching the same accounts in any order queue
 * behind each other instead of deadlocking. NO KEY UPDATE leaves foreign-key checks unblocked.
 */
export async function lockBatchAccounts(tx: Queryable, groupKeys: string[], userIds: string[]): Promise<number> {
  if (groupKeys.length === 0 && userIds.length === 0) return 0;
  const { rowCount } = await tx.query(
    `SELECT a.id FROM accounts a
      WHERE a.external_id = ANY ($1::text[])
         OR a.id IN (SELECT c.account_id FROM contacts c WHERE c.external_id = ANY ($2::text[]) AND c.account_id IS NOT NULL)
      ORDER BY a.id
        FOR NO KEY UPDATE OF a`,
    [groupKeys, userIds],
  );
  return rowCount;
}

const ACCOUNT_RECORD = `jsonb_to_recordset($1::jsonb) AS g(external_id text, name text, domain text, segment text,
  stage text, arr numeric, seats int, renewal_date date, custom jsonb)`;

/**
 * Group calls: creates unknown accounts and updates known ones with the traits given (a trait
 * not sent leaves its field alone; custom traits merge). Returns the accounts created or changed.
 */
export async function upsertAccounts(tx: Queryable, groups: AccountTraits[]): Promise<ChangedAccount[]> {
  const json = JSON.stringify(
    groups.map((g) => ({
      external_id: g.externalId, name: g.name, domain: g.domain, segment: g.segment, stage: g.stage,
      arr: g.arr, seats: g.seats, renewal_date: g.renewalDate, custom: g.custom,
    })),
  );
  const created = await tx.query<{ id: string; external_id: string; name: string }>(
    `INSERT INTO accounts (external_id, name, domain, segment, stage, arr, seats, renewal_date, custom)
     SELECT g.external_id, coalesce(g.name, g.external_id), g.domain, g.segment, coalesce(g.stage, 'onboarding'),
            coalesce(g.arr, 0), g.seats, g.renewal_date, coalesce(g.custom, '{}'::jsonb)
       FROM ${ACCOUNT_RECORD} ORDER BY g.external_id
     ON CONFLICT (external_id) DO NOTHING
     RETURNING id, external_id, name`,
    [json],
  );
  const createdIds = created.rows.map((r) => r.id);
  const updated = await tx.query<{ id: string; external_id: string; name: string }>(
    `WITH n AS (
       SELECT a.id, coalesce(g.name, a.name) AS name, coalesce(g.domain, a.domain) AS domain,
              coalesce(g.segment, a.segment) AS segment, coalesce(g.stage, a.stage) AS stage, coalesce(g.arr, a.arr) AS arr,
              coalesce(g.seats, a.seats) AS seats, coalesce(g.renewal_date, a.renewal_date) AS renewal_date,
              a.custom || coalesce(g.custom, '{}'::jsonb) AS custom
         FROM ${ACCOUNT_RECORD} JOIN accounts a ON a.external_id = g.external_id
        WHERE NOT (a.id = ANY($2::uuid[]))
        ORDER BY a.id
          -- NO KEY UPDATE, not UPDATE: the keys do not change, and FOR UPDATE would also conflict
          -- with the KEY SHARE locks that foreign keys take (events, usage_daily, health_dirty
          -- rows of a concurrent batch, in their own order), which deadlocked two batches.
          FOR NO KEY UPDATE OF a
     )
     UPDATE accounts a SET name = n.name, domain = n.domain, segment = n.segment, stage = n.stage, arr = n.arr,
            seats = n.seats, renewal_date = n.renewal_date, custom = n.custom, updated_at = now()
       FROM n
      WHERE a.id = n.id
        AND (a.name, a.domain, a.segment, a.stage, a.arr, a.seats, a.renewal_date, a.custom)
            IS DISTINCT FROM (n.name, n.domain, n.segment, n.stage, n.arr, n.seats, n.renewal_date, n.custom)
     RETURNING a.id, a.external_id, a.name`,
    [json, createdIds],
  );
  return [...created.rows.map((r) => ({ ...r, created: true })), ...updated.rows.map((r) => ({ ...r, created: false }))];
}

/**
 * Accounts whose traits a group call created or changed (stage, seats, ARR, renewal date, custom
 * fields all feed health): marked for the health refresh in the same transaction, as usage is.
 */
export async function markAccountsDirty(tx: Queryable, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(`INSERT INTO health_dirty (account_id, cause) SELECT id, 'traits' FROM unnest($1::uuid[]) AS id ORDER BY id ON CONFLICT (account_id) DO NOTHING`, [ids]);
}

/** Identify calls (and group calls with a userId): creates or updates contacts, links them to their account. */
export async function upsertContacts(tx: Queryable, people: (Partial<ContactTraits> & { externalId: string })[]): Promise<number> {
  const json = JSON.stringify(
    people.map((p) => ({
      external_id: p.externalId, email: p.email ?? null, name: p.name ?? null, title: p.title ?? null, phone: p.phone ?? null,
      role: p.role ?? null, group_id: p.groupId ?? null, custom: p.custom ?? null,
    })),
  );
  const { rows } = await tx.query<{ n: number }>(
    `WITH p AS (
       SELECT p.*, a.id AS account_id
         FROM jsonb_to_recordset($1::jsonb) AS p(external_id text, email text, name text, title text, phone text,
              role text, group_id text, custom jsonb)
         LEFT JOIN accounts a ON a.external_id = p.group_id
     ), up AS (
       INSERT INTO contacts AS c (external_id, account_id, email, name, title, phone, role, custom)
       SELECT external_id, account_id, email, name, title, phone, role, coalesce(custom, '{}'::jsonb) FROM p ORDER BY external_id
       ON CONFLICT (external_id) DO UPDATE SET
         account_id = coalesce(EXCLUDED.account_id, c.account_id),
         email = coalesce(EXCLUDED.email, c.email), name = coalesce(EXCLUDED.name, c.name),
         title = coalesce(EXCLUDED.title, c.title), phone = coalesce(EXCLUDED.phone, c.phone),
         role = coalesce(EXCLUDED.role, c.role), custom = c.custom || EXCLUDED.custom, updated_at = now()
       WHERE (c.account_id, c.email, c.name, c.title, c.phone, c.role, c.custom)
             IS DISTINCT FROM (coalesce(EXCLUDED.account_id, c.account_id), coalesce(EXCLUDED.email, c.email),
                               coalesce(EXCLUDED.name, c.name), coalesce(EXCLUDED.title, c.title),
                               coalesce(EXCLUDED.phone, c.phone), coalesce(EXCLUDED.role, c.role), c.custom || EXCLUDED.custom)
       RETURNING 1
     )
     SELECT count(*)::int AS n FROM up`,
    [json],
  );
  return rows[0]?.n ?? 0;
}

/**
 * Stores the messages and, for those attributed to an account (by their group key, or else by
 * their user's account), updates the rollups — one statement, inside the caller's transaction.
 */
export async function insertMessages(tx: Queryable, writeKeyId: string, receivedAt: Date, messages: StoredMessage[]): Promise<{ stored: number; pending: number; pendingIds: string[] }> {
  const { rows } = await tx.query<{ stored: number; pending: number; pending_ids: string[] }>(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(message_id text, type text, event text, user_id text,
              anonymous_id text, group_key text, properties jsonb, context jsonb, ts timestamptz, sent_at timestamptz,
              time_fallback jsonb, received_at timestamptz)
     ),
     resolved AS (
       SELECT i.*, coalesce(a.id, c.account_id) AS account_id
         FROM input i
         LEFT JOIN accounts a ON a.external_id = i.group_key
         LEFT JOIN contacts c ON i.group_key IS NULL AND c.external_id = i.user_id
     ),
     src AS (
       INSERT INTO events (write_key_id, message_id, type, event, user_id, anonymous_id, group_id, account_id, properties, context, ts, sent_at, received_at, time_fallback)
       SELECT $1, message_id, type, event, user_id, anonymous_id, group_key, account_id, properties, context, ts, sent_at,
              coalesce(received_at, $3), time_fallback FROM resolved
       RETURNING message_id, account_id, type, event, user_id, anonymous_id, ts, count
     ),
     ${ROLLUP_CTES}
     SELECT (SELECT count(*) FROM src)::int AS stored, (SELECT count(*) FROM src WHERE account_id IS NULL)::int AS pending,
            (SELECT coalesce(array_agg(message_id), '{}') FROM src WHERE account_id IS NULL) AS pending_ids`,
    [writeKeyId, JSON.stringify(messages), receivedAt.toISOString()],
  );
  const r = rows[0];
  return r ? { stored: r.stored, pending: r.pending, pendingIds: r.pending_ids } : { stored: 0, pending: 0, pendingIds: [] };
}

/**
 * Rolls up events that are stored but not yet counted (bulk loads such as the demo book), with
 * exactly the rollup ingestion uses. Counting the same events twice would double them.
 */
export async function rollUpStoredEvents(q: Queryable, accountIds: string[]): Promise<number> {
  if (accountIds.length === 0) return 0;
  const { rows } = await q.query<{ n: number }>(
    `WITH src AS (
       SELECT account_id, type, event, user_id, anonymous_id, ts, count FROM events WHERE account_id = ANY($1::uuid[])
     ),
     ${ROLLUP_CTES}
     SELECT (SELECT count(*) FROM src)::int AS n`,
    [accountIds],
  );
  return rows[0]?.n ?? 0;
}
