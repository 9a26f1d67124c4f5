import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllowList } from '../outbound/address.js';
import { createRdapClient, MAX_RDAP_BYTES } from './rdap.js';
import { parseTarget, type Target } from './target.js';
import { checkTls } from './tls-check.js';
import { rdapDomain, startRdap, startSilent, startTlsTrio, type Running } from './test-servers.js';

/** The live checks against local servers: TLS with generated certificates, RDAP with its own bootstrap. */

const loopback = new AllowList(['127.0.0.1']);
const opts = { allow: loopback, timeoutMs: 3000 };
const target = (raw: string): Target => {
  const p = parseTarget('tls', raw);
  if (!p.ok) throw new Error(p.problem);
  return p.target;
};

let trio: Awaited<ReturnType<typeof startTlsTrio>>;
let silent: Running;
let rdap: Awaited<ReturnType<typeof startRdap>>;

beforeAll(async () => {
  [trio, silent, rdap] = await Promise.all([
    startTlsTrio(),
    startSilent(),
    startRdap(['test', 'example'], {
      'acme.test': { json: rdapDomain('acme.test', '2027-06-30T23:59:59Z') },
      'huge.test': { body: JSON.stringify({ ...rdapDomain('huge.test', '2027-01-01T00:00:00Z'), padding: 'x'.repeat(MAX_RDAP_BYTES * 2) }) },
      'broken.test': { body: '{"events": [ {"eventAction": "expiration", ' },
      'noexpiry.test': { json: { ldhName: 'NOEXPIRY.TEST', events: [{ eventAction: 'registration', eventDate: '2020-01-01T00:00:00Z' }] } },
      'error.test': { status: 500, body: 'registry down' },
      'slow.test': { hang: true },
    }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([trio?.close(), silent?.close(), rdap?.close()]);
});

describe('TLS check', () => {
  it('reads an expired self-signed certificate: its valid_to, issuer, subject and SANs, and why it is not trusted', async () => {
    const r = await checkTls(target(`127.0.0.1:${trio.expired.port}`), opts);
    expect(r.error).toBeNull();
    expect(r.ok).toBe(true);
    expect(r.expiresAt?.toISOString()).toBe(trio.expired.notAfter.toISOString());
    expect(r.result).toMatchObject({ subject: 'expired.example', issuer: 'expired.example', sans: ['expired.example', '127.0.0.1'], selfSigned: true, authorized: false, hostnameMatches: true });
    expect(String(r.result.authorizationError)).toMatch(/EXPIRED|SELF_SIGNED/);
  });

  it('reads a certificate valid for a year and one expiring in ten days', async () => {
    const year = await checkTls(target(`127.0.0.1:${trio.year.port}`), opts);
    expect(year.ok).toBe(true);
    expect(year.expiresAt?.toISOString()).toBe(trio.year.notAfter.toISOString());
    expect(year.result).toMatchObject({ subject: 'year.example', selfSigned: true });
    const soon = await checkTls(target(`127.0.0.1:${trio.soon.port}`), opts);
    expect(soon.expiresAt?.toISOString()).toBe(trio.soon.notAfter.toISOString());
    const days = ((soon.expiresAt?.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(9.9);
    expect(days).toBeLessThan(10.1);
  });

  it('fails on a certificate for another name: no expiry, what was read kept, and whose it is', async () => {
    const r = await checkTls(target(`127.0.0.1:${trio.other.port}`), opts);
    expect(r).toMatchObject({ ok: false, expiresAt: null, error: 'the certificate presented is for other.example, not 127.0.0.1' });
    expect(r.result).toMatchObject({ host: '127.0.0.1', subject: 'other.example', sans: ['other.example'], hostnameMatches: false, validTo: trio.other.notAfter.toISOString() });
  });

  it('refuses a loopback address, and a name resolving to one, without the allow-list', async () => {
    const byIp = await checkTls(target(`127.0.0.1:${trio.year.port}`), { allow: AllowList.empty, timeoutMs: 3000 });
    expect(byIp).toMatchObject({ ok: false, expiresAt: null });
    expect(byIp.error).toMatch(/refused: loopback address/);
    const byName = await checkTls({ host: 'localhost', port: trio.year.port, isIp: false, text: `localhost:${trio.year.port}` }, { allow: AllowList.empty, timeoutMs: 3000 });
    expect(byName.ok).toBe(false);
    expect(byName.error).toMatch(/refused: loopback address/);
  });

  it('gives up on a server that accepts and never answers', async () => {
    const started = Date.now();
    const r = await checkTls(target(`127.0.0.1:${silent.port}`), { allow: loopback, timeoutMs: 400 });
    expect(r).toMatchObject({ ok: false, error: 'timed out after 400 ms (connect and TLS handshake)' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('says so when nothing listens', async () => {
    const closed = await startSilent();
    await closed.close();
    const r = await checkTls(target(`127.0.0.1:${closed.port}`), opts);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/ECONNREFUSED/);
  });
});

describe('RDAP check', () => {
  const client = () => createRdapClient({ bootstrapUrl: rdap.bootstrapUrl });

  it('reads the expiry and registrar through the bootstrap file, which it reads once', async () => {
    const c = client();
    const r = await c.lookup('acme.test', opts);
    expect(r.error).toBeNull();
    expect(r.expiresAt?.toISOString()).toBe('2027-06-30T23:59:59.000Z');
    expect(r.result).toMatchObject({ registrar: 'Example Registrar, Inc.', registered: '2015-03-01T10:00:00Z', rdapUrl: `http://127.0.0.1:${rdap.port}/rdap/domain/acme.test` });
    const before = rdap.requests.get('/dns.json') ?? 0;
    await c.lookup('acme.test', opts);
    expect(rdap.requests.get('/dns.json')).toBe(before);
  });

  it('records failures with a clear message: no service for the TLD, 404, 5xx, too large, malformed, no expiry, timeout', async () => {
    const c = client();
    expect((await c.lookup('acme.invalid', opts)).error).toBe('no RDAP service is known for .invalid (IANA bootstrap): enter the expiry by hand');
    expect((await c.lookup('missing.test', opts)).error).toMatch(/no record of missing\.test \(RDAP 404\)/);
    expect((await c.lookup('error.test', opts)).error).toBe('RDAP HTTP 500: registry down');
    expect((await c.lookup('huge.test', opts)).error).toBe('the RDAP response is larger than 512 KB: not read');
    expect((await c.lookup('broken.test', opts)).error).toBe('the RDAP response is not valid JSON');
    expect((await c.lookup('noexpiry.test', opts)).error).toMatch(/no expiration event/);
    const slow = await c.lookup('slow.test', { allow: loopback, timeoutMs: 400 });
    expect(slow).toMatchObject({ ok: false, expiresAt: null, error: 'timed out after 400 ms' });
  });

  it('refuses a bootstrap file or registry on a private address without the allow-list', async () => {
    const r = await client().lookup('acme.test', { allow: AllowList.empty, timeoutMs: 3000 });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/refused: loopback address/);
  });

  it('refuses a bootstrap file that is not the IANA format, and does not cache a failure', async () => {
    const c = createRdapClient({ bootstrapUrl: `http://127.0.0.1:${rdap.port}/rdap/domain/broken.test` });
    expect((await c.lookup('acme.test', opts)).error).toBe('the RDAP bootstrap file is not valid JSON');
    const d = createRdapClient({ bootstrapUrl: `http://127.0.0.1:${rdap.port}/rdap/domain/acme.test` });
    expect((await d.lookup('acme.test', opts)).error).toMatch(/not in the IANA format/);
  });
});
