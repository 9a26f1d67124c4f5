import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/db.js';
import type { Database } from '../db/connect.js';
import { createIdempotencyStore, type Request } from './store.js';

let database: Database;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ database, drop } = await createTestDatabase());
});
afterAll(() => drop());

let n = 0;
const req = (over: Partial<Request> = {}): Request => ({ principal: 'user:u1', key: `k-${process.pid}-${++n}`, fingerprint: 'f1', method: 'POST', path: '/api/x', ...over });
const answer = { status: 201, body: '{"id":1}', contentType: 'application/json; charset=utf-8' };

describe('idempotency store', () => {
  it('gives a key to exactly one of many concurrent requests; the rest see it in progress', async () => {
    const store = createIdempotencyStore(database);
    const r = req();
    const results = await Promise.all(Array.from({ length: 12 }, () => store.begin(r)));
    expect(results.filter((x) => x.kind === 'owner')).toHaveLength(1);
    expect(results.filter((x) => x.kind === 'in_progress')).toHaveLength(11);
  });

  it('replays a completed answer, refuses a different fingerprint, and lets only the owner complete', async () => {
    const store = createIdempotencyStore(database);
    const r = req();
    const owner = await store.begin(r);
    if (owner.kind !== 'owner') throw new Error(owner.kind);
    expect(await store.complete(r.principal, r.key, '00000000-0000-4000-8000-000000000000', answer)).toBe(false);
    expect(await store.complete(r.principal, r.key, owner.token, answer)).toBe(true);
    expect(await store.begin(r)).toEqual({ kind: 'replay', answer });
    expect(await store.begin({ ...r, fingerprint: 'f2' })).toEqual({ kind: 'mismatch' });
    expect((await store.begin({ ...r, principal: 'key:k9' })).kind).toBe('owner');
  });

  it('release frees the key; renew keeps a lease; an abandoned lease is taken over once', async () => {
    const store = createIdempotencyStore(database, { leaseMs: 200 });
    const r = req();
    const first = await store.begin(r);
    if (first.kind !== 'owner') throw new Error(first.kind);
    await store.release(r.principal, r.key, first.token);
    const second = await store.begin(r);
    if (second.kind !== 'owner') throw new Error(second.kind);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await store.renew(r.principal, r.key, second.token)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await store.begin(r)).kind).toBe('in_progress');
    await new Promise((resolve) => setTimeout(resolve, 250));
    // Abandoned: a different request still may not use the key; the same one takes it, once.
    expect((await store.begin({ ...r, fingerprint: 'other' })).kind).toBe('mismatch');
    const takers = await Promise.all([store.begin(r), store.begin(r), store.begin(r)]);
    expect(takers.filter((x) => x.kind === 'owner')).toHaveLength(1);
    // The old owner has lost the key: it can neither renew, complete nor release it.
    expect(await store.renew(r.principal, r.key, second.token)).toBe(false);
    expect(await store.complete(r.principal, r.key, second.token, answer)).toBe(false);
  });

  it('purges expired keys only', async () => {
    const store = createIdempotencyStore(database);
    const old = req();
    const fresh = req();
    await store.begin(old);
    await store.begin(fresh);
    await database.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [old.key]);
    expect(await store.purgeExpired()).toBeGreaterThanOrEqual(1);
    const { rows } = await database.query<{ key: string }>('SELECT key FROM idempotency_keys WHERE key = ANY($1)', [[old.key, fresh.key]]);
    expect(rows.map((x) => x.key)).toEqual([fresh.key]);
  });
});
