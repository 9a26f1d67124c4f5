import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, createTestApp, unique, type TestApp } from '../../test/support/app.js';

let t: TestApp;
let writeKey: string;
beforeAll(async () => {
  t = await createTestApp();
  writeKey = (await t.writeKey()).key;
});
afterAll(() => t.close());

const post = (url: string, payload: unknown, key = writeKey, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload: payload as object, headers: { authorization: basic(key), ...headers } });
const count = async (sql: string, values: unknown[] = []) => (await t.database.query<{ n: number }>(sql, values)).rows[0]?.n ?? -1;
const eventsFor = (messageIdPrefix: string) => count(`SELECT count(*)::int AS n FROM events WHERE message_id LIKE $1`, [`${messageIdPrefix}%`]);

describe('Segment ingestion', () => {
  it('creates an account from group, a contact from identify, and attributes track to the account with daily rollups', async () => {
    const g = unique('acme');
    const u = unique('user');
    expect((await post('/v1/group', { userId: u, groupId: g, traits: { name: 'Acme Inc', plan: 'pro', seats: 40 } })).statusCode).toBe(200);
    expect((await post('/v1/identify', { userId: u, traits: { email: 'ada@acme.test', name: 'Ada', title: 'COO' } })).statusCode).toBe(200);
    const day = new Date().toISOString().slice(0, 10);
    for (let i = 0; i < 3; i++) {
      const res = await post('/v1/track', { userId: u, event: 'Report Created', messageId: `${g}-t${i}`, properties: { size: i } });
      expect(res.json()).toMatchObject({ success: true, accepted: 1 });
    }
    await post('/v1/track', { userId: 'someone-else', event: 'Report Created', context: { groupId: g } });

    const acct = (await t.database.query<{ id: string; name: string; seats: number; custom: Record<string, unknown>; last_activity_at: unknown }>(
      'SELECT id, name, seats, custom, last_activity_at FROM accounts WHERE external_id = $1', [g])).rows[0];
    expect(acct).toMatchObject({ name: 'Acme Inc', seats: 40, custom: { plan: 'pro' } });
    expect(acct?.last_activity_at).not.toBeNull();
    const contact = (await t.database.query<{ account_id: string; email: string; title: string }>('SELECT account_id, email, title FROM contacts WHERE external_id = $1', [u])).rows[0];
    expect(contact).toEqual({ account_id: acct?.id, email: 'ada@acme.test', title: 'COO' });
    const usage = (await t.database.query<{ count: number; users: number; day: string }>(
      `SELECT count, users, day::text AS day FROM usage_daily WHERE account_id = $1 AND event = 'Report Created'`, [acct?.id])).rows;
    expect(usage).toEqual([{ count: 4, users: 2, day }]);
  });

  it('treats a repeated messageId as a no-op, also when the repeats arrive concurrently', async () => {
    const g = unique('dedupe');
    await post('/v1/group', { userId: 'u-d', groupId: g });
    const msg = { userId: 'u-d', event: 'Export Run', messageId: unique('m'), context: { groupId: g } };
    const replies = await Promise.all(Array.from({ length: 8 }, () => post('/v1/track', msg)));
    expect(replies.every((r) => r.statusCode === 200)).toBe(true);
    expect(replies.reduce((n, r) => n + (r.json() as { accepted: number }).accepted, 0)).toBe(1);
    expect(await count('SELECT count(*)::int AS n FROM events WHERE message_id = $1', [msg.messageId])).toBe(1);
    expect(await count(`SELECT coalesce(sum(u.count), 0)::int AS n FROM usage_daily u JOIN accounts a ON a.id = u.account_id WHERE a.external_id = $1 AND event = 'Export Run'`, [g])).toBe(1);
    // The same batch sent twice at once stores each message once.
    const p = unique('b');
    const batch = { batch: Array.from({ length: 20 }, (_, i) => ({ type: 'track', userId: 'u-d', event: 'Export Run', messageId: `${p}-${i}`, context: { groupId: g } })) };
    await Promise.all([post('/v1/batch', batch), post('/v1/batch', batch), post('/v1/batch', batch)]);
    expect(await eventsFor(p)).toBe(20);
  });

  it('keeps a messageId per write key: another key may reuse it', async () => {
    const other = (await t.writeKey()).key;
    const msg = { anonymousId: 'anon', event: 'Seen', messageId: unique('shared') };
    expect((await post('/v1/track', msg)).json()).toMatchObject({ accepted: 1 });
    expect((await post('/v1/track', msg, other)).json()).toMatchObject({ accepted: 1 });
    expect((await post('/v1/track', msg)).json()).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('answers 401 for a missing, unknown or revoked write key and stores nothing', async () => {
    const id = unique('k');
    const msg = { userId: 'u', event: 'A', messageId: id };
    expect((await t.app.inject({ method: 'POST', url: '/v1/track', payload: msg })).statusCode).toBe(401);
    const unknown = await post('/v1/track', msg, 'cnp_w_nope');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toMatchObject({ code: 'ingest.invalid_write_key' });
    const k = await t.writeKey();
    await t.database.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [k.id]);
    expect((await post('/v1/track', msg, k.key)).statusCode).toBe(401);
    // A REST key is not a write key.
    expect((await post('/v1/track', msg, await t.restKey('admin'))).statusCode).toBe(401);
    expect(await eventsFor(id)).toBe(0);
  });

  it('stores the good messages of a batch and reports the bad one by index; atomic mode keeps all or nothing', async () => {
    const p = unique('bad');
    const batch = [
      { type: 'group', userId: 'u', groupId: `${p}-acct`, messageId: `${p}-0` },
      { type: 'track', userId: 'u', event: 'Fine', messageId: `${p}-1` },
      { type: 'track', userId: 'u', messageId: `${p}-2` },
    ];
    const atomic = await post('/v1/batch', { batch }, writeKey, { 'x-canopy-atomic': 'true' });
    expect(atomic.statusCode).toBe(400);
    const body = atomic.json() as { code: string; fields: { path: string }[] };
    expect(body.code).toBe('ingest.invalid_event');
    expect(body.fields.map((f) => f.path)).toContain('batch.2.event');
    expect(await eventsFor(p)).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM accounts WHERE external_id = $1', [`${p}-acct`])).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM ingest_dedupe WHERE message_id LIKE $1', [`${p}%`])).toBe(0);

    const res = await post('/v1/batch', { batch });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ success: true, accepted: 2, duplicates: 0, rejected: [{ index: 2, messageId: `${p}-2`, code: 'ingest.invalid_event', fields: [{ path: 'event' }] }] });
    expect(await eventsFor(p)).toBe(2);
    expect(await count('SELECT count(*)::int AS n FROM accounts WHERE external_id = $1', [`${p}-acct`])).toBe(1);
    // The rejected messageId was not used up: fixed and resent, it is stored.
    const fixed = await post('/v1/batch', { batch: [...batch.slice(0, 2), { ...batch[2], event: 'Now Fine' }] });
    expect(fixed.json()).toMatchObject({ accepted: 1, duplicates: 2, duplicateMessageIds: [`${p}-0`, `${p}-1`], rejected: [] });
    expect(await eventsFor(p)).toBe(3);
  });

  it('answers 400 for malformed JSON and for a missing identity', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/v1/batch', payload: '{"batch": [', headers: { authorization: basic(writeKey), 'content-type': 'application/json' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'ingest.invalid_json' });
    const noId = await post('/v1/track', { event: 'A' });
    expect(noId.statusCode).toBe(400);
    expect((noId.json() as { fields: { path: string }[] }).fields[0]?.path).toBe('userId');
  });

  it('rejects an event over 32 KB alone (400 in atomic mode) and answers 413 for a batch over 500 KB', async () => {
    const p = unique('size');
    const batch = [
      { type: 'track', userId: 'u', event: 'Ok', messageId: `${p}-0` },
      { type: 'track', userId: 'u', event: 'Big', messageId: `${p}-1`, properties: { blob: 'x'.repeat(33 * 1024) } },
    ];
    const atomic = await post('/v1/batch?atomic=true', { batch });
    expect(atomic.statusCode).toBe(400);
    expect(atomic.json()).toMatchObject({ code: 'ingest.event_too_large', fields: [{ path: 'batch.1' }] });
    expect(await eventsFor(p)).toBe(0);
    const big = await post('/v1/batch', { batch });
    expect(big.statusCode).toBe(200);
    expect(big.json()).toMatchObject({ accepted: 1, rejected: [{ index: 1, messageId: `${p}-1`, code: 'ingest.event_too_large' }] });
    const huge = await post('/v1/batch', { batch: Array.from({ length: 20 }, (_, i) => ({ type: 'track', userId: 'u', event: 'E', messageId: `${p}-h${i}`, properties: { blob: 'y'.repeat(30 * 1024) } })) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toMatchObject({ code: 'ingest.batch_too_large' });
    expect(await eventsFor(p)).toBe(1);
  });

  it('keeps events for unknown accounts and attributes them when the account appears', async () => {
    const g = unique('later');
    const p = unique('early');
    await post('/v1/batch', { batch: [
      { type: 'track', userId: 'early-user', event: 'Logged In', messageId: `${p}-1`, context: { groupId: g } },
      { type: 'track', userId: 'early-user', event: 'Logged In', messageId: `${p}-2`, context: { groupId: g } },
    ] });
    expect(await count('SELECT count(*)::int AS n FROM events WHERE message_id LIKE $1 AND account_id IS NULL', [`${p}%`])).toBe(2);
    await post('/v1/group', { userId: 'early-user', groupId: g, traits: { name: 'Later Co' } });
    expect(await count('SELECT count(*)::int AS n FROM events WHERE message_id LIKE $1 AND account_id IS NOT NULL', [`${p}%`])).toBe(2);
    expect(await count(`SELECT sum(u.count)::int AS n FROM usage_daily u JOIN accounts a ON a.id = u.account_id WHERE a.external_id = $1 AND u.event = 'Logged In'`, [g])).toBe(2);
  });

  it('attributes a track to the known account of its user', async () => {
    const g = unique('viauser');
    const u = unique('member');
    await post('/v1/group', { userId: u, groupId: g });
    await post('/v1/track', { userId: u, event: 'Invite Sent' });
    expect(await count(`SELECT sum(u.count)::int AS n FROM usage_daily u JOIN accounts a ON a.id = u.account_id WHERE a.external_id = $1 AND u.event = 'Invite Sent'`, [g])).toBe(1);
  });

  it('accepts the analytics.js text/plain beacon and page calls, and the write key in the body', async () => {
    const g = unique('beacon');
    await post('/v1/group', { anonymousId: 'a', groupId: g });
    const res = await t.app.inject({ method: 'POST', url: '/v1/page', payload: JSON.stringify({ writeKey, anonymousId: 'a', name: 'Home', context: { groupId: g } }), headers: { 'content-type': 'text/plain' } });
    expect(res.statusCode).toBe(200);
    expect(await count(`SELECT sum(u.count)::int AS n FROM usage_daily u JOIN accounts a ON a.id = u.account_id WHERE a.external_id = $1 AND u.event = '$page'`, [g])).toBe(1);
  });

  it('accepts gzip-compressed batches and refuses ones that inflate past 500 KB', async () => {
    const p = unique('gz');
    const body = { batch: [{ type: 'track', anonymousId: 'a', event: 'Zipped', messageId: `${p}-1` }] };
    const res = await t.app.inject({ method: 'POST', url: '/v1/batch', payload: zlib.gzipSync(JSON.stringify(body)), headers: { authorization: basic(writeKey), 'content-type': 'application/json', 'content-encoding': 'gzip' } });
    expect(res.json()).toMatchObject({ success: true, accepted: 1 });
    const bomb = zlib.gzipSync(JSON.stringify({ batch: [{ type: 'track', anonymousId: 'a', event: 'Z', messageId: `${p}-2`, properties: { pad: ' '.repeat(600 * 1024) } }] }));
    expect(bomb.length).toBeLessThan(10 * 1024);
    const refused = await t.app.inject({ method: 'POST', url: '/v1/batch', payload: bomb, headers: { authorization: basic(writeKey), 'content-type': 'application/json', 'content-encoding': 'gzip' } });
    expect(refused.statusCode).toBe(413);
    expect(await eventsFor(p)).toBe(1);
  });

  it('serves the usage series the account chart draws', async () => {
    const g = unique('chart');
    await post('/v1/group', { userId: 'c1', groupId: g });
    await post('/v1/batch', { batch: [
      { type: 'track', userId: 'c1', event: 'A', context: { groupId: g } },
      { type: 'track', userId: 'c2', event: 'A', context: { groupId: g } },
      { type: 'track', userId: 'c1', event: 'B', context: { groupId: g }, timestamp: new Date(Date.now() - 2 * 86_400_000).toISOString() },
    ] });
    const id = (await t.database.query<{ id: string }>('SELECT id FROM accounts WHERE external_id = $1', [g])).rows[0]?.id;
    const viewer = await t.signIn('viewer');
    const res = await t.app.inject({ method: 'GET', url: `/api/accounts/${id}/usage?days=7`, headers: viewer.headers });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { events: { event: string; total: number; series: { count: number; users: number }[] }[] };
    expect(body.events.map((e) => [e.event, e.total])).toEqual([['A', 2], ['B', 1]]);
    expect(body.events[0]?.series).toHaveLength(7);
    expect(body.events[0]?.series[6]).toEqual(expect.objectContaining({ count: 2, users: 2 }));
    expect(body.events[1]?.series[4]).toEqual(expect.objectContaining({ count: 1, users: 1 }));
  });
});
