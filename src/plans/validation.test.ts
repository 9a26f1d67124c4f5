import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import { targetVsBaseline } from './criteria.js';
import type { Criterion, Goal, SuccessPlan } from './schema.js';
import { startAfterTarget } from './service.js';
import { templateOffsetProblems } from './templates.js';

/**
 * The holes an outside tester found: each is a field-level 400 ({code, message, fields}) and
 * nothing is written. Future values, a target already reached by the baseline, a goal starting
 * after its target, template days out of order, and owners who cannot do work.
 */

let t: TestApp;
let manager: SignedIn;
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
const dayOffset = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
type Err = { code: string; message: string; fields: { path: string; message: string }[] };

beforeAll(async () => {
  t = await createTestApp();
  manager = await t.signIn('manager');
});
afterAll(() => t.close());

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: manager.headers, ...(payload ? { payload } : {}) });

async function newGoal(body: object = { statement: 'Grow reporting' }) {
  const accountId = ((await api('POST', '/api/accounts', { name: unique('acct'), arr: 1000 })).json() as { id: string }).id;
  const plan = (await api('POST', `/api/accounts/${accountId}/success-plans`, { title: 'Plan' })).json() as SuccessPlan;
  const res = await api('POST', `/api/success-plans/${plan.id}/goals`, body);
  expect(res.statusCode, res.body).toBe(201);
  return { accountId, plan, goal: res.json() as Goal };
}

function expectField(res: { statusCode: number; body: string; json: () => unknown }, path: string, message: string | RegExp, code = 'success_plan.invalid') {
  expect(res.statusCode, res.body).toBe(400);
  const err = res.json() as Err;
  expect(err.code).toBe(code);
  expect(err.message).toEqual(expect.any(String));
  const f = err.fields.find((x) => x.path === path);
  expect(f, res.body).toBeDefined();
  if (typeof message === 'string') expect(f?.message).toBe(message);
  else expect(f?.message).toMatch(message);
}

describe('criterion values: no future dates', () => {
  it('refuses an `at` ahead of now (beyond 5 minutes of skew) and writes nothing', async () => {
    const { goal } = await newGoal();
    const c = (await api('POST', `/api/goals/${goal.id}/criteria`, { name: 'reports', kind: 'manual', baseline: 0, target: 10 })).json() as Criterion;
    expectField(await api('POST', `/api/criteria/${c.id}/values`, { value: 7, at: '2099-01-01T00:00:00Z' }), 'at', 'cannot be in the future');
    expectField(await api('POST', `/api/criteria/${c.id}/values`, { value: 7, at: new Date(Date.now() + 10 * 60_000).toISOString() }), 'at', 'cannot be in the future');
    const skew = await api('POST', `/api/criteria/${c.id}/values`, { value: 3, at: new Date(Date.now() + 60_000).toISOString() });
    expect(skew.statusCode, skew.body).toBe(201);
    const history = (await api('GET', `/api/criteria/${c.id}/values`)).json() as { items: { value: number }[] };
    expect(history.items.map((v) => v.value)).toEqual([3]);
  });

  it("the current value is the latest at or before now: a stored future row does not pin it", async () => {
    const { plan, goal } = await newGoal();
    const c = (await api('POST', `/api/goals/${goal.id}/criteria`, { name: 'reports', kind: 'manual', baseline: 0, target: 10 })).json() as Criterion;
    expect((await api('POST', `/api/criteria/${c.id}/values`, { value: 4, at: daysAgo(1) })).statusCode).toBe(201);
    // A row written before the check existed (or by another path).
    await t.database.query(`INSERT INTO plan_criterion_values (criterion_id, at, day, value, source) VALUES ($1, '2099-01-01T00:00:00Z', '2099-01-01', 7, 'manual')`, [c.id]);
    const read = (await api('GET', `/api/success-plans/${plan.id}`)).json() as SuccessPlan;
    expect(read.goals[0]?.criteria[0]).toMatchObject({ current: 4, progress: 40 });
    const later = (await api('POST', `/api/criteria/${c.id}/values`, { value: 6 })).json() as Criterion;
    expect(later).toMatchObject({ current: 6, progress: 60 });
  });
});

describe('criteria: the target lies beyond the baseline', () => {
  it('refuses on create, in either direction, and accepts without a baseline', async () => {
    const { goal } = await newGoal();
    const url = `/api/goals/${goal.id}/criteria`;
    expectField(await api('POST', url, { name: 'x', kind: 'manual', baseline: 10, target: 5 }), 'target', 'for a rising target it must be above the baseline (10)');
    expectField(await api('POST', url, { name: 'x', kind: 'manual', baseline: 5, target: 5 }), 'target', 'for a rising target it must be above the baseline (5)');
    expectField(await api('POST', url, { name: 'x', kind: 'manual', direction: 'down', baseline: 5, target: 9 }), 'target', 'for a falling target it must be below the baseline (5)');
    expect((await api('POST', url, { name: 'x', kind: 'manual', target: 5 })).statusCode).toBe(201);
    expect((await api('POST', url, { name: 'y', kind: 'manual', direction: 'down', baseline: 9, target: 5 })).statusCode).toBe(201);
    const criteria = await t.database.query('SELECT 1 FROM plan_criteria WHERE goal_id = $1', [goal.id]);
    expect(criteria.rows).toHaveLength(2);
  });

  it('refuses a PATCH whose merged result is at or past the target', async () => {
    const { goal } = await newGoal();
    const c = (await api('POST', `/api/goals/${goal.id}/criteria`, { name: 'x', kind: 'manual', baseline: 2, target: 10 })).json() as Criterion;
    expectField(await api('PATCH', `/api/criteria/${c.id}`, { baseline: 12 }), 'target', 'for a rising target it must be above the baseline (12)');
    expectField(await api('PATCH', `/api/criteria/${c.id}`, { target: 2 }), 'target', 'for a rising target it must be above the baseline (2)');
    expectField(await api('PATCH', `/api/criteria/${c.id}`, { direction: 'down' }), 'target', 'for a falling target it must be below the baseline (2)');
    expect((await api('PATCH', `/api/criteria/${c.id}`, { direction: 'down', baseline: 20 })).json()).toMatchObject({ direction: 'down', baseline: 20, target: 10 });
    expect((await api('PATCH', `/api/criteria/${c.id}`, { baseline: null })).json()).toMatchObject({ baseline: null });
  });

  it('the rule itself', () => {
    expect(targetVsBaseline('up', null, 5)).toBeNull();
    expect(targetVsBaseline('up', 3, null)).toBeNull();
    expect(targetVsBaseline('up', 3, 4)).toBeNull();
    expect(targetVsBaseline('down', 4, 3)).toBeNull();
    expect(targetVsBaseline('down', 3, 3)).toMatchObject({ path: 'target' });
  });
});

describe('goals: the start is on or before the target date', () => {
  it('refuses on create and on a merged PATCH', async () => {
    const { plan, goal } = await newGoal({ statement: 'SSO', startDate: dayOffset(-10), targetDate: dayOffset(30) });
    const url = `/api/success-plans/${plan.id}/goals`;
    expectField(await api('POST', url, { statement: 'x', startDate: dayOffset(5), targetDate: dayOffset(1) }), 'startDate', `must be on or before the target date (${dayOffset(1)})`);
    expectField(await api('POST', url, { statement: 'x', targetDate: dayOffset(-1) }), 'startDate', /after the target date .*give an earlier startDate/);
    expect((await api('POST', url, { statement: 'same day', startDate: dayOffset(1), targetDate: dayOffset(1) })).statusCode).toBe(201);
    expect((await api('POST', url, { statement: 'backdated', startDate: dayOffset(-30), targetDate: dayOffset(-1) })).statusCode).toBe(201);

    expectField(await api('PATCH', `/api/goals/${goal.id}`, { startDate: dayOffset(31) }), 'startDate', `must be on or before the target date (${dayOffset(30)})`);
    expectField(await api('PATCH', `/api/goals/${goal.id}`, { targetDate: dayOffset(-11) }), 'startDate', `must be on or before the target date (${dayOffset(-11)})`);
    expectField(await api('PATCH', `/api/goals/${goal.id}`, { startDate: null, targetDate: dayOffset(-1) }), 'startDate', /the day the goal was created/);
    expect((await api('PATCH', `/api/goals/${goal.id}`, { startDate: dayOffset(-20), targetDate: dayOffset(-15) })).json()).toMatchObject({ startDate: dayOffset(-20), targetDate: dayOffset(-15) });
    expect((await api('PATCH', `/api/goals/${goal.id}`, { targetDate: null })).json()).toMatchObject({ targetDate: null });
    expect(startAfterTarget('2026-01-02', '2026-01-01')).toMatchObject({ path: 'startDate' });
  });
});

describe('templates: days in order', () => {
  const goal = (over: object) => ({ statement: 'Live', targetOffsetDays: 30, milestones: [], ...over });

  it('refuses negative offsets, a milestone after its goal\'s target and a task after its milestone', async () => {
    const neg = await api('POST', '/api/plan-templates', { name: unique('tpl'), goals: [goal({ targetOffsetDays: -1 })] });
    expectField(neg, 'goals.0.targetOffsetDays', /cannot be negative/, 'plan_template.invalid');
    const late = await api('POST', '/api/plan-templates', {
      name: unique('tpl'),
      goals: [goal({ milestones: [{ title: 'Kick-off', offsetDays: 3, owner: 'csm' }, { title: 'Go live', offsetDays: 45, owner: 'csm' }] })],
    });
    expectField(late, 'goals.0.milestones.1.offsetDays', "after the goal's target (day 30)", 'plan_template.invalid');
    const task = await api('POST', '/api/plan-templates', {
      name: unique('tpl'),
      goals: [goal({ milestones: [{ title: 'Kick-off', offsetDays: 3, owner: 'csm', tasks: [{ title: 'Agenda', offsetDays: 4, owner: 'csm' }, { title: 'Early', offsetDays: -2, owner: 'csm' }] }] })],
    });
    expectField(task, 'goals.0.milestones.0.tasks.0.offsetDays', 'after its milestone (day 3)', 'plan_template.invalid');
    expectField(task, 'goals.0.milestones.0.tasks.1.offsetDays', /cannot be negative/, 'plan_template.invalid');
    const ok = await api('POST', '/api/plan-templates', {
      name: unique('tpl'),
      goals: [goal({ milestones: [{ title: 'Go live', offsetDays: 30, owner: 'csm', tasks: [{ title: 'Switch', offsetDays: 30, owner: 'csm' }] }] }), goal({ targetOffsetDays: null, milestones: [{ title: 'Any', offsetDays: 400, owner: null }] })],
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const patched = await api('PATCH', `/api/plan-templates/${(ok.json() as { id: string }).id}`, { goals: [goal({ targetOffsetDays: 10, milestones: [{ title: 'Go live', offsetDays: 30, owner: 'csm' }] })] });
    expectField(patched, 'goals.0.milestones.0.offsetDays', "after the goal's target (day 10)", 'plan_template.invalid');
  });

  it('refuses to apply a stored template whose days are out of order', async () => {
    const { plan } = await newGoal();
    const { rows } = await t.database.query<{ id: string }>(`INSERT INTO plan_templates (name, goals) VALUES ($1, $2::jsonb) RETURNING id`, [
      unique('old'), JSON.stringify([{ statement: 'Old', why: '', targetOffsetDays: -5, criteria: [], milestones: [] }]),
    ]);
    const res = await api('POST', `/api/success-plans/${plan.id}/apply-template`, { templateId: rows[0]?.id });
    expectField(res, 'goals.0.targetOffsetDays', /cannot be negative/, 'plan_template.invalid');
    expect(templateOffsetProblems([{ statement: 's', why: '', targetOffsetDays: 5, criteria: [], milestones: [] }])).toEqual([]);
  });
});

describe('vendor owners can do work', () => {
  it('refuses a viewer or an inactive user as a milestone owner or a task assignee', async () => {
    const { goal } = await newGoal();
    const viewer = await t.signIn('viewer');
    const gone = await t.signIn('csm');
    await t.database.query('UPDATE users SET active = false WHERE id = $1', [gone.userId]);
    const url = `/api/goals/${goal.id}/milestones`;
    expectField(await api('POST', url, { title: 'm', dueAt: dayOffset(5), ownerUserId: viewer.userId }), 'ownerUserId', 'a viewer cannot own work: choose a csm, manager or admin');
    expectField(await api('POST', url, { title: 'm', dueAt: dayOffset(5), ownerUserId: gone.userId }), 'ownerUserId', 'this user is inactive');
    expectField(await api('POST', url, { title: 'm', dueAt: dayOffset(5), ownerUserId: crypto.randomUUID() }), 'ownerUserId', 'no such user');
    const m = (await api('POST', url, { title: 'm', dueAt: dayOffset(5), ownerUserId: manager.userId })).json() as { id: string };
    expectField(await api('PATCH', `/api/milestones/${m.id}`, { ownerUserId: viewer.userId }), 'ownerUserId', 'a viewer cannot own work: choose a csm, manager or admin');
    expectField(await api('POST', `/api/milestones/${m.id}/tasks`, { title: 't', assigneeUserId: viewer.userId }), 'assigneeUserId', 'a viewer cannot own work: choose a csm, manager or admin');
    expectField(await api('POST', `/api/milestones/${m.id}/tasks`, { title: 't', assigneeUserId: gone.userId }), 'assigneeUserId', 'this user is inactive');
    const csm = await t.signIn('csm');
    expect((await api('POST', `/api/milestones/${m.id}/tasks`, { title: 't', assigneeUserId: csm.userId })).statusCode).toBe(201);
  });
});
