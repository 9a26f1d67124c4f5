import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, unique, type TestApp } from '../support/app.js';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';

/**
 * Sign-in throttling (src/auth/throttle.ts): atomic under concurrency, a growing delay per account
 * instead of a lock-out, and a known browser that an attacker elsewhere cannot slow down.
 * Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL (real concurrent connections).
 */
const LIMIT = 5;
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ CANOPY_LOGIN_MAX_FAILURES_PER_ACCOUNT: String(LIMIT), CANOPY_LOGIN_MAX_FAILURES_PER_IP: '1000' });
});
afterAll(() => t.close());

let ipCounter = 0;
const freshIp = () => `10.77.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;
const login = (email: string, password: string, opts: { ip?: string; cookie?: string } = {}) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress: opts.ip ?? freshIp(), ...(opts.cookie ? { headers: { cookie: opts.cookie } } : {}) });
async function user() {
  const email = `${unique('u')}@example.test`;
  await t.app.services.users.create({ email, name: 'U', role: 'csm', password: TEST_PASSWORD }, SYSTEM_ACTOR);
  return email;
}
const deviceCookieOf = (res: Awaited<ReturnType<typeof login>>) => {
  const c = res.cookies.find((x) => x.name === 'canopy_device');
  if (!c) throw new Error('no device cookie');
  expect(c).toMatchObject({ httpOnly: true, path: '/api/auth' });
  return `canopy_device=${c.value}`;
};
/** Moves the account's last admitted try into the past, as if that much time had passed. */
const age = (email: string, secs: number) =>
  t.database.query(`UPDATE login_failures SET window_start = window_start - make_interval(secs => $2) WHERE key = $1`, [`email:${email}`, secs]);

describe('sign-in throttle', () => {
  it('50 concurrent wrong passwords get at most the limit of real checks', async () => {
    const email = await user();
    const results = await Promise.all(Array.from({ length: 50 }, () => login(email, 'wrong password guess')));
    const codes = results.map((r) => r.statusCode);
    // 401 comes only after a real password check; 429 is refused before it.
    expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(LIMIT);
    expect(codes.filter((c) => c === 401).length).toBeGreaterThan(0);
    expect(codes.filter((c) => c === 429).length).toBe(50 - codes.filter((c) => c === 401).length);
    const { rows } = await t.database.query<{ failures: number }>('SELECT failures FROM login_failures WHERE key = $1', [`email:${email}`]);
    expect(rows[0]?.failures).toBe(codes.filter((c) => c === 401).length);
  });

  it('lets the right password in from a known browser while the account is attacked from elsewhere', async () => {
    const email = await user();
    const first = await login(email, TEST_PASSWORD);
    expect(first.statusCode).toBe(200);
    const device = deviceCookieOf(first);
    const session = first.cookies.find((c) => c.name === 'canopy_session')?.value ?? '';

    for (let i = 0; i < LIMIT + 3; i++) await login(email, 'attacker guess ' + i);
    const unknown = await login(email, TEST_PASSWORD);
    expect(unknown.statusCode).toBe(429);
    expect(unknown.json()).toMatchObject({ code: 'auth.rate_limited' });
    expect(unknown.json<{ message: string }>().message).toMatch(/known|signed in with before/);

    expect((await login(email, TEST_PASSWORD, { cookie: device })).statusCode).toBe(200);
    // A live session of the same user counts as a known browser too.
    expect((await login(email, TEST_PASSWORD, { cookie: `canopy_session=${session}` })).statusCode).toBe(200);
  });

  it('does not take a forged device cookie, nor one issued to another user', async () => {
    const victim = await user();
    const other = await user();
    const otherDevice = deviceCookieOf(await login(other, TEST_PASSWORD));
    const victimDevice = deviceCookieOf(await login(victim, TEST_PASSWORD));
    for (let i = 0; i < LIMIT; i++) await login(victim, 'guess ' + i);
    expect((await login(victim, TEST_PASSWORD, { cookie: otherDevice })).statusCode).toBe(429);
    const forged = victimDevice.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await login(victim, TEST_PASSWORD, { cookie: forged })).statusCode).toBe(429);
  });

  it('limits guesses from a known browser on their own, so a stolen device cookie is no free pass', async () => {
    const email = await user();
    const device = deviceCookieOf(await login(email, TEST_PASSWORD));
    const codes: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) codes.push((await login(email, 'guess ' + i, { cookie: device })).statusCode);
    expect(codes).toEqual([...Array<number>(LIMIT).fill(401), 429, 429]);
    // ...and the account from other browsers is untouched by them.
    expect((await login(email, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('delays further tries progressively instead of locking the account out', async () => {
    const email = await user();
    for (let i = 0; i < LIMIT; i++) expect((await login(email, 'guess ' + i)).statusCode).toBe(401);
    const first = await login(email, 'guess');
    expect(first.statusCode).toBe(429);
    const wait1 = Number(first.headers['retry-after']);
    expect(wait1).toBeGreaterThan(0);
    expect(wait1).toBeLessThanOrEqual(30);

    await age(email, 31);
    expect((await login(email, 'guess again')).statusCode).toBe(401); // one more real try after the delay
    const second = await login(email, 'guess');
    expect(second.statusCode).toBe(429);
    expect(Number(second.headers['retry-after'])).toBeGreaterThan(30); // doubled: about 60 s

    await age(email, 61);
    expect((await login(email, TEST_PASSWORD)).statusCode).toBe(200); // and the right password then works
    const { rows } = await t.database.query('SELECT 1 FROM login_failures WHERE key = $1', [`email:${email}`]);
    expect(rows).toHaveLength(0);
  });
});

describe('the client address behind a reverse proxy (CANOPY_TRUST_PROXY)', () => {
  /** Failed sign-ins for two people behind one proxy, each with their own X-Forwarded-For. */
  async function twoClientsBehindOneProxy(app: TestApp) {
    const tryAs = (client: string) => app.app.inject({
      method: 'POST', url: '/api/auth/login', remoteAddress: '10.9.9.9',
      headers: { 'x-forwarded-for': client }, payload: { email: `${unique('nobody')}@example.test`, password: 'wrong password guess' },
    });
    const a = [await tryAs('203.0.113.7'), await tryAs('203.0.113.7')].map((r) => r.statusCode);
    const b = (await tryAs('198.51.100.4')).statusCode;
    return { a, b };
  }
  it('by default, a forwarded address is ignored: everyone behind the proxy shares its budget', async () => {
    const app = await createTestApp({ CANOPY_LOGIN_MAX_FAILURES_PER_IP: '2' });
    try {
      const { a, b } = await twoClientsBehindOneProxy(app);
      expect(a).toEqual([401, 401]);
      expect(b).toBe(429);
    } finally {
      await app.close();
    }
  });
  it('behind a trusted proxy, each forwarded client has its own budget', async () => {
    const app = await createTestApp({ CANOPY_LOGIN_MAX_FAILURES_PER_IP: '2', CANOPY_TRUST_PROXY: '10.9.0.0/16' });
    try {
      const { a, b } = await twoClientsBehindOneProxy(app);
      expect(a).toEqual([401, 401]);
      expect(b).toBe(401);
    } finally {
      await app.close();
    }
  });
});
