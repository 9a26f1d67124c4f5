import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../support/app.js';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import type { Escalation } from '../../src/escalations/schema.js';
import type { Activity } from '../../src/activities/schema.js';

let t: TestApp;
let teamId: string;
let csm: SignedIn;
let support: SignedIn; // a CSM of another team, here in the support role
let outsider: SignedIn;
let viewer: SignedIn;
let manager: SignedIn;

beforeAll(async () => {
  t = await createTestApp();
  teamId = (await t.app.services.teams.create(unique('team'), SYSTEM_ACTOR)).id;
  const otherTeam = (await t.app.services.teams.create(unique('other'), SYSTEM_ACTOR)).id;
  csm = await t.signIn('csm', { teamId });
  support = await t.signIn('csm', { teamId: otherTeam });
  outsider = await t.signIn('csm', { teamId: otherTeam });
  viewer = await t.signIn('viewer');
  manager = await t.signIn('manager');
  await t.database.query(`INSERT INTO webhooks (name, url, secret, events) VALUES ('esc', 'http://127.0.0.1:9/hook', 's', ARRAY['escalation.opened', 'escalation.updated'])`);
});
afterAll(() => t.close());

const call = (who: SignedIn, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

async function account() {
  const a = await t.app.services.accounts.create({ name: unique('acct'), ownerId: csm.userId, teamId }, SYSTEM_ACTOR);
  const c = await t.app.services.contacts.create({ accountId: a.id, name: 'Ada Customer', email: 'ada@example.test' }, SYSTEM_ACTOR);
  return { accountId: a.id, contactId: c.id };
}
const team = () => [{ userId: csm.userId, role: 'csm' }, { userId: support.userId, role: 'support' }];
async function open(accountId: string, extra: object = {}) {
  const res = await call(csm, 'POST', '/api/escalations', { accountId, title: 'Invoices fail', description: 'Since Monday', severity: 'high', members: team(), ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Escalation;
}
const notificationsOf = async (userId: string, escalationId: string) =>
  (await t.database.query<{ kind: string; title: string; link: string; dedupe_key: string }>(
    `SELECT kind, title, link, dedupe_key FROM notifications WHERE user_id = $1 AND dedupe_key LIKE $2 ORDER BY created_at, id`,
    [userId, `escalation:${escalationId}:%`],
  )).rows;

describe('POST /api/escalations: never one throat to choke', () => {
  it('refuses one member, two people in one role, and one person in two roles, naming members', async () => {
    const { accountId } = await account();
    for (const members of [
      [{ userId: csm.userId, role: 'csm' }],
      [{ userId: csm.userId, role: 'support' }, { userId: support.userId, role: 'support' }],
      [{ userId: csm.userId, role: 'csm' }, { userId: csm.userId, role: 'exec_sponsor' }],
      [],
    ]) {
      const res = await call(csm, 'POST', '/api/escalations', { accountId, title: 'x', severity: 'low', members });
      expect(res.statusCode, JSON.stringify(members)).toBe(400);
      expect(res.json()).toMatchObject({ code: 'escalation.invalid', fields: [{ path: 'members' }] });
    }
    const none = await t.database.query('SELECT 1 FROM escalations WHERE account_id = $1', [accountId]);
    expect(none.rows).toHaveLength(0);
  });

  it('refuses unknown users and contacts of another account', async () => {
    const { accountId } = await account();
    const other = await account();
    const res = await call(csm, 'POST', '/api/escalations', {
      accountId, title: 'x', severity: 'low', contactIds: [other.contactId],
      members: [...team(), { userId: '00000000-0000-4000-8000-000000000000', role: 'product' }],
    });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { fields: { path: string }[] }).fields.map((f) => f.path)).toEqual(['members.2.userId', 'contactIds.0']);
  });

  it('opens with its team and contacts, notifies the other members, emits escalation.opened and audits', async () => {
    const { accountId, contactId } = await account();
    const e = await open(accountId, { contactIds: [contactId], members: [...team(), { userId: manager.userId, role: 'exec_sponsor' }] });
    expect(e).toMatchObject({ accountId, title: 'Invoices fail', severity: 'high', status: 'open', resolvedAt: null, openedBy: { id: csm.userId }, activityCount: 0 });
    expect(e.members.map((m) => [m.userId, m.role]).sort()).toEqual([[csm.userId, 'csm'], [manager.userId, 'exec_sponsor'], [support.userId, 'support']].sort());
    expect(e.contacts).toEqual([{ id: contactId, name: 'Ada Customer', email: 'ada@example.test', role: null }]);

    for (const member of [support, manager]) {
      expect(await notificationsOf(member.userId, e.id)).toEqual([
        { kind: 'escalation.opened', title: expect.stringContaining('Invoices fail'), link: `/accounts/${accountId}`, dedupe_key: `escalation:${e.id}:opened` },
      ]);
    }
    expect(await notificationsOf(csm.userId, e.id)).toEqual([]); // who opened it knows
    const mail = await t.database.query(`SELECT 1 FROM outbound_messages WHERE dedupe_key LIKE $1`, [`email:%:escalation:${e.id}:opened`]);
    expect(mail.rows).toHaveLength(2);
    const events = await t.database.query<{ event_type: string }>(`SELECT event_type FROM webhook_deliveries WHERE payload->'data'->'escalation'->>'id' = $1`, [e.id]);
    expect(events.rows.map((r) => r.event_type)).toEqual(['escalation.opened']);
    const audit = await t.database.query<{ action: string }>(`SELECT action FROM audit_log WHERE object_id = $1`, [e.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['escalation.create']);
  });
});

describe('the thread', () => {
  it('logs activities into the thread, reactive by inference, and returns them oldest first', async () => {
    const { accountId, contactId } = await account();
    const e = await open(accountId);
    const first = await call(support, 'POST', `/api/escalations/${e.id}/activities`, { subject: 'Reproduced', occurredAt: '2025-05-01T10:00:00Z' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ kind: 'escalation', proactive: false, proactiveSource: 'inferred', escalationId: e.id, accountId });
    const call2 = await call(csm, 'POST', `/api/escalations/${e.id}/activities`, { kind: 'call', subject: 'Told the customer', occurredAt: '2025-05-02T10:00:00Z', participants: { contactIds: [contactId] } });
    expect(call2.json()).toMatchObject({ kind: 'call', proactive: false });
    const detail = (await call(viewer, 'GET', `/api/escalations/${e.id}`)).json() as Escalation & { thread: Activity[]; canEdit: boolean };
    expect(detail.thread.map((a) => a.subject)).toEqual(['Reproduced', 'Told the customer']);
    expect(detail).toMatchObject({ activityCount: 2, lastActivityAt: '2025-05-02T10:00:00.000Z', canEdit: false });
    expect(((await call(support, 'GET', `/api/escalations/${e.id}`)).json() as { canEdit: boolean }).canEdit).toBe(true);
  });
});

describe('PATCH /api/escalations/:id', () => {
  it('moves the status, stamps resolvedAt, tells the members and the webhooks', async () => {
    const { accountId } = await account();
    const e = await open(accountId);
    const inv = await call(support, 'PATCH', `/api/escalations/${e.id}`, { status: 'investigating', severity: 'critical' });
    expect(inv.statusCode, inv.body).toBe(200);
    expect(inv.json()).toMatchObject({ status: 'investigating', severity: 'critical', resolvedAt: null });
    const resolved = (await call(csm, 'PATCH', `/api/escalations/${e.id}`, { status: 'resolved' })).json() as Escalation;
    expect(resolved.resolvedAt).not.toBeNull();
    const noStatus = (await call(csm, 'PATCH', `/api/escalations/${e.id}`, { description: 'Root cause: expired certificate' })).json() as Escalation;
    expect(noStatus.resolvedAt).toBe(resolved.resolvedAt);
    const reopened = (await call(csm, 'PATCH', `/api/escalations/${e.id}`, { status: 'open' })).json() as Escalation;
    expect(reopened.resolvedAt).toBeNull();

    // The CSM hears of support's change; support of the CSM's two.
    expect((await notificationsOf(csm.userId, e.id)).map((n) => n.kind)).toEqual(['escalation.updated']);
    expect((await notificationsOf(support.userId, e.id)).map((n) => n.kind)).toEqual(['escalation.opened', 'escalation.updated', 'escalation.updated']);
    const events = await t.database.query<{ event_type: string; status: string }>(
      `SELECT event_type, payload->'data'->'escalation'->>'status' AS status FROM webhook_deliveries WHERE payload->'data'->'escalation'->>'id' = $1 ORDER BY created_at, id`, [e.id]);
    expect(events.rows.map((r) => `${r.event_type}:${r.status}`)).toEqual(['escalation.opened:open', 'escalation.updated:investigating', 'escalation.updated:resolved', 'escalation.updated:open']);
    const audit = await t.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE object_id = $1 AND action = 'escalation.update'`, [e.id]);
    expect(audit.rows[0]?.n).toBe(4);
  });

  it('replaces the team under the same rule and tells newcomers', async () => {
    const { accountId } = await account();
    const e = await open(accountId);
    const lone = await call(csm, 'PATCH', `/api/escalations/${e.id}`, { members: [{ userId: csm.userId, role: 'csm' }] });
    expect(lone.statusCode).toBe(400);
    expect(lone.json()).toMatchObject({ code: 'escalation.invalid', fields: [{ path: 'members' }] });
    const res = await call(csm, 'PATCH', `/api/escalations/${e.id}`, { members: [{ userId: csm.userId, role: 'csm' }, { userId: manager.userId, role: 'exec_sponsor' }] });
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as Escalation).members.map((m) => m.role).sort()).toEqual(['csm', 'exec_sponsor']);
    expect((await notificationsOf(manager.userId, e.id)).map((n) => n.title)).toEqual([expect.stringMatching(/^You were added/)]);
    // support left the team: no longer a member, so no longer allowed (another team's account).
    expect((await call(support, 'PATCH', `/api/escalations/${e.id}`, { status: 'mitigated' })).statusCode).toBe(403);
  });
});

describe('who may do what', () => {
  it('viewers and CSMs of other teams may not open; members of any team may act; others may not', async () => {
    const { accountId } = await account();
    const body = { accountId, title: 'x', severity: 'low', members: team() };
    expect((await call(viewer, 'POST', '/api/escalations', body)).statusCode).toBe(403);
    expect((await call(outsider, 'POST', '/api/escalations', body)).statusCode).toBe(403);
    expect((await call(manager, 'POST', '/api/escalations', body)).statusCode).toBe(201);
    const e = await open(accountId);
    expect((await call(support, 'PATCH', `/api/escalations/${e.id}`, { status: 'mitigated' })).statusCode).toBe(200); // member, other team
    expect((await call(support, 'POST', `/api/escalations/${e.id}/activities`, { subject: 'Update' })).statusCode).toBe(201);
    expect((await call(outsider, 'PATCH', `/api/escalations/${e.id}`, { status: 'resolved' })).statusCode).toBe(403);
    expect((await call(outsider, 'POST', `/api/escalations/${e.id}/activities`, { subject: 'Nope' })).statusCode).toBe(403);
    expect((await call(viewer, 'PATCH', `/api/escalations/${e.id}`, { status: 'resolved' })).statusCode).toBe(403);
    expect((await call(viewer, 'GET', `/api/escalations/${e.id}`)).statusCode).toBe(200);
    expect((await call(viewer, 'GET', '/api/escalations/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });
});

describe('GET /api/escalations', () => {
  it('filters by account, status, severity and membership, and pages', async () => {
    const { accountId } = await account();
    const made: Escalation[] = [];
    for (const severity of ['low', 'critical', 'medium', 'high']) made.push(await open(accountId, { severity, title: `E ${severity}` }));
    await call(csm, 'PATCH', `/api/escalations/${made[0]?.id}`, { status: 'resolved' });
    const list = async (q: string, who = csm) => {
      const res = await call(who, 'GET', `/api/escalations?accountId=${accountId}&${q}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { items: Escalation[]; nextCursor: string | null };
    };
    expect((await list('')).items.map((e) => e.title)).toEqual(['E high', 'E medium', 'E critical', 'E low']);
    expect((await list('sort=-severity')).items.map((e) => e.severity)).toEqual(['critical', 'high', 'medium', 'low']);
    expect((await list('status=active')).items).toHaveLength(3);
    expect((await list('status=resolved')).items.map((e) => e.title)).toEqual(['E low']);
    expect((await list('severity=critical')).items.map((e) => e.title)).toEqual(['E critical']);
    expect((await list('mine=true', support)).items).toHaveLength(4);
    expect((await list('mine=true', outsider)).items).toHaveLength(0);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`sort=severity&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((e) => e.severity));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['low', 'medium', 'high', 'critical']);
  });
});
