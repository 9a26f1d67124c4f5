// What every benchmark script needs and nothing product-specific: options from --flags or
// environment variables, a loopback-only guard, checks and a time limit, quantiles, machine
// CPU accounting, the banner facts, and a runner that always cleans up and always stops.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

export type Engine = 'postgres' | 'pglite';

const flags = new Map<string, string>();
for (const arg of process.argv.slice(2)) {
  const m = /^--([\w-]+)=(.*)$/.exec(arg);
  if (!m || m[1] === undefined || m[2] === undefined) throw new Error(`unknown argument ${arg} (use --name=value)`);
  flags.set(m[1], m[2]);
}

/** `--flag=value` or the environment variable; empty means unset. */
export function opt(flag: string, env: string): string | undefined {
  const v = flags.get(flag) ?? process.env[env];
  return v === undefined || v === '' ? undefined : v;
}

export function numOpt(flag: string, env: string, fallback: number, min: number, max: number, integer = true): number {
  const raw = opt(flag, env);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    throw new Error(`${env} / --${flag}: expected ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${raw}`);
  }
  return n;
}

export const intOpt = (flag: string, env: string, fallback: number, min = 1, max = 10_000_000) => numOpt(flag, env, fallback, min, max);

export function engineList(): Engine[] {
  const engines = (opt('engines', 'BENCH_ENGINES') ?? 'postgres,pglite').split(',').map((s) => s.trim()).filter(Boolean);
  for (const e of engines) if (e !== 'postgres' && e !== 'pglite') throw new Error(`BENCH_ENGINES: unknown engine ${e}`);
  return engines as Engine[];
}

/** Benchmarks send traffic to this machine only. */
export function assertLoopback(url: string, engines: Engine[]): void {
  const host = new URL(url).hostname;
  if (engines.includes('postgres') && !['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) {
    throw new Error(`BENCH_PG_URL must point at a loopback server (127.0.0.1/localhost), got ${host}`);
  }
}

export class BenchTimeout extends Error {}
export class CheckFailed extends Error {}
export function check(cond: boolean, message: string): asserts cond {
  if (!cond) throw new CheckFailed(message);
}

/** A time limit for the whole run; `checkDeadline` throws BenchTimeout past it. */
export function deadlineOf(timeoutS: number) {
  const runStartedAt = Date.now();
  const deadline = runStartedAt + timeoutS * 1000;
  return {
    runStartedAt,
    checkDeadline(what: string) {
      if (Date.now() > deadline) throw new BenchTimeout(`time limit of ${timeoutS} s reached during ${what}`);
    },
  };
}

/** Nearest-rank quantile of an ascending list. */
export const quantile = (sorted: number[], q: number) => {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
};

/** Busy CPU seconds of the whole machine so far (all cores, from /proc/stat), or null. */
export function machineBusySeconds(): number | null {
  try {
    const v = (fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    return (v.slice(0, 8).reduce((a, x) => a + x, 0) - (v[3] ?? 0) - (v[4] ?? 0)) / 100; // minus idle and iowait
  } catch {
    return null;
  }
}

/** What was measured: the commit (and uncommitted changes under src/) and the PGlite version. */
export function runFacts(): { commit: string; pglite: string } {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string };
  let commit = 'unknown commit';
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: new URL('../..', import.meta.url), encoding: 'utf8' }).trim();
    const changed = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).length;
    commit = `commit ${git('rev-parse', '--short', 'HEAD')}${changed ? ` + ${changed} uncommitted change(s) under src/` : ''}`;
  } catch {
    // not a git checkout
  }
  return { commit, pglite: pkg.version };
}

/**
 * Runs `main`, then the cleanups (newest first), then exits: on success, on failure, on
 * SIGINT/SIGTERM, and at the latest `graceMs` after the time limit.
 */
export function runBenchmark(main: () => Promise<number>, opts: { timeoutS: number; graceMs: number; cleanups: (() => Promise<unknown>)[] }): void {
  let exiting = false;
  const finish = async (code: number) => {
    if (exiting) return;
    exiting = true;
    for (const c of opts.cleanups.splice(0).reverse()) await c().catch((err: unknown) => console.error(`cleanup failed: ${String(err)}`));
    process.exit(code);
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      console.error(`\n${sig}: cleaning up`);
      void finish(130);
    });
  }
  const hardStop = setTimeout(() => {
    console.error(`benchmark exceeded ${opts.timeoutS} s; stopping`);
    void finish(2);
  }, opts.timeoutS * 1000 + opts.graceMs);
  hardStop.unref();
  main().then(
    (code) => finish(code),
    (err: unknown) => {
      if (err instanceof CheckFailed) console.error(`\nCHECK FAILED: ${err.message}`);
      else if (err instanceof BenchTimeout) console.error(`\nTIMEOUT: ${err.message}`);
      else console.error(err);
      return finish(err instanceof BenchTimeout ? 2 : 1);
    },
  );
}

/** CPU seconds used so far by each process named `postgres` on this machine (from /proc), by pid. */
export function postgresCpuByPid(): Map<number, number> {
  const out = new Map<number, number>();
  try {
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
      const f = stat.slice(close + 2).split(' ');
      // utime + stime + cutime + cstime (the postmaster's share of children that already exited)
      out.set(Number(pid), (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100);
    }
  } catch {
    // no /proc
  }
  return out;
}

export type Cpu = { wallMs: number; nodeS: number; pgS: number | null; otherS: number | null };

/**
 * Starts a CPU meter. Call the result to get wall time, this process's CPU, PostgreSQL's (all
 * `postgres` processes, or only the given backend pids, e.g. those serving the benchmark's
 * database) and the rest of the machine's (busy time minus the two).
 */
export function cpuMeter(engine: Engine): (pgPids?: number[]) => Cpu {
  const pg0 = engine === 'postgres' ? postgresCpuByPid() : new Map<number, number>();
  const busy0 = machineBusySeconds();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  return (pgPids) => {
    const wallMs = performance.now() - t0;
    const c = process.cpuUsage(c0);
    const busy1 = machineBusySeconds();
    const nodeS = (c.user + c.system) / 1e6;
    let pgS: number | null = null;
    if (engine === 'postgres') {
      const pg1 = postgresCpuByPid();
      const pids = pgPids ?? [...pg1.keys()];
      pgS = pids.reduce((a, pid) => a + (pg1.get(pid) ?? 0) - (pg0.get(pid) ?? 0), 0);
    }
    const otherS = busy0 !== null && busy1 !== null ? Math.max(0, busy1 - busy0 - nodeS - (pgS ?? 0)) : null;
    return { wallMs, nodeS, pgS, otherS };
  };
}

/** A fresh database `<prefix><random>` on the server at `serverUrl`; `drop` removes it (idempotent, forced). */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `${prefix}${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await c.end();
    }
  };
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop };
}

/** Least-squares slope of a backlog series over [from, to] seconds, per second (null: too few points). */
export function slope(points: { t: number; n: number }[], from = -Infinity, to = Infinity): number | null {
  const pts = points.filter((b) => b.t >= from && b.t <= to);
  if (pts.length < 5) return null;
  const mx = pts.reduce((a, p) => a + p.t, 0) / pts.length;
  const my = pts.reduce((a, p) => a + p.n, 0) / pts.length;
  const num = pts.reduce((a, p) => a + (p.t - mx) * (p.n - my), 0);
  const den = pts.reduce((a, p) => a + (p.t - mx) ** 2, 0);
  return den > 0 ? num / den : null;
}

/**
 * Posts one Segment batch body to `url`, resending a 5xx or a network failure up to `retries` times
 * (backing off 50 ms × attempt); other answers are not resent. Every failed attempt is counted in
 * `errors` by its status and the start of its body. `accepted` is null when no attempt got a 200.
 */
export async function postBatch(url: string, auth: string, body: string, retries: number, errors: Map<string, number>): Promise<{ accepted: number | null; resent: number }> {
  let resent = 0;
  for (let attempt = 0; ; attempt++) {
    let status = 0;
    let text = '';
    try {
      const res = await fetch(url, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(60_000) });
      status = res.status;
      text = await res.text();
    } catch (err) {
      text = String(err);
    }
    if (status === 200) return { accepted: (JSON.parse(text) as { accepted?: number }).accepted ?? 0, resent };
    const label = `HTTP ${status} ${text.slice(0, 120)}`;
    errors.set(label, (errors.get(label) ?? 0) + 1);
    if ((status < 500 && status !== 0) || attempt >= retries) return { accepted: null, resent };
    resent++;
    await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
  }
}
