import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import { criticalDate, criticalDateCheck, criticalDatePage } from './schema.js';
import { rdapDomain, startRdap, startTlsTrio } from './test-servers.js';

/**
 * Critical dates over HTTP on a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL): a TLS
 * check reads the expired and the valid certificate of local servers, an RDAP check reads the
 * expiry from a local registry named by its bootstrap file. Loopback is reachable only through the
 * outbound allow-list (an admin adds 127.0.0.1 here; removed, the same checks are refused).
 */
let t: TestApp;
let admin: SignedIn;
let csm: SignedIn;
let trio: Awaited<ReturnType<typeof startTlsTrio>>;
let rdap: Awaited<ReturnType<typeof startRdap>>;

beforeAll(async () => {
  [trio, rdap] = await Promise.all([
    startTlsTrio(),
    startRdap(['test'], { 'acme.test': { json: rdapDomain('acme.test', '2027-06-30T23:59:59Z', 'Registrar of Tests') } }),
  ]);
  t = await createTestApp({ CANOPY_RDAP_BOOTSTRAP_URL: rdap.bootstrapUrl, CANOPY_OUTBOUND_TIMEOUT_MS: '3000' });
  admin = await t.signIn('admin');
  csm = await t.signIn('csm');
  await allowLoopback(true);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await Promise.all([trio?.close(), rdap?.close()]);
});

async function allowLoopback(on: boolean) {
  const res = on
    ? await t.app.inject({ method: 'POST', url: '/api/settings/outbound-allowlist', headers: admin.headers, payload: { entry: '127.0.0.1', note: 'critical-date tests' } })
    : await t.app.inject({ method: 'DELETE', url: '/api/settings/outbound-allowlist/127.0.0.1', headers: admin.headers });
  expect(res.statusCode, res.body).toBe(on ? 201 : 204);
}

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, who: SignedIn = admin) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const account = async (ownerId: string | null = null) => (await t.app.services.accounts.create({ name: unique('Acme'), stage: 'adoption', ownerId }, SYSTEM_ACTOR)).id;
const create = async (accountId: string, body: object, who: SignedIn = admin) => {
  const res = await api('POST', `/api/accounts/${accountId}/critical-dates`, body, who);
  expect(res.statusCode, res.body).toBe(201);
  return criticalDate.parse(res.json());
};

describe('critical dates API', () => {
  it('checks a TLS certificate live: the expired one and the valid one are read, recorded, and the date follows', async () => {
    const acc = await account();
    const expired = await create(acc, { kind: 'tls', label: 'Old portal', target: `127.0.0.1:${trio.expired.port}` });
    expect(expired).toMatchObject({ kind: 'tls', target: `127.0.0.1:${trio.expired.port}`, expiresAt: null, autoCheck: true, leadDays: [60, 30, 7], lastCheck: null });
    const res = await api('POST', `/api/critical-dates/${expired.id}/check`);
    expect(res.statusCode, res.body).toBe(200);
    const check = criticalDateCheck.parse(res.json());
    expect(check).toMatchObject({ ok: true, error: null, expiresAt: trio.expired.notAfter.toISOString(), result: { selfSigned: true, authorized: false, subject: 'expired.example' } });

    const valid = await create(acc, { kind: 'tls', label: 'Portal', target: `127.0.0.1:${trio.year.port}`, leadDays: [14, 90] });
    expect((await api('POST', `/api/critical-dates/${valid.id}/check`)).json()).toMatchObject({ ok: true, expiresAt: trio.year.notAfter.toISOString() });

    // Pointed at a server whose certificate is for other.example: the check fails and the date keeps its expiry.
    const moved = await create(await account(), { kind: 'tls', label: 'Moved portal', target: `127.0.0.1:${trio.year.port}` });
    expect((await api('POST', `/api/critical-dates/${moved.id}/check`)).json()).toMatchObject({ ok: true });
    expect((await api('PATCH', `/api/critical-dates/${moved.id}`, { target: `127.0.0.1:${trio.other.port}` })).statusCode).toBe(200);
    const wrong = criticalDateCheck.parse((await api('POST', `/api/critical-dates/${moved.id}/check`)).json());
    expect(wrong).toMatchObject({ ok: false, expiresAt: null, error: 'the certificate presented is for other.example, not 127.0.0.1', result: { subject: 'other.example', hostnameMatches: false } });
    const kept = criticalDate.parse((await api('GET', `/api/critical-dates/${moved.id}`)).json());
    expect(kept).toMatchObject({ expiresAt: trio.year.notAfter.toISOString(), lastCheckOk: false, lastError: wrong.error });

    const list = await api('GET', `/api/accounts/${acc}/critical-dates`);
    expect(list.statusCode).toBe(200);
    const items = (list.json() as { items: unknown[] }).items.map((i) => criticalDate.parse(i));
    expect(items.map((i) => i.id)).toEqual([expired.id, valid.id]);
    expect(items[0]).toMatchObject({ expiresAt: trio.expired.notAfter.toISOString(), daysLeft: -10, lastCheckOk: true, lastError: null, checks: [{ ok: true }] });
    expect(items[1]).toMatchObject({ leadDays: [90, 14], daysLeft: 365, canEdit: true });
    const next = new Date(items[1]?.nextCheckAt ?? 0).getTime() - Date.now();
    expect(next / 86_400_000, 'far away: weekly').toBeGreaterThan(6.9);
  });

  it('checks a domain by RDAP through the configured bootstrap file', async () => {
    const acc = await account();
    const d = await create(acc, { kind: 'domain', label: 'Main domain', target: 'ACME.test' });
    expect(d.target).toBe('acme.test');
    const check = (await api('POST', `/api/critical-dates/${d.id}/check`)).json();
    expect(check).toMatchObject({ ok: true, expiresAt: '2027-06-30T23:59:59.000Z', result: { registrar: 'Registrar of Tests' } });
    const { rows } = await t.database.query<{ expires_at: Date; last_check_ok: boolean }>('SELECT expires_at, last_check_ok FROM critical_dates WHERE id = $1', [d.id]);
    expect(rows[0]).toMatchObject({ expires_at: new Date('2027-06-30T23:59:59Z'), last_check_ok: true });
  });

  it('records a failed check (unknown domain, refused address) as a 200 with the error, keeping the last expiry; backs off', async () => {
    const acc = await account();
    const missing = await create(acc, { kind: 'domain', label: 'Typo', target: 'nope.test', expiresAt: '2027-01-01' });
    const failed = (await api('POST', `/api/critical-dates/${missing.id}/check`)).json();
    expect(failed).toMatchObject({ ok: false, expiresAt: null, error: expect.stringMatching(/no record of nope\.test/) });
    const after = criticalDate.parse((await api('GET', `/api/critical-dates/${missing.id}`)).json());
    expect(after).toMatchObject({ expiresAt: '2027-01-01T00:00:00.000Z', lastCheckOk: false, lastError: expect.stringMatching(/RDAP 404/) });
    const retryIn = (new Date(after.nextCheckAt ?? 0).getTime() - Date.now()) / 3_600_000;
    expect(retryIn).toBeGreaterThan(0.9);
    expect(retryIn).toBeLessThan(1.1);

    const tlsDate = await create(acc, { kind: 'tls', label: 'Portal', target: `127.0.0.1:${trio.year.port}` });
    await allowLoopback(false);
    try {
      const refused = (await api('POST', `/api/critical-dates/${tlsDate.id}/check`)).json();
      expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/refused: loopback address/) });
      const atSave = await api('POST', `/api/accounts/${acc}/critical-dates`, { kind: 'tls', label: 'x', target: `127.0.0.1:${trio.year.port}` });
      expect(atSave.statusCode).toBe(400);
      expect(atSave.json()).toMatchObject({ code: 'outbound.refused', fields: [{ path: 'target' }] });
      expect((await api('POST', `/api/accounts/${acc}/critical-dates`, { kind: 'tls', label: 'x', target: 'foo.localhost' })).statusCode).toBe(400);
    } finally {
      await allowLoopback(true);
    }
  });

  it('runs due auto-checks on schedule, and not the others', async () => {
    const acc = await account();
    const due = await create(acc, { kind: 'tls', label: 'Due', target: `127.0.0.1:${trio.soon.port}` });
    const off = await create(acc, { kind: 'tls', label: 'Off', target: `127.0.0.1:${trio.soon.port}`, autoCheck: false });
    const r = await t.app.services.criticalDates.checkDue(new Date(Date.now() + 1000), 500);
    expect(r.checked).toBeGreaterThanOrEqual(1);
    const { rows } = await t.database.query<{ id: string; n: string }>('SELECT critical_date_id AS id, count(*) AS n FROM critical_date_checks WHERE critical_date_id = ANY($1::uuid[]) GROUP BY 1', [[due.id, off.id]]);
    expect(rows.map((x) => x.id)).toEqual([due.id]);
    const again = await t.app.services.criticalDates.checkDue(new Date(Date.now() + 1000), 500);
    expect(again.checked, 'checked dates wait for their next check').toBe(0);
  });

  it('lists the book: expired first, then soonest, with account, owner and days left; pages by cursor; filters by kind and window', async () => {
    const owner = await t.signIn('csm');
    const acc = await account(owner.userId);
    const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
    await create(acc, { kind: 'licence', label: 'Seats', expiresAt: day(20) });
    await create(acc, { kind: 'card', label: 'Visa', expiresAt: day(-400) });
    await create(acc, { kind: 'contract', label: 'MSA', expiresAt: day(5) });
    const all: { label: string; daysLeft: number | null; account: { id: string }; owner: { id: string } | null }[] = [];
    let cursor: string | null = null;
    do {
      const res = await api('GET', `/api/critical-dates?limit=2&withinDays=30${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      const page = criticalDatePage.parse(res.json());
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const mine = all.filter((i) => i.account.id === acc);
    expect(mine.map((i) => i.label)).toEqual(['Visa', 'MSA', 'Seats']);
    expect(mine[0]).toMatchObject({ daysLeft: -400, owner: { id: owner.userId } });
    const cards = criticalDatePage.parse((await api('GET', '/api/critical-dates?kind=card')).json());
    expect(cards.items.every((i) => i.kind === 'card')).toBe(true);
    expect((await api('GET', '/api/critical-dates?cursor=bm9wZQ')).statusCode).toBe(400);
  });

  it('edits, archives and refuses what it must', async () => {
    const acc = await account();
    const d = await create(acc, { kind: 'contract', label: 'MSA', expiresAt: '2027-03-04' });
    expect(d).toMatchObject({ expiresAt: '2027-03-04T00:00:00.000Z', autoCheck: false, nextCheckAt: null });
    const patched = await api('PATCH', `/api/critical-dates/${d.id}`, { expiresAt: '2028-03-04T09:00:00+01:00', leadDays: [10] });
    expect(patched.json()).toMatchObject({ expiresAt: '2028-03-04T08:00:00.000Z', leadDays: [10] });
    const bad = async (url: string, body: object, method: 'POST' | 'PATCH' = 'POST') => {
      const res = await api(method, url, body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(400);
      return (res.json() as { fields?: { path: string }[] }).fields?.[0]?.path;
    };
    const base = `/api/accounts/${acc}/critical-dates`;
    expect(await bad(base, { kind: 'contract', label: 'x', expiresAt: '03/04/2027' })).toBe('expiresAt');
    expect(await bad(base, { kind: 'contract', label: 'x' })).toBe('expiresAt');
    expect(await bad(base, { kind: 'contract', label: 'x', expiresAt: '2027-01-01', target: 'acme.com' })).toBe('target');
    expect(await bad(base, { kind: 'contract', label: 'x', expiresAt: '2027-01-01', autoCheck: true })).toBe('autoCheck');
    expect(await bad(base, { kind: 'tls', label: 'x' })).toBe('target');
    expect(await bad(base, { kind: 'tls', label: 'x', target: 'https://acme.com/login' })).toBe('target');
    expect(await bad(base, { kind: 'domain', label: 'x', target: '203.0.113.9' })).toBe('target');
    expect(await bad(base, { kind: 'warranty', label: 'x', expiresAt: '2027-01-01' })).toBe('kind');
    expect(await bad(base, { kind: 'contract', label: 'x', expiresAt: '2027-01-01', leadDays: [7, 7] })).toBe('leadDays');
    expect(await bad(base, { kind: 'contract', label: 'x', expiresAt: '2027-01-01', leadDays: [0] })).toBe('leadDays.0');
    expect(await bad(base, { kind: 'contract', label: 'x', expiresAt: '2027-01-01', leadDays: [1, 2, 3, 4] })).toBe('leadDays');
    expect(await bad(`/api/critical-dates/${d.id}`, { expiresAt: null }, 'PATCH')).toBe('expiresAt');
    expect(await bad(`/api/critical-dates/${d.id}`, { kind: 'tls' }, 'PATCH')).toBeDefined();
    expect((await api('POST', `/api/critical-dates/${d.id}/check`)).json()).toMatchObject({ code: 'critical_date.not_checkable' });

    expect((await api('DELETE', `/api/critical-dates/${d.id}`)).statusCode).toBe(204);
    const listed = (await api('GET', `/api/accounts/${acc}/critical-dates`)).json() as { items: unknown[] };
    expect(listed.items).toEqual([]);
    const missing = await api('GET', '/api/critical-dates/00000000-0000-4000-8000-000000000000');
    expect(missing.json()).toMatchObject({ code: 'critical_date.not_found' });
  });

  it('lets a CSM edit the dates of their own accounts only; everyone reads', async () => {
    const theirs = await account(csm.userId);
    const other = await account();
    const mine = await create(theirs, { kind: 'card', label: 'Amex', expiresAt: '2027-05-01' }, csm);
    expect(mine.canEdit).toBe(true);
    expect((await api('POST', `/api/accounts/${other}/critical-dates`, { kind: 'card', label: 'Amex', expiresAt: '2027-05-01' }, csm)).statusCode).toBe(403);
    const others = await create(other, { kind: 'card', label: 'Visa', expiresAt: '2027-05-01' });
    expect((await api('PATCH', `/api/critical-dates/${others.id}`, { label: 'Mine now' }, csm)).statusCode).toBe(403);
    expect((await api('DELETE', `/api/critical-dates/${others.id}`, undefined, csm)).statusCode).toBe(403);
    const read = await api('GET', `/api/accounts/${other}/critical-dates`, undefined, csm);
    expect(read.statusCode).toBe(200);
    expect((read.json() as { items: { canEdit: boolean }[] }).items[0]?.canEdit).toBe(false);
  });
});
