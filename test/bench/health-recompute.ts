// The health benchmark's recompute vs scan phase, and its CPU accounting (printed beside each timing).
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Database } from '../../src/db/connect.js';
import { createHealthService } from '../../src/health/service.js';
import { check, machineBusySeconds, postgresCpuByPid, type Engine } from './harness.js';
import type { Book } from './health-book.js';
import { checkDeadline, EXPLAIN, REPEATS, s1 } from './health-options.js';
import { healthTimedDatabase, HealthTimings, type ChunkTiming } from './health-timing.js';

// ---------------------------------------------------------------------------------------------
// Machine accounting (noise on a shared machine: printed beside each timing)

/** CPU seconds used so far by all processes named `postgres` on this machine (null without /proc). */
export function postgresCpuSeconds(): number | null {
  if (!fs.existsSync('/proc')) return null;
  let total = 0;
  for (const s of postgresCpuByPid().values()) total += s;
  return total;
}
export type Cpu = { wallMs: number; nodeS: number; pgS: number | null; otherS: number | null };
export async function withCpu<T>(engine: Engine, fn: () => Promise<T>): Promise<{ value: T; cpu: Cpu }> {
  const pg0 = postgresCpuSeconds();
  const busy0 = machineBusySeconds();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const pg1 = postgresCpuSeconds();
  const busy1 = machineBusySeconds();
  const nodeS = (c.user + c.system) / 1e6;
  const pgAll = pg0 !== null && pg1 !== null ? pg1 - pg0 : null;
  const pgS = engine === 'postgres' ? pgAll : null;
  const otherS = busy0 !== null && busy1 !== null ? Math.max(0, busy1 - busy0 - nodeS - (pgS ?? 0)) : null;
  return { value, cpu: { wallMs, nodeS, pgS, otherS } };
}
export const cpuText = (c: Cpu) =>
  `node CPU ${c.nodeS.toFixed(1)} s${c.pgS !== null ? `, postgres CPU ${c.pgS.toFixed(1)} s` : ''}${c.otherS !== null ? `, rest of machine ${c.otherS.toFixed(1)} s` : ''}`;

// ---------------------------------------------------------------------------------------------
// Recompute vs scan

export const SCAN_SQL = 'SELECT account_id, sum(count) AS count, sum(users) AS users FROM usage_daily GROUP BY account_id';

export type RecomputeRun = { ms: number; cpu: Cpu; chunks: ChunkTiming[]; outsideMs: number };
export type RecomputeResult = { scans: { ms: number; cpu: Cpu; rows: number }[]; serialScan: Cpu | null; recomputes: RecomputeRun[]; bands: Record<string, number>; explain: string[] };

export async function recomputeVsScan(engine: Engine, database: Database, book: Book): Promise<RecomputeResult> {
  const timings = new HealthTimings();
  const chunkCount = Math.ceil(book.accounts.length / 2000);
  const health = createHealthService(healthTimedDatabase(database, timings, { sampleChunk: Math.floor(chunkCount / 2) }), null);
  const scans: RecomputeResult['scans'] = [];
  const recomputes: RecomputeRun[] = [];
  for (let i = 0; i < REPEATS; i++) {
    checkDeadline('scan');
    const scan = await withCpu(engine, () => database.query(SCAN_SQL));
    check(scan.value.rows.length === book.activeAccounts, `${engine} scan: ${scan.value.rows.length} groups, expected ${book.activeAccounts} accounts with usage`);
    scans.push({ ms: scan.cpu.wallMs, cpu: scan.cpu, rows: scan.value.rows.length });
    console.log(`  scan ${i + 1}/${REPEATS}: ${s1(scan.cpu.wallMs)} s, ${scan.value.rows.length} groups (${cpuText(scan.cpu)})`);

    checkDeadline('recompute');
    timings.reset();
    const rec = await withCpu(engine, () => health.startRecompute('bench'));
    const { rows: runs } = await database.query<{ status: string; done: number; total: number }>('SELECT status, done, total FROM health_runs WHERE id = $1', [rec.value]);
    check(runs[0]?.status === 'done' && runs[0].done === book.accounts.length, `${engine} recompute ${i + 1}: run ${JSON.stringify(runs[0])}`);
    recomputes.push({ ms: rec.cpu.wallMs, cpu: rec.cpu, chunks: timings.chunks, outsideMs: timings.outsideMs });
    console.log(`  recompute ${i + 1}/${REPEATS}: ${s1(rec.cpu.wallMs)} s, ${timings.chunks.length} chunks (${cpuText(rec.cpu)})`);
  }
  // For reference (not in the ratio): the same scan in one process, as the recompute's chunks run.
  let serialScan: Cpu | null = null;
  if (engine === 'postgres') {
    serialScan = (await withCpu(engine, () => database.transaction(async (tx) => {
      await tx.query('SET LOCAL max_parallel_workers_per_gather = 0');
      return tx.query(SCAN_SQL);
    }))).cpu;
    console.log(`  scan without parallel workers (reference): ${s1(serialScan.wallMs)} s (${cpuText(serialScan)})`);
  }
  const { rows: n } = await database.query<{ rows: number; accounts: number; missing: number }>(
    `SELECT (SELECT count(*) FROM account_health)::int AS rows, (SELECT count(*) FROM accounts)::int AS accounts,
            (SELECT count(*) FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM account_health h WHERE h.account_id = a.id))::int AS missing`,
  );
  check(n[0]?.rows === book.accounts.length && n[0].missing === 0, `${engine}: account_health has ${n[0]?.rows} rows for ${n[0]?.accounts} accounts (${n[0]?.missing} missing)`);
  const { rows: bandRows } = await database.query<{ k: string; n: number }>(`SELECT coalesce(band, state) AS k, count(*)::int AS n FROM account_health GROUP BY 1 ORDER BY 1`);
  const explain: string[] = [];
  if (EXPLAIN) {
    const plan = async (text: string, values: unknown[] = []) =>
      (await database.query<Record<string, string>>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values)).rows.map((r) => Object.values(r)[0] ?? '');
    explain.push('-- scan', ...(await plan(SCAN_SQL)));
    if (timings.sample) explain.push('-- one recompute chunk (measure statement)', ...(await plan(timings.sample.text, timings.sample.values)));
  }
  return { scans, serialScan, recomputes, bands: Object.fromEntries(bandRows.map((r) => [r.k, r.n])), explain };
}
