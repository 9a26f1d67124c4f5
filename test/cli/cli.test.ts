import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = path.resolve('bin/canopy.js');
const env = (dataDir: string) => ({ ...process.env, CANOPY_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' });

describe('canopy CLI', () => {
  it('documents each command with --help', async () => {
    // Each process transpiles the CLI's module graph (a few seconds on a busy machine): run them side by side.
    const cmds = ['start', 'worker', 'migrate', 'seed-demo', 'create-user', 'create-api-key', 'backfill-health'];
    const outs = await Promise.all(cmds.map((cmd) => run(process.execPath, [BIN, cmd, '--help'])));
    cmds.forEach((cmd, i) => expect(outs[i]?.stdout, cmd).toContain(`Usage: canopy ${cmd}`));
  }, 60_000);

  it('creates a write key and prints it alone on its last line; rejects an unknown role', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-cli-'));
    const { stdout } = await run(process.execPath, [BIN, 'create-api-key', '--kind', 'write', '--name', 'segment-prod'], { env: env(dir) });
    const last = stdout.trim().split('\n').pop() ?? '';
    expect(last).toMatch(/^cnp_w_[A-Za-z0-9_-]{40,}$/);
    const bad = await run(process.execPath, [BIN, 'create-api-key', '--kind', 'rest', '--name', 'x', '--role', 'owner'], { env: env(dir) }).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(1);
    expect((bad as { stderr: string }).stderr).toContain('Allowed choices are admin, manager, viewer');
  }, 60_000);

  it('loads a small demo with its health history, back-fills on demand with progress, and refuses a bad --days', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-cli-'));
    const demo = await run(process.execPath, [BIN, 'seed-demo', '--accounts', '12'], { env: env(dir) });
    expect(demo.stdout).toMatch(/Health history back-filled: (\d+)\/\1 account-days \(90 days\) in \d+ ms\./);
    // How to sign in to the demo, once: one password, a CSM's and a manager's e-mail (issue 9 §8).
    expect(demo.stdout).toMatch(/Demo sign-in \(demo users only; shown once, write it down\): password demo-\S{16}\n {2}as a CSM: +\S+@canopy\.example\n {2}as a manager: +\S+@canopy\.example/);
    const { stdout } = await run(process.execPath, [BIN, 'backfill-health', '--days', '7'], { env: env(dir) });
    const m = /Health history back-filled: (\d+)\/(\d+) account-days \(7 days\)/.exec(stdout);
    expect(m?.[1]).toBe(m?.[2]);
    expect(Number(m?.[1])).toBeGreaterThan(12 * 5);
    const bad = await run(process.execPath, [BIN, 'backfill-health', '--days', '400'], { env: env(dir) }).catch((e: unknown) => e);
    expect(out(bad)).toContain('--days must be a whole number from 1 to 365');
  }, 120_000);

  it('stops with a clear message instead of opening a data folder another process holds', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-cli-'));
    // A live process that holds the lock: start the server on a free port.
    const server = spawn(process.execPath, [BIN, 'start', '--no-worker'], { env: { ...env(dir), PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        server.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('Canopy is running')) resolve();
        });
        server.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
        setTimeout(() => reject(new Error(`server did not start: ${out}`)), 45_000);
      });
      expect(out(await run(process.execPath, [BIN, 'create-user', '--email', 'a@b.test', '--name', 'A'], { env: env(dir) }).catch((e: unknown) => e))).toMatch(
        /in use by another Canopy process \(pid \d+\)[\s\S]*Stop that process first/,
      );
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.on('exit', r));
    }
    expect(fs.existsSync(path.join(dir, 'canopy.pid'))).toBe(false);
  }, 90_000);
});

function out(result: unknown): string {
  const r = result as { stdout?: string; stderr?: string; code?: number };
  expect(r.code).toBe(1);
  return `${r.stdout ?? ''}${r.stderr ?? ''}`;
}
