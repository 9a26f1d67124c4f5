// Measurement helpers of the ingest benchmark: wall clock, CPU (this process, PostgreSQL, the rest
// of the machine), event-loop utilisation, peak memory, a client pool, and the server's errors.
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pino, type Logger } from 'pino';
import { machineBusySeconds, type Engine } from './harness.js';
import { checkDeadline, LOG_LEVEL } from './ingest-options.js';

export type MemPeak = { startRss: number; peakRss: number; startHeap: number; peakHeap: number };
export function memorySampler(): { stop(): MemPeak } {
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
export function cpuSecondsOf(pids: Iterable<number>): Map<number, number> {
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
export function setOurPostgresPids(f: (() => Promise<number[]>) | null): void {
  ourPostgresPids = f;
}

export type ClientStats = { retries: number; errors: Map<string, number>; buildMs: number };
export const newClientStats = (): ClientStats => ({ retries: 0, errors: new Map(), buildMs: 0 });


export type PhaseResult = {
  engine: Engine; phase: string; events: number; wallMs: number; latencies: number[]; mem: MemPeak;
  nodeCpuS: number; pgCpuS: number | null; otherCpuS: number | null; elu: number; client?: ClientStats;
  kind?: 'ingest' | 'copy' | 'insert' | 'insert-1'; serverErrors: Map<string, number>;
};

export const rate = (r: PhaseResult) => r.events / (r.wallMs / 1000);
export const mib = (bytes: number) => bytes / 1024 / 1024;

/** Runs fn and records wall clock, node CPU, postgres CPU, event-loop utilisation and peak memory. */
export async function measure(engine: Engine, phase: string, events: number, fn: (latencies: number[]) => Promise<void>): Promise<PhaseResult> {
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
export async function pool(n: number, clients: number, task: (i: number) => Promise<void>): Promise<void> {
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
export let serverErrors = new Map<string, number>();
export function serverLogger(): Logger {
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
