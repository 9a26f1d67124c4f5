import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { basic, createTestApp, unique, type TestApp } from '../../test/support/app.js';
import { AppError } from '../http/errors.js';
import { createIngestService } from './service.js';

let t: TestApp;
let writeKey: string;
beforeAll(async () => {
  t = await createTestApp();
  writeKey = (await t.writeKey()).key;
}, 120_000);
afterAll(() => t.close());

type Answer = {
  success: true; accepted: number; duplicates: number; duplicateMessageIds: string[];
  rejected: { index: number; messageId?: string; code: string; fields?: { path: string }[] }[];
  warnings: { index?: number; field: string; message: string }[];
};
const post = (url: string, payload: unknown, headers: Record<string, string> = { authorization: basic(writeKey) }) =>
  t.app.inject({ method: 'POST', url, payload: payload as object, headers });
const rows = async <T>(sql: string, values: unknown[] = []) => (await t.database.query<T>(sql, values)).rows;
const eventsFor = async (prefix: string) => (await rows<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE message_id LIKE $1`, [`${prefix}%`]))[0]?.n;

describe('a bad value is its event\'s problem, never its batch\'s', () => {
  it('stores all 50 events of a batch carrying NUL, lone surrogates, impossible times and out-of-range traits, and says what it repaired', async () => {
    const p = unique('hard');
    const g = `${p}-acct`;
    const now = Date.now();
    const specials: Record<number, object> = {
      0: { type: 'group', userId: 'u1', groupId: g, traits: { name: 'Acme', seats: 40, arr: 1000, renewalDate: '2027-01-31', stage: 'adoption' } },
      1: { type: 'identify', userId: 'u\u0000nul', traits: { email: 'a\u0000@b.test', 'k\u0000ey': 'v\u0000' } },
      2: { type: 'track', userId: 'u1', event: 'Ev\u0000ent', properties: { note: 'x\u0000y', deep: { list: ['\u0000', 'ok'] } }, context: { groupId: g } },
      3: { type: 'track', userId: 'u1', event: 'Lone \ud800 surrogate', properties: { s: '\udc00' }, context: { groupId: g } },
      4: { type: 'track', userId: 'u1', event: 'Year zero', timestamp: '0000-01-01T00:00:00Z', context: { groupId: g } },
      5: { type: 'track', userId: 'u1', event: 'Skewed', timestamp: '2026-01-01T00:00:00Z', sentAt: '9999-12-31T00:00:00Z', context: { groupId: g } },
      6: { type: 'group', userId: 'u1', groupId: g, traits: { seats: 3_000_000_000, arr: 1e308, renewalDate: '0000-01-01' } },
      7: { type: 'group', userId: 'u1', groupId: g, traits: { renewalDate: '275760-09-13', mrr: -5 } },
    };
    const batch = Array.from({ length: 50 }, (_, i) => ({ messageId: i === 8 ? `${p}-8\u0000` : `${p}-${i}`, ...(specials[i] ?? { type: 'track', userId: 'u1', event: 'Plain', context: { groupId: g } }) }));
    const res = await post('/v1/batch', { batch, sentAt: new Date(now).toISOString() });
    expect(res.statusCode).toBe(200);
    const body = res.json() as Answer;
    expect(body).toMatchObject({ success: true, accepted: 50, duplicates: 0, rejected: [] });
    expect(await eventsFor(p)).toBe(50);
    const warned = (i: number) => body.warnings.filter((w) => w.index === i).map((w) => w.field);
    expect(warned(1)).toEqual(expect.arrayContaining(['userId', 'traits.email', 'traits.key']));
    expect(warned(2)).toEqual(expect.arrayContaining(['event', 'properties.note', 'properties.deep.list.0']));
    expect(warned(3)).toEqual(expect.arrayContaining(['event', 'properties.s']));
    expect(warned(4)).toContain('timestamp');
    expect(warned(5)).toContain('timestamp');
    expect(warned(6)).toEqual(expect.arrayContaining(['traits.seats', 'traits.arr', 'traits.renewalDate']));
    expect(warned(7)).toEqual(expect.arrayContaining(['traits.renewalDate']));

    const [contact] = await rows<{ email: string; custom: object }>('SELECT email, custom FROM contacts WHERE external_id = $1', ['unul']);
    expect(contact).toEqual({ email: 'a@b.test', custom: { key: 'v' } });
    const [lone] = await rows<{ event: string; properties: { s: string } }>('SELECT event, properties FROM events WHERE message_id = $1', [`${p}-3`]);
    expect(lone).toEqual({ event: 'Lone \ufffd surrogate', properties: { s: '\ufffd' } });
    expect(await rows('SELECT message_id FROM events WHERE message_id = $1', [`${p}-8`])).toHaveLength(1);
    // Impossible times: stored at receivedAt, flagged with what the client sent.
    const fell = await rows<{ message_id: string; same: boolean; time_fallback: { timestamp: string; reason: string } }>(
      `SELECT message_id, ts = received_at AS same, time_fallback FROM events WHERE message_id = ANY($1) ORDER BY message_id`, [[`${p}-4`, `${p}-5`]]);
    expect(fell.map((f) => [f.same, f.time_fallback.timestamp])).toEqual([[true, '0000-01-01T00:00:00Z'], [true, '2026-01-01T00:00:00Z']]);
    expect(await rows(`SELECT 1 FROM events WHERE message_id LIKE $1 AND time_fallback IS NOT NULL`, [`${p}%`])).toHaveLength(2);
    // The refused traits left the account's fields as they were.
    const [acct] = await rows<{ seats: number; arr: string; renewal: string; stage: string }>(
      `SELECT seats, arr::text AS arr, renewal_date::text AS renewal, stage FROM accounts WHERE external_id = $1`, [g]);
    expect(acct).toEqual({ seats: 40, arr: '1000.00', renewal: '2027-01-31', stage: 'adoption' });
  });

  it('never guesses a value: day-first dates, unknown stages and roles, fractional seats are refused for that field and reported', async () => {
    const g = unique('guess');
    await post('/v1/group', { userId: 'u', groupId: g, traits: { stage: 'adoption', renewalDate: '2027-03-01' } });
    const cases: [object, string][] = [
      [{ renewalDate: '12-04-2024' }, 'traits.renewalDate'],
      [{ renewalDate: '16-10-2024' }, 'traits.renewalDate'],
      [{ renewalDate: '2024-02-30' }, 'traits.renewalDate'],
      [{ stage: 'active' }, 'traits.stage'],
      [{ seats: 25.4 }, 'traits.seats'],
      [{ arr: '$1,000' }, 'traits.arr'],
    ];
    for (const [traits, field] of cases) {
      const res = await post('/v1/group', { userId: 'u', groupId: g, traits });
      expect(res.statusCode).toBe(200);
      expect((res.json() as Answer).warnings.map((w) => w.field)).toEqual([field]);
    }
    const [acct] = await rows<{ stage: string; renewal: string; seats: number | null; arr: string }>(
      `SELECT stage, renewal_date::text AS renewal, seats, arr::text AS arr FROM accounts WHERE external_id = $1`, [g]);
    expect(acct).toEqual({ stage: 'adoption', renewal: '2027-03-01', seats: null, arr: '0.00' });
    const role = await post('/v1/identify', { userId: unique('r'), traits: { role: 'boss' } });
    expect((role.json() as Answer).warnings).toEqual([{ index: 0, field: 'traits.role', message: expect.stringContaining('champion') }]);
  });

  it('keeps a single-event call at 400 when the event is invalid, but repairs what it can', async () => {
    expect((await post('/v1/track', { userId: '\u0000', event: 'A' })).statusCode).toBe(400);
    const m = unique('one');
    const ok = await post('/v1/track', { userId: 'u\u0000', event: 'A', messageId: m, timestamp: 'last tuesday' });
    expect(ok.statusCode).toBe(200);
    expect((ok.json() as Answer).warnings.map((w) => w.field).sort()).toEqual(['timestamp', 'userId']);
    expect(await rows('SELECT 1 FROM events WHERE message_id = $1 AND user_id = $2 AND time_fallback IS NOT NULL', [m, 'u'])).toHaveLength(1);
  });
});

describe('the database as the last line', () => {
  it('bisects a batch the database refuses down to the one event, and rolls back everything in atomic mode', async () => {
    // The service is handed a NUL the routes would have removed: PostgreSQL refuses it (22P05/22021).
    const ingest = createIngestService(t.database, null);
    const key = (await t.writeKey()).id;
    const p = unique('bisect');
    const msgs = Array.from({ length: 7 }, (_, i) => ({ type: 'track' as const, userId: i === 5 ? 'bad\u0000user' : 'u', event: 'E', messageId: `${p}-${i}` }));
    await expect(ingest.ingest({ id: key, name: 'k' }, msgs, { atomic: true })).rejects.toBeInstanceOf(AppError);
    expect(await eventsFor(p)).toBe(0);
    const r = await ingest.ingest({ id: key, name: 'k' }, msgs);
    expect(r.accepted).toBe(6);
    expect(r.rejected).toEqual([expect.objectContaining({ index: 5, messageId: `${p}-5`, code: 'ingest.invalid_value' })]);
    expect(await eventsFor(p)).toBe(6);
  });

  it('answers with the stored events when the follow-up work cannot be scheduled after the commit', async () => {
    const warned: string[] = [];
    const ingest = createIngestService(t.database, null, { usageChanged: () => Promise.reject(new Error('queue unavailable')) });
    const key = (await t.writeKey()).id;
    const g = unique('after');
    const p = unique('after-m');
    await t.database.query(`INSERT INTO accounts (external_id, name) VALUES ($1, 'After')`, [g]);
    const r = await ingest.ingest({ id: key, name: 'k' }, [{ type: 'track', userId: 'u', event: 'E', messageId: p, context: { groupId: g } }], { log: { warn: (_o, msg) => warned.push(msg) } });
    expect(r.accepted).toBe(1);
    expect(await eventsFor(p)).toBe(1);
    expect(warned).toEqual([expect.stringContaining('health refresh failed after commit')]);
    // The marks the periodic refresh works from were committed with the events.
    expect(await rows('SELECT 1 FROM health_dirty d JOIN accounts a ON a.id = d.account_id WHERE a.external_id = $1', [g])).toHaveLength(1);
  });
});

describe('the write key before the body', () => {
  it('refuses a wrong Basic key before reading the body, and honours a revocation within 5 seconds', async () => {
    const junk = await t.app.inject({ method: 'POST', url: '/v1/batch', payload: '{"batch": [', headers: { authorization: basic('cnp_w_wrong'), 'content-type': 'application/json' } });
    expect(junk.statusCode).toBe(401);
    const unsupported = await t.app.inject({ method: 'POST', url: '/v1/track', payload: 'x', headers: { authorization: basic('cnp_w_wrong'), 'content-type': 'application/xml' } });
    expect(unsupported.statusCode).toBe(401);

    const k = await t.writeKey();
    const send = () => post('/v1/track', { userId: 'u', event: 'A' }, { authorization: basic(k.key) });
    expect((await send()).statusCode).toBe(200);
    await t.database.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [k.id]);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      vi.setSystemTime(Date.now() + 5_001);
      expect((await send()).statusCode).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('what SDKs send', () => {
  const gz = (v: unknown) => zlib.gzipSync(JSON.stringify(v));
  it('reads JSON labelled form-urlencoded (gzipped, as the RudderStack Node SDK sends it), text/plain, and deflate', async () => {
    const p = unique('ct');
    const one = (i: number) => ({ batch: [{ type: 'track', anonymousId: 'a', event: 'CT', messageId: `${p}-${i}` }] });
    const sends = [
      { payload: gz(one(1)), headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' } },
      { payload: JSON.stringify(one(2)), headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      { payload: JSON.stringify(one(3)), headers: { 'content-type': 'text/plain;charset=UTF-8' } },
      { payload: zlib.deflateSync(JSON.stringify(one(4))), headers: { 'content-type': 'application/json', 'content-encoding': 'deflate' } },
    ];
    for (const s of sends) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/batch', payload: s.payload, headers: { authorization: basic(writeKey), ...s.headers } });
      expect(res.json()).toMatchObject({ accepted: 1 });
    }
    expect(await eventsFor(p)).toBe(4);
  });

  it('bounds the depth of every JSON it reads (ingest.too_deep), whatever the content type', async () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 40; i++) deep = { d: deep };
    for (const type of ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/track', payload: JSON.stringify({ userId: 'u', event: 'D', properties: deep }), headers: { authorization: basic(writeKey), 'content-type': type } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'ingest.too_deep' });
    }
  });

  it('drops __proto__ and constructor.prototype keys inside an event instead of refusing the batch', async () => {
    const p = unique('proto');
    const payload = `{"batch":[{"type":"track","userId":"u","event":"ok","messageId":"${p}-0"},`
      + `{"type":"track","userId":"u","event":"x","messageId":"${p}-1","properties":{"__proto__":{"polluted":1},"kept":2,"constructor":{"prototype":{"polluted":1}}}}]}`;
    const res = await t.app.inject({ method: 'POST', url: '/v1/batch', payload, headers: { authorization: basic(writeKey), 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(200);
    expect((res.json() as Answer).accepted).toBe(2);
    const [stored] = await rows<{ properties: Record<string, unknown> }>('SELECT properties FROM events WHERE message_id = $1', [`${p}-1`]);
    expect(stored?.properties).toEqual({ kept: 2 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // A REST body is one record: there the key is refused.
    const admin = await t.signIn('admin');
    const rest = await t.app.inject({ method: 'POST', url: '/api/accounts', payload: '{"name":"P","custom":{"__proto__":{"a":1}}}', headers: { ...admin.headers, 'content-type': 'application/json' } });
    expect(rest.statusCode).toBe(400);
  });

  it('answers 400 only for a batch that cannot be read: not an object, or batch not an array', async () => {
    for (const payload of ['[]', '"batch"', '{"batch": {}}', '{"batch": "x"}']) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/batch', payload, headers: { authorization: basic(writeKey), 'content-type': 'application/json' } });
      expect(res.statusCode).toBe(400);
    }
    const mixed = await post('/v1/batch', { batch: [null, 42, 'x', [], { type: 'track' }] });
    expect(mixed.statusCode).toBe(200);
    expect((mixed.json() as Answer).rejected.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
  });
});
