// Ingestion benchmark: `npm run bench:ingest` (= tsx test/bench/ingest.bench.ts).
//
// For each engine (PostgreSQL: a fresh database `canopy_bench_<random>` on the local server,
// dropped at the end; PGlite: in memory), in one run, on the same `events` table with the same
// indexes, it measures:
//   ingest  — events/s through POST /v1/batch over real HTTP (loopback), batches of 100 Segment
//             `track` events, C concurrent clients, each batch validated and committed before
//             the reply (dedupe, rollups, last activity included);
//   COPY    — the same rows, same columns, written with `database.copyRows('events', …)` in
//             chunks of 10k: the best case (no validation, no dedupe, no rollups; only the time
//             inside copyRows counts, i.e. CSV encoding + COPY, not building the rows);
//   INSERT  — one autocommitted `INSERT INTO events … VALUES (…)` per event (C workers; the ratio
//             uses this one), and for context the same on a single connection.
// and prints the ratios (`postgres ingest/COPY ratio: 0.62`, `postgres ingest/INSERT ratio: 7.1`),
// p50/p99 batch latency and the peak RSS/heap of this process. The Canopy server runs inside this
// process (buildApp + listen on 127.0.0.1), so the peak memory includes the HTTP client side too,
// and for PGlite the whole database (WASM heap). The database is seeded with accounts and their
// contacts first (what earlier group/identify calls would have created), so every event is
// attributed and rolled up. Columns "pg CPU" / "other CPU" show what PostgreSQL and the rest of the
// machine used meanwhile (other users' work on a shared machine is noise: compare runs).
//
// Then (BENCH_BREAKDOWN=1, the default) a profile of the ingest path: CPU cost of JSON parse +
// zod validation per batch, the same HTTP load on a timed database wrapper (time per statement,
// per batch), and the ingest service called directly (no HTTP, no validation).
//
// Knobs (environment variable or --flag=value):
//   BENCH_ENGINES=postgres,pglite  --engines     which engines, in that order
//   BENCH_EVENTS                   --events      events per ingest/COPY phase (default 50000 PG, 20000 PGlite)
//   BENCH_CLIENTS                  --clients     concurrent HTTP clients / INSERT workers (default 8 PG, 4 PGlite)
//   BENCH_INSERT_EVENTS            --insert-events rows for the one-INSERT-per-event baseline (default 5000)
//   BENCH_BATCH                    --batch       events per batch (default 100)
//   BENCH_ACCOUNTS                 --accounts    accounts seeded (default 200; 5 contacts each)
//   BENCH_TS_HOURS                 --ts-hours    event timestamps spread over the last N hours (default 72)
//   BENCH_BREAKDOWN=0|1            --breakdown   run the profile phases (default 1)
//   BENCH_PG_URL                   --pg-url      server to create the scratch database on (loopback only;
//                                                default postgres://postgres@127.0.0.1:5432/test)
//   BENCH_TIMEOUT_S                --timeout-s   hard limit for the whole run (default 900)
//   BENCH_RETRIES                  --retries     times a client resends a batch answered with a 5xx, as Segment's
//                                                SDKs do (default 3; 0 = the first 5xx fails the run); counted and printed
//   BENCH_CPU_PROFILE=DIR          --cpu-profile a V8 CPU profile of each engine's measured ingest phase,
//                                                written to DIR/<engine>-ingest.cpuprofile (open in Chrome DevTools)
//   BENCH_JOBS=queue|worker|none   --jobs        how the app gets its job queue (default queue):
//                                                queue  = as `canopy start --no-worker`: the app enqueues follow-up work
//                                                         (pg-boss) and no worker runs here, so only the request path counts;
//                                                worker = as plain `canopy start`: the worker runs in this process too;
//                                                none   = buildApp without a queue, as the tests do: follow-up work (health
//                                                         refresh of the accounts touched) then runs inline in each request
//   BENCH_LOG=error                --log         the server's log at that level on stdout (default: no log)
// Exit code: 0 = measured (targets met or not, see the printed lines), 1 = a check failed
// (e.g. the events row count differs from what was sent), 2 = timed out.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
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
import { pino, type Logger } from 'pino';
import { batchBody, oversizedMessages, type SegmentMessage } from '../../src/ingest/segment.js';
import { timedDatabase, type StatementStats } from './timed-database.js';
import { assertLoopback, check, deadlineOf, engineList, intOpt, machineBusySeconds, opt, quantile, runBenchmark, runFacts, type Engine } from './harness.js';

// ---------------------------------------------------------------------------------------------
// Options


const engines = engineList();
const BATCH = intOpt('batch', 'BENCH_BATCH', 100, 1, 10_000);
const ACCOUNTS = intOpt('accounts', 'BENCH_ACCOUNTS', 200, 1, 100_000);
const USERS_PER_ACCOUNT = 5;
const TS_HOURS = intOpt('ts-hours', 'BENCH_TS_HOURS', 72, 0, 24 * 365);
const INSERT_EVENTS = intOpt('insert-events', 'BENCH_INSERT_EVENTS', 5000, 1, 1_000_000);
const BREAKDOWN = opt('breakdown', 'BENCH_BREAKDOWN') !== '0';
const TIMEOUT_S = intOpt('timeout-s', 'BENCH_TIMEOUT_S', 900, 10, 24 * 3600);
const LOG_LEVEL = opt('log', 'BENCH_LOG'); // e.g. error: the server's log on stdout (default: none)
const CPU_PROFILE_DIR = opt('cpu-profile', 'BENCH_CPU_PROFILE'); // a folder: writes <engine>-ingest.cpuprofile
const JOBS = opt('jobs', 'BENCH_JOBS') ?? 'queue';
if (JOBS !== 'queue' && JOBS !== 'worker' && JOBS !== 'none') throw new Error(`BENCH_JOBS: expected queue, worker or none, got ${JOBS}`);
const RETRIES = intOpt('retries', 'BENCH_RETRIES', 3, 0, 10);
const COPY_CHUNK = 10_000;
const FETCH_TIMEOUT_MS = 60_000;
const PG_URL = opt('pg-url', 'BENCH_PG_URL') ?? 'postgres://postgres@127.0.0.1:5432/test';
const eventsFor = (e: Engine) => intOpt('events', 'BENCH_EVENTS', e === 'postgres' ? 50_000 : 20_000, 1, 5_000_000);
const clientsFor = (e: Engine) => intOpt('clients', 'BENCH_CLIENTS', e === 'postgres' ? 8 : 4, 1, 256);

assertLoopback(PG_URL, engines);
const { runStartedAt, checkDeadline } = deadlineOf(TIMEOUT_S);

// ---------------------------------------------------------------------------------------------
// Deterministic, realistic Segment track events (the same rows for ingest, COPY and INSERT)

const EVENT_NAMES = [
  'Report Created', 'Report Exported', 'Dashboard Viewed', 'Invite Sent', 'Integration Connected', 'File Uploaded',
  'Search Performed', 'Comment Added', 'Project Created', 'Settings Updated', 'Alert Configured', 'Workflow Run',
];
const PLANS = ['free', 'starter', 'pro', 'enterprise'];
const FEATURES = ['reports', 'dashboards', 'alerts', 'workflows', 'search', 'exports'];
const BASE_TIME = runStartedAt;

/** A 32-bit hash of (i, salt): cheap, deterministic pseudo-randomness per event. */
function h32(i: number, salt: number): number {
  let x = (Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(salt, 0xc2b2ae35)) | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

const accountExternalId = (a: number) => `acct-${String(a).padStart(5, '0')}`;
const userExternalId = (a: number, u: number) => `user-${String(a).padStart(5, '0')}-${u}`;

type TrackEvent = {
  type: 'track'; messageId: string; event: string; userId: string; anonymousId: string; timestamp: string;
  properties: Record<string, unknown>; context: Record<string, unknown>; integrations: Record<string, unknown>;
};

function makeEvent(prefix: string, i: number): TrackEvent {
  const a = h32(i, 1) % ACCOUNTS;
  const u = h32(i, 2) % USERS_PER_ACCOUNT;
  const ageMs = TS_HOURS === 0 ? h32(i, 3) % 5000 : h32(i, 3) % (TS_HOURS * 3_600_000);
  const feature = FEATURES[h32(i, 5) % FEATURES.length] ?? 'reports';
  return {
    type: 'track',
    messageId: `${prefix}-${i.toString(36)}-${h32(i, 9).toString(16)}`,
    event: EVENT_NAMES[h32(i, 4) % EVENT_NAMES.length] ?? 'Report Created',
    userId: userExternalId(a, u),
    anonymousId: `anon-${h32(a * USERS_PER_ACCOUNT + u, 6).toString(16)}`,
    timestamp: new Date(BASE_TIME - 1000 - ageMs).toISOString(),
    properties: { feature, plan: PLANS[a % PLANS.length], durationMs: h32(i, 7) % 5000, items: h32(i, 8) % 50, source: 'web' },
    context: {
      groupId: accountExternalId(a),
      library: { name: 'analytics-node', version: '2.1.0' },
      ip: `203.0.113.${a % 250}`,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
      page: { path: `/app/${feature}`, url: `https://app.example.com/app/${feature}` },
    },
    integrations: {},
  };
}
const eventsOfBatch = (prefix: string, b: number, total: number): TrackEvent[] => {
  const out: TrackEvent[] = [];
  for (let i = b * BATCH; i < Math.min((b + 1) * BATCH, total); i++) out.push(makeEvent(prefix, i));
  return out;
};

// The columns the ingest path writes into `events` (src/ingest/store.ts insertMessages).
const EVENT_COLUMNS = [
  'write_key_id', 'message_id', 'type', 'event', 'user_id', 'anonymous_id', 'group_id', 'account_id',
  'properties', 'context', 'ts', 'sent_at', 'received_at',
];
function eventRow(ev: TrackEvent, writeKeyId: string, accountIds: Map<string, string>, sentAt: string, receivedAt: string): unknown[] {
  const group = ev.context.groupId as string;
  return [
    writeKeyId, ev.messageId, ev.type, ev.event, ev.userId, ev.anonymousId, group, accountIds.get(group) ?? null,
    ev.properties, ev.context, ev.timestamp, sentAt, receivedAt,
  ];
}

// ---------------------------------------------------------------------------------------------
// Measurement helpers

type MemPeak = { startRss: number; peakRss: number; startHeap: number; peakHeap: number };
function memorySampler(): { stop(): MemPeak } {
  const first = process.memoryUsage();
  const m: MemPeak = { startRss: first.rss, peakRss: first.rss, startHeap: first.heapUsed, peakHeap: first.heapUsed };
  const tick = () => {
    const u = process.memoryUsage();
    if (u.rss > m.peakRss) m.peakRss = u.rss;
    if (u.heapUsed > m.peakHeap) m.peakHeap = u.heapUsed;
  };
  const timer = setInterval(tick, 50);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return m;
    },
  };
}

/** CPU seconds used so far by each of these processes (from /proc; a process gone is left out). */
function cpuSecondsOf(pids: Iterable<number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / 100); // utime + stime, in USER_HZ
    } catch {
      // gone, or not on this machine
    }
  }
  return out;
}

/**
 * The PostgreSQL server processes working for this benchmark: the backends connected to its
 * database and the server's own background processes (WAL writer, checkpointer, autovacuum...).
 * Set per engine; other databases' backends on the same server are not counted.
 */
let ourPostgresPids: (() => Promise<number[]>) | null = null;


type PhaseResult = {
  engine: Engine; phase: string; events: number; wallMs: number; latencies: number[]; mem: MemPeak;
  nodeCpuS: number; pgCpuS: number | null; otherCpuS: number | null; elu: number; client?: ClientStats;
  kind?: 'ingest' | 'copy' | 'insert' | 'insert-1'; serverErrors: Map<string, number>;
};

const rate = (r: PhaseResult) => r.events / (r.wallMs / 1000);
const mib = (bytes: number) => bytes / 1024 / 1024;

/** Runs fn and records wall clock, node CPU, postgres CPU, event-loop utilisation and peak memory. */
async function measure(engine: Engine, phase: string, events: number, fn: (latencies: number[]) => Promise<void>): Promise<PhaseResult> {
  checkDeadline(`${engine} ${phase}`);
  const latencies: number[] = [];
  serverErrors = new Map();
  const mem = memorySampler();
  const pids0 = ourPostgresPids ? await ourPostgresPids().catch(() => []) : [];
  const pg0 = cpuSecondsOf(pids0);
  const busy0 = machineBusySeconds();
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  try {
    await fn(latencies);
  } finally {
    mem.stop();
  }
  const wallMs = performance.now() - t0;
  const elu = performance.eventLoopUtilization(elu0).utilization;
  const cpu = process.cpuUsage(cpu0);
  const pids1 = ourPostgresPids ? await ourPostgresPids().catch(() => []) : [];
  const pg1 = cpuSecondsOf(new Set([...pids0, ...pids1]));
  const busy1 = machineBusySeconds();
  latencies.sort((a, b) => a - b);
  const nodeCpuS = (cpu.user + cpu.system) / 1e6;
  const pgCpuS = ourPostgresPids ? [...pg1].reduce((sum, [pid, t]) => sum + t - (pg0.get(pid) ?? 0), 0) : null;
  return {
    engine, phase, events, wallMs, latencies, mem: mem.stop(), elu, nodeCpuS, serverErrors,
    pgCpuS: engine === 'postgres' ? pgCpuS : null,
    // what the rest of the machine used meanwhile (other processes, other databases on the same server)
    otherCpuS: busy0 !== null && busy1 !== null ? Math.max(0, busy1 - busy0 - nodeCpuS - (engine === 'postgres' ? (pgCpuS ?? 0) : 0)) : null,
  };
}

/** `clients` workers take task numbers 0..n-1 in order until none are left. */
async function pool(n: number, clients: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (failed === null) {
      const i = next++;
      if (i >= n) return;
      if ((i & 15) === 0) checkDeadline('a measured phase');
      try {
        await task(i);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(clients, n) }, worker));
  if (failed !== null) throw failed;
}

// ---------------------------------------------------------------------------------------------
// The server's errors: always counted by cause (so that a 500 is explained), printed with BENCH_LOG

/** Server-side errors by `code message` (e.g. `40P01 deadlock detected`), for the phase running now. */
let serverErrors = new Map<string, number>();
function serverLogger(): Logger {
  return pino({ level: LOG_LEVEL ?? 'error' }, {
    write(line: string) {
      if (LOG_LEVEL) process.stdout.write(line);
      try {
        const entry = JSON.parse(line) as { level?: number; err?: { code?: string; message?: string } };
        if ((entry.level ?? 0) >= 50 && entry.err) {
          const key = `${entry.err.code ?? ''} ${entry.err.message ?? ''}`.trim();
          serverErrors.set(key, (serverErrors.get(key) ?? 0) + 1);
        }
      } catch {
        // not JSON: ignore
      }
    },
  });
}

// ---------------------------------------------------------------------------------------------
// One engine

type Setup = {
  engine: Engine; database: Database; app: CanopyApp; jobs: JobQueue | null; config: Config; baseUrl: string; writeKey: string; writeKeyId: string;
  accountIds: Map<string, string>; cleanup: () => Promise<void>;
};

const cleanups: (() => Promise<void>)[] = [];

async function setUp(engine: Engine): Promise<Setup> {
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
  ourPostgresPids = engine === 'postgres'
    ? async () => (await db.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() OR (datname IS NULL AND backend_type <> 'client backend')`)).rows.map((r) => Number(r.pid))
    : null;

  // Seed accounts and their contacts (what earlier group/identify calls would have created).
  await database.copyRows('accounts', ['external_id', 'name', 'domain', 'stage'],
    Array.from({ length: ACCOUNTS }, (_, a) => [accountExternalId(a), `Account ${a}`, `a${a}.example.com`, 'adoption']));
  const accountIds = new Map(
    (await database.query<{ id: string; external_id: string }>('SELECT id, external_id FROM accounts')).rows.map((r) => [r.external_id, r.id]),
  );
  const contactRows: unknown[][] = [];
  for (let a = 0; a < ACCOUNTS; a++) {
    for (let u = 0; u < USERS_PER_ACCOUNT; u++) {
      contactRows.push([userExternalId(a, u), accountIds.get(accountExternalId(a)), `${userExternalId(a, u)}@example.com`, `User ${a}/${u}`]);
    }
  }
  await database.copyRows('contacts', ['external_id', 'account_id', 'email', 'name'], contactRows);
  await database.query('ANALYZE');

  const config = loadConfig({ LOG_LEVEL: LOG_LEVEL ?? 'error', HOST: '127.0.0.1', PORT: '0', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });
  const logger = serverLogger();
  const jobs: JobQueue | null = JOBS === 'none' ? null : await startJobs(config, database, logger, { work: JOBS === 'worker' });
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
async function reset(s: Setup) {
  await s.database.query('TRUNCATE events, ingest_dedupe, usage_daily, usage_daily_users');
  // what later migrations add to the ingest path (if present): health refresh marks and their results
  for (const t of ['health_dirty', 'account_health', 'health_snapshots', 'health_changes']) {
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

const count = async (db: Database, sql: string) => (await db.query<{ n: number }>(sql)).rows[0]?.n ?? -1;

type ClientStats = { retries: number; errors: Map<string, number>; buildMs: number };
const newClientStats = (): ClientStats => ({ retries: 0, errors: new Map(), buildMs: 0 });

/** POST /v1/batch of events [0, total) in batches, `clients` at a time; checks every reply. */
async function httpIngest(s: Setup, baseUrl: string, prefix: string, total: number, clients: number, latencies: number[], stats: ClientStats = newClientStats()) {
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

async function verifyIngested(s: Setup, total: number, what: string) {
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
async function copyPhase(s: Setup, prefix: string, total: number): Promise<{ written: number; copyMs: number }> {
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

const INSERT_SQL = `INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;
async function insertPhase(s: Setup, prefix: string, total: number, clients: number, latencies: number[]) {
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

async function startProfile(): Promise<{ stop(file: string): Promise<string> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(profile));
      return file;
    },
  };
}

type Breakdown = {
  engine: Engine; events: number; batches: number; clients: number; http: PhaseResult; service: PhaseResult;
  stats: StatementStats; statsWallMs: number;
};

async function runEngine(engine: Engine, results: PhaseResult[], breakdowns: Breakdown[]) {
  const total = eventsFor(engine);
  const clients = clientsFor(engine);
  const insertTotal = Math.min(INSERT_EVENTS, total);
  console.log(`\n== ${engine}: ${total} events in batches of ${BATCH}, ${clients} clients; INSERT baseline ${insertTotal} rows`);
  const s = await setUp(engine);
  try {
    // Warm-up (JIT, connections, plan caches), not measured.
    await httpIngest(s, s.baseUrl, 'warm', Math.min(2000, total), clients, [], newClientStats());
    await copyPhase(s, 'warmcopy', Math.min(2000, total));
    await insertPhase(s, 'warmins', Math.min(200, insertTotal), clients, []);
    await reset(s);

    const client = newClientStats();
    const profiler = CPU_PROFILE_DIR ? await startProfile() : null;
    const ingest = { ...(await measure(engine, 'ingest (HTTP /v1/batch)', total, (lat) => httpIngest(s, s.baseUrl, 'ev', total, clients, lat, client))), client };
    if (profiler && CPU_PROFILE_DIR) console.log(`  CPU profile: ${await profiler.stop(path.join(CPU_PROFILE_DIR, `${engine}-ingest.cpuprofile`))}`);
    await verifyIngested(s, total, 'ingest');
    results.push({ ...ingest, kind: 'ingest' });
    console.log(`  ingest: ${rate(ingest).toFixed(0)} events/s${client.retries ? `, ${client.retries} batches resent after a 5xx` : ''}`);
    await reset(s);

    let copyMs = 0;
    const copyRun = await measure(engine, `COPY (chunks of ${COPY_CHUNK})`, total, async () => {
      const r = await copyPhase(s, 'ev', total);
      check(r.written === total, `COPY reported ${r.written} rows, ${total} sent`);
      copyMs = r.copyMs;
    });
    // The best case: only the time inside copyRows counts (building the row arrays does not).
    const copy = { ...copyRun, wallMs: copyMs };
    const copied = await count(s.database, 'SELECT count(*)::int AS n FROM events');
    check(copied === total, `${engine} COPY: events has ${copied} rows, ${total} were copied`);
    results.push({ ...copy, kind: 'copy' });
    console.log(`  COPY: ${rate(copy).toFixed(0)} events/s`);
    await reset(s);

    const insert = await measure(engine, `INSERT (one per event, ${clients} workers)`, insertTotal, (lat) => insertPhase(s, 'ev', insertTotal, clients, lat));
    const inserted = await count(s.database, 'SELECT count(*)::int AS n FROM events');
    check(inserted === insertTotal, `${engine} INSERT: events has ${inserted} rows, ${insertTotal} were inserted`);
    results.push({ ...insert, kind: 'insert' });
    console.log(`  INSERT: ${rate(insert).toFixed(0)} events/s`);
    await reset(s);

    if (clients > 1) {
      // For context only (the ratios use the C-worker run above): the same on one connection.
      const n1 = Math.min(insertTotal, 2000);
      const insert1 = await measure(engine, 'INSERT (one per event, 1 worker)', n1, (lat) => insertPhase(s, 'ev', n1, 1, lat));
      check((await count(s.database, 'SELECT count(*)::int AS n FROM events')) === n1, `${engine} INSERT (1 worker): row count differs from ${n1}`);
      results.push({ ...insert1, kind: 'insert-1' });
      console.log(`  INSERT, 1 worker: ${rate(insert1).toFixed(0)} events/s`);
      await reset(s);
    }

    if (BREAKDOWN) breakdowns.push(await breakdown(s, Math.min(total, 20_000), clients));
  } finally {
    await s.cleanup();
  }
}

/** Where the time of the ingest path goes: per-statement timing, and the service without HTTP. */
async function breakdown(s: Setup, total: number, clients: number): Promise<Breakdown> {
  // The same HTTP load against a second app whose database handle times every statement.
  const stats: StatementStats = new Map();
  const timedApp = await buildApp({ config: s.config, database: timedDatabase(s.database, stats), jobs: s.jobs, logger: serverLogger(), webDist: '/nonexistent' });
  let http: PhaseResult;
  try {
    await timedApp.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(timedApp.server.address() as AddressInfo).port}`;
    const client = newClientStats();
    http = { ...(await measure(s.engine, 'ingest, timed statements', total, (lat) => httpIngest(s, url, 'bd', total, clients, lat, client))), client };
  } finally {
    await timedApp.close();
  }
  await verifyIngested(s, total, 'breakdown ingest');
  const statsWallMs = http.wallMs;
  await reset(s);

  // The ingest service called directly on already validated batches: no HTTP, no JSON, no zod.
  const batches = Math.ceil(total / BATCH);
  const parsed = Array.from({ length: batches }, (_, b) =>
    batchBody.parse(JSON.parse(JSON.stringify({ batch: eventsOfBatch('sv', b, total) }))).batch as SegmentMessage[]);
  const key = await s.app.services.apiKeys.resolve(s.writeKey, 'write');
  check(key !== null, 'write key not found');
  const client = newClientStats();
  const serviceRun = await measure(s.engine, 'ingest service, no HTTP', total, (lat) =>
    pool(batches, clients, async (b) => {
      const msgs = parsed[b];
      check(msgs !== undefined, `no batch ${b}`);
      const t0 = performance.now();
      let r: Awaited<ReturnType<typeof s.app.services.ingest.ingest>>;
      for (let attempt = 1; ; attempt++) {
        try {
          r = await s.app.services.ingest.ingest({ id: key.id, name: key.name }, msgs, { batchSentAt: new Date().toISOString() });
          break;
        } catch (err) {
          // what the route would answer with a 500, which the HTTP client resends
          if (attempt > RETRIES) throw err;
          const e = err as { code?: string; message?: string };
          const label = `${e.code ?? ''} ${e.message ?? String(err)}`.trim();
          client.retries++;
          client.errors.set(label, (client.errors.get(label) ?? 0) + 1);
          await new Promise((res) => setTimeout(res, 50 * attempt));
        }
      }
      lat.push(performance.now() - t0);
      check(r.accepted === msgs.length, `service batch ${b}: accepted ${r.accepted} of ${msgs.length}`);
    }));
  const service = { ...serviceRun, client };
  await verifyIngested(s, total, 'service ingest');
  await reset(s);
  return { engine: s.engine, events: total, batches: Math.ceil(total / BATCH), clients, http, service, stats, statsWallMs };
}

/** CPU cost per batch of the request-side JavaScript: JSON.parse + zod + the size check. */
function validationCost(batches = 200): { parseMs: number; zodMs: number; sizeMs: number; stringifyMs: number; bytes: number } {
  const bodies = Array.from({ length: batches }, (_, b) => JSON.stringify({ batch: eventsOfBatch('cpu', b, batches * BATCH), sentAt: new Date().toISOString() }));
  // warm-up
  for (const body of bodies.slice(0, 20)) oversizedMessages(batchBody.parse(JSON.parse(body)).batch);
  let parseMs = 0;
  let zodMs = 0;
  let sizeMs = 0;
  let stringifyMs = 0;
  for (const body of bodies) {
    const t0 = performance.now();
    const raw: unknown = JSON.parse(body);
    const t1 = performance.now();
    const valid = batchBody.parse(raw);
    const t2 = performance.now();
    oversizedMessages(valid.batch);
    const t3 = performance.now();
    JSON.stringify(valid.batch); // what insertMessages sends as its $2 (roughly the same size)
    const t4 = performance.now();
    parseMs += t1 - t0;
    zodMs += t2 - t1;
    sizeMs += t3 - t2;
    stringifyMs += t4 - t3;
  }
  const bytes = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0) / batches;
  return { parseMs: parseMs / batches, zodMs: zodMs / batches, sizeMs: sizeMs / batches, stringifyMs: stringifyMs / batches, bytes };
}

// ---------------------------------------------------------------------------------------------
// Report

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

function printTable(results: PhaseResult[]) {
  const head = ['engine', 'phase', 'events', 'wall s', 'events/s', 'p50 ms', 'p99 ms', 'peak RSS MiB', 'peak heap MiB', 'node CPU s', 'pg CPU s', 'other CPU s', 'loop busy', '5xx resent'];
  const rows = results.map((r) => [
    r.engine, r.phase, String(r.events), (r.wallMs / 1000).toFixed(2), rate(r).toFixed(0),
    r.latencies.length ? quantile(r.latencies, 0.5).toFixed(1) : '-', r.latencies.length ? quantile(r.latencies, 0.99).toFixed(1) : '-',
    `${mib(r.mem.peakRss).toFixed(0)} (+${mib(r.mem.peakRss - r.mem.startRss).toFixed(0)})`, mib(r.mem.peakHeap).toFixed(0),
    r.nodeCpuS.toFixed(1), r.pgCpuS === null ? '-' : r.pgCpuS.toFixed(1), r.otherCpuS === null ? '-' : r.otherCpuS.toFixed(1), `${(r.elu * 100).toFixed(0)}%`,
    r.client ? String(r.client.retries) : '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 ? pad(c, widths[i] ?? 0) : lpad(c, widths[i] ?? 0))).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w, i) => (i < 2 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  for (const r of results) {
    for (const [err, n] of r.client?.errors ?? []) console.log(`${r.engine} ${r.phase}: client got ${n} x ${err}`);
    for (const [err, n] of r.serverErrors) console.log(`${r.engine} ${r.phase}: server logged ${n} x ${err}`);
  }
  console.log('(latency: per batch of 100 for ingest, per statement for INSERT, none for COPY; RSS: peak (+ growth over the phase start);');
  console.log(' node CPU: this process = server + HTTP clients (+ the whole database for PGlite); pg CPU: the PostgreSQL backends of the');
  console.log(' benchmark database and the server\'s background processes (WAL writer, checkpointer, autovacuum);');
  console.log(' other CPU: the rest of the machine meanwhile (other users: noise); loop busy: event-loop utilisation of this process)');
}

function printBreakdown(b: Breakdown, cpu: ReturnType<typeof validationCost>) {
  const per = (ms: number) => (ms / b.batches).toFixed(2);
  console.log(`\n-- ${b.engine}: where the time of one batch goes (${b.events} events, ${b.batches} batches of ${BATCH}, ${b.clients} clients)`);
  console.log(`   HTTP with timed statements: ${rate(b.http).toFixed(0)} events/s, ${b.http.client?.retries ?? 0} batches resent after a 5xx, p50 ${quantile(b.http.latencies, 0.5).toFixed(1)} ms, p99 ${quantile(b.http.latencies, 0.99).toFixed(1)} ms, loop busy ${(b.http.elu * 100).toFixed(0)}%, node CPU ${(b.http.nodeCpuS * 1000 / b.batches).toFixed(1)} ms/batch${b.http.pgCpuS !== null ? `, pg CPU ${(b.http.pgCpuS * 1000 / b.batches).toFixed(1)} ms/batch` : ''}`);
  console.log(`   service called directly (no HTTP/JSON/zod): ${rate(b.service).toFixed(0)} events/s, ${b.service.client?.retries ?? 0} batches resent after an error, p50 ${quantile(b.service.latencies, 0.5).toFixed(1)} ms, p99 ${quantile(b.service.latencies, 0.99).toFixed(1)} ms, node CPU ${(b.service.nodeCpuS * 1000 / b.batches).toFixed(1)} ms/batch${b.service.pgCpuS !== null ? `, pg CPU ${(b.service.pgCpuS * 1000 / b.batches).toFixed(1)} ms/batch` : ''}`);
  for (const [label, st] of b.stats) if (label.startsWith('error: ')) console.log(`   statements failed (HTTP run, incl. those retried inside the service): ${st.count} x ${label.slice(7)}`);
  for (const [err, n] of b.http.serverErrors) console.log(`   server logged ${n} x ${err} (HTTP run: answered 500)`);
  for (const [err, n] of b.service.client?.errors ?? []) console.log(`   service run: ${n} x ${err}`);
  console.log(`   load generator (same process): building + JSON.stringify of a batch ${((b.http.client?.buildMs ?? 0) / b.batches).toFixed(2)} ms/batch, plus undici's share of node CPU`);
  const meanLatency = b.http.latencies.reduce((a, x) => a + x, 0) / Math.max(1, b.http.latencies.length);
  console.log(`   mean request latency ${meanLatency.toFixed(2)} ms, of which (mean per batch, wall time while waiting on the database):`);
  const order = [...b.stats.entries()].sort((x, y) => y[1].ms - x[1].ms);
  for (const [label, st] of order) {
    if (label.startsWith('error: ')) continue;
    console.log(`     ${pad(label, 44)} ${lpad(per(st.ms), 8)} ms  (${st.count} calls, ${(st.ms / st.count).toFixed(2)} ms each)`);
  }
  const tx = b.stats.get('transaction: total')?.ms ?? 0;
  const lookup = (b.stats.get('write key lookup (SELECT api_keys)')?.ms ?? 0) + (b.stats.get('write key touch (UPDATE api_keys)')?.ms ?? 0);
  const inDb = tx + lookup;
  console.log(`     ${pad('everything else (HTTP, JSON, zod, fastify, event-loop queueing)', 44)} ${lpad((meanLatency - inDb / b.batches).toFixed(2), 8)} ms`);
  if (b.engine === 'pglite') {
    console.log('   (PGlite runs on this thread: a request\'s "everything else" is mostly waiting for the other requests\' database work;');
    console.log(`    by CPU: ${(b.http.nodeCpuS * 1000 / b.batches).toFixed(1)} ms/batch over HTTP vs ${(b.service.nodeCpuS * 1000 / b.batches).toFixed(1)} ms/batch calling the service, i.e. ${(100 * (1 - b.service.nodeCpuS / b.http.nodeCpuS)).toFixed(0)}% of the CPU is HTTP + validation + the load generator)`);
  } else if (b.http.pgCpuS !== null) {
    console.log(`   CPU per batch: node ${(b.http.nodeCpuS * 1000 / b.batches).toFixed(1)} ms (service alone ${(b.service.nodeCpuS * 1000 / b.batches).toFixed(1)} ms), postgres ${(b.http.pgCpuS * 1000 / b.batches).toFixed(1)} ms`);
  }
  console.log(`   CPU per batch of ${BATCH} (single thread, ${(cpu.bytes / 1024).toFixed(1)} KiB body): JSON.parse ${cpu.parseMs.toFixed(2)} ms, zod batchBody.parse ${cpu.zodMs.toFixed(2)} ms, size check ${cpu.sizeMs.toFixed(2)} ms, JSON.stringify of the batch ${cpu.stringifyMs.toFixed(2)} ms`);
}

function printRatios(results: PhaseResult[]) {
  console.log('');
  for (const engine of engines) {
    const ingest = results.find((r) => r.engine === engine && r.kind === 'ingest');
    const copy = results.find((r) => r.engine === engine && r.kind === 'copy');
    const insert = results.find((r) => r.engine === engine && r.kind === 'insert');
    if (!ingest || !copy || !insert) continue;
    const toCopy = rate(ingest) / rate(copy);
    const toInsert = rate(ingest) / rate(insert);
    console.log(`${engine} ingest/COPY ratio: ${toCopy.toFixed(2)}`);
    console.log(`${engine} ingest/INSERT ratio: ${toInsert.toFixed(1)}`);
    console.log(`${engine} ingest p50: ${quantile(ingest.latencies, 0.5).toFixed(1)} ms`);
    console.log(`${engine} ingest p99: ${quantile(ingest.latencies, 0.99).toFixed(1)} ms`);
    console.log(`${engine} peak RSS: ${mib(ingest.mem.peakRss).toFixed(0)} MiB`);
    console.log(`${engine} peak heap: ${mib(ingest.mem.peakHeap).toFixed(0)} MiB`);
    if (ingest.client?.retries) console.log(`${engine} ingest: ${ingest.client.retries} batches were answered with a 5xx and resent (${[...ingest.serverErrors.keys()].join('; ') || 'see above'})`);
    if (engine === 'postgres') {
      console.log(`postgres target ingest >= 50% of COPY: ${toCopy >= 0.5 ? 'met' : 'NOT met'}; ingest >= 5x single INSERT: ${toInsert >= 5 ? 'met' : 'NOT met'}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<number> {
  const { commit, pglite } = runFacts();
  console.log(`canopy ingest benchmark — ${commit}, node ${process.version}, PGlite ${pglite}, engines ${engines.join(',')}, batch ${BATCH}, ${ACCOUNTS} accounts x ${USERS_PER_ACCOUNT} contacts, timestamps over the last ${TS_HOURS} h, jobs: ${JOBS}`);
  const results: PhaseResult[] = [];
  const breakdowns: Breakdown[] = [];
  for (const engine of engines) await runEngine(engine as Engine, results, breakdowns);
  console.log('');
  printTable(results);
  if (BREAKDOWN) {
    const cpu = validationCost();
    for (const b of breakdowns) printBreakdown(b, cpu);
  }
  printRatios(results);
  return 0;
}

runBenchmark(main, { timeoutS: TIMEOUT_S, graceMs: 30_000, cleanups });
