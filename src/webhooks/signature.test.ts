import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSecret, sign, signatureHeader, verifySignature } from './signature.js';

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = '{"id":"1","type":"ping"}';
  const now = new Date('2025-03-01T12:00:00Z');

  it('generates whsec_ secrets of 32 random bytes', () => {
    const s = generateSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(generateSecret()).not.toBe(s);
  });

  it('signs t.body with HMAC-SHA256 in hex', () => {
    const t = Math.floor(now.getTime() / 1000);
    expect(signatureHeader(secret, body, now)).toBe(`t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`);
    expect(sign(secret, t, body)).toHaveLength(64);
  });

  it('verifies a fresh signature and nothing else', () => {
    const header = signatureHeader(secret, body, now);
    expect(verifySignature(secret, header, body, { now })).toBe(true);
    expect(verifySignature('whsec_other', header, body, { now })).toBe(false);
    expect(verifySignature(secret, header, `${body} `, { now })).toBe(false);
    expect(verifySignature(secret, header, body, { now: new Date(now.getTime() + 301_000) })).toBe(false);
    expect(verifySignature(secret, header, body, { now: new Date(now.getTime() + 299_000) })).toBe(true);
    expect(verifySignature(secret, undefined, body, { now })).toBe(false);
    expect(verifySignature(secret, 'garbage', body, { now })).toBe(false);
    expect(verifySignature(secret, header.replace(/v1=\w+/, 'v1=zz'), body, { now })).toBe(false);
  });
});
