// The real Segment and RudderStack Node SDKs from npm, unchanged, against a listening Canopy:
// whatever they send (JSON, gzipped JSON labelled form-urlencoded, Basic auth) must be stored.
import http from 'node:http';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, createTestApp, unique, type TestApp } from '../support/app.js';

let t: TestApp;
let url: string;
let writeKey: string;
beforeAll(async () => {
  t = await createTestApp();
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  writeKey = (await t.writeKey()).key;
}, 120_000);
afterAll(() => t.close());

const rows = async <T>(sql: string, values: unknown[]) => (await t.database.query<T>(sql, values)).rows;

/** The events stored for a user, in order of their name. */
type Obj = { [k: string]: string | number | boolean | null | Obj };
type Track = { userId: string; event: string; properties?: Obj; context?: Obj };
type Identify = { userId: string; traits: Obj };
type Group = { userId: string; groupId: string; traits: Obj };

const eventsOf = (userId: string) =>
  rows<{ type: string; event: string | null; user_id: string }>(`SELECT type, event, user_id FROM events WHERE user_id = $1 ORDER BY type, event`, [userId]);

describe.each([
  {
    name: 'Segment (@segment/analytics-node)',
    client: () => {
      const a = new SegmentAnalytics({ writeKey, host: url, flushAt: 50, flushInterval: 60_000, maxRetries: 0 });
      return {
        track: (m: Track) => a.track(m),
        identify: (m: Identify) => a.identify(m),
        group: (m: Group) => a.group(m),
        flush: () => a.closeAndFlush({ timeout: 20_000 }),
      };
    },
  },
  {
    name: 'RudderStack (@rudderstack/rudder-sdk-node, gzipped form-urlencoded)',
    client: () => {
      const errors: unknown[] = [];
      const a = new RudderAnalytics(writeKey, { dataPlaneUrl: url, flushAt: 50, flushInterval: 60_000, retryCount: 0, errorHandler: (e: unknown) => errors.push(e) });
      return {
        track: (m: Track) => void a.track(m),
        identify: (m: Identify) => void a.identify(m),
        group: (m: Group) => void a.group(m),
        flush: async () => {
          await a.flush();
          if (errors.length) throw new Error(`the SDK reported ${String(errors[0])}`);
        },
      };
    },
  },
])('$name', ({ client }) => {
  it('stores group, identify and track, attributing the track to the account', async () => {
    const sdk = client();
    const u = unique('sdk-user');
    const g = unique('sdk-acct');
    sdk.group({ userId: u, groupId: g, traits: { name: 'SDK Co', seats: 12, plan: 'pro' } });
    sdk.identify({ userId: u, traits: { email: 'sdk@example.test', name: 'Sam' } });
    sdk.track({ userId: u, event: 'Report Created', properties: { size: 3 }, context: { groupId: g } });
    await sdk.flush();
    expect(await eventsOf(u)).toEqual([
      { type: 'group', event: null, user_id: u },
      { type: 'identify', event: null, user_id: u },
      { type: 'track', event: 'Report Created', user_id: u },
    ]);
    expect(await rows(`SELECT name, seats, custom FROM accounts WHERE external_id = $1`, [g])).toEqual([{ name: 'SDK Co', seats: 12, custom: { plan: 'pro' } }]);
    expect(await rows(`SELECT email FROM contacts WHERE external_id = $1`, [u])).toEqual([{ email: 'sdk@example.test' }]);
    expect(await rows(`SELECT sum(d.count)::int AS n FROM usage_daily d JOIN accounts a ON a.id = d.account_id WHERE a.external_id = $1 AND d.event = 'Report Created'`, [g])).toEqual([{ n: 1 }]);
  });

  it('stores the rest of a batch in which one event carries a NUL, with the NUL removed', async () => {
    const sdk = client();
    const u = unique('sdk-nul');
    for (let i = 0; i < 9; i++) sdk.track({ userId: u, event: `Step ${i}`, properties: { i } });
    sdk.track({ userId: u, event: 'Bad\u0000Byte', properties: { note: 'a\u0000b' } });
    await sdk.flush();
    const stored = await eventsOf(u);
    expect(stored).toHaveLength(10);
    expect(stored.map((e) => e.event)).toContain('BadByte');
    expect(await rows(`SELECT properties FROM events WHERE user_id = $1 AND event = 'BadByte'`, [u])).toEqual([{ properties: { note: 'ab' } }]);
  });
});

describe('the write key before the body, over a real socket', () => {
  it('answers 401 to a wrong Basic key while the client is still sending a large body', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${url}/v1/batch`, {
        method: 'POST',
        headers: { authorization: basic('cnp_w_not_a_key'), 'content-type': 'application/json', 'content-length': String(400 * 1024) },
      }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      // Only the first bytes of the promised 400 KB: the answer must come without the rest.
      req.write('{"batch": [');
    });
    expect(status).toBe(401);
  });
});
