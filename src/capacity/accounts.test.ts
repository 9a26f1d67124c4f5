import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import { candidatesForTest } from './accounts.js';
import { periodOf } from './ledger.js';

/** GET /api/capacity/accounts: the accounts over or near capacity this period, computed only for candidates. */
let t: TestApp;
let csm: SignedIn;
let manager: SignedIn;
let teamId: string;

const api = (who: SignedIn, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const week = periodOf(new Date(), 'week');
const wednesday = new Date(week.from.getTime() + 2.5 * 86_400_000).toISOString();
async function account(name: string) {
  const a = await t.app.services.accounts.create({ name, arr: 10_000, ownerId: csm.userId, teamId, stage: 'adoption' }, SYSTEM_ACTOR);
  const c = await t.app.services.contacts.create({ accountId: a.id, name: 'Dana Ruiz', email: `${unique('c')}@customer.test` }, SYSTEM_ACTOR);
  return { id: a.id, contactId: c.id };
}
async function ask(a: { id: string; contactId: string }, customerEffort: number, extra: object = {}) {
  const res = await api(csm, 'POST', '/api/tasks', { accountId: a.id, title: unique('Export the user list'), assigneeContactId: a.contactId, customerEffort, dueAt: wednesday, ...extra });
  expect(res.statusCode, res.body).toBe(201);
}
type Item = { accountId: string; accountName: string; state: string; capacity: number; used: number; left: number; overloads: number; topAsks: { cost: number; overload: boolean }[] };
async function list(qs: string): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const res = await api(manager, 'GET', `/api/capacity/accounts?${qs}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { items: Item[]; nextCursor: string | null; period: { from: string } };
    expect(body.period.from).toBe(week.from.toISOString().slice(0, 10));
    items.push(...body.items);
    if (!body.nextCursor) return items;
    cursor = body.nextCursor;
  }
  throw new Error('paging never ended');
}

beforeAll(async () => {
  t = await createTestApp();
  teamId = (await t.app.services.teams.create(unique('Team'), SYSTEM_ACTOR)).id;
  csm = await t.signIn('csm', { teamId });
  manager = await t.signIn('manager', { teamId });
});
afterAll(() => t?.close());

describe('accounts over and near capacity', () => {
  it('lists over (left < 0, or 0 with an overload) and near (≤ 2 left), least left first, paged, with the costliest asks', async () => {
    const tag = unique('cap');
    const near = await account(`${tag} near`);
    await ask(near, 5);
    await ask(near, 3); // 2 left
    const over = await account(`${tag} over`);
    await ask(over, 10);
    await ask(over, 3, { confirmOverload: true }); // −3 left
    const full = await account(`${tag} full`);
    await ask(full, 10); // 0 left, no overload: near
    const setLow = await account(`${tag} set low`);
    expect((await api(csm, 'PUT', `/api/accounts/${setLow.id}/capacity`, { spoons: 1 })).statusCode).toBe(200); // nothing asked, 1 left
    const roomy = await account(`${tag} roomy`);
    await ask(roomy, 3);
    const untouched = await account(`${tag} untouched`);

    const mine = (items: Item[]) => items.filter((i) => i.accountName.startsWith(tag));
    const all = mine(await list('state=all'));
    expect(all.map((i) => [i.accountName, i.state, i.left])).toEqual([
      [`${tag} over`, 'over', -3], [`${tag} full`, 'near', 0], [`${tag} set low`, 'near', 1], [`${tag} near`, 'near', 2],
    ]);
    expect(all[0]).toMatchObject({ capacity: 10, used: 13, overloads: 1 });
    expect(all[0]?.topAsks.map((a) => a.cost)).toEqual([10, 3]);
    expect(all[0]?.topAsks.some((a) => a.overload)).toBe(true);
    expect(mine(await list('state=over')).map((i) => i.accountName)).toEqual([`${tag} over`]);
    expect(mine(await list('state=near')).map((i) => i.accountName)).toEqual([`${tag} full`, `${tag} set low`, `${tag} near`]);
    // Each matches the account's own capacity card.
    const card = (await api(manager, 'GET', `/api/accounts/${near.id}/capacity`)).json() as { capacity: number; used: number; left: number };
    expect(all.find((i) => i.accountId === near.id)).toMatchObject({ capacity: card.capacity, used: card.used, left: card.left });

    // Cheap: an account with nothing asked and the default capacity is never computed.
    const ids = await candidatesForTest(t.database, new Date());
    expect(ids).toEqual(expect.arrayContaining([near.id, over.id, full.id, setLow.id, roomy.id]));
    expect(ids).not.toContain(untouched.id);
  });

  it('with a low default, an account lowered by a low-confidence check-in is near although nothing is asked', async () => {
    const lowered = await account(unique('lowered'));
    const i = await api(csm, 'POST', `/api/accounts/${lowered.id}/initiatives`, { title: 'Roll out SSO' });
    expect(i.statusCode, i.body).toBe(201);
    const ci = await api(csm, 'POST', '/api/check-ins', { accountId: lowered.id, initiativeId: (i.json() as { id: string }).id, importance: 8, confidence: 2 });
    expect(ci.statusCode, ci.body).toBe(201);
    expect((await candidatesForTest(t.database, new Date())).includes(lowered.id)).toBe(false); // default 10: cannot come within reach
    expect((await api(manager, 'PUT', '/api/capacity/settings', { defaultSpoons: 5, period: 'week' })).statusCode).toBe(200);
    try {
      const item = (await list('state=near')).find((x) => x.accountId === lowered.id);
      expect(item).toMatchObject({ state: 'near', capacity: 2, used: 0, left: 2 });
    } finally {
      await api(manager, 'PUT', '/api/capacity/settings', { defaultSpoons: 10, period: 'week' });
    }
  });

  it('refuses a bad state, limit or cursor with a 400 naming the field', async () => {
    for (const [qs, field] of [['state=full', 'state'], ['limit=0', 'limit'], ['limit=201', 'limit'], ['cursor=WyJhIiwiYiJd', 'cursor']] as const) {
      const res = await api(manager, 'GET', `/api/capacity/accounts?${qs}`);
      expect(res.statusCode, qs).toBe(400);
      expect((res.json() as { fields: { path: string }[] }).fields.map((f) => f.path.replace(/^querystring\./, '')), qs).toContain(field);
    }
  });
});
