import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.js';
import { encodeLoose } from '../../test/support/hostile.js';
import { buildSharedPlan, type SharedPlanFixture } from './share-test-fixtures.js';
import { refOf } from './share-token.js';

/**
 * Whatever a stranger sends to the public routes of a shared plan — hostile tokens, refs and
 * bodies, as JSON or as a form — the answer is never a 5xx, a JSON refusal is {code, message},
 * and nothing of the plan changes except through the two writes the link allows.
 */

const RUNS = Number(process.env.HOSTILE_RUNS ?? 40);

let t: TestApp;
let f: SharedPlanFixture;
let token = '';
let shareId = '';
let n = 0;
/** A new client address per request: the per-address limit must not hide what the handlers do. */
const ip = () => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${++n & 255}`;

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.signIn('admin');
  f = await buildSharedPlan(t.database, t.app.services, { ownerId: admin.userId, vendorUserId: admin.userId, tag: 'hostile' });
  const res = await t.app.inject({ method: 'POST', url: `/api/success-plans/${f.planId}/share`, headers: admin.headers, payload: { allowCustomerUpdates: true } });
  token = (res.json() as { token: string }).token;
  const { rows } = await t.database.query<{ id: string }>('SELECT id FROM plan_shares WHERE token_hash = $1', [createHash('sha256').update(token).digest('hex')]);
  shareId = rows[0]?.id ?? '';
}, 60_000);
afterAll(() => t.close());

const nasty = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '%00', '%F0%28%8C%28', '../../etc/passwd', '<script>alert(1)</script>', ' ', 'A'.repeat(43), 'A'.repeat(5000), '😀'.repeat(50)),
);
const value = fc.oneof(nasty, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(nasty, { maxLength: 3 }), fc.dictionary(nasty, nasty, { maxKeys: 3 }));
/** The link's own token, or something else. */
const tokenArb = fc.oneof(fc.constant('TOKEN'), nasty);
const refArb = () => fc.oneof(
  fc.constantFrom(
    refOf(shareId, 'task', f.tasks.customerTask), refOf(shareId, 'task', f.tasks.vendorTask), refOf(shareId, 'task', f.tasks.hiddenTask),
    refOf(shareId, 'contact', f.contacts.pat), refOf(shareId, 'goal', f.goalId), refOf(shareId, 'goal', f.hiddenGoalId),
  ),
  nasty,
);
const bodyArb = () => fc.oneof(
  value,
  fc.record({ contactId: fc.oneof(refArb(), value), body: fc.oneof(nasty, value), goalId: fc.oneof(refArb(), value) }, { requiredKeys: [] }),
);

const seg = (s: string) => encodeLoose(s === 'TOKEN' ? token : s);
type Call = { method: 'GET' | 'POST'; url: string; payload?: string; type?: string };

function calls(tk: string, ref: string, body: unknown, query: string): Call[] {
  const json = JSON.stringify(body) ?? 'null';
  const form = body !== null && typeof body === 'object' && !Array.isArray(body)
    ? new URLSearchParams(Object.entries(body as Record<string, unknown>).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v) ?? ''])).toString()
    : typeof body === 'string' ? body : json;
  return [
    { method: 'GET', url: `/api/shared/plans/${seg(tk)}?${encodeLoose(query)}` },
    { method: 'GET', url: `/shared/plans/${seg(tk)}?notice=${encodeLoose(query)}` },
    { method: 'POST', url: `/api/shared/plans/${seg(tk)}/tasks/${seg(ref)}/complete`, payload: json, type: 'application/json' },
    { method: 'POST', url: `/api/shared/plans/${seg(tk)}/comments`, payload: json, type: 'application/json' },
    { method: 'POST', url: `/shared/plans/${seg(tk)}/tasks/${seg(ref)}/complete`, payload: form, type: 'application/x-www-form-urlencoded' },
    { method: 'POST', url: `/shared/plans/${seg(tk)}/comments`, payload: form, type: 'application/x-www-form-urlencoded' },
  ];
}

const planState = async () => JSON.stringify((await t.database.query(
  `SELECT (SELECT jsonb_agg(g ORDER BY g.id) FROM plan_goals g WHERE g.plan_id = $1) AS goals,
          (SELECT jsonb_agg(x.id || x.title ORDER BY x.id) FROM tasks x WHERE x.account_id = $2) AS task_titles,
          (SELECT jsonb_agg(x.id ORDER BY x.id) FROM tasks x WHERE x.account_id = $2 AND x.status = 'done' AND x.id <> $3) AS other_done`,
  [f.planId, f.accountId, f.tasks.customerTask])).rows);

describe('the public routes of a shared plan under hostile input', () => {
  it('never answer 5xx, refuse in {code, message}, and change nothing but the allowed writes', async () => {
    const before = await planState();
    await fc.assert(
      fc.asyncProperty(tokenArb, refArb(), bodyArb(), nasty, async (tk, ref, body, query) => {
        for (const c of calls(tk, ref, body, query)) {
          const res = await t.app.inject({
            method: c.method, url: c.url, remoteAddress: ip(),
            ...(c.payload !== undefined ? { payload: c.payload, headers: { 'content-type': c.type ?? 'application/json' } } : {}),
          });
          const what = `${c.method} ${c.url.slice(0, 200)} ${String(c.payload).slice(0, 200)} -> ${res.statusCode} ${res.body.slice(0, 200)}`;
          expect(res.statusCode, what).toBeLessThan(500);
          if (res.statusCode >= 400 && c.url.startsWith('/api/')) {
            const err = res.json() as { code?: unknown; message?: unknown };
            expect(typeof err.code, what).toBe('string');
            expect(typeof err.message, what).toBe('string');
          }
          // A path the router refuses (undecodable, a parameter over 200 characters) never reaches a route; every other answer is the link's.
          if (!/"code":"FST_ERR_(BAD_URL|MAX_PARAM_LENGTH)"/.test(res.body)) expect(res.headers['x-robots-tag'], what).toBe('noindex, nofollow');
        }
      }),
      { numRuns: RUNS },
    );
    // Titles, goals and every other task are as they were: only the one open customer-side task may have been ticked.
    expect(await planState()).toBe(before);
  }, 240_000);

  it('any other path under /shared/ (trailing slash, extra segment) is the same 404 page, never the web app; an over-long token is a 414', async () => {
    const get = (url: string) => t.app.inject({ method: 'GET', url, remoteAddress: ip() });
    const dead = await get(`/shared/plans/${'A'.repeat(43)}`);
    // A token longer than the router takes is refused before routing (414), never served as a page.
    expect((await get(`/shared/plans/${'A'.repeat(5000)}`)).statusCode).toBe(414);
    for (const url of [`/shared/plans/${token}/`, `/shared/plans/${token}/x`, '/shared/', '/shared/plans']) {
      const page = await get(url);
      expect(page.statusCode, url).toBe(404);
      expect(page.headers['content-type'], url).toMatch(/^text\/html/);
      expect(page.headers['x-robots-tag'], url).toBe('noindex, nofollow');
      expect(page.headers['cache-control'], url).toBe('no-store');
      expect(page.headers['referrer-policy'], url).toBe('no-referrer');
      expect(page.body, url).toBe(dead.body);
    }
  });
});
