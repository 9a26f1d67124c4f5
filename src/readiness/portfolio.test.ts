import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import type { Initiative } from './schema.js';

/** The portfolio's readiness (summary over active accounts, the accounts behind each number) and the spoon task made once. */
let t: TestApp;
let teamId: string;
let csm: SignedIn;
let otherCsm: SignedIn;
let manager: SignedIn;

beforeAll(async () => {
  t = await createTestApp();
  teamId = (await t.app.services.teams.create(unique('team'), SYSTEM_ACTOR)).id;
  const otherTeam = (await t.app.services.teams.create(unique('team'), SYSTEM_ACTOR)).id;
  csm = await t.signIn('csm', { teamId });
  otherCsm = await t.signIn('csm', { teamId: otherTeam });
  manager = await t.signIn('manager');
});
afterAll(() => t.close());

type Json = Record<string, unknown> & { id: string; code?: string; fields?: { path: string }[] };
const call = async (who: SignedIn, method: 'GET' | 'POST', url: string, payload?: object, expected?: number) => {
  const res = await t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
  if (expected !== undefined) expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(expected);
  return { status: res.statusCode, body: (res.body ? res.json() : null) as Json };
};
type Summary = { quadrants: { quadrant: string; accounts: number; arr: number }[]; noCheckIn: { accounts: number; arr: number }; scope: string };
type Item = { accountId: string; accountName: string; arr: number; ownerName: string | null; quadrant: string | null; latest: { initiativeId: string; initiativeTitle: string; importance: number; confidence: number; at: string } | null };
const summary = async (who: SignedIn) => (await call(who, 'GET', '/api/readiness/summary', undefined, 200)).body as unknown as Summary;
/** Every page of one quadrant, `limit` at a time. */
async function listAll(who: SignedIn, quadrant: string, limit: number): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const res = await call(who, 'GET', `/api/readiness/accounts?quadrant=${quadrant}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, undefined, 200);
    const body = res.body as unknown as { items: Item[]; nextCursor: string | null };
    expect(body.items.length).toBeLessThanOrEqual(limit);
    items.push(...body.items);
    if (!body.nextCursor) return items;
    cursor = body.nextCursor;
  }
  throw new Error('paging never ended');
}
async function accountWith(name: string, arr: number, scores: [number, number] | null, opts: { stage?: 'churned'; ownerId?: string } = {}) {
  const a = await t.app.services.accounts.create({ name, ownerId: opts.ownerId ?? csm.userId, teamId, arr, ...(opts.stage ? { stage: opts.stage } : {}) }, SYSTEM_ACTOR);
  if (!scores) return { accountId: a.id, initiative: null };
  const i = (await call(manager, 'POST', `/api/accounts/${a.id}/initiatives`, { title: `Initiative of ${name}` }, 201)).body as unknown as Initiative;
  await call(manager, 'POST', '/api/check-ins', { accountId: a.id, initiativeId: i.id, importance: scores[0], confidence: scores[1] }, 201);
  return { accountId: a.id, initiative: i };
}
const total = (s: Summary) => s.quadrants.reduce((n, q) => n + q.accounts, s.noCheckIn.accounts);
const totalArr = (s: Summary) => s.quadrants.reduce((n, q) => n + q.arr, s.noCheckIn.arr);

describe('readiness over the portfolio', () => {
  it('counts the active accounts as the portfolio does (churned left out) and says so', async () => {
    const s0 = await summary(manager);
    await accountWith(unique('Active ready'), 100_000, [9, 9]);
    await accountWith(unique('Churned ready'), 200_000, [9, 9], { stage: 'churned' });
    await accountWith(unique('Active none'), 50_000, null);
    await accountWith(unique('Churned none'), 70_000, null, { stage: 'churned' });
    const s1 = await summary(manager);
    expect(s1.scope).toBe('active accounts');
    const ready = (s: Summary) => s.quadrants.find((q) => q.quadrant === 'ready');
    expect(ready(s1)?.accounts).toBe((ready(s0)?.accounts ?? 0) + 1);
    expect(ready(s1)?.arr).toBe((ready(s0)?.arr ?? 0) + 100_000);
    expect(s1.noCheckIn).toEqual({ accounts: s0.noCheckIn.accounts + 1, arr: s0.noCheckIn.arr + 50_000 });
    // The same figures as the portfolio's header for someone who reads every account.
    const book = (await call(manager, 'GET', '/api/accounts?limit=1', undefined, 200)).body as unknown as { active: number; activeArr: number; total: number };
    expect(total(s1)).toBe(book.active);
    expect(totalArr(s1)).toBe(book.activeArr);
    expect(book.total).toBeGreaterThan(book.active);
  });

  it('lists the accounts behind each number: the same accounts per quadrant as the summary, ARR descending then name, paged', async () => {
    const tag = unique('list');
    await accountWith(`${tag} b enable`, 30_000, [8, 2]);
    await accountWith(`${tag} a enable`, 30_000, [9, 1]); // same ARR: the name decides
    await accountWith(`${tag} big enable`, 90_000, [7, 6]);
    await accountWith(`${tag} align`, 10_000, [2, 9]);
    await accountWith(`${tag} nurture`, 20_000, [1, 1]);
    await accountWith(`${tag} churned enable`, 999_000, [8, 2], { stage: 'churned' });
    await accountWith(`${tag} elsewhere`, 40_000, [8, 2], { ownerId: otherCsm.userId });
    for (const who of [manager, otherCsm]) {
      const s = await summary(who);
      for (const q of [...s.quadrants.map((x) => ({ key: x.quadrant, ...x })), { key: 'none', ...s.noCheckIn }]) {
        const items = await listAll(who, q.key, 2);
        expect(items.length, `${q.key}`).toBe(q.accounts);
        expect(items.reduce((n, i) => n + i.arr, 0), `${q.key}`).toBe(q.arr);
        expect(new Set(items.map((i) => i.accountId)).size).toBe(items.length);
        for (const [k, i] of items.entries()) {
          expect(i.quadrant).toBe(q.key === 'none' ? null : q.key);
          expect(i.latest === null).toBe(q.key === 'none');
          const next = items[k + 1];
          if (next) expect(i.arr > next.arr || (i.arr === next.arr && i.accountName <= next.accountName), `${i.accountName} before ${next.accountName}`).toBe(true);
        }
      }
    }
    const enable = (await listAll(manager, 'enable', 200)).filter((i) => i.accountName.startsWith(tag));
    expect(enable.map((i) => i.accountName)).toEqual([`${tag} big enable`, `${tag} elsewhere`, `${tag} a enable`, `${tag} b enable`]);
    expect(enable[2]).toMatchObject({ arr: 30_000, quadrant: 'enable', latest: { initiativeTitle: `Initiative of ${tag} a enable`, importance: 9, confidence: 1 } });
    expect(typeof enable[2]?.ownerName).toBe('string');
    // Everyone reads every account (src/auth/policy.ts): another team's account is listed for the CSM too.
    expect((await listAll(csm, 'enable', 200)).some((i) => i.accountName === `${tag} elsewhere`)).toBe(true);
  });

  it('refuses a bad quadrant, limit or cursor with a 400 naming the field', async () => {
    for (const [qs, field] of [['quadrant=maybe', 'quadrant'], ['', 'quadrant'], ['quadrant=ready&limit=0', 'limit'], ['quadrant=ready&limit=201', 'limit'],
      ['quadrant=ready&cursor=WyJhIiwiYiJd', 'cursor'], ['quadrant=ready&cursor=%00', 'cursor']] as const) {
      const res = await call(manager, 'GET', `/api/readiness/accounts?${qs}`);
      expect(res.status, qs).toBe(400);
      expect(res.body.fields?.map((f) => f.path.replace(/^querystring\./, '')), qs).toContain(field);
    }
  });
});

describe('the spoon task of an initiative', () => {
  it('is made once: asking again while ours is open returns it (200, reused); two at once make one; once done, a new one', async () => {
    const { initiative } = await accountWith(unique('spoon'), 10_000, [9, 2]);
    const id = initiative?.id ?? '';
    const first = await call(csm, 'POST', `/api/initiatives/${id}/spoon-task`, {}, 201);
    expect(first.body.reused).toBe(false);
    const again = await call(csm, 'POST', `/api/initiatives/${id}/spoon-task`, { title: 'Another title' }, 200);
    expect(again.body).toMatchObject({ id: first.body.id, reused: true, title: first.body.title });
    const count = async () => (await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM tasks WHERE spoon_initiative_id = $1', [id])).rows[0]?.n;
    expect(await count()).toBe(1);

    await t.database.query("UPDATE tasks SET status = 'done', completed_at = now() WHERE id = $1", [first.body.id]);
    const [a, b] = await Promise.all([1, 2].map(() => call(csm, 'POST', `/api/initiatives/${id}/spoon-task`, {})));
    expect([a?.status, b?.status].sort()).toEqual([200, 201]);
    expect(a?.body.id).toBe(b?.body.id);
    expect(a?.body.id).not.toBe(first.body.id);
    expect(await count()).toBe(2);
  });
});
