import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { domain } from '../http/zod.js';
import { DOMAIN_MESSAGE, domainProblem, isDomain } from './domain.js';

describe('domainProblem', () => {
  it.each(['acme.com', 'ACME.io', 'a.co', 'my-shop.example.co.uk', 'xn--mnchen-3ya.de', 'münchen.de', '123.example.org', `${'a'.repeat(63)}.com`])(
    'accepts %s',
    (d) => expect(domainProblem(d)).toBeNull(),
  );

  it.each([
    ['not a domain!!', DOMAIN_MESSAGE],
    ['acme', DOMAIN_MESSAGE],
    ['acme.', DOMAIN_MESSAGE],
    ['.acme.com', DOMAIN_MESSAGE],
    ['-acme.com', DOMAIN_MESSAGE],
    ['acme-.com', DOMAIN_MESSAGE],
    ['acme..com', DOMAIN_MESSAGE],
    ['acme.c', DOMAIN_MESSAGE],
    ['acme.123', DOMAIN_MESSAGE],
    ['192.168.0.1', DOMAIN_MESSAGE],
    ['acme_corp.com', DOMAIN_MESSAGE],
    [`${'a'.repeat(64)}.com`, DOMAIN_MESSAGE],
    ['', DOMAIN_MESSAGE],
    ['https://acme.com', expect.stringContaining('https://')],
    ['acme.com/pricing', expect.stringContaining('path')],
    ['ada@acme.com', expect.stringContaining('@')],
    [`${'abc.'.repeat(63)}com`, 'At most 253 characters'],
  ])('refuses %j in words', (d, message) => expect(domainProblem(d)).toEqual(message));

  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
      const problem = domainProblem(s);
      expect(problem === null || typeof problem === 'string').toBe(true);
      expect(domain().safeParse(s).success).toBe(problem === null);
    }), { numRuns: 1000 });
  });

  it('accepts every generated domain name', () => {
    fc.assert(fc.property(fc.domain(), (d) => {
      // fast-check's domains are RFC 1123 names, with a letters-only top-level label.
      expect(isDomain(d)).toBe(true);
    }), { numRuns: 1000 });
  });

  it('the schema trims and lower-cases, never rewrites', () => {
    expect(domain().parse('  Acme.COM ')).toBe('acme.com');
    expect(domain().safeParse('https://acme.com/').success).toBe(false);
  });
});
