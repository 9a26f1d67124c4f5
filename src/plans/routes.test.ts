import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import type { Criterion, Goal, SuccessPlan } from './schema.js';

let t: TestApp;
let manager: SignedIn;
let writeKey: string;
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
const dayOffset = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  manager = await t.signIn('manager');
  writeKey = (await t.writeKey()).key;
});
afterAll(() => t.close());

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, who: SignedIn = manager) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const send = (batch: object[]) => t.app.inject({ method: 'POST', url: '/v1/batch', payload: { batch }, headers: { authorization: basic(writeKey) } });

async function newAccount() {
  return ((await api('POST', '/api/accounts', { name: unique('acct'), arr: 5000 })).json() as { id: string }).id;
}
async function newPlan(accountId: string) {
  const res = await api('POST', `/api/accounts/${accountId}/success-plans`, { title: 'Grow reporting' });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as SuccessPlan;
}

describe('success plans: CRUD', () => {
  it('creates a plan, a goal, criteria and a milestone, and reads them back rolled up', async () => {
    const accountId = await newAccount();
    const plan = await newPlan(accountId);
    expect(plan).toMatchObject({ accountId, title: 'Grow reporting', status: 'on_track', statusReasons: ['no goals yet'], canEdit: true, goals: [] });
    expect(plan.progress).toEqual({ percent: null, criteriaMet: 0, criteriaTotal: 0, milestonesDone: 0, milestonesTotal: 0 });

    const g = await api('POST', `/api/success-plans/${plan.id}/goals`, { statement: 'From 2 to 10 weekly reports by June', why: 'The board reads them', targetDate: dayOffset(90) });
    expect(g.statusCode, g.body).toBe(201);
    const goal = g.json() as Goal;
    expect(goal).toMatchObject({ planId: plan.id, why: 'The board reads them', targetDate: dayOffset(90), startDate: dayOffset(0), hiddenFromCustomer: false, harvestedFromSeedId: null });

    const c = await api('POST', `/api/goals/${goal.id}/criteria`, { name: 'weekly reports', kind: 'manual', target: 10, baseline: 2 });
    expect(c.statusCode, c.body).toBe(201);
    const crit = c.json() as Criterion;
    expect(crit).toMatchObject({ kind: 'manual', direction: 'up', baseline: 2, target: 10, current: null, progress: null, state: 'no_data', met: false, ratings: null });

    const v = await api('POST', `/api/criteria/${crit.id}/values`, { value: 6, at: daysAgo(1) });
    expect(v.statusCode, v.body).toBe(201);
    expect(v.json()).toMatchObject({ current: 6, progress: 50, state: 'measured', met: false });

    const m = await api('POST', `/api/goals/${goal.id}/milestones`, { title: 'SSO live', dueAt: dayOffset(30), ownerUserId: manager.userId });
    expect(m.statusCode, m.body).toBe(201);
    expect(m.json()).toMatchObject({ title: 'SSO live', dueAt: dayOffset(30), completedAt: null, overdueDays: 0, owner: { side: 'vendor', userId: manager.userId, name: 'Test manager' }, tasks: [] });

    const read = (await api('GET', `/api/success-plans/${plan.id}`)).json() as SuccessPlan;
    expect(read.progress).toEqual({ percent: 50, criteriaMet: 0, criteriaTotal: 1, milestonesDone: 0, milestonesTotal: 1 });
    expect(read.goals[0]?.criteria[0]?.current).toBe(6);
    const history = (await api('GET', `/api/criteria/${crit.id}/values`)).json() as { items: { value: number; source: string }[] };
    expect(history.items).toEqual([expect.objectContaining({ value: 6, source: 'manual', side: null })]);

    const list = (await api('GET', `/api/accounts/${accountId}/success-plans`)).json() as { items: SuccessPlan[] };
    expect(list.items.map((p) => p.id)).toEqual([plan.id]);

    expect((await api('PATCH', `/api/success-plans/${plan.id}`, { title: 'Reporting' })).json()).toMatchObject({ title: 'Reporting' });
    expect((await api('PATCH', `/api/goals/${goal.id}`, { hiddenFromCustomer: true })).json()).toMatchObject({ hiddenFromCustomer: true });
    expect((await api('DELETE', `/api/criteria/${crit.id}`)).statusCode).toBe(204);
    expect((await api('DELETE', `/api/goals/${goal.id}`)).statusCode).toBe(204);
    expect((await api('GET', `/api/success-plans/${plan.id}`)).json()).toMatchObject({ goals: [] });
    const audit = await t.database.query<{ action: string }>(`SELECT action FROM audit_log WHERE action LIKE 'plan_%' OR action LIKE 'success_plan.%' ORDER BY id`);
    expect(audit.rows.map((r) => r.action)).toEqual(expect.arrayContaining(['success_plan.create', 'plan_goal.create', 'plan_criterion.create', 'plan_criterion.value', 'plan_milestone.create', 'plan_goal.delete']));
    expect((await api('DELETE', `/api/success-plans/${plan.id}`)).statusCode).toBe(204);
    expect((await api('GET', `/api/success-plans/${plan.id}`)).statusCode).toBe(404);
  });

  it('answers field-level errors and never reinterprets a value', async () => {
    const accountId = await newAccount();
    const plan = await newPlan(accountId);
    const goal = (await api('POST', `/api/success-plans/${plan.id}/goals`, { statement: 'Adopt' })).json() as Goal;
    const cases: [string, object, string][] = [
      [`/api/success-plans/${plan.id}/goals`, { statement: '' }, 'statement'],
      [`/api/success-plans/${plan.id}/goals`, { statement: 'x', targetDate: '2026-02-30' }, 'targetDate'],
      [`/api/goals/${goal.id}/criteria`, { name: 'x', kind: 'driver' }, 'driverId'],
      [`/api/goals/${goal.id}/criteria`, { name: 'x', kind: 'metric' }, 'metric'],
      [`/api/goals/${goal.id}/criteria`, { name: 'x', kind: 'rating', target: 7 }, 'target'],
      [`/api/goals/${goal.id}/criteria`, { name: 'x', kind: 'driver', driverId: crypto.randomUUID() }, 'driverId'],
      [`/api/goals/${goal.id}/milestones`, { title: 'x', dueAt: dayOffset(1), ownerContactId: crypto.randomUUID() }, 'ownerContactId'],
      [`/api/goals/${goal.id}/milestones`, { title: 'x', dueAt: dayOffset(1), ownerUserId: manager.userId, ownerContactId: crypto.randomUUID() }, 'ownerContactId'],
      [`/api/goals/${goal.id}/milestones`, { title: 'x', dueAt: dayOffset(1), surprise: 1 }, ''],
    ];
    for (const [url, body, path] of cases) {
      const res = await api('POST', url, body);
      expect(res.statusCode, `${url} ${JSON.stringify(body)} ${res.body}`).toBe(400);
      const err = res.json() as { code: string; fields: { path: string }[] };
      if (path) expect(err.fields.map((f) => f.path), JSON.stringify(body)).toContain(path);
    }
    const rating = (await api('POST', `/api/goals/${goal.id}/criteria`, { name: 'confidence', kind: 'rating', target: 4 })).json() as Criterion;
    const noSide = await api('POST', `/api/criteria/${rating.id}/values`, { value: 3 });
    expect(noSide.json()).toMatchObject({ code: 'success_plan.invalid', fields: [{ path: 'side' }] });
    const half = await api('POST', `/api/criteria/${rating.id}/values`, { value: 3.5, side: 'vendor' });
    expect(half.json()).toMatchObject({ fields: [{ path: 'value' }] });
    expect((await api('GET', `/api/goals/${goal.id}`)).statusCode).toBe(404);
    expect((await api('PATCH', `/api/goals/${crypto.randomUUID()}`, { why: 'x' })).json()).toMatchObject({ code: 'plan_goal.not_found' });
  });

  it('a rating is the mean of each side\'s latest rating', async () => {
    const plan = await newPlan(await newAccount());
    const goal = (await api('POST', `/api/success-plans/${plan.id}/goals`, { statement: 'Trust' })).json() as Goal;
    const rating = (await api('POST', `/api/goals/${goal.id}/criteria`, { name: 'confidence', kind: 'rating', target: 5 })).json() as Criterion;
    await api('POST', `/api/criteria/${rating.id}/values`, { value: 2, side: 'vendor', at: daysAgo(3) });
    await api('POST', `/api/criteria/${rating.id}/values`, { value: 4, side: 'vendor', at: daysAgo(1) });
    const after = (await api('POST', `/api/criteria/${rating.id}/values`, { value: 3, side: 'customer' })).json() as Criterion;
    expect(after).toMatchObject({ current: 3.5, ratings: { vendor: 4, customer: 3 }, state: 'measured', progress: 62 });
  });

  it('"no data" is not 0%: an unmeasured criterion leaves the percentage null and says so', async () => {
    const plan = await newPlan(await newAccount());
    const goal = (await api('POST', `/api/success-plans/${plan.id}/goals`, { statement: 'Adopt', targetDate: dayOffset(60) })).json() as Goal;
    await api('POST', `/api/goals/${goal.id}/criteria`, { name: 'weekly reports', kind: 'manual', target: 10 });
    const read = (await api('GET', `/api/success-plans/${plan.id}`)).json() as SuccessPlan;
    expect(read.progress.percent).toBeNull();
    expect(read.goals[0]?.progress.percent).toBeNull();
    expect(read.goals[0]?.criteria[0]).toMatchObject({ progress: null, state: 'no_data', current: null });
    expect(read.goals[0]?.statusReasons.join(' ')).toContain("criterion 'weekly reports' has no data yet");
  });
});

describe('milestone tasks', () => {
  it('are tasks on either side; deleting the milestone cancels its open ones and keeps the done ones', async () => {
    const accountId = await newAccount();
    const contact = ((await api('POST', '/api/contacts', { accountId, name: 'Robin', role: 'admin' })).json() as { id: string }).id;
    const plan = await newPlan(accountId);
    const goal = (await api('POST', `/api/success-plans/${plan.id}/goals`, { statement: 'SSO' })).json() as Goal;
    const m = (await api('POST', `/api/goals/${goal.id}/milestones`, { title: 'SSO live', dueAt: dayOffset(10), ownerContactId: contact })).json() as { id: string };
    const theirs = await api('POST', `/api/milestones/${m.id}/tasks`, { title: 'Upload metadata', dueAt: dayOffset(5), assigneeContactId: contact, customerEffort: 3, hiddenFromCustomer: false });
    expect(theirs.statusCode, theirs.body).toBe(201);
    expect(theirs.json()).toMatchObject({ side: 'customer', assigneeContactId: contact, assigneeName: 'Robin', customerEffort: 3, status: 'open', dueAt: `${dayOffset(5)}T23:59:59.000Z` });
    const ours = (await api('POST', `/api/milestones/${m.id}/tasks`, { title: 'Configure', assigneeUserId: manager.userId })).json() as { id: string };
    const stranger = await api('POST', `/api/milestones/${m.id}/tasks`, { title: 'x', assigneeContactId: crypto.randomUUID() });
    expect(stranger.json()).toMatchObject({ code: 'success_plan.invalid', fields: [{ path: 'assigneeContactId' }] });
    expect((await api('PATCH', `/api/tasks/${ours.id}`, { status: 'done' })).statusCode).toBe(200);
    const hidden = await api('PATCH', `/api/milestones/${m.id}/tasks/${ours.id}`, { hiddenFromCustomer: true });
    expect(hidden.json()).toMatchObject({ id: ours.id, hiddenFromCustomer: true });
    expect((await api('PATCH', `/api/milestones/${m.id}/tasks/${crypto.randomUUID()}`, { hiddenFromCustomer: true })).json()).toMatchObject({ code: 'task.not_found' });
    const read = (await api('GET', `/api/success-plans/${plan.id}`)).json() as SuccessPlan;
    expect(read.goals[0]?.milestones[0]?.tasks.map((x) => [x.title, x.status, x.side, x.hiddenFromCustomer])).toEqual([['Upload metadata', 'open', 'customer', false], ['Configure', 'done', 'vendor', true]]);
    // Tasks never complete the milestone: the CSM says so.
    expect(read.goals[0]?.milestones[0]?.completedAt).toBeNull();

    expect((await api('DELETE', `/api/milestones/${m.id}`)).statusCode).toBe(204);
    const left = await t.database.query<{ title: string; status: string; milestone_id: string | null }>(`SELECT title, status, milestone_id FROM tasks WHERE account_id = $1 AND source = 'plan' ORDER BY title`, [accountId]);
    expect(left.rows).toEqual([{ title: 'Configure', status: 'done', milestone_id: null }, { title: 'Upload metadata', status: 'cancelled', milestone_id: null }]);
  });
});

describe('measured criteria', () => {
  it('a driver-tied criterion moves when events arrive and health recomputes, keeping its history', async () => {
    const g = unique('grp');
    await send([{ type: 'group', userId: `${g}-u0`, groupId: g, traits: { name: g, seats: 5, stage: 'renewal' } }]);
    await send([0, 1, 2].map((i) => ({ type: 'track', userId: `${g}-u${i}`, event: 'Logged In', context: { groupId: g }, timestamp: daysAgo(40) })));
    const accountId = (await t.database.query<{ id: string }>('SELECT id FROM accounts WHERE external_id = $1', [g])).rows[0]?.id ?? '';
    const driverId = (await t.database.query<{ id: string }>(`SELECT id FROM drivers WHERE key = 'days_since_activity'`)).rows[0]?.id ?? '';
    const plan = await newPlan(accountId);
    const goal = (await api('POST', `/api/success-plans/${plan.id}/goals`, { statement: 'From 40 days between logins to daily', targetDate: dayOffset(30) })).json() as Goal;
    const c = await api('POST', `/api/goals/${goal.id}/criteria`, { name: 'days since activity', kind: 'driver', driverId, target: 1, baseline: 40 });
    expect(c.statusCode, c.body).toBe(201);
    const before = c.json() as Criterion;
    expect(before).toMatchObject({ driverId, driverName: expect.any(String), direction: 'down', current: 40, progress: 0, state: 'measured' });

    await send([{ type: 'track', userId: `${g}-u0`, event: 'Logged In', context: { groupId: g } }]);
    const read = (await api('GET', `/api/success-plans/${plan.id}`)).json() as SuccessPlan;
    const after = read.goals[0]?.criteria[0];
    expect(after).toMatchObject({ current: 0, progress: 100, met: true });
    expect(read.goals[0]?.status).toBe('achieved');
    const history = (await api('GET', `/api/criteria/${before.id}/values`)).json() as { items: { value: number; source: string }[] };
    expect(history.items).toEqual([expect.objectContaining({ value: 0, source: 'measured' })]);
    const stored = await t.database.query<{ status: string }>('SELECT status FROM plan_goals WHERE id = $1', [goal.id]);
    expect(stored.rows[0]?.status).toBe('achieved');
  });

  it('a metric criterion counts usage over its window', async () => {
    const g = unique('grp');
    await send([{ type: 'group', userId: `${g}-u0`, groupId: g, traits: { name: g, seats: 5, stage: 'adoption' } }]);
    await send([0, 1, 2].flatMap((i) => [1, 2].map((d) => ({ type: 'track', userId: `${g}-u${i}`, event: 'Report Sent', context: { groupId: g }, timestamp: daysAgo(d) }))));
    await send([{ type: 'track', userId: `${g}-u0`, event: 'Report Sent', context: { groupId: g }, timestamp: daysAgo(50) }]);
    const accountId = (await t.database.query<{ id: string }>('SELECT id FROM accounts WHERE external_id = $1', [g])).rows[0]?.id ?? '';
    const plan = await newPlan(accountId);
    const goal = (await api('POST', `/api/success-plans/${plan.id}/goals`, { statement: 'Reports' })).json() as Goal;
    const count = (await api('POST', `/api/goals/${goal.id}/criteria`, { name: 'reports', kind: 'metric', metric: { event: 'Report Sent', measure: 'count', windowDays: 30 }, target: 12 })).json() as Criterion;
    const users = (await api('POST', `/api/goals/${goal.id}/criteria`, { name: 'senders', kind: 'metric', metric: { event: 'Report Sent', measure: 'active_users', windowDays: 30 }, target: 3 })).json() as Criterion;
    const days = (await api('POST', `/api/goals/${goal.id}/criteria`, { name: 'days', kind: 'metric', metric: { event: 'Report Sent', measure: 'active_days', windowDays: 30 }, target: 20 })).json() as Criterion;
    expect(count).toMatchObject({ current: 6, progress: 50 });
    expect(users).toMatchObject({ current: 3, met: true });
    expect(days).toMatchObject({ current: 2, progress: 10 });
  });
});

