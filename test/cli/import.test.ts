import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const BIN = path.resolve('bin/canopy.js');
// One data folder for the whole file: the first run migrates it, the others reuse it (runs are in order).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-import-cli-'));
const env = { ...process.env, CANOPY_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'warn' };

type Result = { code: number; stdout: string; stderr: string };
async function canopyImport(args: string[]): Promise<Result> {
  try {
    const r = await exec(process.execPath, [BIN, 'import', ...args], { env });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const r = e as { code: number; stdout: string; stderr: string };
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  }
}
function csv(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('canopy import', () => {
  it('refuses (exit 2) a date column whose format the file cannot tell, without a mapping, and writes nothing', async () => {
    const file = csv('ambiguous.csv', 'name,domain,renewal_date\nAmbi,ambi.test,03/04/2027\nBigu,bigu.test,05/06/2027\n');
    const r = await canopyImport(['--kind', 'accounts', file]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('Column "renewal_date": its date format is ambiguous');
    expect(r.stderr).toContain('--mapping FILE');
    expect(fs.readdirSync(path.join(dir, 'imports'))).toEqual([]);
  }, 180_000);

  it('imports an accounts file: exit 0, the counts printed, progress on stderr', async () => {
    const file = csv('accounts.csv', 'account_name,domain,mrr_amount,renewal_date\nAcme,acme.test,"$1,000.00",2027-01-31\nBeta,beta.test,250,2027-02-28\n');
    const r = await canopyImport(['--kind', 'accounts', file]);
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/succeeded in .*: 2 rows; 2 created, 0 updated, 0 skipped, 0 errors\./);
    expect(r.stderr).toMatch(/Importing: 2 rows, .* rows\/s, .* left/);
    // on error stop checks the whole file first: a short run still shows both phases (not only what a 3 s throttle let through)
    expect(r.stderr).toMatch(/Checking: 2 rows, /);
    // Copied into the imports folder, as an upload is.
    expect(fs.readdirSync(path.join(dir, 'imports'))).toHaveLength(1);
  }, 180_000);

  it('--dry-run writes nothing: the same file then creates its account for real in create mode', async () => {
    const file = csv('gamma.csv', 'name,domain\nGamma,gamma.test\n');
    const dry = await canopyImport(['--kind', 'accounts', '--dry-run', '--mode', 'create', file]);
    expect(dry.code, `${dry.stdout}${dry.stderr}`).toBe(0);
    expect(dry.stdout).toContain('(dry run: nothing written)');
    expect(dry.stdout).toContain('1 created');
    const real = await canopyImport(['--kind', 'accounts', '--mode', 'create', file]);
    expect(real.code, `${real.stdout}${real.stderr}`).toBe(0);
    expect(real.stdout).toMatch(/1 rows; 1 created, 0 updated, 0 skipped, 0 errors/);
  }, 180_000);

  it('a bad row with --on-error skip: the good rows go in, exit 1, the error printed with its row and column', async () => {
    const mapping = csv('mapping.json', JSON.stringify({ columns: { name: { field: 'name' }, domain: { field: 'domain' }, arr: { field: 'arr' } } }));
    const file = csv('bad.csv', 'name,domain,arr\nDelta,delta.test,1200\nEpsilon,epsilon.test,lots\n');
    const r = await canopyImport(['--kind', 'accounts', '--on-error', 'skip', '--mapping', mapping, file]);
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(1);
    expect(r.stdout).toContain('1 created, 0 updated, 0 skipped, 1 error.');
    expect(r.stdout).toMatch(/row 2, column "arr": "lots" is not an amount/);
    expect(r.stdout).toMatch(/GET \/api\/imports\/[0-9a-f-]{36}\/errors\.csv/);
  }, 180_000);
});
