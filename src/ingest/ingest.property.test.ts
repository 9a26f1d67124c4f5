// Property-based tests of /v1/batch on a real database (PGlite, or PostgreSQL with
// TEST_DATABASE_URL): generated batches mixing good events, events with repairable values
// (NUL, lone surrogates, control characters, extreme numbers and dates) and invalid ones.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, createTestApp, unique, type TestApp } from '../../test/support/app.js';

let t: TestApp;
let writeKey: string;
beforeAll(async () => {
  t = await createTestApp();
  writeKey = (await t.writeKey()).key;
}, 120_000);
afterAll(() => t.close());

type Answer = { accepted: number; duplicates: number; duplicateMessageIds: string[]; rejected: { index: number; messageId?: string }[] };
const postBatch = (body: unknown) =>
  t.app.inject({ method: 'POST', url: '/v1/batch', payload: JSON.stringify(body), headers: { authorization: basic(writeKey), 'content-type': 'application/json' } });
const storedCounts = async (ids: string[]) => {
  const { rows } = await t.database.query<{ message_id: string; n: number }>(
    'SELECT message_id, count(*)::int AS n FROM events WHERE message_id = ANY($1) GROUP BY message_id', [ids]);
  return new Map(rows.map((r) => [r.message_id, r.n]));
};

// Characters PostgreSQL or UTF-8 refuse, and other oddities JSON allows.
const oddChar = fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\u0001', '\u001f', '\u007f', '\u2028', '\ufeff', '\ufffe', '😀');
const oddString = fc.string({ unit: fc.oneof(oddChar, fc.constantFrom('a', 'b', ' ', 'é', '"', '\\')), maxLength: 12 });
const extremeNumber = fc.constantFrom(1e308, -1e308, -0, 2 ** 53, -(2 ** 53), 2 ** 31, 3_000_000_000, 5e-324, 0.1, 12.5);
const numberishString = fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e308', '-0', '0x10', '1,000', '');
const extremeDate = fc.constantFrom('0000-01-01', '0000-01-01T00:00:00Z', '275760-09-13', '9999-12-31T23:59:59Z', '1970-01-01T00:00:00Z',
  '2024-02-30', '12-04-2024', '16-10-2024', 'yesterday', '2024-12-04T10:00:00', '-271821-04-20T00:00:00Z');
const scalar = fc.oneof(oddString, extremeNumber, numberishString, extremeDate, fc.boolean(), fc.constant(null));
const jsonish = fc.object({ key: oddString, values: [scalar], maxDepth: 3, maxKeys: 4 });
/** An object nested `depth` levels deep (kept under the 32-level body limit with the envelope). */
const nested = fc.integer({ min: 1, max: 24 }).map((depth) => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = { n: v };
  return v;
});
const traits = fc.record({
  name: oddString, seats: fc.oneof(extremeNumber, numberishString), arr: fc.oneof(extremeNumber, numberishString),
  mrr: extremeNumber, renewalDate: extremeDate, stage: fc.constantFrom('adoption', 'Renewal', 'active', '', 'churned\u0000'), extra: jsonish,
}, { requiredKeys: [] });
const anyTime = fc.option(fc.oneof(extremeDate, fc.constant(new Date().toISOString())), { nil: undefined });

/** A valid event, possibly with values the server must repair or refuse per field (still stored). */
const goodEvent = fc.oneof(
  fc.record({ type: fc.constant('track'), userId: oddString.map((s) => `u${s}`), event: oddString.map((s) => `E${s}`), properties: fc.oneof(jsonish, nested.map((n) => ({ n }))), timestamp: anyTime, sentAt: anyTime }, { requiredKeys: ['type', 'userId', 'event'] }),
  fc.record({ type: fc.constant('identify'), userId: oddString.map((s) => `u${s}`), traits: fc.record({ email: oddString, role: fc.constantFrom('admin', 'Boss', 'executive sponsor'), x: jsonish }, { requiredKeys: [] }) }, { requiredKeys: ['type', 'userId'] }),
  fc.record({ type: fc.constant('group'), anonymousId: oddString.map((s) => `a${s}`), groupId: fc.constantFrom('prop-g1', 'prop-g2', 'prop\u0000g3'), traits }, { requiredKeys: ['type', 'anonymousId', 'groupId'] }),
  fc.record({ type: fc.constantFrom('page', 'screen'), anonymousId: fc.oneof(oddString.map((s) => `a${s}`), extremeNumber), name: oddString, context: jsonish }, { requiredKeys: ['type', 'anonymousId'] }),
);
/** An event that must be rejected on its own. */
const badEvent = fc.oneof(
  fc.constant({ type: 'track', userId: 'u' }), // no event name
  fc.constant({ type: 'track', event: 'E' }), // no identity
  fc.constant({ type: 'track', userId: '\u0000', event: 'E' }), // identity empty once repaired
  fc.constant({ type: 'track', userId: 'u', event: '\u0000\u0000' }), // name empty once repaired
  fc.constant({ type: 'purchase', userId: 'u' }),
  fc.constant({ type: 'group', userId: 'u' }), // no groupId
  fc.record({ type: fc.constant('track'), userId: fc.constantFrom({}, [], true), event: fc.constant('E') }),
  fc.record({ type: fc.constant('track'), userId: fc.constant('u'), event: fc.constant('E'), properties: fc.constantFrom('str', 1e308, [1, 2]) }),
  fc.constant({ type: 'track', userId: 'u', event: 'x'.repeat(201) }),
  fc.constant({ type: 'track', userId: 'u', event: 'Big', properties: { blob: 'z'.repeat(33 * 1024) } }),
);
const element = fc.oneof({ weight: 3, arbitrary: goodEvent.map((e) => ({ good: true, e })) }, { weight: 1, arbitrary: badEvent.map((e) => ({ good: false, e })) });

describe('/v1/batch over generated batches', () => {
  it('never answers 5xx, stores every good event exactly once, reports each bad one by index, and a replay stores nothing twice', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(element, { minLength: 1, maxLength: 14 }), async (items) => {
        const p = unique('prop');
        const batch = items.map(({ e }, i) => ({ ...e, messageId: `${p}-${i}` }));
        const ids = batch.map((b) => b.messageId);
        const goodIds = ids.filter((_, i) => items[i]?.good);
        const badIndexes = items.flatMap((x, i) => (x.good ? [] : [i]));

        const first = await postBatch({ batch });
        expect(first.statusCode, first.body).toBe(200);
        const a = first.json() as Answer;
        expect(a.rejected.map((r) => r.index)).toEqual(badIndexes);
        expect(a.rejected.every((r) => r.messageId === ids[r.index])).toBe(true);
        expect(a.accepted).toBe(goodIds.length);
        const counts = await storedCounts(ids);
        for (const id of goodIds) expect(counts.get(id), id).toBe(1);
        expect([...counts.keys()].filter((id) => !goodIds.includes(id))).toEqual([]);

        const replay = await postBatch({ batch });
        expect(replay.statusCode).toBe(200);
        const b = replay.json() as Answer;
        expect(b).toMatchObject({ accepted: 0, duplicates: goodIds.length });
        expect([...b.duplicateMessageIds].sort()).toEqual([...goodIds].sort());
        expect(b.rejected.map((r) => r.index)).toEqual(badIndexes);
        const again = await storedCounts(ids);
        for (const id of goodIds) expect(again.get(id)).toBe(1);
      }),
      { numRuns: 40, endOnFailure: true },
    );
  }, 300_000);

  it('accounts for every element of a batch of arbitrary JSON: stored, duplicate or rejected, never a 5xx', async () => {
    const anyElement = fc.oneof(scalar, jsonish, goodEvent, badEvent, fc.array(scalar, { maxLength: 3 }));
    let stored = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(anyElement, { minLength: 0, maxLength: 12 }), jsonish, async (batch, envelope) => {
        const res = await postBatch({ ...envelope, batch, sentAt: '0000-01-01T00:00:00Z' });
        // Envelope fields of any type (context: "x") are ignored with a warning: the events are still read.
        expect(res.statusCode, res.body).toBe(200);
        const a = res.json() as Answer;
        expect(a.accepted + a.duplicates + a.rejected.length).toBe(batch.length);
        stored += a.accepted;
      }),
      { numRuns: 30, endOnFailure: true },
    );
    expect(stored).toBeGreaterThan(0); // the runs did reach the database, not only the validator
  }, 300_000);
});
