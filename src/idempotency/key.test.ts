import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appliesTo, fingerprint, keyProblem, principalId } from './key.js';

describe('keyProblem', () => {
  it('accepts 1 to 255 visible ASCII characters and nothing else', () => {
    for (const ok of ['a', '!~', 'x'.repeat(255), '0f8fad5b-d9cb-469f-a165-70867728950e']) expect(keyProblem(ok)).toBeNull();
    for (const bad of ['', ' ', 'a b', 'x'.repeat(256), 'caf\u00e9', 'a\u0000', '\u007f', ['a', 'b']]) expect(keyProblem(bad)).toEqual(expect.any(String));
  });

  it('agrees with the pattern for any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
      const visible = s.length >= 1 && s.length <= 255 && [...s].every((c) => c.charCodeAt(0) >= 0x21 && c.charCodeAt(0) <= 0x7e && c.length === 1);
      expect(keyProblem(s) === null).toBe(visible);
    }));
  });
});

describe('appliesTo', () => {
  it('covers the REST API\'s POSTs but sign-in and answers carrying a credential', () => {
    expect(appliesTo('POST', '/api/accounts')).toBe(true);
    expect(appliesTo('POST', '/api/accounts/:id/playbooks')).toBe(true);
    expect(appliesTo('POST', '/api/some-future-capability')).toBe(true);
    for (const route of ['/api/auth/login', '/api/auth/password', '/api/api-keys', '/api/users', '/api/users/:id/reset-password', '/api/success-plans/:id/share', '/api/shared/plans/:token/comments', '/v1/track']) expect(appliesTo('POST', route), route).toBe(false);
    expect(appliesTo('PATCH', '/api/accounts/:id')).toBe(false);
    expect(appliesTo('GET', '/api/accounts')).toBe(false);
  });
});

describe('fingerprint and principalId', () => {
  it('tell requests and principals apart', () => {
    const a = fingerprint('POST', '/api/tasks', { title: 'x' });
    expect(fingerprint('POST', '/api/tasks', { title: 'x' })).toBe(a);
    expect(fingerprint('POST', '/api/tasks?x=1', { title: 'x' })).not.toBe(a);
    expect(fingerprint('POST', '/api/tasks', { title: 'y' })).not.toBe(a);
    expect(fingerprint('POST', '/api/tasks', undefined)).toBe(fingerprint('POST', '/api/tasks', undefined));
    expect(principalId({ kind: 'api_key', keyId: 'k', role: 'admin', name: 'n' })).toBe('key:k');
    expect(principalId({ kind: 'user', userId: 'u', role: 'csm', teamId: null, name: 'n', email: 'e' })).toBe('user:u');
  });
});
