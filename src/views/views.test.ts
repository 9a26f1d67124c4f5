import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';

/** Saved views over HTTP on a real database: CRUD, sharing with the team, defaults, permissions, hostile state. */
let t: TestApp;
let teamA: string;
let teamB: string;
let managerA: SignedIn;
let csmA: SignedIn;
let csmA2: SignedIn;
let csmB: SignedIn;

async function api(who: SignedIn | null, method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, payload?: unknown) {
  return t.app.inject({ method, url, headers: who ? who.headers : {}, ...(payload === undefined ? {} : { payload: payload as object }) });
}
type View = { id: string; name: string; shared: boolean; teamId: string | null; isDefault: boolean; teamDefault: boolean; mine: boolean; canEdit: boolean; state: { filters: Record<string, string>; columns: string[]; sort: string | null } };
const list = async (who: SignedIn, scope = 'portfolio') => ((await api(who, 'GET', `/api/views?scope=${scope}`)).json() as { items: View[] }).items;

beforeAll(async () => {
  t = await createTestApp();
  const team = async () => (await t.database.query<{ id: string }>('INSERT INTO teams (name) VALUES ($1) RETURNING id', [unique('team')])).rows[0]?.id ?? '';
  [teamA, teamB] = [await team(), await team()];
  managerA = await t.signIn('manager', { teamId: teamA });
  csmA = await t.signIn('csm', { teamId: teamA });
  csmA2 = await t.signIn('csm', { teamId: teamA });
  csmB = await t.signIn('csm', { teamId: teamB });
});
afterAll(() => t?.close());

describe('saved views', () => {
  it('a user saves, lists, renames, changes and deletes a personal view; nobody else sees it', async () => {
    const res = await api(csmA, 'POST', '/api/views', { scope: 'portfolio', name: 'My big ones', state: { filters: { arrMin: '100000', stage: 'adoption' }, columns: ['name', 'arr'], sort: '-arr' } });
    expect(res.statusCode, res.body).toBe(201);
    const v = res.json() as View;
    expect(v).toMatchObject({ name: 'My big ones', shared: false, mine: true, canEdit: true, isDefault: false, state: { filters: { arrMin: '100000', stage: 'adoption' }, sort: '-arr' } });
    expect((await list(csmA)).map((x) => x.id)).toContain(v.id);
    expect((await list(csmA2)).map((x) => x.id)).not.toContain(v.id);
    expect((await list(csmA, 'inbox')).map((x) => x.id)).not.toContain(v.id);
    expect((await api(csmA2, 'PATCH', `/api/views/${v.id}`, { name: 'mine now' })).statusCode).toBe(404);
    const renamed = await api(csmA, 'PATCH', `/api/views/${v.id}`, { name: 'Big ones', state: { filters: { riskLevel: 'high' }, columns: [], sort: null } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Big ones', state: { filters: { riskLevel: 'high' }, sort: null } });
    expect((await api(csmA, 'POST', '/api/views', { scope: 'portfolio', name: 'BIG ONES', state: {} })).statusCode).toBe(409);
    expect((await api(csmA, 'DELETE', `/api/views/${v.id}`)).statusCode).toBe(204);
    expect((await list(csmA)).map((x) => x.id)).not.toContain(v.id);
  });

  it('managers share with their team; a csm may not share; teammates see it read-only, another team not at all', async () => {
    expect((await api(csmA, 'POST', '/api/views', { scope: 'portfolio', name: 'shared by csm', shared: true, state: {} })).statusCode).toBe(403);
    const res = await api(managerA, 'POST', '/api/views', { scope: 'portfolio', name: 'Renewals next 90 days', shared: true, state: { filters: { renewalWithinDays: '90' }, columns: [], sort: 'renewalDate' } });
    expect(res.statusCode, res.body).toBe(201);
    const v = res.json() as View;
    expect(v.teamId).toBe(teamA);
    const seen = (await list(csmA)).find((x) => x.id === v.id);
    expect(seen).toMatchObject({ mine: false, canEdit: false, shared: true });
    expect((await list(csmB)).map((x) => x.id)).not.toContain(v.id);
    expect((await api(csmA, 'PATCH', `/api/views/${v.id}`, { name: 'taken over' })).statusCode).toBe(403);
    expect((await api(csmA, 'DELETE', `/api/views/${v.id}`)).statusCode).toBe(403);
    expect((await api(csmB, 'DELETE', `/api/views/${v.id}`)).statusCode).toBe(404);
  });

  it('defaults: the team default applies until a user picks their own; the own default wins; null goes back to the team one', async () => {
    const team = (await api(managerA, 'POST', '/api/views', { scope: 'inbox', name: 'Overdue first', teamDefault: true, state: { filters: { assignee: 'me' }, columns: ['title'], sort: null } })).json() as View;
    expect(team).toMatchObject({ shared: true, teamDefault: true });
    expect((await list(csmA, 'inbox')).find((x) => x.isDefault)?.id).toBe(team.id);
    expect((await list(csmB, 'inbox')).find((x) => x.isDefault)).toBeUndefined();
    expect((await api(csmA, 'PATCH', `/api/views/${team.id}`, { teamDefault: false })).statusCode).toBe(403);
    const own = (await api(csmA, 'POST', '/api/views', { scope: 'inbox', name: 'Mine', state: { filters: { assignee: 'me', kind: 'call' } } })).json() as View;
    const put = await api(csmA, 'PUT', '/api/views/defaults/inbox', { viewId: own.id });
    expect(put.statusCode, put.body).toBe(200);
    const after = await list(csmA, 'inbox');
    expect(after.filter((x) => x.isDefault).map((x) => x.id)).toEqual([own.id]);
    expect((await list(csmA2, 'inbox')).find((x) => x.isDefault)?.id).toBe(team.id);
    expect((await api(csmA, 'PUT', '/api/views/defaults/portfolio', { viewId: own.id })).statusCode).toBe(400);
    expect((await api(csmB, 'PUT', '/api/views/defaults/inbox', { viewId: own.id })).statusCode).toBe(404);
    expect((await api(csmA, 'PUT', '/api/views/defaults/inbox', { viewId: null })).statusCode).toBe(200);
    expect((await list(csmA, 'inbox')).find((x) => x.isDefault)?.id).toBe(team.id);
    // a second team default replaces the first
    const next = (await api(managerA, 'POST', '/api/views', { scope: 'inbox', name: 'Team calls', teamDefault: true, state: { filters: { kind: 'call' } } })).json() as View;
    const now = await list(csmA, 'inbox');
    expect(now.find((x) => x.id === team.id)?.teamDefault).toBe(false);
    expect(now.find((x) => x.isDefault)?.id).toBe(next.id);
  });

  it('refuses filters the list does not know or would refuse, with a message, and keeps nothing', async () => {
    const res = await api(csmA, 'POST', '/api/views', { scope: 'portfolio', name: 'bad', state: { filters: { shoeSize: '42', renewalWithinDays: 'soon' }, columns: ['nope'], sort: '-shoe' } });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { message: string; fields: { path: string }[] };
    expect(body.message).toContain('"shoeSize" is not a filter of the portfolio list');
    expect(body.fields.map((f) => f.path)).toEqual(expect.arrayContaining(['state.filters.shoeSize', 'state.filters.renewalWithinDays', 'state.columns.0', 'state.sort']));
    expect((await list(csmA)).map((x) => x.name)).not.toContain('bad');
    const big = await api(csmA, 'POST', '/api/views', { scope: 'portfolio', name: 'big', state: { filters: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`search${i}`, 'x'.repeat(1000)])) } });
    expect(big.statusCode).toBe(400);
  });

  it('API keys have no views; signed-out callers are refused', async () => {
    const key = await t.restKey('manager');
    expect((await t.app.inject({ method: 'GET', url: '/api/views', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(403);
    expect((await api(null, 'GET', '/api/views')).statusCode).toBe(401);
  });

  it('fast-check: hostile names and states never give a 5xx', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 120 }), fc.dictionary(fc.string({ maxLength: 20 }), fc.oneof(fc.string({ maxLength: 50 }), fc.integer(), fc.constant(null))), fc.anything(), async (name, filters, sort) => {
      const res = await api(csmA, 'POST', '/api/views', { scope: 'portfolio', name, state: { filters, sort } });
      expect(res.statusCode).toBeLessThan(500);
    }), { numRuns: 60 });
  });
});

describe('demo views', () => {
  it('seeds shared views every user sees, each valid for its list, once', async () => {
    const { seedDemoViews } = await import('./demo.js');
    // managerA (the first manager) already saved "Renewals next 90 days" above: that name is skipped, not duplicated
    expect((await seedDemoViews(t.database)).views).toBe(3);
    expect((await seedDemoViews(t.database)).views).toBe(0);
    const names = (await list(csmB)).map((v) => v.name);
    expect(names).toEqual(expect.arrayContaining(['At risk enterprise', 'Health dropped 10+ in 30 days']));
    expect((await list(csmB, 'inbox')).map((v) => v.name)).toContain('My overdue tasks');
  });
});
