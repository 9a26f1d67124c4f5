// Benchmark helper: wraps a Database so that every statement (and every transaction's
// BEGIN/pool wait and COMMIT) is timed and counted, grouped by what the statement is.
// Used only by test/bench/ingest.bench.ts for the "where does the time go" breakdown; it does not
// change what runs, only measures it.
import { performance } from 'node:perf_hooks';
import type { Database, Queryable } from '../../src/db/connect.js';

export type StatementStat = { count: number; ms: number };
export type StatementStats = Map<string, StatementStat>;

/** A short, stable label for a statement of the ingest path. */
export function classifyStatement(text: string): string {
  const s = text.replace(/\s+/g, ' ').trim();
  if (s.startsWith('SELECT id, name, role FROM api_keys')) return 'write key lookup (SELECT api_keys)';
  if (s.startsWith('UPDATE api_keys SET last_used_at')) return 'write key touch (UPDATE api_keys)';
  if (s.startsWith('INSERT INTO ingest_dedupe')) return 'dedupe claim (INSERT ingest_dedupe)';
  if (s.startsWith('WITH input AS')) return 'events insert + rollups (one statement)';
  if (s.startsWith('INSERT INTO accounts')) return 'group: insert accounts';
  if (s.startsWith('WITH n AS')) return 'group: update accounts';
  if (s.startsWith('WITH p AS')) return 'identify: upsert contacts';
  if (s.startsWith('INSERT INTO audit_log')) return 'audit rows';
  return s.slice(0, 48);
}

function add(stats: StatementStats, key: string, ms: number) {
  const cur = stats.get(key);
  if (cur) {
    cur.count++;
    cur.ms += ms;
  } else {
    stats.set(key, { count: 1, ms });
  }
}

function timed(q: Queryable, stats: StatementStats): Queryable {
  return {
    async query<T>(text: string, values?: unknown[]) {
      const t0 = performance.now();
      try {
        return await q.query<T>(text, values);
      } catch (err) {
        // every failure, also those the ingest service retries by itself (deadlocks: 40P01)
        const e = err as { code?: string; message?: string };
        add(stats, `error: ${e.code ?? ''} ${e.message ?? String(err)} in ${classifyStatement(text)}`, 0);
        throw err;
      } finally {
        add(stats, classifyStatement(text), performance.now() - t0);
      }
    },
  };
}

/** The same database, with every query and transaction timed into `stats`. */
export function timedDatabase(database: Database, stats: StatementStats): Database {
  const outer = timed(database, stats);
  return {
    ...database,
    query: outer.query,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const t0 = performance.now();
      let tBodyStart = t0;
      let tBodyEnd = t0;
      try {
        return await database.transaction(async (tx) => {
          tBodyStart = performance.now();
          try {
            return await fn(timed(tx, stats));
          } finally {
            tBodyEnd = performance.now();
          }
        });
      } finally {
        const tEnd = performance.now();
        add(stats, 'transaction: pool wait + BEGIN', tBodyStart - t0);
        add(stats, 'transaction: COMMIT', tEnd - tBodyEnd);
        add(stats, 'transaction: total', tEnd - t0);
      }
    },
  };
}
