import { describe, expect, it } from 'vitest';
import { checkFacts, daysLeft, expiryWords, lastCheckWords, parseLeadDays, targetProblem } from './logic';

describe('critical dates: words and inputs', () => {
  const now = new Date('2026-06-10T12:00:00Z');
  it('counts days to the expiry and past it', () => {
    expect(daysLeft('2026-06-20T00:00:00Z', now)).toBe(10);
    expect(daysLeft('2026-06-07T00:00:00Z', now)).toBe(-3);
    expect(daysLeft(null, now)).toBeNull();
    expect(daysLeft('not a date', now)).toBeNull();
  });
  it('says expired or in N days with a colour by lead time', () => {
    expect(expiryWords(-3)).toEqual({ text: 'expired 3 days ago', color: 'red' });
    expect(expiryWords(0).text).toBe('expires today');
    expect(expiryWords(5)).toEqual({ text: 'in 5 days', color: 'red' });
    expect(expiryWords(20).color).toBe('orange');
    expect(expiryWords(45).color).toBe('yellow');
    expect(expiryWords(200)).toEqual({ text: 'in 200 days', color: 'teal' });
    expect(expiryWords(null).color).toBe('gray');
  });
  it('tells ok, error and never-checked apart', () => {
    expect(lastCheckWords({ lastCheckedAt: null, lastCheckOk: null, lastError: null }).state).toBe('never');
    expect(lastCheckWords({ lastCheckedAt: 'x', lastCheckOk: true, lastError: null }).state).toBe('ok');
    expect(lastCheckWords({ lastCheckedAt: 'x', lastCheckOk: false, lastError: 'ECONNREFUSED' })).toEqual({ state: 'error', text: 'ECONNREFUSED' });
  });
  it('reads lead days and refuses what is not a list of days', () => {
    expect(parseLeadDays('7, 60 30')).toEqual([60, 30, 7]);
    expect(parseLeadDays('30,30')).toBeNull();
    expect(parseLeadDays('90 60 30 7')).toBeNull();
    expect(parseLeadDays('0')).toBeNull();
    expect(parseLeadDays('')).toBeNull();
    expect(parseLeadDays('-1')).toBeNull();
    expect(parseLeadDays('1e3')).toBeNull();
    expect(parseLeadDays('366')).toBeNull();
  });
  it('asks for a bare host', () => {
    expect(targetProblem('tls', 'example.com:8443')).toBeNull();
    expect(targetProblem('tls', 'https://example.com')).toMatch(/without https/);
    expect(targetProblem('domain', 'example.com:443')).toMatch(/no port/);
    expect(targetProblem('domain', ' ')).toMatch(/domain name/);
  });
  it('lists the simple facts a check read', () => {
    expect(checkFacts({ ok: true, expiresAt: null, error: null, at: 'x', result: { issuer: 'CA', selfSigned: true, nested: { a: 1 } } })).toEqual([
      'issuer: CA',
      'selfSigned: true',
    ]);
  });
});
