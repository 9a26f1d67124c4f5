import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, unique, type TestApp } from '../support/app.js';
import { passwordProblem } from '../../src/auth/password-policy.js';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import { loadConfig } from '../../src/config.js';
import { bootstrapAdmin } from '../../src/users/bootstrap.js';
import { createTestDatabase } from '../support/db.js';

/** One password policy: the users API, the CLI, the bootstrap admin and the queries all refuse the same passwords. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const WEAK: [string, RegExp][] = [
  ['a', /at least 12 characters/],
  [' '.repeat(12), /blank/],
  ['\u0000'.repeat(12), /control characters/],
  ['long enough\u0000but nul', /control characters/],
  ['tab\tinside it ok', /control characters/],
  ['password1234', /common/],
  ['QwErTy123456', /common/],
  ['😀'.repeat(11), /at least 12/],
];

describe('passwordProblem', () => {
  it.each(WEAK)('refuses %j, naming the rule', (pw, rule) => {
    expect(passwordProblem(pw)).toMatch(rule);
  });
  it('accepts the test password and a long passphrase with spaces inside', () => {
    expect(passwordProblem(TEST_PASSWORD)).toBeNull();
    expect(passwordProblem('  my long passphrase  ')).toBeNull();
  });
});

describe('everywhere a password is chosen', () => {
  it('the users API answers 400 with the rule in the field message, and creates nobody', async () => {
    const admin = await t.signIn('admin');
    for (const [pw, rule] of WEAK) {
      const email = `${unique('weak')}@example.test`;
      const res = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin.headers, payload: { email, name: 'W', role: 'csm', password: pw } });
      expect(res.statusCode, JSON.stringify(pw)).toBe(400);
      const body = res.json() as { fields: { path: string; message: string }[] };
      expect(body.fields.find((f) => f.path.endsWith('password'))?.message).toMatch(rule);
      expect(await t.app.services.users.findForLogin(email)).toBeNull();
    }
  });

  it('the queries refuse it too (what the CLI and bootstrap call)', async () => {
    await expect(t.app.services.users.create({ email: `${unique('q')}@example.test`, name: 'Q', role: 'csm', password: ' '.repeat(12) }, SYSTEM_ACTOR))
      .rejects.toMatchObject({ code: 'auth.weak_password', fields: [{ path: 'password' }] });
  });

  it('the bootstrap admin refuses a weak CANOPY_ADMIN_PASSWORD by name', async () => {
    const { database, drop } = await createTestDatabase();
    try {
      const config = loadConfig({ LOG_LEVEL: 'silent', CANOPY_ADMIN_PASSWORD: 'password1234' });
      await expect(bootstrapAdmin(database, config)).rejects.toThrow(/CANOPY_ADMIN_PASSWORD is one of the most common/);
      expect((await database.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]?.n).toBe(0);
    } finally {
      await drop();
    }
  });

  it('canopy create-user --password a fails with the rule and creates nobody', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-pw-'));
    const env = { ...process.env, CANOPY_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'warn' };
    const res = await promisify(execFile)(process.execPath, [path.resolve('bin/canopy.js'), 'create-user', '--email', 'a@b.test', '--name', 'A', '--password', 'a'], { env })
      .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('--password must be at least 12 characters long');
  }, 60_000);
});
