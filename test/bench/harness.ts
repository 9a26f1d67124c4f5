// What every benchmark script needs and nothing product-specific: options from --flags or
// environment variables, a loopback-only guard, checks and a time limit, quantiles, machine
// CPU accounting, the banner facts, and a runner that always cleans up and always stops.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

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
