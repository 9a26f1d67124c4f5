import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../support/app.js';
import { SYSTEM_ACTOR, type Role } from '../../src/auth/principal.js';

/**
 * Each role × each account/contact route × an account the caller owns, one their team owns and
 * one of another team. Expected statuses follow src/auth/policy.ts.
 */
let t: TestApp;
const who: Record<Role, SignedIn> = {} as Record<Role, SignedIn>;
let teamId: string;

beforeAll(async () => {
  t = await createTestApp();
  teamId = (await t.app.services.teams.create(unique('team'), SYSTEM_ACTOR)).id;
  for (const role of ['admin', 'manager', 'csm', 'viewer'] as const) who[role] = await t.signIn(role, { teamId });
});
afterAll(() => t.close());

type Scope = 'own' | 'team' | 'other';
async function makeAccount(scope: Scope, owner: SignedIn) {
  const otherTeam = (await t.app.services.teams.create(unique('t'), SYSTEM_ACTOR)).id;
  const a = await t.app.services.accounts.create(
    { name: unique('acct'), ownerId: scope === 'own' ? owner.userId : null, teamId: scope === 'team' ? teamId : scope === 'other' ? otherTeam : null },
    SYSTEM_ACTOR,
  );
  const c = await t.app.services.contacts.create({ accountId: a.id, name: 'Pat' }, SYSTEM_ACTOR);
  return { accountId: a.id, contactId: c.id };
}

const EXPECT: Record<Role, Record<Scope, { read: number; patch: number; del: number; contactWrite: number }>> = {
  admin: { own: { read: 200, patch: 200, del: 204, contactWrite: 201 }, team: { read: 200, patch: 200, del: 204, contactWrite: 201 }, other: { read: 200, patch: 200, del: 204, contactWrite: 201 } },
  manager: { own: { read: 200, patch: 200, del: 204, contactWrite: 201 }, team: { read: 200, patch: 200, del: 204, contactWrite: 201 }, other: { read: 200, patch: 200, del: 204, contactWrite: 201 } },
  csm: { own: { read: 200, patch: 200, del: 403, contactWrite: 201 }, team: { read: 200, patch: 200, del: 403, contactWrite: 201 }, other: { read: 200, patch: 403, del: 403, contactWrite: 403 } },
  viewer: { own: { read: 200, patch: 403, del: 403, contactWrite: 403 }, team: { read: 200, patch: 403, del: 403, contactWrite: 403 }, other: { read: 200, patch: 403, del: 403, contactWrite: 403 } },
};

describe.each(['admin', 'manager', 'csm', 'viewer'] as const)('%s', (role) => {
  it.each(['own', 'team', 'other'] as const)('on a %s account', async (scope) => {
    const me = who[role];
    const { accountId, contactId } = await makeAccount(scope, me);
    const exp = EXPECT[role][scope];
    const call = (method: 'GET' | 'PATCH' | 'DELETE' | 'POST', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: me.headers, ...(payload ? { payload } : {}) });

    expect((await call('GET', `/api/accounts/${accountId}`)).statusCode).toBe(exp.read);
    expect((await call('GET', `/api/accounts/${accountId}/usage`)).statusCode).toBe(exp.read);
    expect((await call('GET', `/api/contacts?accountId=${accountId}`)).statusCode).toBe(exp.read);
    expect((await call('GET', `/api/contacts/${contactId}`)).statusCode).toBe(exp.read);
    const canEdit = (await call('GET', `/api/accounts/${accountId}`)).json() as { canEdit: boolean };
    expect(canEdit.canEdit).toBe(exp.patch === 200);

    expect((await call('POST', '/api/contacts', { accountId, name: 'New' })).statusCode).toBe(exp.contactWrite);
    expect((await call('PATCH', `/api/contacts/${contactId}`, { title: 'VP' })).statusCode).toBe(exp.contactWrite === 201 ? 200 : 403);
    expect((await call('DELETE', `/api/contacts/${contactId}`)).statusCode).toBe(exp.contactWrite === 201 ? 204 : 403);
    expect((await call('PATCH', `/api/accounts/${accountId}`, { segment: 'SMB' })).statusCode).toBe(exp.patch);
    expect((await call('DELETE', `/api/accounts/${accountId}`)).statusCode).toBe(exp.del);
    // What was refused left the account as it was.
    const after = await t.app.services.accounts.get(accountId);
    if (exp.del === 204) expect(after).toBeNull();
    else expect(after?.segment).toBe(exp.patch === 200 ? 'SMB' : null);
  });

  it('creating accounts and the admin routes', async () => {
    const me = who[role];
    const create = await t.app.inject({ method: 'POST', url: '/api/accounts', headers: me.headers, payload: { name: unique('new') } });
    expect(create.statusCode).toBe(role === 'viewer' ? 403 : 201);
    if (role === 'csm') expect(create.json()).toMatchObject({ ownerId: me.userId, canEdit: true });
    const forOther = await t.app.inject({ method: 'POST', url: '/api/accounts', headers: me.headers, payload: { name: unique('new'), ownerId: who.admin.userId } });
    expect(forOther.statusCode).toBe(role === 'admin' || role === 'manager' ? 201 : 403);

    const admin = role === 'admin';
    expect((await t.app.inject({ method: 'GET', url: '/api/api-keys', headers: me.headers })).statusCode).toBe(admin || role === 'manager' ? 200 : 403);
    expect((await t.app.inject({ method: 'POST', url: '/api/api-keys', headers: me.headers, payload: { name: 'k', kind: 'write' } })).statusCode).toBe(admin ? 201 : 403);
    expect((await t.app.inject({ method: 'POST', url: '/api/users', headers: me.headers, payload: { email: `${unique('x')}@e.test`, name: 'X', role: 'viewer' } })).statusCode).toBe(admin ? 201 : 403);
    expect((await t.app.inject({ method: 'GET', url: '/api/users', headers: me.headers })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/audit', headers: me.headers })).statusCode).toBe(admin || role === 'manager' ? 200 : 403);
  });
});

describe('objects that do not exist', () => {
  it('answer 404 with a stable code, and malformed ids 400', async () => {
    const h = who.admin.headers;
    const missing = await t.app.inject({ method: 'GET', url: '/api/accounts/00000000-0000-4000-8000-000000000000', headers: h });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ code: 'account.not_found', message: 'Account not found.' });
    const bad = await t.app.inject({ method: 'GET', url: '/api/accounts/not-a-uuid', headers: h });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'request.invalid', fields: [{ path: 'params.id' }] });
  });
  it('answer 401 without credentials', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/accounts' })).statusCode).toBe(401);
  });
});
