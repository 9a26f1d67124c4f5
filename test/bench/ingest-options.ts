// Options of the ingest benchmark (test/bench/ingest.bench.ts; knobs listed in its header).
import { assertLoopback, deadlineOf, engineList, intOpt, opt, type Engine } from './harness.js';

export const engines = engineList();
export const BATCH = intOpt('batch', 'BENCH_BATCH', 100, 1, 10_000);
export const ACCOUNTS = intOpt('accounts', 'BENCH_ACCOUNTS', 200, 1, 100_000);
export const USERS_PER_ACCOUNT = 5;
export const TS_HOURS = intOpt('ts-hours', 'BENCH_TS_HOURS', 72, 0, 24 * 365);
export const INSERT_EVENTS = intOpt('insert-events', 'BENCH_INSERT_EVENTS', 5000, 1, 1_000_000);
export const BREAKDOWN = opt('breakdown', 'BENCH_BREAKDOWN') !== '0';
export const TIMEOUT_S = intOpt('timeout-s', 'BENCH_TIMEOUT_S', 900, 10, 24 * 3600);
export const LOG_LEVEL = opt('log', 'BENCH_LOG'); // e.g. error: the server's log on stdout (default: none)
export const CPU_PROFILE_DIR = opt('cpu-profile', 'BENCH_CPU_PROFILE'); // a folder: writes <engine>-ingest.cpuprofile
export const JOBS = opt('jobs', 'BENCH_JOBS') ?? 'queue';
if (JOBS !== 'queue' && JOBS !== 'worker' && JOBS !== 'none') throw new Error(`BENCH_JOBS: expected queue, worker or none, got ${JOBS}`);
export const RETRIES = intOpt('retries', 'BENCH_RETRIES', 3, 0, 10);
export const COPY_CHUNK = 10_000;
export const FETCH_TIMEOUT_MS = 60_000;
export const PG_URL = opt('pg-url', 'BENCH_PG_URL') ?? 'postgres://postgres@127.0.0.1:5432/test';
export const eventsFor = (e: Engine) => intOpt('events', 'BENCH_EVENTS', e === 'postgres' ? 50_000 : 20_000, 1, 5_000_000);
export const clientsFor = (e: Engine) => intOpt('clients', 'BENCH_CLIENTS', e === 'postgres' ? 8 : 4, 1, 256);

assertLoopback(PG_URL, engines);
export const { runStartedAt, checkDeadline } = deadlineOf(TIMEOUT_S);
