import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.js';
import { seedDemo } from './seed.js';
import { demoSignInLines, giveDemoPasswords } from './sign-in.js';

/** Issue 9 §8: the demo can be signed in to as a CSM and as a manager, with the password it prints. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const login = (email: string, password: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });

describe('demo sign-in', () => {
  it('seedDemo alone leaves demo users without a password; giveDemoPasswords gives them the printed one, no change required', async () => {
    const s = await seedDemo(t.database, { accounts: 3, days: 3 });
    const csm = s.people.find((p) => p.role === 'csm');
    const manager = s.people.find((p) => p.role === 'manager');
    expect(csm && manager).toBeTruthy();
    const { rows } = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE email = ANY ($1::text[]) AND password_hash IS NOT NULL', [s.people.map((p) => p.email)]);
    expect(rows[0]?.n).toBe(0);

    const { password, users } = await giveDemoPasswords(t.database, s.people.map((p) => p.email));
    expect(users).toBe(s.people.length);
    const lines = demoSignInLines(s.people, password);
    expect(lines.join('\n')).toContain(password);
    expect(lines.join('\n')).toContain(`as a CSM:     ${csm?.email}`);
    expect(lines.join('\n')).toContain(`as a manager: ${manager?.email}`);

    for (const who of [csm, manager]) {
      const res = await login(who?.email ?? '', password);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ mustChangePassword: false, user: { role: who?.role } });
    }
    // Loading again does not change a password someone already has.
    expect((await giveDemoPasswords(t.database, s.people.map((p) => p.email))).users).toBe(0);
    expect((await login(csm?.email ?? '', password)).statusCode).toBe(200);
  });

  it('refuses a demo password the policy would refuse', async () => {
    await expect(giveDemoPasswords(t.database, [], 'short')).rejects.toMatchObject({ code: 'auth.weak_password' });
  });
});
