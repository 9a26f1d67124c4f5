import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, unique, type TestApp } from '../../test/support/app.js';
import { SYSTEM_ACTOR } from './principal.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ CANOPY_LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', CANOPY_LOGIN_MAX_FAILURES_PER_IP: '8' });
});
afterAll(() => t.close());

const login = (email: string, password: string, ip = '10.0.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress: ip });

describe('sign-in and sessions', () => {
  it('sets an HttpOnly SameSite cookie and stores only a hash of it', async () => {
    const s = await t.signIn('csm');
    const token = s.headers.cookie.split('=')[1] ?? '';
    const res = await login(s.email, TEST_PASSWORD);
    const cookie = res.cookies.find((c) => c.name === 'canopy_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const stored = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions WHERE token_hash = $1', [token]);
    expect(stored.rows[0]?.n).toBe(0);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.headers.cookie } })).json()).toMatchObject({ user: { email: s.email } });
  });

  it('stores argon2id password hashes', async () => {
    const s = await t.signIn('viewer');
    const { rows } = await t.database.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [s.userId]);
    expect(rows[0]?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('rejects a wrong password with 401 and the same answer for an unknown e-mail', async () => {
    const s = await t.signIn('csm');
    const wrong = await login(s.email, 'not the password', '10.1.0.1');
    const unknown = await login('nobody@example.test', 'whatever', '10.1.0.2');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
  });

  it('kills the session at logout', async () => {
    const s = await t.signIn('csm');
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: s.headers })).statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/accounts', headers: s.headers });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ code: 'auth.required' });
  });

  it('expires a session after the idle time and after the absolute lifetime', async () => {
    const idle = await t.signIn('csm');
    const max = await t.signIn('csm');
    expect((await t.app.inject({ method: 'GET', url: '/api/accounts', headers: idle.headers })).statusCode).toBe(200);
    await t.database.query(`UPDATE sessions SET last_seen_at = now() - interval '13 hours' WHERE user_id = $1`, [idle.userId]);
    await t.database.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [max.userId]);
    expect((await t.app.inject({ method: 'GET', url: '/api/accounts', headers: idle.headers })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/accounts', headers: max.headers })).statusCode).toBe(401);
  });

  it('ends the sessions of a deactivated user', async () => {
    const admin = await t.signIn('admin');
    const victim = await t.signIn('csm');
    const res = await t.app.inject({ method: 'PATCH', url: `/api/users/${victim.userId}`, headers: admin.headers, payload: { active: false } });
    expect(res.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/accounts', headers: victim.headers })).statusCode).toBe(401);
    expect((await login(victim.email, TEST_PASSWORD, '10.2.0.1')).statusCode).toBe(401);
  });

  it('refuses cookie-authenticated writes without the CSRF token', async () => {
    const s = await t.signIn('manager');
    const payload = { name: unique('csrf') };
    const none = await t.app.inject({ method: 'POST', url: '/api/accounts', headers: { cookie: s.headers.cookie }, payload });
    expect(none.statusCode).toBe(403);
    expect(none.json()).toMatchObject({ code: 'auth.csrf' });
    const wrong = await t.app.inject({ method: 'POST', url: '/api/accounts', headers: { cookie: s.headers.cookie, 'x-csrf-token': 'x' }, payload });
    expect(wrong.statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/accounts', headers: s.headers, payload })).statusCode).toBe(201);
  });

  it('rate-limits failed sign-ins per account with a clear 429 and Retry-After', async () => {
    const email = `${unique('victim')}@example.test`;
    await t.app.services.users.create({ email, name: 'V', role: 'csm', password: TEST_PASSWORD }, SYSTEM_ACTOR);
    for (let i = 0; i < 3; i++) expect((await login(email, 'bad password', `10.3.0.${i}`)).statusCode).toBe(401);
    const limited = await login(email, TEST_PASSWORD, '10.3.0.9');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'auth.rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('rate-limits failed sign-ins per IP across accounts', async () => {
    const ip = '10.4.0.1';
    for (let i = 0; i < 8; i++) await login(`${unique('spray')}@example.test`, 'x', ip);
    const s = await t.signIn('csm');
    expect((await login(s.email, TEST_PASSWORD, ip)).statusCode).toBe(429);
    expect((await login(s.email, TEST_PASSWORD, '10.4.0.2')).statusCode).toBe(200);
  });

  it('accepts REST keys as bearer tokens, stored hashed, and refuses revoked ones', async () => {
    const key = await t.restKey('viewer');
    expect((await t.app.inject({ method: 'GET', url: '/api/accounts', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(200);
    const { rows } = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM api_keys WHERE key_hash = $1 OR prefix = $1', [key]);
    expect(rows[0]?.n).toBe(0);
    await t.database.query(`UPDATE api_keys SET revoked_at = now() WHERE prefix = $1`, [key.slice(0, 12)]);
    const revoked = await t.app.inject({ method: 'GET', url: '/api/accounts', headers: { authorization: `Bearer ${key}` } });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json()).toMatchObject({ code: 'auth.invalid_api_key' });
  });

  it('sends security headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  });
});
