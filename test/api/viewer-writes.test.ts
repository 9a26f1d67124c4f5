import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../support/app.js';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';

/**
 * A viewer writes nothing (src/auth/policy.ts), even where membership would let a csm act:
 * as an escalation's member or a task's assignee.
 */
let t: TestApp;
let csm: SignedIn;
let viewer: SignedIn;
let accountId: string;

beforeAll(async () => {
  t = await createTestApp();
  csm = await t.signIn('csm');
  viewer = await t.signIn('viewer');
  accountId = (await t.app.services.accounts.create({ name: unique('acct'), ownerId: csm.userId, teamId: null }, SYSTEM_ACTOR)).id;
});
afterAll(() => t.close());

const call = (who: SignedIn, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

describe('a viewer named on an object', () => {
  it('may read but not change an escalation they are a member of, nor post in its thread', async () => {
    const opened = await call(csm, 'POST', '/api/escalations', {
      accountId, title: 'Invoices fail', severity: 'high', members: [{ userId: csm.userId, role: 'csm' }, { userId: viewer.userId, role: 'support' }],
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const id = (opened.json() as { id: string }).id;

    const detail = await call(viewer, 'GET', `/api/escalations/${id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({ canEdit: false });
    expect((await call(viewer, 'PATCH', `/api/escalations/${id}`, { status: 'resolved' })).statusCode).toBe(403);
    expect((await call(viewer, 'POST', `/api/escalations/${id}/activities`, { subject: 'on it' })).statusCode).toBe(403);
    // Nothing was written: still open, empty thread.
    const after = (await call(csm, 'GET', `/api/escalations/${id}`)).json() as { status: string; thread: unknown[] };
    expect(after.status).not.toBe('resolved');
    expect(after.thread).toHaveLength(0);
    // The csm member still may.
    expect((await call(csm, 'POST', `/api/escalations/${id}/activities`, { subject: 'on it' })).statusCode).toBe(201);
  });

  it('may not complete a task assigned to them', async () => {
    const created = await call(csm, 'POST', '/api/tasks', { accountId, title: 'Call Ada', assigneeUserId: viewer.userId });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { id: string }).id;
    const res = await call(viewer, 'PATCH', `/api/tasks/${id}`, { status: 'done', outcomeNote: 'called' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'auth.forbidden' });
    expect((await call(csm, 'GET', `/api/tasks/${id}`)).json()).toMatchObject({ status: 'open' });
  });
});
