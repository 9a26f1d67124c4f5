import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../support/app.js';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import type { Activity } from '../../src/activities/schema.js';

let t: TestApp;
let teamId: string;
let csm: SignedIn;
let teammate: SignedIn;
let outsider: SignedIn;
let viewer: SignedIn;
let manager: SignedIn;

beforeAll(async () => {
  t = await createTestApp();
  teamId = (await t.app.services.teams.create(unique('team'), SYSTEM_ACTOR)).id;
  const otherTeam = (await t.app.services.teams.create(unique('other'), SYSTEM_ACTOR)).id;
  csm = await t.signIn('csm', { teamId });
  teammate = await t.signIn('csm', { teamId });
  outsider = await t.signIn('csm', { teamId: otherTeam });
  viewer = await t.signIn('viewer');
  manager = await t.signIn('manager');
  // Every activity.logged event is delivered to this (disabled-by-nothing) webhook's outbox.
  await t.database.query(`INSERT INTO webhooks (name, url, secret, events) VALUES ('test', 'http://127.0.0.1:9/hook', 's', ARRAY['activity.logged'])`);
});
afterAll(() => t.close());

async function account(ownerId: string | null = csm.userId) {
  const a = await t.app.services.accounts.create({ name: unique('acct'), ownerId, teamId: null }, SYSTEM_ACTOR);
  const c = await t.app.services.contacts.create({ accountId: a.id, name: 'Pat Customer' }, SYSTEM_ACTOR);
  return { accountId: a.id, contactId: c.id };
}
const call = (who: SignedIn, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

describe('POST /api/activities', () => {
  it('logs a call with participants, infers proactive, audits and emits activity.logged', async () => {
    const { accountId, contactId } = await account();
    const before = Date.now();
    const res = await call(csm, 'POST', '/api/activities', {
      accountId, kind: 'call', subject: 'Quarterly check', body: 'Talked roadmap', participants: { userIds: [teammate.userId], contactIds: [contactId] },
    });
    expect(res.statusCode, res.body).toBe(201);
    const a = res.json() as Activity;
    expect(a).toMatchObject({ accountId, kind: 'call', subject: 'Quarterly check', proactive: true, proactiveSource: 'inferred', respondsTo: null, escalationId: null });
    expect(a.author?.id).toBe(csm.userId);
    expect(a.participants.users.map((u) => u.id)).toEqual([teammate.userId]);
    expect(a.participants.contacts).toEqual([{ id: contactId, name: 'Pat Customer' }]);
    expect(Date.parse(a.occurredAt)).toBeGreaterThanOrEqual(before - 1000);

    const audit = await t.database.query<{ action: string }>(`SELECT action FROM audit_log WHERE object_id = $1`, [a.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['activity.create']);
    const deliveries = await t.database.query<{ payload: { type: string; data: { activityId: string } } }>(
      `SELECT payload FROM webhook_deliveries WHERE event_type = 'activity.logged' AND payload->'data'->>'activityId' = $1`, [a.id]);
    expect(deliveries.rows).toHaveLength(1);
    expect(deliveries.rows[0]?.payload.type).toBe('activity.logged');
  });

  it('infers reactive when it answers something, and records an explicit flag as manual', async () => {
    const { accountId } = await account();
    const reactive = (await call(csm, 'POST', '/api/activities', { accountId, kind: 'email', subject: 'Re: ticket 42', respondsTo: 'ticket' })).json() as Activity;
    expect(reactive).toMatchObject({ proactive: false, proactiveSource: 'inferred' });
    const manual = (await call(csm, 'POST', '/api/activities', { accountId, kind: 'escalation', subject: 'Own call', proactive: true })).json() as Activity;
    expect(manual).toMatchObject({ proactive: true, proactiveSource: 'manual' });
  });

  it('refuses a contact of another account and an escalation of another account, naming the fields', async () => {
    const { accountId } = await account();
    const other = await account();
    const res = await call(csm, 'POST', '/api/activities', { accountId, kind: 'note', subject: 'x', participants: { contactIds: [other.contactId] } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'activity.invalid', fields: [{ path: 'participants.contactIds.0' }] });

    const esc = await call(manager, 'POST', '/api/escalations', {
      accountId: other.accountId, title: 'Outage', severity: 'high',
      members: [{ userId: csm.userId, role: 'csm' }, { userId: manager.userId, role: 'manager' }],
    });
    expect(esc.statusCode, esc.body).toBe(201);
    const bad = await call(csm, 'POST', '/api/activities', { accountId, kind: 'note', subject: 'x', escalationId: (esc.json() as { id: string }).id });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'activity.invalid', fields: [{ path: 'escalationId' }] });
    const unknownUser = await call(csm, 'POST', '/api/activities', { accountId, kind: 'note', subject: 'x', participants: { userIds: ['00000000-0000-4000-8000-000000000000'] } });
    expect(unknownUser.json()).toMatchObject({ fields: [{ path: 'participants.userIds.0' }] });
  });

  it('validates the body with field errors', async () => {
    const { accountId } = await account();
    const res = await call(csm, 'POST', '/api/activities', { accountId, kind: 'lunch', subject: '' });
    expect(res.statusCode).toBe(400);
    const paths = (res.json() as { fields: { path: string }[] }).fields.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['kind', 'subject']));
    expect((await call(csm, 'POST', '/api/activities', { accountId: '00000000-0000-4000-8000-000000000000', kind: 'call', subject: 'x' })).statusCode).toBe(404);
  });

  it('lets CSMs log on their own and their team\'s accounts, managers anywhere, and nobody else', async () => {
    const own = await account(csm.userId);
    const team = await t.app.services.accounts.create({ name: unique('team-acct'), teamId }, SYSTEM_ACTOR);
    const body = (accountId: string) => ({ accountId, kind: 'call', subject: 'Hello' });
    expect((await call(csm, 'POST', '/api/activities', body(own.accountId))).statusCode).toBe(201);
    expect((await call(teammate, 'POST', '/api/activities', body(team.id))).statusCode).toBe(201);
    expect((await call(manager, 'POST', '/api/activities', body(own.accountId))).statusCode).toBe(201);
    expect((await call(outsider, 'POST', '/api/activities', body(own.accountId))).statusCode).toBe(403);
    expect((await call(viewer, 'POST', '/api/activities', body(own.accountId))).statusCode).toBe(403);
    expect((await call(viewer, 'GET', `/api/activities?accountId=${own.accountId}`)).statusCode).toBe(200);
  });
});

describe('PATCH and DELETE /api/activities/:id', () => {
  it('sets the flag by hand, goes back to inference with null, and re-infers an inferred flag', async () => {
    const { accountId } = await account();
    const a = (await call(csm, 'POST', '/api/activities', { accountId, kind: 'call', subject: 'Check-in' })).json() as Activity;
    const inferredEdit = (await call(csm, 'PATCH', `/api/activities/${a.id}`, { respondsTo: 'complaint' })).json() as Activity;
    expect(inferredEdit).toMatchObject({ proactive: false, proactiveSource: 'inferred', respondsTo: 'complaint' });
    const manual = (await call(csm, 'PATCH', `/api/activities/${a.id}`, { proactive: true })).json() as Activity;
    expect(manual).toMatchObject({ proactive: true, proactiveSource: 'manual' });
    const kept = (await call(csm, 'PATCH', `/api/activities/${a.id}`, { subject: 'Renamed' })).json() as Activity;
    expect(kept).toMatchObject({ proactive: true, proactiveSource: 'manual', subject: 'Renamed' });
    const back = (await call(csm, 'PATCH', `/api/activities/${a.id}`, { proactive: null })).json() as Activity;
    expect(back).toMatchObject({ proactive: false, proactiveSource: 'inferred' });
    const audit = await t.database.query<{ action: string; changes: Record<string, unknown> }>(
      `SELECT action, changes FROM audit_log WHERE object_id = $1 ORDER BY id`, [a.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['activity.create', 'activity.update', 'activity.update', 'activity.update', 'activity.update']);
    expect(audit.rows[2]?.changes).toMatchObject({ proactive: { from: false, to: true }, proactiveSource: { from: 'inferred', to: 'manual' } });
  });

  it('replaces participants', async () => {
    const { accountId, contactId } = await account();
    const a = (await call(csm, 'POST', '/api/activities', { accountId, kind: 'meeting', subject: 'Kickoff', participants: { contactIds: [contactId] } })).json() as Activity;
    const after = (await call(csm, 'PATCH', `/api/activities/${a.id}`, { participants: { userIds: [manager.userId], contactIds: [] } })).json() as Activity;
    expect(after.participants).toEqual({ users: [{ id: manager.userId, name: 'Test manager' }], contacts: [] });
  });

  it('lets the author edit their own even off their book; others need edit rights on the account', async () => {
    const { accountId } = await account(csm.userId);
    const a = (await call(csm, 'POST', '/api/activities', { accountId, kind: 'note', subject: 'Mine' })).json() as Activity;
    await t.app.services.accounts.update(accountId, { ownerId: outsider.userId }, SYSTEM_ACTOR);
    expect((await call(csm, 'PATCH', `/api/activities/${a.id}`, { body: 'still mine' })).statusCode).toBe(200);
    expect((await call(teammate, 'PATCH', `/api/activities/${a.id}`, { body: 'not mine' })).statusCode).toBe(403);
    expect((await call(viewer, 'DELETE', `/api/activities/${a.id}`)).statusCode).toBe(403);
    expect((await call(outsider, 'PATCH', `/api/activities/${a.id}`, { body: 'owner now' })).statusCode).toBe(200);
    expect((await call(csm, 'DELETE', `/api/activities/${a.id}`)).statusCode).toBe(204);
    expect((await call(csm, 'GET', `/api/activities/${a.id}`)).statusCode).toBe(404);
    const audit = await t.database.query<{ action: string }>(`SELECT action FROM audit_log WHERE object_id = $1 ORDER BY id DESC LIMIT 1`, [a.id]);
    expect(audit.rows[0]?.action).toBe('activity.delete');
  });
});

describe('GET /api/activities', () => {
  it('filters by account, author, kind and dates, newest first, and pages without gaps', async () => {
    const { accountId } = await account();
    const days = ['2025-01-01', '2025-01-02', '2025-01-02', '2025-01-03', '2025-01-04', '2025-01-05'];
    await t.app.services.accounts.update(accountId, { teamId }, SYSTEM_ACTOR);
    for (const [i, d] of days.entries()) {
      const who = i % 2 ? teammate : csm;
      const res = await call(who, 'POST', '/api/activities', { accountId, kind: i === 3 ? 'qbr' : 'call', subject: `#${i}`, occurredAt: `${d}T10:00:00Z` });
      expect(res.statusCode, res.body).toBe(201);
    }
    const seen: Activity[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(csm, 'GET', `/api/activities?accountId=${accountId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const page = res.json() as { items: Activity[]; nextCursor: string | null };
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(6);
    expect(new Set(seen.map((a) => a.id)).size).toBe(6);
    expect(seen.map((a) => a.occurredAt)).toEqual([...seen.map((a) => a.occurredAt)].sort().reverse());

    const list = async (q: string) => ((await call(csm, 'GET', `/api/activities?accountId=${accountId}&${q}`)).json() as { items: Activity[] }).items;
    expect((await list('kind=qbr')).map((a) => a.subject)).toEqual(['#3']);
    expect((await list(`authorId=${teammate.userId}`)).map((a) => a.subject)).toEqual(['#5', '#3', '#1']);
    expect((await list('from=2025-01-02T00:00:00Z&to=2025-01-04T00:00:00Z')).map((a) => a.subject).sort()).toEqual(['#1', '#2', '#3']);
  });
});

describe('logging shows up in the timeline and the ratio', () => {
  it('puts a new call on top of the timeline and moves the account\'s ratio', async () => {
    const { accountId } = await account();
    await call(csm, 'POST', '/api/activities', { accountId, kind: 'email', subject: 'Answering complaint', respondsTo: 'complaint', occurredAt: new Date(Date.now() - 86_400_000).toISOString() });
    const ratio = async () => (await call(csm, 'GET', `/api/activities/ratio?accountId=${accountId}`)).json() as { proactive: number; reactive: number; ratio: number | null };
    expect(await ratio()).toMatchObject({ proactive: 0, reactive: 1, ratio: 0 });

    const logged = (await call(csm, 'POST', '/api/activities', { accountId, kind: 'call', subject: 'Proactive call' })).json() as Activity;
    const timeline = (await call(viewer, 'GET', `/api/accounts/${accountId}/timeline`)).json() as { items: { id: string; kind: string; title: string }[] };
    expect(timeline.items[0]).toMatchObject({ id: `activity:${logged.id}`, kind: 'activity', title: 'Proactive call' });
    expect(await ratio()).toMatchObject({ proactive: 1, reactive: 1, ratio: 0.5 });
  });
});

describe('OpenAPI', () => {
  it('documents the activity, ratio, timeline and escalation endpoints', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { summary?: string }>> };
    const expected: [string, string][] = [
      ['get', '/api/activities'], ['post', '/api/activities'], ['get', '/api/activities/ratio'], ['get', '/api/activities/{id}'],
      ['patch', '/api/activities/{id}'], ['delete', '/api/activities/{id}'], ['get', '/api/accounts/{id}/timeline'],
      ['get', '/api/escalations'], ['post', '/api/escalations'], ['get', '/api/escalations/{id}'], ['patch', '/api/escalations/{id}'],
      ['post', '/api/escalations/{id}/activities'],
    ];
    for (const [method, path] of expected) expect(doc.paths[path]?.[method]?.summary, `${method} ${path}`).toBeTruthy();
  });
});
