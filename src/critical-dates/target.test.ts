import { describe, expect, it } from 'vitest';
import { parseTarget, tldOf } from './target.js';
import { expiryProblem, expiryToDate } from './schema.js';

const ok = (kind: 'domain' | 'tls', raw: string) => {
  const r = parseTarget(kind, raw);
  if (!r.ok) throw new Error(`refused ${raw}: ${r.problem}`);
  return r.target;
};
const problem = (kind: 'domain' | 'tls', raw: string) => {
  const r = parseTarget(kind, raw);
  return r.ok ? null : r.problem;
};

describe('parseTarget', () => {
  it('reads host names and host:port, in lower case, punycode for international names', () => {
    expect(ok('domain', 'Example.COM')).toEqual({ host: 'example.com', port: 443, isIp: false, text: 'example.com' });
    expect(ok('tls', 'shop.example.com:8443')).toEqual({ host: 'shop.example.com', port: 8443, isIp: false, text: 'shop.example.com:8443' });
    expect(ok('tls', 'example.com:443').text).toBe('example.com');
    expect(ok('domain', 'münchen.de').host).toBe('xn--mnchen-3ya.de');
    expect(ok('domain', 'example.com.').host).toBe('example.com');
  });

  it('takes IP literals for tls only', () => {
    expect(ok('tls', '203.0.113.7:8443')).toEqual({ host: '203.0.113.7', port: 8443, isIp: true, text: '203.0.113.7:8443' });
    expect(ok('tls', '[2001:db8::1]:8443')).toMatchObject({ host: '2001:db8::1', port: 8443, isIp: true, text: '[2001:db8::1]:8443' });
    expect(ok('tls', '2001:db8::1')).toMatchObject({ host: '2001:db8::1', port: 443, isIp: true });
    expect(problem('domain', '203.0.113.7')).toMatch(/not an IP address/);
  });

  it('refuses URLs, paths, user info, ports on domains and bad ports with a message saying what to type', () => {
    expect(problem('tls', 'https://example.com')).toMatch(/Leave out the https:\/\//);
    expect(problem('tls', 'example.com/login')).toMatch(/path/);
    expect(problem('domain', 'example.com?x=1')).toMatch(/path/);
    expect(problem('tls', 'user@example.com')).toMatch(/@/);
    expect(problem('domain', 'example.com:443')).toMatch(/no port/);
    expect(problem('tls', 'example.com:0')).toMatch(/1 to 65535/);
    expect(problem('tls', 'example.com:70000')).toMatch(/1 to 65535/);
    expect(problem('tls', 'example.com:abc')).toMatch(/1 to 65535/);
    expect(problem('tls', 'example com')).toMatch(/spaces/);
    expect(problem('domain', 'localhost')).toMatch(/full host name/);
    expect(problem('domain', '-bad-.com')).not.toBeNull();
    expect(problem('domain', 'example.c0m')).toMatch(/top-level/);
    expect(problem('tls', '999.1.1.1')).not.toBeNull();
    expect(problem('tls', '[example.com]:443')).toMatch(/IPv6/);
    expect(problem('domain', '')).not.toBeNull();
    expect(problem('domain', `${'a'.repeat(250)}.com`)).toMatch(/253/);
  });

  it('names the top-level domain', () => {
    expect(tldOf('shop.example.co.uk')).toBe('uk');
  });
});

describe('expiry input', () => {
  it('takes ISO dates (00:00 UTC) and date-times with a zone', () => {
    expect(expiryProblem('2027-03-04')).toBeNull();
    expect(expiryToDate('2027-03-04').toISOString()).toBe('2027-03-04T00:00:00.000Z');
    expect(expiryToDate('2027-03-04T09:00:00+01:00').toISOString()).toBe('2027-03-04T08:00:00.000Z');
    expect(expiryProblem('2027-03-04T09:00Z')).toBeNull();
  });
  it('refuses ambiguous and unreal dates', () => {
    expect(expiryProblem('03/04/2027')).toMatch(/ambiguous/);
    expect(expiryProblem('04.03.2027')).toMatch(/ambiguous/);
    expect(expiryProblem('2027-03-04T09:00:00')).toMatch(/zone/);
    expect(expiryProblem('2027-02-30')).toMatch(/real calendar day/);
    expect(expiryProblem('2027-13-01')).toMatch(/real calendar day/);
    expect(expiryProblem('0000-01-01')).toMatch(/1900/);
    expect(expiryProblem('+275760-09-13')).not.toBeNull();
    expect(expiryProblem('2027-03-04T25:00:00Z')).toMatch(/valid time/);
  });
  it('holds the year bounds on the instant, after the offset', () => {
    expect(expiryProblem('2200-12-31T23:59:59-14:00')).toMatch(/end of 2200/);
    expect(expiryProblem('1900-01-01T00:30:00+01:00')).toMatch(/1900/);
    expect(expiryProblem('2200-12-31T09:00:00+01:00')).toBeNull();
  });
});
