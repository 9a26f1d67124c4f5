// Benchmark helper for test/bench/health.bench.ts: wraps a Database so that the health
// computation's transactions are split into phases — measure (the one-pass SQL over usage_daily),
// save (the account_health/snapshot/changes statement), claim (taking dirty marks), the
// JavaScript in between (mapping rows, scoring, explanations, JSON) and BEGIN/COMMIT. It only
// measures; what runs is unchanged.
import { performance } from 'node:perf_hooks';
import type { Database, Queryable } from '../../src/db/connect.js';

export type Phase = 'measure' | 'save' | 'claim' | 'other';
export type ChunkTiming = { totalMs: number; beginMs: number; commitMs: number; jsMs: number; accounts: number } & Record<Phase, number>;

export class HealthTimings {
  chunks: ChunkTiming[] = [];
  /** Statements outside transactions (health_runs progress, driver list, …). */
  outsideMs = 0;
  outsideCount = 0;
  /** The first measure statement seen (text and values), to EXPLAIN it afterwards. */
  sample: { text: string; values: unknown[] } | null = null;
  reset() {
    this.chunks = [];
    this.outsideMs = 0;
    this.outsideCount = 0;
  }
  sum(key: keyof ChunkTiming): number {
    return this.chunks.reduce((a, c) => a + c[key], 0);
  }
}

export function classifyHealthStatement(text: string): Phase {
  const s = text.trimStart();
  if (s.startsWith('WITH acc AS')) return 'measure';
  if (s.startsWith('WITH r AS')) return 'save';
  if (s.startsWith('WITH taken AS (\n       DELETE FROM health_dirty') || s.startsWith('DELETE FROM health_claims WHERE token')) return 'claim';
  return 'other';
}

/** The same database; every transaction's statements are timed by phase into `timings`. */
export function healthTimedDatabase(database: Database, timings: HealthTimings, opts: { sampleChunk?: number } = {}): Database {
  let measured = 0;
  return {
    ...database,
    async query<T>(text: string, values?: unknown[]) {
      const t0 = performance.now();
      try {
        return await database.query<T>(text, values);
      } finally {
        timings.outsideMs += performance.now() - t0;
        timings.outsideCount++;
      }
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const c: ChunkTiming = { totalMs: 0, beginMs: 0, commitMs: 0, jsMs: 0, accounts: 0, measure: 0, save: 0, claim: 0, other: 0 };
      const t0 = performance.now();
      let bodyStart = t0;
      let bodyEnd = t0;
      try {
        return await database.transaction(async (tx) => {
          bodyStart = performance.now();
          try {
            return await fn({
              async query<R>(text: string, values?: unknown[]) {
                const phase = classifyHealthStatement(text);
                if (phase === 'measure' && measured++ === (opts.sampleChunk ?? 0)) timings.sample = { text, values: values ?? [] };
                const q0 = performance.now();
                try {
                  const r = await tx.query<R>(text, values);
                  if (phase === 'measure') c.accounts += r.rows.length;
                  return r;
                } finally {
                  c[phase] += performance.now() - q0;
                }
              },
            });
          } finally {
            bodyEnd = performance.now();
          }
        });
      } finally {
        const tEnd = performance.now();
        c.beginMs = bodyStart - t0;
        c.commitMs = tEnd - bodyEnd;
        c.totalMs = tEnd - t0;
        c.jsMs = bodyEnd - bodyStart - c.measure - c.save - c.claim - c.other;
        timings.chunks.push(c);
      }
    },
  };
}
