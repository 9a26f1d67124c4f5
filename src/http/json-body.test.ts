import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/support/app.js';
import { MAX_JSON_DEPTH, tooDeepAt } from './json-body.js';

const nest = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

describe('JSON depth limit', () => {
  it('finds the first path that nests too deep, iteratively', () => {
    expect(tooDeepAt({ a: { b: 1 } }, 2)).toBeNull();
    expect(tooDeepAt({ a: { b: { c: 1 } } }, 2)).toBe('a.b');
    expect(tooDeepAt(nest(MAX_JSON_DEPTH))).toBeNull();
    expect(tooDeepAt(nest(100_000))).not.toBeNull(); // no stack overflow
  });

  it('answers 400 naming the field before any work, for a REST body', async () => {
    const t = await createTestApp();
    try {
      const cookie = await t.signIn('admin');
      const body = JSON.stringify({ name: 'Deep', custom: { x: nest(3000) } });
      const res = await t.app.inject({ method: 'POST', url: '/api/accounts', headers: { ...cookie.headers, 'content-type': 'application/json' }, payload: body });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'request.too_deep', fields: [{ path: expect.stringMatching(/^custom\.x(\.0)+$/) }] });
      const health = await t.app.inject({ method: 'GET', url: '/api/health' });
      expect(health.statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('takes an empty body sent as application/json as no body: bodiless routes work, a route that needs one says so', async () => {
    const t = await createTestApp();
    try {
      const admin = await t.signIn('admin');
      const headers = { ...admin.headers, 'content-type': 'application/json' };
      const hook = await t.app.inject({ method: 'POST', url: '/api/webhooks', headers: admin.headers, payload: { name: 'h', url: 'https://hooks.example.com/x', events: ['task.created'] } });
      const id = (hook.json() as { webhook: { id: string } }).webhook.id;
      expect((await t.app.inject({ method: 'POST', url: `/api/webhooks/${id}/rotate-secret`, headers, payload: '' })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'DELETE', url: `/api/webhooks/${id}`, headers, payload: '' })).statusCode).toBe(204);
      const needsBody = await t.app.inject({ method: 'POST', url: '/api/accounts', headers, payload: '' });
      expect(needsBody.statusCode).toBe(400);
      expect(needsBody.json()).toMatchObject({ code: 'request.invalid' });
    } finally {
      await t.close();
    }
  });
});
