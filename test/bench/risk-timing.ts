// Benchmark helper for test/bench/risk.bench.ts: wraps a Database so that each risk refresh chunk
// (one transaction of src/risk/service.ts: refreshSignals, signalsAsOf, the model, saveRisk, the
// register) is split into phases by the statements it runs, in their order:
//   pick     the keyset select of refreshAll, or the claim of risk_dirty in refreshDirty
//   signals  from there until signalsAsOf starts: the fact queries, the detectors (JS) and the
//            risk_signals writes (signalsSql = the SQL part of it)
//   read     signalsAsOf (the signals that bear on risk now)
//   model    from the end of that read until saveRisk starts: the compound model (JS) per account
//   save     saveRisk (account_risk, risk_changes, webhook deliveries: one statement)
//   after    the register's afterRiskRefresh and the rest of the transaction
// It only measures; what runs is unchanged. Transactions without a signalsAsOf statement (health's,
// other jobs') are counted apart.
import { performance } from 'node:perf_hooks';
import type { Database, Queryable } from '../../src/db/connect.js';

export type RiskChunk = {
  accounts: number; totalMs: number; beginMs: number; commitMs: number;
  pick: number; signals: number; signalsSql: number; read: number; model: number; save: number; after: number;
};
export const RISK_PHASES = ['pick', 'signals', 'read', 'model', 'save', 'after'] as const;

export class RiskTimings {
  chunks: RiskChunk[] = [];
  /** Transactions that were not a risk chunk (health refresh, other jobs). */
  otherTransactions = 0;
  /** SQL time of the signals phase by statement (its first words), to name the slow fact query. */
  signalsSql = new Map<string, number>();
  reset() {
    this.chunks = [];
    this.otherTransactions = 0;
    this.signalsSql = new Map();
  }
  sum(key: keyof RiskChunk): number {
    return this.chunks.reduce((a, c) => a + c[key], 0);
  }
}

type Kind = 'pick' | 'read' | 'save' | 'sql';
function classify(text: string): Kind {
  const s = text.trimStart();
  if (s.startsWith('SELECT id FROM accounts WHERE id > $1') || s.startsWith('WITH taken AS (\n       DELETE FROM risk_dirty') || s.startsWith('DELETE FROM risk_claims WHERE token')) return 'pick';
  if (s.includes('s.strength * power(0.5')) return 'read';
  if (s.startsWith('WITH r AS') && s.includes('account_risk')) return 'save';
  return 'sql';
}

type Stmt = { kind: Kind; t0: number; t1: number; rows: number; label: string };
const labelOf = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 70);

function chunkOf(stmts: Stmt[], bodyStart: number, bodyEnd: number): Omit<RiskChunk, 'totalMs' | 'beginMs' | 'commitMs'> | null {
  const read = stmts.find((s) => s.kind === 'read');
  if (!read) return null;
  const pick = stmts.find((s) => s.kind === 'pick');
  const save = stmts.find((s) => s.kind === 'save');
  const signalsFrom = pick ? pick.t1 : bodyStart;
  const sqlIn = (a: number, b: number) => stmts.filter((s) => s.kind === 'sql' && s.t0 >= a && s.t1 <= b).reduce((x, s) => x + s.t1 - s.t0, 0);
  return {
    accounts: pick?.rows ?? 0,
    pick: pick ? pick.t1 - bodyStart : 0,
    signals: read.t0 - signalsFrom,
    signalsSql: sqlIn(signalsFrom, read.t0),
    read: read.t1 - read.t0,
    model: (save ? save.t0 : bodyEnd) - read.t1,
    save: save ? save.t1 - save.t0 : 0,
    after: save ? bodyEnd - save.t1 : 0,
  };
}

/** The same database; every transaction's statements are timed, risk chunks split into phases. */
export function riskTimedDatabase(database: Database, timings: RiskTimings): Database {
  return {
    ...database,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const stmts: Stmt[] = [];
      const t0 = performance.now();
      let bodyStart = t0;
      let bodyEnd = t0;
      try {
        return await database.transaction(async (tx) => {
          bodyStart = performance.now();
          try {
            return await fn({
              async query<R>(text: string, values?: unknown[]) {
                const s: Stmt = { kind: classify(text), t0: performance.now(), t1: 0, rows: 0, label: '' };
                if (s.kind === 'sql') s.label = labelOf(text);
                try {
                  const r = await tx.query<R>(text, values);
                  s.rows = r.rows.length;
                  return r;
                } finally {
                  s.t1 = performance.now();
                  stmts.push(s);
                }
              },
            });
          } finally {
            bodyEnd = performance.now();
          }
        });
      } finally {
        const tEnd = performance.now();
        const c = chunkOf(stmts, bodyStart, bodyEnd);
        if (c) {
          timings.chunks.push({ ...c, totalMs: tEnd - t0, beginMs: bodyStart - t0, commitMs: tEnd - bodyEnd });
          const readAt = stmts.find((x) => x.kind === 'read')?.t0 ?? tEnd;
          for (const x of stmts) if (x.kind === 'sql' && x.t1 <= readAt) timings.signalsSql.set(x.label, (timings.signalsSql.get(x.label) ?? 0) + x.t1 - x.t0);
        }
        else timings.otherTransactions++;
      }
    },
  };
}

/** The slowest statements of the signals phase: "1.2 s  SELECT account_id, …". */
export function slowestSignalsSql(t: RiskTimings, n = 5): string[] {
  return [...t.signalsSql].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, ms]) => `${(ms / 1000).toFixed(1)} s  ${k}`);
}

/** "signals 12.3 s (61%; SQL 9.0 s), read 1.2 s (6%), …" for a list of chunks and its wall time. */
export function riskPhaseLine(chunks: RiskChunk[], wallMs: number): string {
  const sum = (k: keyof RiskChunk) => chunks.reduce((a, c) => a + c[k], 0);
  const s1 = (ms: number) => (ms / 1000).toFixed(1);
  const pct = (ms: number) => `${((100 * ms) / wallMs).toFixed(0)}%`;
  const parts = RISK_PHASES.map((k) => `${k} ${s1(sum(k))} s (${pct(sum(k))}${k === 'signals' ? `; SQL ${s1(sum('signalsSql'))} s, JS ${s1(sum('signals') - sum('signalsSql'))} s` : ''})`);
  const inChunks = sum('totalMs');
  parts.push(`BEGIN/COMMIT ${s1(sum('beginMs') + sum('commitMs'))} s`, `outside chunks ${s1(wallMs - inChunks)} s`);
  return parts.join(', ');
}
