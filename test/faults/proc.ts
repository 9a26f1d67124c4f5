import { spawn, execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * Real `canopy` processes for the fault scripts: spawned through bin/canopy.js (the same tsx
 * entry the README documents), each writing its output to a log file so that a violation can be
 * explained afterwards with the process's own lines.
 */

const BIN = path.resolve('bin/canopy.js');
const run = promisify(execFile);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const rand = (min: number, max: number) => min + Math.random() * (max - min);

/** A port nobody listens on right now. Kept for every restart so clients keep one URL. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export type Env = Record<string, string>;

/** The environment every canopy child gets: ours, minus anything that would point it elsewhere. */
export function baseEnv(extra: Env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', NODE_ENV: 'production' };
  delete env.DATABASE_URL;
  delete env.CANOPY_DATA_DIR;
  delete env.CANOPY_SMTP_URL;
  delete env.CANOPY_OUTBOUND_ALLOW;
  return { ...env, ...extra };
}

/** Runs a one-shot canopy command (migrate, create-api-key) and returns its stdout; throws with its output on failure. */
export async function canopy(args: string[], env: Env): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, [BIN, ...args], { env: baseEnv(env), timeout: 120_000 });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`canopy ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/** The key printed alone on the last line by `canopy create-api-key`. */
export async function createKey(args: string[], env: Env): Promise<string> {
  const out = await canopy(['create-api-key', ...args], env);
  const key = out.trim().split('\n').pop()?.trim() ?? '';
  if (!/^cnp_[wr]_/.test(key)) throw new Error(`create-api-key printed no key on its last line:\n${out}`);
  return key;
}

/** Every child still running, so that an interrupted harness (Ctrl+C, CI timeout) leaves none behind. */
const live = new Set<ChildProcess>();
export function killAllChildren() {
  for (const c of live) c.kill('SIGKILL');
}

const READY: Record<string, string> = { start: 'Canopy is running at', worker: 'Canopy worker running' };

/**
 * A long-running canopy process (start or worker) that can be SIGKILLed and started again with
 * the same arguments and port. `unexpectedExits` counts deaths the harness did not cause.
 */
export class CanopyProcess {
  private child: ChildProcess | null = null;
  private generation = 0;
  private readonly log: fs.WriteStream;
  /** Deaths the harness did not cause, after the process was ready (a failed start is reported by restart()). */
  unexpectedExits = 0;
  /** What each of those incarnations logged last. */
  exitNotes: string[] = [];
  kills = 0;
  starts = 0;

  constructor(
    readonly name: string,
    private readonly args: string[],
    private readonly env: Env,
    readonly logFile: string,
  ) {
    this.log = fs.createWriteStream(logFile, { flags: 'a' });
  }

  get pid() {
    return this.child?.pid;
  }

  get alive() {
    return this.child !== null;
  }

  /** Starts the process and resolves once it printed its ready line (rejects if it dies first or takes over `timeoutMs`). */
  async start(timeoutMs = 120_000): Promise<void> {
    const gen = ++this.generation;
    this.starts++;
    this.log.write(`\n----- [harness] start #${this.starts} ${new Date().toISOString()} -----\n`);
    const child = spawn(process.execPath, [BIN, ...this.args], { env: baseEnv(this.env), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    live.add(child);
    child.once('exit', () => live.delete(child));
    const ready = READY[this.args[0] ?? ''] ?? '';
    await new Promise<void>((resolve, reject) => {
      let out = '';
      let done = false;
      const timer = setTimeout(() => {
        // Killed so that a retry never runs beside it (two servers on one PGlite folder would refuse to start).
        child.kill('SIGKILL');
        finish(new Error(`${this.name} not ready after ${timeoutMs} ms (log: ${this.logFile})`));
      }, timeoutMs);
      const finish = (err?: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      const onData = (d: Buffer) => {
        this.log.write(d);
        if (!done) {
          out += d.toString();
          if (out.includes(ready)) finish();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (d: Buffer) => this.log.write(d));
      child.on('exit', (code, signal) => {
        this.log.write(`\n----- [harness] exit code=${code} signal=${signal} ${new Date().toISOString()} -----\n`);
        if (gen === this.generation) {
          this.child = null;
          // A SIGKILL we sent is expected; anything else (a crash, an exit) is the process's own doing.
          if (signal !== 'SIGKILL' && done) {
            this.unexpectedExits++;
            setTimeout(() => this.exitNotes.push(`code ${code}, signal ${signal}: ${this.errorLines(3).join(' / ')}`), 200);
          }
        }
        finish(new Error(`${this.name} exited before it was ready (code ${code}, signal ${signal}; log: ${this.logFile})`));
      });
    });
  }

  /**
   * Starts again after a fault. A start that fails (the process exits before it is ready) is
   * returned as a message for the report, and retried: the scenario keeps measuring the rest.
   */
  async restart(attempts = 3): Promise<string[]> {
    const failures: string[] = [];
    for (let i = 0; i < attempts; i++) {
      try {
        await this.start();
        return failures;
      } catch (err) {
        failures.push(`${this.name} failed to start: ${(err as Error).message}; ${this.errorLines(2).join(' / ')}`);
      }
    }
    throw new Error(failures.join('\n'));
  }

  /** SIGKILL (no clean-up, no lock release) and wait until the process is gone. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.kills++;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGKILL');
    await gone;
  }

  /** Sends a signal the process handles itself (SIGUSR2: the fault-injection hook of `canopy start`). */
  signal(sig: NodeJS.Signals): void {
    this.child?.kill(sig);
  }

  /** A clean stop (SIGTERM), falling back to SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.generation++; // an exit from here on is ours, not unexpected
    this.child = null;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(t);
    this.log.end();
  }

  /**
   * What the last incarnation said that matters for a report: error and fatal lines (pino level
   * >= 50) and thrown errors, else its first lines (a CLI error such as `user.email_taken: …`).
   */
  errorLines(max = 6): string[] {
    let text = '';
    try {
      text = fs.readFileSync(this.logFile, 'utf8');
    } catch {
      return [];
    }
    const last = text.slice(text.lastIndexOf('----- [harness] start')).split('\n').slice(1).filter((l) => l.trim() && !l.startsWith('----- [harness]'));
    const errors = last.filter((l) => /"level":(50|60)|Error\b|error:|FATAL|Unhandled/.test(l) && !/^\s+at /.test(l));
    return (errors.length ? errors.slice(-max) : last.slice(0, 3)).map((l) => (l.length > 400 ? `${l.slice(0, 400)}…` : l));
  }
}
