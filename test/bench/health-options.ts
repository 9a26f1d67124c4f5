// Options of the health benchmark (test/bench/health.bench.ts; knobs listed in its header) and small helpers.
import { assertLoopback, deadlineOf, engineList, numOpt, opt, type Engine } from './harness.js';
import { bookGenerator } from './health-book.js';

export const engines = engineList();
export const ACCOUNTS = numOpt('accounts', 'BENCH_ACCOUNTS', 100_000, 100, 1_000_000);
export const PGLITE_ACCOUNTS = numOpt('pglite-accounts', 'BENCH_PGLITE_ACCOUNTS', opt('accounts', 'BENCH_ACCOUNTS') ? ACCOUNTS : 20_000, 100, 1_000_000);
export const EVENTS_PER_DAY = numOpt('events-per-day', 'BENCH_EVENTS_PER_DAY', 5, 0.5, 19, false);
export const DAYS = numOpt('days', 'BENCH_DAYS', 90, 7, 400);
export const REPEATS = numOpt('repeats', 'BENCH_REPEATS', 3, 1, 9);
export const RATE = numOpt('rate', 'BENCH_RATE', 2000, 100, 100_000);
export const BATCH = 100;
export const DURATION_S = numOpt('duration-s', 'BENCH_DURATION_S', 45, 5, 600);
export const WARMUP_S = numOpt('warmup-s', 'BENCH_WARMUP_S', 5, 0, 120);
export const PROBE_MS = numOpt('probe-ms', 'BENCH_PROBE_MS', 200, 50, 10_000);
export const PROBE_TIMEOUT_S = numOpt('probe-timeout-s', 'BENCH_PROBE_TIMEOUT_S', 90, 5, 600);
export const SETTLE_S = numOpt('settle-s', 'BENCH_SETTLE_S', 600, 0, 3600);
export const FRESHNESS = opt('freshness', 'BENCH_FRESHNESS') !== '0';
export const EXPLAIN = opt('explain', 'BENCH_EXPLAIN') === '1';
export const SEED = numOpt('seed', 'BENCH_SEED', 1, 0, 2 ** 31);
export const TIMEOUT_S = numOpt('timeout-s', 'BENCH_TIMEOUT_S', 3600, 30, 24 * 3600);
export const PG_URL = opt('pg-url', 'BENCH_PG_URL') ?? 'postgres://postgres@127.0.0.1:5432/test';
export const KEEP_DB = opt('keep-db', 'BENCH_KEEP_DB') === '1';
export const REUSE_DB = opt('reuse-db', 'BENCH_REUSE_DB'); // an existing scratch database with a book of the same seed and size
export const POLL_MS = 50;
export const MAX_IN_FLIGHT = 64;
export const RETRIES = 3;

assertLoopback(PG_URL, engines);
export const accountsFor = (e: Engine) => (e === 'postgres' ? ACCOUNTS : PGLITE_ACCOUNTS);

export const { checkDeadline } = deadlineOf(TIMEOUT_S);
// The generated book: test/bench/health-book.ts
export const { buildBook, existingBook } = bookGenerator({ seed: SEED, days: DAYS, eventsPerDay: EVENTS_PER_DAY, checkDeadline });
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return Number.NaN;
  return n % 2 ? (s[(n - 1) / 2] ?? Number.NaN) : ((s[n / 2 - 1] ?? 0) + (s[n / 2] ?? 0)) / 2;
};
export const s1 = (ms: number) => (ms / 1000).toFixed(1);
export const mib = (b: number) => (b / 1024 / 1024).toFixed(0);
