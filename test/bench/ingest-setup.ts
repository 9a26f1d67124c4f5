// One engine of the ingest benchmark: the scratch database, seeded accounts and contacts, the app
// (as `canopy start` builds it, per BENCH_JOBS), the reset between phases, and the phases' load:
// HTTP batches, COPY, one INSERT per event, plus the row-count checks.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config.js';
import { connect, type Database } from '../../src/db/connect.js';
import { migrate } from '../../src/db/migrate.js';
import { buildApp, type CanopyApp } from '../../src/server/app.js';
import { createApiKeyQueries } from '../../src/apikeys/queries.js';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import type { JobQueue } from '../../src/jobs/queue.js';
import { startJobs } from '../../src/runtime.js';
import { check, type Engine } from './harness.js';
import { accountExternalId, EVENT_COLUMNS, eventRow, eventsOfBatch, makeEvent, userExternalId } from './ingest-events.js';
import { newClientStats, pool, serverLogger, setOurPostgresPids, type ClientStats } from './ingest-measure.js';
import { ACCOUNTS, BATCH, checkDeadline, COPY_CHUNK, FETCH_TIMEOUT_MS, JOBS, LOG_LEVEL, PG_URL, RETRIES, USERS_PER_ACCOUNT } from './ingest-options.js';

export type Setup = {
  engine: Engine; database: Database; app: CanopyApp; jobs: JobQueue | null; config: Config; baseUrl: string; writeKey: string; writeKeyId: string;
  accountIds: Map<string, string>; cleanup: () => Promise<void>;
};

export const cleanups: (() => Promise<void>)[] = [];

export async function setUp(engine: Engine, jobsMode: string = JOBS, accounts = ACCOUNTS): Promise<Setup> {
  let database: Database;
  let databaseUrl: string | undefined;
  let dropDatabase = async () => undefined as void;
  if (engine === 'postgres') {
    const name = `canopy_bench_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    };
    cleanups.push(dropDatabase); // also on a failure before cleanup is wired below
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    database = await connect({ databaseUrl }); // the product's default pool (10)
    console.log(`postgres: scratch database ${name} on ${url.host}`);
  } else {
    database = await connect({});
  }
  await migrate(database);
  const db = database;
  setOurPostgresPids(engine === 'postgres'
    ? async () => (await db.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() OR (datname IS NULL AND backend_type <> 'client backend')`)).rows.map((r) => Number(r.pid))
    : null);

  // Seed accounts and their contacts (what earlier group/identify calls would have created).
  await database.copyRows('accounts', ['external_id', 'name', 'domain', 'stage'],
    Array.from({ length: accounts }, (_, a) => [accountExternalId(a), `Account ${a}`, `a${a}.example.com`, 'adoption']));
  const accountIds = new Map(
    (await database.query<{ id: string; external_id: string }>('SELECT id, external_id FROM accounts')).rows.map((r) => [r.external_id, r.id]),
  );
  const contactRows: unknown[][] = [];
  for (let a = 0; a < accounts; a++) {
    for (let u = 0; u < USERS_PER_ACCOUNT; u++) {
      contactRows.push([userExternalId(a, u), accountIds.get(accountExternalId(a)), `${userExternalId(a, u)}@example.com`, `User ${a}/${u}`]);
    }
  }
  await database.copyRows('contacts', ['external_id', 'account_id', 'email', 'name'], contactRows);
  await database.query('ANALYZE');

  const config = loadConfig({ LOG_LEVEL: LOG_LEVEL ?? 'error', HOST: '127.0.0.1', PORT: '0', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });
  const logger = serverLogger();
  const jobs: JobQueue | null = jobsMode === 'none' ? null : await startJobs(config, database, logger, { work: jobsMode === 'worker' });
  const app = await buildApp({ config, database, jobs, logger, webDist: '/nonexistent' });
  const { key, apiKey } = await createApiKeyQueries(database).create({ name: 'bench', kind: 'write' }, SYSTEM_ACTOR);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await app.close().catch(() => undefined);
    await jobs?.stop().catch(() => undefined);
    await database.close().catch(() => undefined);
    await dropDatabase();
  };
  cleanups.push(cleanup);
  return { engine, database, app, jobs, config, baseUrl: `http://127.0.0.1:${port}`, writeKey: key, writeKeyId: apiKey.id, accountIds, cleanup };
}

/** Back to the state right after seeding: no events, no rollups, no activity, vacuumed. */
export async function reset(s: Setup) {
  await s.database.query('TRUNCATE events, ingest_dedupe, usage_daily, usage_daily_users');
  // what later migrations add to the ingest path (if present): health refresh marks and their results
  for (const t of ['health_dirty', 'health_claims', 'account_health', 'health_snapshots', 'health_changes']) {
    const { rows } = await s.database.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [t]);
    if (rows[0]?.t) await s.database.query(`TRUNCATE ${t}`);
  }
  await s.database.query('UPDATE accounts SET last_activity_at = NULL WHERE last_activity_at IS NOT NULL');
  const firstActivity = await s.database.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'first_activity_at'`);
  if (firstActivity.rows.length > 0) await s.database.query('UPDATE accounts SET first_activity_at = NULL WHERE first_activity_at IS NOT NULL');
  await s.database.query('UPDATE contacts SET last_seen_at = NULL WHERE last_seen_at IS NOT NULL');
  await s.database.query('VACUUM ANALYZE accounts');
  await s.database.query('VACUUM ANALYZE contacts');
  await s.database.query('VACUUM ANALYZE api_keys');
  if (s.engine === 'postgres') await s.database.query('CHECKPOINT');
}

export const count = async (db: Database, sql: string) => (await db.query<{ n: number }>(sql)).rows[0]?.n ?? -1;


/** POST /v1/batch of events [0, total) in batches, `clients` at a time; checks every reply. */
export async function httpIngest(s: Setup, baseUrl: string, prefix: string, total: number, clients: number, latencies: number[], stats: ClientStats = newClientStats()) {
  const auth = `Basic ${Buffer.from(`${s.writeKey}:`).toString('base64')}`;
  const batches = Math.ceil(total / BATCH);
  await pool(batches, clients, async (b) => {
    const tb = performance.now();
    const batch = eventsOfBatch(prefix, b, total);
    const body = JSON.stringify({ batch, sentAt: new Date().toISOString() });
    stats.buildMs += performance.now() - tb;
    const t0 = performance.now();
    let res: Response;
    let text: string;
    for (let attempt = 1; ; attempt++) {
      res = await fetch(`${baseUrl}/v1/batch`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
      text = await res.text();
      // Like Segment's SDKs: a 5xx is retried (safe: a batch is all or nothing, messageIds dedupe).
      if (res.status < 500 || attempt > RETRIES) break;
      stats.retries++;
      stats.errors.set(`HTTP ${res.status} ${text.slice(0, 120)}`, (stats.errors.get(`HTTP ${res.status} ${text.slice(0, 120)}`) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
    latencies.push(performance.now() - t0);
    check(res.status === 200, `batch ${b}: HTTP ${res.status} ${text.slice(0, 300)}${RETRIES ? ` (after ${RETRIES} retries)` : ''}`);
    const reply = JSON.parse(text) as { accepted?: number; duplicates?: number };
    check(reply.accepted === batch.length && reply.duplicates === 0, `batch ${b}: expected ${batch.length} accepted, got ${text}`);
  });
}

export async function verifyIngested(s: Setup, total: number, what: string) {
  const n = await count(s.database, 'SELECT count(*)::int AS n FROM events');
  check(n === total, `${s.engine} ${what}: events has ${n} rows, ${total} were sent`);
  const unattributed = await count(s.database, 'SELECT count(*)::int AS n FROM events WHERE account_id IS NULL');
  check(unattributed === 0, `${s.engine} ${what}: ${unattributed} events without an account`);
  // per event name (rows whose event starts with '$' are page/screen or the account-wide '$all')
  const rolled = await count(s.database, `SELECT coalesce(sum(count), 0)::int AS n FROM usage_daily WHERE event NOT LIKE '$%'`);
  check(rolled === total, `${s.engine} ${what}: usage_daily counts ${rolled} events, ${total} were sent`);
  const claimed = await count(s.database, 'SELECT count(*)::int AS n FROM ingest_dedupe');
  check(claimed === total, `${s.engine} ${what}: ingest_dedupe has ${claimed} rows, ${total} were sent`);
}

/** COPY in chunks; returns the rows written and the time spent in copyRows only (CSV + COPY), not building rows. */
export async function copyPhase(s: Setup, prefix: string, total: number): Promise<{ written: number; copyMs: number }> {
  const sentAt = new Date().toISOString();
  const receivedAt = new Date().toISOString();
  let written = 0;
  let copyMs = 0;
  for (let start = 0; start < total; start += COPY_CHUNK) {
    checkDeadline('COPY');
    const rows: unknown[][] = [];
    for (let i = start; i < Math.min(start + COPY_CHUNK, total); i++) rows.push(eventRow(makeEvent(prefix, i), s.writeKeyId, s.accountIds, sentAt, receivedAt));
    const t0 = performance.now();
    written += await s.database.copyRows('events', EVENT_COLUMNS, rows);
    copyMs += performance.now() - t0;
  }
  return { written, copyMs };
}

export const INSERT_SQL = `INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;
export async function insertPhase(s: Setup, prefix: string, total: number, clients: number, latencies: number[]) {
  const sentAt = new Date().toISOString();
  const receivedAt = new Date().toISOString();
  await pool(total, clients, async (i) => {
    const row = eventRow(makeEvent(prefix, i), s.writeKeyId, s.accountIds, sentAt, receivedAt).map((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : v));
    const t0 = performance.now();
    const r = await s.database.query(INSERT_SQL, row);
    latencies.push(performance.now() - t0);
    check(r.rowCount === 1, `INSERT of event ${i} reported ${r.rowCount} rows`);
  });
}
