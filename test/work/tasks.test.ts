import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import { createTestApp, unique, type SignedIn, type TestApp } from '../support/app.js';

let t: TestApp;
let csm: SignedIn;
let other: SignedIn;
let manager: SignedIn;
let teamId: string;

const api = (who: SignedIn, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const account = (over: { arr?: number; name?: string } = {}) =>
  t.app.services.accounts.create({ name: over.name ?? unique('Acme'), arr: over.arr ?? 10_000, ownerId: csm.userId, teamId, stage: 'adoption' }, SYSTEM_ACTOR);
const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();

beforeAll(async () => {
  t = await createTestApp();
  teamId = (await t.app.services.teams.create(unique('Team'), SYSTEM_ACTOR)).id;
  csm = await t.signIn('csm', { teamId });
  manager = await t.signIn('manager', { teamId });
  other = await t.signIn('csm');
});
afterAll(() => t?.close());

describe('the task inbox', () => {
  it('orders what needs me today: overdue first, then priority × ARR × risk', async () => {
    const small = await account({ arr: 5_000 });
    const big = await account({ arr: 800_000 });
    const mk = async (accountId: string, title: string, priority: number, dueAt: string | null) => {
      const res = await api(csm, 'POST', '/api/tasks', { accountId, title, priority, dueAt });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    await mk(small.id, 'low, far', 1, days(20));
    await mk(big.id, 'urgent, big account', 4, days(5));
    await mk(small.id, 'overdue', 2, days(-1));
    await mk(small.id, 'urgent, small account', 4, days(5));
    const inbox = (await api(csm, 'GET', '/api/tasks?assignee=me')).json();
    expect(inbox.items.map((i: { title: string }) => i.title)).toEqual(['overdue', 'urgent, big account', 'urgent, small account', 'low, far']);
    expect(inbox.counts).toMatchObject({ open: 4, overdue: 1 });
    expect(inbox.items[0]).toMatchObject({ overdue: true, source: 'manual', account: { arr: 5_000 } });
    expect((await api(other, 'GET', '/api/tasks?assignee=me')).json().items).toEqual([]);
  });

  it('snoozes, reassigns and completes with an outcome note, with role checks', async () => {
    const a = await account();
    const task = (await api(csm, 'POST', '/api/tasks', { accountId: a.id, title: 'Renewal prep', dueAt: days(1) })).json();
    const snoozed = await api(csm, 'PATCH', `/api/tasks/${task.id}`, { snoozedUntil: days(2) });
    expect(snoozed.statusCode, snoozed.body).toBe(200);
    const ids = async (who: SignedIn, q = '') => (await api(who, 'GET', `/api/tasks?assignee=me${q}`)).json().items.map((i: { id: string }) => i.id);
    expect(await ids(csm)).not.toContain(task.id);
    expect(await ids(csm, '&includeSnoozed=true')).toContain(task.id);

    // Someone outside the account's team may not touch it…
    expect((await api(other, 'PATCH', `/api/tasks/${task.id}`, { status: 'done' })).statusCode).toBe(403);
    // …until it is theirs: the manager hands it over, and the new assignee hears about it.
    expect((await api(manager, 'PATCH', `/api/tasks/${task.id}`, { assigneeUserId: other.userId, snoozedUntil: null })).statusCode).toBe(200);
    const bell = await t.database.query<{ title: string }>(`SELECT title FROM notifications WHERE user_id = $1 AND kind = 'task.assigned'`, [other.userId]);
    expect(bell.rows.map((r) => r.title)).toEqual([`Task for ${a.name}: Renewal prep`]);
    expect(await ids(other)).toEqual([task.id]);

    const done = await api(other, 'PATCH', `/api/tasks/${task.id}`, { status: 'done', outcomeNote: 'Spoke to the CFO; renewal on track.' });
    expect(done.json()).toMatchObject({ status: 'done', outcomeNote: 'Spoke to the CFO; renewal on track.' });
    expect(done.json().completedAt).not.toBeNull();
    expect(await ids(other)).toEqual([]);
  });

  it('says per task whether you may act on it, and filters by team and search', async () => {
    const a = await account({ name: unique('Searchable') });
    const mine = (await api(csm, 'POST', '/api/tasks', { accountId: a.id, title: 'Quarterly plan' })).json();
    expect(mine.canAct).toBe(true);
    const seenByOther = (await api(other, 'GET', `/api/tasks/${mine.id}`)).json();
    expect(seenByOther.canAct).toBe(false);
    const team = (await api(manager, 'GET', `/api/tasks?assignee=team&search=${encodeURIComponent(a.name)}`)).json();
    expect(team.items.map((i: { id: string }) => i.id)).toEqual([mine.id]);
    expect((await api(manager, 'GET', '/api/tasks?assignee=team&search=quarterly%20PLAN')).json().items.map((i: { id: string }) => i.id)).toContain(mine.id);
    expect((await api(other, 'GET', '/api/tasks?assignee=team')).statusCode).toBe(400);
  });

  it('lets a customer contact own a task, with the effort it costs them', async () => {
    const a = await account();
    const b = await account();
    const champ = await t.app.services.contacts.create({ accountId: a.id, name: 'Casey', email: 'casey@a.test', role: 'champion' }, SYSTEM_ACTOR);
    const ok = await api(csm, 'POST', '/api/tasks', { accountId: a.id, title: 'Send us the SSO metadata', assigneeContactId: champ.id, customerEffort: 2 });
    expect(ok.json()).toMatchObject({ assignee: { type: 'contact', id: champ.id, name: 'Casey' }, customerEffort: 2 });
    const wrong = await api(csm, 'POST', '/api/tasks', { accountId: b.id, title: 'x', assigneeContactId: champ.id });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'task.invalid', fields: [{ path: 'assigneeContactId' }] });
    expect((await api(csm, 'POST', '/api/tasks', { accountId: a.id, title: 'x', customerEffort: 11 })).statusCode).toBe(400);
  });
});

describe('call them', () => {
  it('proposes a call when a rule fires for the same account twice in a short time', async () => {
    const a = await account({ name: unique('Twice') });
    const rule = (await api(manager, 'POST', '/api/rules', {
      name: 'Poor health', windowHours: 1,
      condition: { match: 'all', conditions: [{ type: 'health_band', op: 'in', bands: ['poor'] }] },
      actions: [{ type: 'create_task', title: 'Review health', assignee: 'owner' }],
    })).json();
    await t.database.query(`INSERT INTO account_health (account_id, score, band, state, stage, drivers) VALUES ($1, 30, 'poor', 'scored', 'adoption', '{"items":[]}')`, [a.id]);
    await t.database.query('INSERT INTO rule_dirty (account_id, cause) VALUES ($1, $2)', [a.id, 'test']);
    expect((await t.app.services.rules.evaluateDirty()).fired).toBe(1);
    const calls = async () => (await api(csm, 'GET', `/api/tasks?assignee=me&accountId=${a.id}&source=recommendation`)).json().items;
    expect(await calls()).toEqual([]);

    // Two hours later the window has passed and it fires again: automation is not working, call.
    await t.database.query('INSERT INTO rule_dirty (account_id, cause) VALUES ($1, $2)', [a.id, 'test']);
    expect((await t.app.services.rules.evaluateDirty(new Date(Date.now() + 2 * 3_600_000))).fired).toBe(1);
    const [call] = await calls();
    expect(call).toMatchObject({ kind: 'call', priority: 4, title: `Call ${a.name}` });
    expect(call.reason).toContain('Rule "Poor health" fired 2 times');
    const inbox = (await api(csm, 'GET', '/api/tasks?assignee=me')).json();
    expect(inbox.counts.callThem).toBeGreaterThanOrEqual(1);
    const firings = (await api(manager, 'GET', `/api/rules/${rule.id}/firings`)).json().items;
    expect(firings[0].actions.map((x: { type: string }) => x.type)).toEqual(['create_task', 'call_them']);
  });

  it('replaces a playbook e-mail with a call when several signals hit a high-ARR account', async () => {
    // A small account beside it, so "high ARR" (the book's top fifth) means something.
    await account({ arr: 1_000 });
    const big = await account({ arr: 2_000_000 });
    await t.app.services.contacts.create({ accountId: big.id, name: 'Pat Champion', email: 'pat@big.test', role: 'champion' }, SYSTEM_ACTOR);
    await t.database.query(`INSERT INTO account_health (account_id, score, band, state, stage, drivers) VALUES ($1, 35, 'poor', 'scored', 'adoption', '{"items":[]}')`, [big.id]);
    await t.database.query(`INSERT INTO escalations (account_id, title, severity) VALUES ($1, 'Outage', 'high')`, [big.id]);
    const pb = (await api(manager, 'POST', '/api/playbooks', { name: unique('Nudge'), steps: [{ kind: 'email', to: 'champion', subject: 'Hello', body: 'Hi {{contact.firstName}}' }] })).json();
    const run = (await api(csm, 'POST', `/api/accounts/${big.id}/playbooks`, { playbookId: pb.id })).json();
    expect(run.steps[0]).toMatchObject({ status: 'skipped', result: { replacedBy: 'call' }, title: 'E-mail the champion: Hello' });
    expect((await t.database.query('SELECT 1 FROM outbound_messages WHERE recipient = $1', ['pat@big.test'])).rows).toHaveLength(0);
    const [call] = (await api(csm, 'GET', `/api/tasks?assignee=me&accountId=${big.id}&source=recommendation`)).json().items;
    expect(call.reason).toContain('Open high escalation: Outage');
  });
});

describe('role assignments', () => {
  it('admins set who plays support for a team; task steps for support go to them', async () => {
    const admin = await t.signIn('admin');
    const lead = await t.signIn('csm');
    expect((await api(csm, 'GET', '/api/role-assignments')).statusCode).toBe(403); // read by admins and managers only (src/auth/policy.ts)
    const denied = await t.app.inject({ method: 'PUT', url: '/api/role-assignments', headers: manager.headers, payload: { role: 'support', teamId, userId: lead.userId } });
    expect(denied.statusCode).toBe(403);
    const set = await t.app.inject({ method: 'PUT', url: '/api/role-assignments', headers: admin.headers, payload: { role: 'support', teamId, userId: lead.userId } });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().items).toEqual([expect.objectContaining({ role: 'support', teamId, userId: lead.userId })]);
    const a = await account();
    const pb = (await api(manager, 'POST', '/api/playbooks', { name: unique('Support'), steps: [{ kind: 'task', title: 'Audit tickets', dueOffsetDays: 1, assignee: 'support' }, { kind: 'task', title: 'Exec check', dueOffsetDays: 1, assignee: 'exec_sponsor' }] })).json();
    await api(csm, 'POST', `/api/accounts/${a.id}/playbooks`, { playbookId: pb.id });
    expect((await api(lead, 'GET', '/api/tasks?assignee=me')).json().items.map((i: { title: string }) => i.title)).toEqual(['Audit tickets']);
    // Nobody plays exec sponsor: the owner gets it, and the reason says so.
    const exec = (await api(csm, 'GET', `/api/tasks?assignee=me&accountId=${a.id}`)).json().items;
    expect(exec.map((i: { title: string }) => i.title)).toEqual(['Exec check']);
    expect(exec[0].reason).toContain('Nobody plays exec sponsor');
  });
});
