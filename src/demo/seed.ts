// Loads the demo book into an empty Canopy database and builds the usage rollups from it.
//
// copyRows cannot join a transaction (on PostgreSQL it runs on its own pooled connection, and
// PGlite's single session is held by an open transaction), so the load runs in three steps:
//   1. claim: one transaction that locks `accounts`, re-checks that it is empty and inserts
//      teams, users, accounts, contacts and outcomes. A concurrent seed waits here and then
//      refuses; a failure leaves nothing behind.
//   2. events: COPY in chunks, outside any transaction.
//   3. finish: one transaction that builds what ingestion's rollup would have (usage_daily and
//      usage_daily_users per event and under '$all', last-activity and last-seen times,
//      health_dirty marks) and writes the audit row. Health itself is not computed here:
//      callers recompute it (main.ts does after `seed-demo` / `--demo`).
// If step 2 or 3 fails, the rows of step 1 and any copied events are deleted by their ids
// (which step 1 proved are ours), so a failed seed leaves the database as it found it.
// Between steps 1 and 3 other sessions can briefly see demo accounts without usage.
import type { Database, Queryable } from '../db/connect.js';
import { rollUpStoredEvents } from '../ingest/store.js';
import { generateDemoBook } from './generate.js';
import type { DemoBook, DemoEvent } from './types.js';

export class DemoAlreadyLoadedError extends Error {
  constructor() {
    super(
      'The database already has accounts, so the demo data was not loaded: it would mix with real data. ' +
        'Load the demo into a fresh database (or an empty data folder) instead.',
    );
    this.name = 'DemoAlreadyLoadedError';
  }
}

export type SeedDemoOptions = { seed?: number; accounts?: number; days?: number; now?: Date };

export type DemoSummary = {
  teams: number;
  users: number;
  accounts: number;
  contacts: number;
  /** Historic outcomes (renewed, expanded, churned, downgraded): the ground truth for driver impact. */
  outcomes: number;
  events: number;
  /** Rows written to usage_daily: one per account, event name and UTC day, plus one per account and day under '$all'. */
  usageRows: number;
  /** Days of usage generated (ending today): the health history the caller back-fills. */
  days: number;
  /** The demo's CSMs and managers (no password yet: see giveDemoPasswords in ./sign-in.ts). */
  people: { email: string; name: string; role: 'manager' | 'csm' }[];
  ms: number;
};

const EVENT_CHUNK = 20_000;
// Reference rows go in as one JSON parameter per statement; chunks keep a 10k-account book's
// contacts (~55k rows) from becoming one huge parameter.
const REFERENCE_CHUNK = 5_000;

const EVENT_COLUMNS = ['message_id', 'type', 'event', 'user_id', 'group_id', 'account_id', 'properties', 'ts', 'sent_at', 'received_at'];

async function hasAccounts(q: Queryable): Promise<boolean> {
  const r = await q.query<{ loaded: boolean }>('SELECT EXISTS (SELECT 1 FROM accounts) AS loaded');
  return r.rows[0]?.loaded === true;
}

/** INSERT ... SELECT from json_populate_recordset: set-based, and unlike COPY it runs inside `tx`. */
async function insertRows<T extends object>(tx: Queryable, table: string, columns: ReadonlyArray<keyof T & string>, rows: readonly T[]): Promise<number> {
  const list = columns.join(', ');
  let inserted = 0;
  for (let i = 0; i < rows.length; i += REFERENCE_CHUNK) {
    const chunk = rows.slice(i, i + REFERENCE_CHUNK);
    const r = await tx.query(`INSERT INTO ${table} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${table}, $1::json)`, [
      JSON.stringify(chunk),
    ]);
    inserted += r.rowCount;
  }
  return inserted;
}

function eventRow(e: DemoEvent): unknown[] {
  // sent_at and received_at as if the SDK had delivered each event as it happened.
  return [e.message_id, e.type, e.event, e.user_id, e.group_id, e.account_id, e.properties, e.ts, e.ts, e.ts];
}

async function claim(database: Database, book: DemoBook): Promise<Pick<DemoSummary, 'teams' | 'users' | 'accounts' | 'contacts' | 'outcomes'>> {
  return database.transaction(async (tx) => {
    // Conflicts with itself and with plain inserts: two seeds cannot both find the table empty.
    await tx.query('LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE');
    if (await hasAccounts(tx)) throw new DemoAlreadyLoadedError();
    return {
      teams: await insertRows(tx, 'teams', ['id', 'name'], book.teams),
      users: await insertRows(tx, 'users', ['id', 'email', 'name', 'role', 'team_id'], book.users), // password_hash stays NULL on purpose
      accounts: await insertRows(
        tx,
        'accounts',
        ['id', 'name', 'domain', 'external_id', 'external_ids', 'owner_id', 'team_id', 'segment', 'stage', 'arr', 'seats', 'contract_start', 'renewal_date', 'custom'],
        book.accounts,
      ),
      contacts: await insertRows(tx, 'contacts', ['id', 'account_id', 'external_id', 'email', 'name', 'title', 'role', 'phone'], book.contacts),
      outcomes: await insertRows(tx, 'outcomes', ['id', 'account_id', 'kind', 'occurred_on', 'arr_before', 'arr_after', 'note'], book.outcomes),
    };
  });
}

async function copyEvents(database: Database, events: readonly DemoEvent[]): Promise<number> {
  let copied = 0;
  for (let i = 0; i < events.length; i += EVENT_CHUNK) {
    copied += await database.copyRows('events', EVENT_COLUMNS, events.slice(i, i + EVENT_CHUNK).map(eventRow));
  }
  if (copied !== events.length) throw new Error(`COPY loaded ${copied} of ${events.length} demo events`);
  return copied;
}

/**
 * Rollups and derived times from the loaded events, through ingestion's own rollup
 * (rollUpStoredEvents): usage_daily and usage_daily_users per event and under '$all', first and
 * last activity, last seen, health_dirty marks. seed.test.ts checks the rows against the events.
 */
async function finish(database: Database, book: DemoBook, audit: Record<string, unknown>): Promise<number> {
  const ids = book.accounts.map((a) => a.id);
  return database.transaction(async (tx) => {
    await rollUpStoredEvents(tx, ids);
    const { rows } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM usage_daily WHERE account_id = ANY($1::uuid[])', [ids]);
    const usageRows = rows[0]?.n ?? 0;
    await tx.query(
      `INSERT INTO audit_log (actor_type, actor_label, action, object_type, changes)
       VALUES ('system', 'demo loader', 'demo.seed', 'demo', $1::jsonb)`,
      [JSON.stringify({ ...audit, usageRows })],
    );
    return usageRows;
  });
}

async function removeDemo(database: Database, book: DemoBook): Promise<void> {
  await database.transaction(async (tx) => {
    const accountIds = book.accounts.map((a) => a.id);
    await tx.query('DELETE FROM events WHERE account_id = ANY($1::uuid[])', [accountIds]);
    await tx.query('DELETE FROM outcomes WHERE id = ANY($1::uuid[])', [book.outcomes.map((o) => o.id)]);
    // contacts, usage_daily and usage_daily_users go with their accounts (ON DELETE CASCADE)
    await tx.query('DELETE FROM accounts WHERE id = ANY($1::uuid[])', [accountIds]);
    await tx.query('DELETE FROM users WHERE id = ANY($1::uuid[])', [book.users.map((u) => u.id)]);
    await tx.query('DELETE FROM teams WHERE id = ANY($1::uuid[])', [book.teams.map((t) => t.id)]);
  });
}

/**
 * Loads a generated demo book of business into an empty database. Demo users get no password
 * here, so nothing that seeds a demo (tests, a script) ships a credential; the CLI's demo gives
 * them one, generated and printed once (giveDemoPasswords in ./sign-in.ts).
 * @throws DemoAlreadyLoadedError when the accounts table has any row.
 */
export async function seedDemo(database: Database, opts: SeedDemoOptions = {}): Promise<DemoSummary> {
  const started = performance.now();
  // Refuse before spending a second generating events; claim() checks again under a lock.
  if (await hasAccounts(database)) throw new DemoAlreadyLoadedError();
  const book = generateDemoBook({ seed: opts.seed, accounts: opts.accounts, days: opts.days, now: opts.now ?? new Date() });

  const loaded = await claim(database, book);
  try {
    const events = await copyEvents(database, book.events);
    const params = { seed: book.seed, accounts: book.accounts.length, days: book.days, now: book.now.toISOString() };
    const usageRows = await finish(database, book, { ...params, ...loaded, events });
    const people = book.users.map((u) => ({ email: u.email, name: u.name, role: u.role }));
    return { ...loaded, events, usageRows, days: book.days, people, ms: Math.round(performance.now() - started) };
  } catch (err) {
    try {
      await removeDemo(database, book);
    } catch (cleanupErr) {
      throw new AggregateError(
        [err, cleanupErr],
        'Loading the demo failed and removing the partly loaded demo data failed too; ' +
          "delete the accounts with external_id LIKE 'acct_%' (and their events) before trying again.",
      );
    }
    throw err;
  }
}
