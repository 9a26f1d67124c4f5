import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, unique, type TestApp } from '../support/app.js';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';

/** Changing one's own password, and the forced change after a generated or reset password. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Headers = { cookie: string; 'x-csrf-token': string };
async function signInAs(email: string, password: string): Promise<{ headers: Headers; mustChangePassword: boolean }> {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress: `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === 'canopy_session')?.value ?? '';
  const body = res.json<{ csrfToken: string; mustChangePassword: boolean }>();
  return { headers: { cookie: `canopy_session=${cookie}`, 'x-csrf-token': body.csrfToken }, mustChangePassword: body.mustChangePassword };
}
const change = (headers: Record<string, string>, currentPassword: string, newPassword: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/password', headers, payload: { currentPassword, newPassword } });
const NEW = 'a brand new passphrase';

describe('POST /api/auth/password', () => {
  it('changes the password, ends the other sessions but not this one, and is audited', async () => {
    const me = await t.signIn('csm');
    const other = await signInAs(me.email, TEST_PASSWORD);
    const res = await change(me.headers, TEST_PASSWORD, NEW);
    expect(res.statusCode, res.body).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/accounts', headers: me.headers })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/accounts', headers: other.headers })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: me.email, password: TEST_PASSWORD }, remoteAddress: '10.8.0.1' })).statusCode).toBe(401);
    await signInAs(me.email, NEW);
    const { rows } = await t.database.query<{ action: string; changes: unknown }>(`SELECT action, changes FROM audit_log WHERE object_id = $1 AND action = 'user.change_password'`, [me.userId]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0]?.changes ?? null)).not.toContain(NEW);
  });

  it('refuses a wrong current password, a weak new one and the same one, changing nothing', async () => {
    const me = await t.signIn('viewer');
    const wrong = await change(me.headers, 'not my password', NEW);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'auth.wrong_password', fields: [{ path: 'currentPassword' }] });
    const weak = await change(me.headers, TEST_PASSWORD, ' '.repeat(12));
    expect(weak.statusCode).toBe(400);
    expect(JSON.stringify(weak.json())).toMatch(/blank/);
    const same = await change(me.headers, TEST_PASSWORD, TEST_PASSWORD);
    expect(same.statusCode).toBe(400);
    expect(same.json()).toMatchObject({ code: 'auth.weak_password', fields: [{ path: 'newPassword' }] });
    await signInAs(me.email, TEST_PASSWORD);
  });

  it('is for sessions, not API keys', async () => {
    const key = await t.restKey('admin');
    const res = await change({ authorization: `Bearer ${key}` }, TEST_PASSWORD, NEW);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'auth.session_only' });
  });
});

describe('must_change_password', () => {
  it('after a generated password: the session may only change it, then works normally', async () => {
    const admin = await t.signIn('admin');
    const email = `${unique('new')}@example.test`;
    const created = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin.headers, payload: { email, name: 'N', role: 'csm' } });
    const temporary = created.json<{ temporaryPassword: string }>().temporaryPassword;

    const s = await signInAs(email, temporary);
    expect(s.mustChangePassword).toBe(true);
    for (const [method, url] of [['GET', '/api/accounts'], ['GET', '/api/users'], ['POST', '/api/accounts']] as const) {
      const res = await t.app.inject({ method, url, headers: s.headers, ...(method === 'POST' ? { payload: { name: 'x' } } : {}) });
      expect(res.statusCode, url).toBe(403);
      expect(res.json()).toMatchObject({ code: 'auth.password_change_required' });
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: s.headers })).json()).toMatchObject({ mustChangePassword: true });

    expect((await change(s.headers, temporary, NEW)).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/accounts', headers: s.headers })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: s.headers })).json()).toMatchObject({ mustChangePassword: false });
    expect((await signInAs(email, NEW)).mustChangePassword).toBe(false);
  });

  it('after an admin reset too', async () => {
    const admin = await t.signIn('admin');
    const { user } = await t.app.services.users.create({ email: `${unique('r')}@example.test`, name: 'R', role: 'manager', password: TEST_PASSWORD }, SYSTEM_ACTOR);
    const reset = await t.app.inject({ method: 'POST', url: `/api/users/${user.id}/reset-password`, headers: admin.headers });
    const s = await signInAs(user.email, reset.json<{ temporaryPassword: string }>().temporaryPassword);
    expect(s.mustChangePassword).toBe(true);
    expect((await t.app.inject({ method: 'GET', url: '/api/audit', headers: s.headers })).json()).toMatchObject({ code: 'auth.password_change_required' });
  });
});
