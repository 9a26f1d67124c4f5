import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import { guardAsk } from './index.js';
import { periodOf, ymd } from './ledger.js';

let t: TestApp;
let csm: SignedIn;
let manager: SignedIn;
let viewer: SignedIn;
let outsider: SignedIn;
let teamId: string;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';
const api = (who: SignedIn, method: Method, url: string, payload?: object) => t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const account = () => t.app.services.accounts.create({ name: unique('Acme'), arr: 50_000, ownerId: csm.userId, teamId, stage: 'adoption' }, SYSTEM_ACTOR);
const contact = (accountId: string, name: string) => t.app.services.contacts.create({ accountId, name, email: `${unique('c')}@customer.test` }, SYSTEM_ACTOR);
// Every ask of these tests falls on the Wednesday of this week (noon UTC), so week boundaries never split a test.
const week = periodOf(new Date(), 'week');
const wednesday = new Date(week.from.getTime() + 2.5 * 86_400_000).toISOString();
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
const customerTask = (accountId: string, contactId: string, customerEffort: number, extra: object = {}) =>
  api(csm, 'POST', '/api/tasks', { accountId, title: unique('Export the user list'), assigneeContactId: contactId, customerEffort, dueAt: wednesday, ...extra });

beforeAll(async () => {
  t = await createTestApp();
  teamId = (await t.app.services.teams.create(unique('Team'), SYSTEM_ACTOR)).id;
  csm = await t.signIn('csm', { teamId });
  manager = await t.signIn('manager', { teamId });
  viewer = await t.signIn('viewer');
  outsider = await t.signIn('csm');
});
afterAll(() => t?.close());

describe('capacity of an account', () => {
  it('starts at the default 10 spoons a week with nothing asked', async () => {
    const a = await account();
    const res = await api(viewer, 'GET', `/api/accounts/${a.id}/capacity`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      period: { from: ymd(week.from), to: ymd(week.to), kind: 'week' }, capacity: 10, base: 10, isDefault: true, used: 0, left: 10,
      asks: [], given: [], reasons: [], contacts: [], overloads: 0, canEdit: false,
    });
    expect((await api(csm, 'GET', `/api/accounts/${a.id}/capacity`)).json().canEdit).toBe(true);
  });

  it('refuses an over-capacity task with 409 and what is left, then accepts it confirmed and records the overload', async () => {
    const a = await account();
    const dana = await contact(a.id, 'Dana Ruiz');
    expect((await customerTask(a.id, dana.id, 8)).statusCode).toBe(201);
    const refused = await customerTask(a.id, dana.id, 3, { title: 'Map the SSO groups' });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'capacity.exceeded',
      details: { left: 2, capacity: 10, used: 8, cost: 3, periodStart: ymd(week.from), suggestion: { action: 'give_spoon' } },
    });
    expect(refused.json().message).toContain('2 of 10 spoons left this week');
    // Nothing was written by the refusal.
    expect((await t.database.query('SELECT 1 FROM tasks WHERE title = $1', ['Map the SSO groups'])).rows).toHaveLength(0);

    const confirmed = await customerTask(a.id, dana.id, 3, { title: 'Map the SSO groups', confirmOverload: true });
    expect(confirmed.statusCode, confirmed.body).toBe(201);
    const { rows } = await t.database.query<{ ref_id: string; cost: number; left_before: number; confirmed_by: string; kind: string }>(
      'SELECT ref_id, cost, left_before, confirmed_by, kind FROM capacity_overloads WHERE account_id = $1', [a.id]);
    expect(rows).toEqual([{ ref_id: confirmed.json().id, cost: 3, left_before: 2, confirmed_by: csm.userId, kind: 'task' }]);

    const cap = (await api(csm, 'GET', `/api/accounts/${a.id}/capacity`)).json();
    expect(cap).toMatchObject({ used: 11, left: -1, overloads: 1 });
    expect(cap.asks).toHaveLength(2);
    expect(cap.asks.find((x: { id: string }) => x.id === confirmed.json().id)).toMatchObject({ kind: 'task', cost: 3, overload: true, contact: { id: dana.id, name: 'Dana Ruiz' }, status: 'open' });
  });

  it('lets a task of ours, an effort of 0 and a cancelled ask through; only customer asks count', async () => {
    const a = await account();
    const lee = await contact(a.id, 'Lee');
    await api(csm, 'PUT', `/api/accounts/${a.id}/capacity`, { spoons: 2 });
    expect((await api(csm, 'POST', '/api/tasks', { accountId: a.id, title: 'Ours', customerEffort: 9, dueAt: wednesday })).statusCode).toBe(201);
    expect((await customerTask(a.id, lee.id, 0)).statusCode).toBe(201);
    const big = await customerTask(a.id, lee.id, 2);
    expect(big.statusCode).toBe(201);
    expect((await customerTask(a.id, lee.id, 1)).statusCode).toBe(409);
    expect((await api(csm, 'PATCH', `/api/tasks/${big.json().id}`, { status: 'cancelled' })).statusCode).toBe(200);
    expect((await customerTask(a.id, lee.id, 1)).statusCode).toBe(201);
    const cap = (await api(csm, 'GET', `/api/accounts/${a.id}/capacity`)).json();
    expect(cap).toMatchObject({ capacity: 2, used: 1, left: 1, isDefault: false });
    expect(cap.asks.map((x: { cost: number }) => x.cost).sort()).toEqual([0, 1]);
  });

  it('checks a change that makes a task a bigger or a new ask (effort, contact, reopening), and lets other edits through', async () => {
    const a = await account();
    const dana = await contact(a.id, 'Dana Ruiz');
    const t1 = (await customerTask(a.id, dana.id, 6)).json();
    const ours = (await api(csm, 'POST', '/api/tasks', { accountId: a.id, title: 'Ours', dueAt: wednesday, customerEffort: 5 })).json();
    // 6 of 10 used: raising it to 10 is judged without its old 6 (it fits), handing ours (5) to Dana does not.
    expect((await api(csm, 'PATCH', `/api/tasks/${t1.id}`, { customerEffort: 10 })).statusCode).toBe(200);
    const refused = await api(csm, 'PATCH', `/api/tasks/${ours.id}`, { assigneeContactId: dana.id });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().details).toMatchObject({ left: 0, used: 10, cost: 5 });
    expect((await api(csm, 'GET', `/api/tasks/${ours.id}`)).json().assignee.type).toBe('user');
    const confirmed = await api(csm, 'PATCH', `/api/tasks/${ours.id}`, { assigneeContactId: dana.id, confirmOverload: true });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const { rows } = await t.database.query<{ ref_id: string; left_before: number }>('SELECT ref_id, left_before FROM capacity_overloads WHERE account_id = $1', [a.id]);
    expect(rows).toEqual([{ ref_id: ours.id, left_before: 0 }]);
    // Edits that ask nothing more pass; closing and reopening over capacity asks again.
    expect((await api(csm, 'PATCH', `/api/tasks/${t1.id}`, { priority: 3, title: 'Renamed' })).statusCode).toBe(200);
    expect((await api(csm, 'PATCH', `/api/tasks/${t1.id}`, { status: 'cancelled' })).statusCode).toBe(200);
    expect((await api(csm, 'PATCH', `/api/tasks/${ours.id}`, { customerEffort: 9 })).statusCode).toBe(200);
    expect((await api(csm, 'PATCH', `/api/tasks/${t1.id}`, { status: 'open' })).statusCode).toBe(409);
  });

  it('gives a spoon instead: our task, assigned to the caller, effort 0, saying what we do for them', async () => {
    const a = await account();
    const dana = await contact(a.id, 'Dana Ruiz');
    await api(csm, 'PUT', `/api/accounts/${a.id}/capacity`, { spoons: 1 });
    const res = await customerTask(a.id, dana.id, 4, { title: 'Configure the SAML app', giveSpoon: true });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ assignee: { type: 'user', id: csm.userId }, customerEffort: 0, givesSpoon: true });
    expect(res.json().reason).toBe('Giving a spoon: we do this for Dana Ruiz instead of asking them (it would have cost them 4 spoons).');
    const cap = (await api(csm, 'GET', `/api/accounts/${a.id}/capacity`)).json();
    expect(cap).toMatchObject({ used: 0, left: 1, asks: [] });
    expect(cap.given).toEqual([expect.objectContaining({ taskId: res.json().id, title: 'Configure the SAML app', status: 'open' })]);
  });

  it("guards a plan milestone's customer task the same way (409, confirmed, or a spoon given)", async () => {
    const a = await account();
    const dana = await contact(a.id, 'Dana Ruiz');
    await api(csm, 'PUT', `/api/accounts/${a.id}/capacity`, { spoons: 2 });
    const plan = (await api(csm, 'POST', `/api/accounts/${a.id}/success-plans`, { title: 'Plan' })).json();
    const goal = (await api(csm, 'POST', `/api/success-plans/${plan.id}/goals`, { statement: 'From 10 days to 4' })).json();
    const ms = (await api(csm, 'POST', `/api/goals/${goal.id}/milestones`, { title: 'SSO live', dueAt: null })).json();
    const body = { title: 'Test the SAML login', dueAt: wednesday, assigneeContactId: dana.id, customerEffort: 3 };
    const refused = await api(csm, 'POST', `/api/milestones/${ms.id}/tasks`, body);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().details).toMatchObject({ left: 2, cost: 3, suggestion: { action: 'give_spoon' } });
    const given = await api(csm, 'POST', `/api/milestones/${ms.id}/tasks`, { ...body, giveSpoon: true });
    expect(given.statusCode, given.body).toBe(201);
    expect(given.json()).toMatchObject({ side: 'vendor', assigneeUserId: csm.userId, customerEffort: 0 });
    const confirmed = await api(csm, 'POST', `/api/milestones/${ms.id}/tasks`, { ...body, confirmOverload: true });
    expect(confirmed.statusCode, confirmed.body).toBe(201);
    expect((await api(csm, 'GET', `/api/accounts/${a.id}/capacity`)).json()).toMatchObject({ used: 3, left: -1, overloads: 1, given: [{ taskId: given.json().id }] });
  });

  it('turns an open customer task into ours (POST /api/tasks/:id/give-spoon), freeing its spoons', async () => {
    const a = await account();
    const dana = await contact(a.id, 'Dana Ruiz');
    const theirs = (await customerTask(a.id, dana.id, 5, { title: 'Clean up the CSV' })).json();
    expect((await api(viewer, 'POST', `/api/tasks/${theirs.id}/give-spoon`)).statusCode).toBe(403);
    expect((await api(outsider, 'POST', `/api/tasks/${theirs.id}/give-spoon`)).statusCode).toBe(403);
    const res = await api(csm, 'POST', `/api/tasks/${theirs.id}/give-spoon`);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().cancelled).toMatchObject({ id: theirs.id, status: 'cancelled' });
    expect(res.json().cancelled.outcomeNote).toContain('Gave a spoon');
    expect(res.json().task).toMatchObject({ title: 'Clean up the CSV', givesSpoon: true, customerEffort: 0, assignee: { id: csm.userId } });
    expect((await api(csm, 'GET', `/api/accounts/${a.id}/capacity`)).json()).toMatchObject({ used: 0, given: [{ taskId: res.json().task.id }] });
    const again = await api(csm, 'POST', `/api/tasks/${theirs.id}/give-spoon`);
    expect(again.statusCode).toBe(400);
    expect(again.json().fields).toEqual([{ path: 'status', message: 'the task is cancelled' }]);
    expect((await api(csm, 'POST', `/api/tasks/${res.json().task.id}/give-spoon`)).json().fields?.[0]?.path).toBe('assignee');
  });

  it('counts an ask to a contact with its own capacity against both', async () => {
    const a = await account();
    const dana = await contact(a.id, 'Dana Ruiz');
    const put = await api(csm, 'PUT', `/api/accounts/${a.id}/capacity`, { spoons: 20, note: 'Big team', contacts: [{ contactId: dana.id, spoons: 3 }] });
    expect(put.statusCode, put.body).toBe(200);
    expect((await customerTask(a.id, dana.id, 2)).statusCode).toBe(201);
    const refused = await customerTask(a.id, dana.id, 2);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().details).toMatchObject({ scope: 'contact', left: 1, capacity: 3, contactId: dana.id });
    const cap = (await api(csm, 'GET', `/api/accounts/${a.id}/capacity`)).json();
    expect(cap).toMatchObject({ capacity: 20, note: 'Big team', used: 2, contacts: [{ contactId: dana.id, name: 'Dana Ruiz', capacity: 3, used: 2, left: 1 }] });
    // null removes the contact's own capacity and the account's (back to the default).
    await api(csm, 'PUT', `/api/accounts/${a.id}/capacity`, { spoons: null, contacts: [{ contactId: dana.id, spoons: null }] });
    expect((await api(csm, 'GET', `/api/accounts/${a.id}/capacity`)).json()).toMatchObject({ isDefault: true, capacity: 10, contacts: [] });
  });

  it('refuses bad capacity input per field, and writes only for those who may edit the account', async () => {
    const a = await account();
    const other = await account();
    const stranger = await contact(other.id, 'Not theirs');
    const bad = await api(csm, 'PUT', `/api/accounts/${a.id}/capacity`, { spoons: 101 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields[0].path).toBe('spoons');
    const wrong = await api(csm, 'PUT', `/api/accounts/${a.id}/capacity`, { spoons: 5, contacts: [{ contactId: stranger.id, spoons: 1 }] });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().fields).toEqual([{ path: 'contacts.0.contactId', message: 'not a contact of this account' }]);
    expect((await api(outsider, 'PUT', `/api/accounts/${a.id}/capacity`, { spoons: 5 })).statusCode).toBe(403);
    expect((await api(viewer, 'PUT', `/api/accounts/${a.id}/capacity`, { spoons: 5 })).statusCode).toBe(403);
    expect((await api(csm, 'GET', `/api/accounts/${a.id}/capacity`)).json().isDefault).toBe(true);
    expect((await api(csm, 'GET', '/api/accounts/00000000-0000-4000-8000-000000000000/capacity')).statusCode).toBe(404);
  });

  it('lowers the capacity for a low-confidence check-in and recent sustain talk, with the reasons quoted', async () => {
    const a = await account();
    const dana = await contact(a.id, 'Dana Ruiz');
    const init = await api(csm, 'POST', `/api/accounts/${a.id}/initiatives`, { title: 'Roll out SSO' });
    expect(init.statusCode, init.body).toBe(201);
    const before = (await api(csm, 'GET', `/api/accounts/${a.id}/capacity`)).json();
    expect(before).toMatchObject({ capacity: 10, reasons: [] });
    const checkIn = await api(csm, 'POST', '/api/check-ins', {
      accountId: a.id, initiativeId: init.json().id, contactId: dana.id, importance: 8, confidence: 3,
      whyNotLower: 'It matters to our security team', whatWouldMoveHigher: 'We are just too busy right now', at: daysAgo(2),
    });
    expect(checkIn.statusCode, checkIn.body).toBe(201);
    const cap = (await api(csm, 'GET', `/api/accounts/${a.id}/capacity`)).json();
    expect(cap.base).toBe(10);
    expect(cap.reasons[0]).toEqual({ delta: -3, text: expect.stringContaining('Low confidence: 3/10 on “Roll out SSO”') });
    expect(cap.reasons[0].text).toContain('(Dana Ruiz), below 7');
    const sustain = cap.reasons.filter((r: { text: string }) => r.text.startsWith('Sustain talk'));
    expect(sustain).toHaveLength(1);
    expect(sustain[0]).toMatchObject({ delta: -1, text: expect.stringContaining('too busy') });
    expect(cap.capacity).toBe(6);
    // The lowered capacity is what guards: 6 spoons, a 7-spoon ask is refused.
    expect((await customerTask(a.id, dana.id, 7, { dueAt: new Date().toISOString() })).json().details).toMatchObject({ capacity: 6, left: 6 });
  });
});

describe('a period other than this one', () => {
  it('shows the week of ?at=, with the asks dated in it, and refuses a date out of range on the field', async () => {
    const a = await account();
    const dana = await contact(a.id, 'Dana Ruiz');
    const lastWeek = new Date(week.from.getTime() - 4 * 86_400_000);
    // Dated by its due date: last Thursday's ask is last week's, not this week's.
    expect((await customerTask(a.id, dana.id, 4, { dueAt: lastWeek.toISOString(), title: 'Last week' })).statusCode).toBe(201);
    const then = (await api(csm, 'GET', `/api/accounts/${a.id}/capacity?at=${ymd(lastWeek)}`)).json();
    expect(then).toMatchObject({ period: { from: ymd(new Date(week.from.getTime() - 7 * 86_400_000)), to: ymd(week.from) }, used: 4, left: 6 });
    expect((await api(csm, 'GET', `/api/accounts/${a.id}/capacity`)).json()).toMatchObject({ used: 0, asks: [] });
    const bad = await api(csm, 'GET', `/api/accounts/${a.id}/capacity?at=0000-01-01`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields[0].path).toBe('querystring.at');
  });
});

describe('guardAsk', () => {
  it('lets only one of two asks at once take the last spoons', async () => {
    const a = await account();
    await api(csm, 'PUT', `/api/accounts/${a.id}/capacity`, { spoons: 3 });
    const at = new Date(wednesday);
    const c = await contact(a.id, 'Dana Ruiz');
    const attempt = (n: number) => t.database.transaction(async (tx) => {
      await guardAsk(tx, { accountId: a.id, contactId: c.id, cost: 2, at, kind: 'task', label: `ask ${n}` }, {});
      // Time for the other transaction to run its check before this one commits.
      await new Promise((resolve) => setTimeout(resolve, 50));
      await tx.query(
        "INSERT INTO tasks (account_id, title, assignee_contact_id, customer_effort, due_at, source) VALUES ($1, $2, $3, 2, $4, 'manual')",
        [a.id, `ask ${n}`, c.id, at.toISOString()],
      );
    });
    const results = await Promise.allSettled([attempt(1), attempt(2)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected');
    expect((failed as PromiseRejectedResult).reason).toMatchObject({ code: 'capacity.exceeded' });
    expect((await api(csm, 'GET', `/api/accounts/${a.id}/capacity`)).json()).toMatchObject({ used: 2, left: 1 });
  });

  it('passes a cost of 0 even with nothing left', async () => {
    const a = await account();
    await api(csm, 'PUT', `/api/accounts/${a.id}/capacity`, { spoons: 0 });
    await expect(guardAsk(t.database, { accountId: a.id, cost: 0, at: new Date(), kind: 'email', label: 'Hello' }, {})).resolves.toEqual({ overload: false });
    await expect(guardAsk(t.database, { accountId: a.id, cost: 1, at: new Date(), kind: 'email', label: 'Hello' }, {})).rejects.toMatchObject({ code: 'capacity.exceeded' });
  });
});

describe('capacity settings', () => {
  it('reads the default for everyone, lets admins and managers change it, and refuses others', async () => {
    expect((await api(viewer, 'GET', '/api/capacity/settings')).json()).toEqual({ defaultSpoons: 10, period: 'week' });
    expect((await api(csm, 'PUT', '/api/capacity/settings', { defaultSpoons: 8, period: 'month' })).statusCode).toBe(403);
    const bad = await api(manager, 'PUT', '/api/capacity/settings', { defaultSpoons: 8, period: 'fortnight' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields[0].path).toBe('period');
    const ok = await api(manager, 'PUT', '/api/capacity/settings', { defaultSpoons: 8, period: 'month' });
    expect(ok.statusCode, ok.body).toBe(200);
    const a = await account();
    const month = periodOf(new Date(), 'month');
    expect((await api(csm, 'GET', `/api/accounts/${a.id}/capacity`)).json()).toMatchObject({ capacity: 8, period: { from: ymd(month.from), to: ymd(month.to), kind: 'month' } });
    await api(manager, 'PUT', '/api/capacity/settings', { defaultSpoons: 10, period: 'week' });
  });
});
