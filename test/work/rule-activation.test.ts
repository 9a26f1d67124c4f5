import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import { createTestApp, unique, type SignedIn, type TestApp } from '../support/app.js';

/**
 * Issue 9 §5: a rule acts on the whole book only on purpose. Saved disabled it fires nothing;
 * "now" fires every match (and the dry run said how much that is, per person); "from now on"
 * leaves accounts that already match alone and fires for one that starts matching later.
 * The audit log names the rule for what it made (§8).
 */
let t: TestApp;
let manager: SignedIn;
let csmA: SignedIn;
let csmB: SignedIn;
let teamId: string;

const api = (who: SignedIn, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

/** A segment of its own, so each test's rule sees only its own accounts. */
const book = () => unique('seg');
const account = (segment: string, ownerId: string, arr = 50_000) =>
  t.app.services.accounts.create({ name: unique('Acme'), arr, ownerId, teamId, segment, stage: 'adoption' }, SYSTEM_ACTOR);
const rule = (segment: string, extra: object = {}) => ({
  name: unique('Big in segment'),
  condition: { match: 'all', conditions: [{ type: 'segment', op: 'in', values: [segment] }, { type: 'arr', op: 'gte', value: 40_000 }] },
  actions: [{ type: 'create_task', title: 'Call them', assignee: 'owner' }, { type: 'notify', recipients: ['owner'], message: 'Look' }],
  ...extra,
});
const tasksOf = async (ruleId: string) =>
  (await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM tasks t JOIN rule_firings f ON f.id = t.rule_firing_id WHERE f.rule_id = $1 AND t.source = $2', [ruleId, 'rule'])).rows[0]?.n;
const firedFor = async (ruleId: string) =>
  (await t.database.query<{ account_id: string }>('SELECT account_id FROM rule_firings WHERE rule_id = $1 ORDER BY account_id', [ruleId])).rows.map((r) => r.account_id);

beforeAll(async () => {
  t = await createTestApp();
  teamId = (await t.app.services.teams.create(unique('Team'), SYSTEM_ACTOR)).id;
  manager = await t.signIn('manager', { teamId });
  csmA = await t.signIn('csm', { teamId });
  csmB = await t.signIn('csm', { teamId });
});
afterAll(() => t?.close());

describe('the dry run says what "fire now" would create', () => {
  it('counts firings, tasks per assignee, notifications and e-mails, and leaves out accounts fired within the window', async () => {
    const seg = book();
    for (let i = 0; i < 3; i++) await account(seg, csmA.userId);
    await account(seg, csmB.userId);
    await account(seg, csmB.userId, 1_000); // does not match: ARR too small
    const body = rule(seg);
    const res = await api(manager, 'POST', '/api/rules/dry-run', { condition: body.condition, actions: body.actions, windowHours: 168 });
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json();
    expect(d.total).toBe(4);
    expect(d.effects).toMatchObject({ firings: 4, alreadyFired: 0, tasks: 4, people: 2, playbookRuns: 0, webhookDeliveries: 0, notifications: 4, emails: 4 });
    expect(d.effects.taskAssignees).toEqual([{ userId: csmA.userId, name: 'Test csm', tasks: 3 }, { userId: csmB.userId, name: 'Test csm', tasks: 1 }]);

    // Nothing fired: a dry run is only a look.
    expect((await t.database.query('SELECT 1 FROM tasks t JOIN accounts a ON a.id = t.account_id WHERE a.segment = $1', [seg])).rows).toHaveLength(0);

    // For a saved rule, accounts it fired for within its window would not fire again.
    const created = await api(manager, 'POST', '/api/rules', { ...body, activation: 'now' });
    expect(created.statusCode, created.body).toBe(201);
    await t.app.services.rules.sweep();
    await account(seg, csmB.userId);
    const again = await api(manager, 'POST', '/api/rules/dry-run', { condition: body.condition, actions: body.actions, windowHours: 168, ruleId: created.json().id });
    expect(again.json().effects).toMatchObject({ firings: 1, alreadyFired: 4, tasks: 1, people: 1 });
  });

  it('without actions still answers, with nothing to create', async () => {
    const seg = book();
    await account(seg, csmA.userId);
    const res = await api(manager, 'POST', '/api/rules/dry-run', { condition: rule(seg).condition });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().effects).toMatchObject({ firings: 1, tasks: 0, taskAssignees: [], people: 0 });
  });
});

describe('activation', () => {
  it('saved disabled, it fires nothing, also at the sweep', async () => {
    const seg = book();
    await account(seg, csmA.userId);
    const created = await api(manager, 'POST', '/api/rules', rule(seg, { enabled: false }));
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ enabled: false, activatedAt: null });
    await t.app.services.rules.sweep();
    expect(await firedFor(created.json().id)).toEqual([]);
  });

  it('"now" fires for every account that matches', async () => {
    const seg = book();
    const a = await account(seg, csmA.userId);
    const b = await account(seg, csmB.userId);
    const created = await api(manager, 'POST', '/api/rules', rule(seg, { activation: 'now' }));
    expect(created.json()).toMatchObject({ enabled: true, activation: 'now' });
    await t.app.services.rules.sweep();
    expect(await firedFor(created.json().id)).toEqual([a.id, b.id].sort());
    expect(await tasksOf(created.json().id)).toBe(2);
  });

  it('"from now on": an account already matching does not fire; one that starts matching later does', async () => {
    const seg = book();
    const already = await account(seg, csmA.userId);
    const later = await account(seg, csmB.userId, 1_000);
    const created = await api(manager, 'POST', '/api/rules', rule(seg, { activation: 'from_now_on' }));
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect(created.json()).toMatchObject({ activation: 'from_now_on' });
    expect(created.json().activatedAt).not.toBeNull();

    await t.app.services.rules.sweep();
    await t.app.services.rules.evaluateDirty();
    expect(await firedFor(id)).toEqual([]);

    // The small account grows: its match starts now, so it fires (on change, not at the sweep).
    await t.app.services.accounts.update(later.id, { arr: 60_000 }, SYSTEM_ACTOR);
    await t.app.services.rules.evaluateDirty();
    expect(await firedFor(id)).toEqual([later.id]);

    // The account that matched at save time stops matching, then matches again: a new match fires.
    await t.app.services.accounts.update(already.id, { arr: 10_000 }, SYSTEM_ACTOR);
    await t.app.services.rules.evaluateDirty();
    expect(await firedFor(id)).toEqual([later.id]);
    await t.app.services.accounts.update(already.id, { arr: 70_000 }, SYSTEM_ACTOR);
    await t.app.services.rules.evaluateDirty();
    expect(await firedFor(id)).toEqual([already.id, later.id].sort());
  });

  it('enabling a disabled rule "from now on" leaves what matches alone; "now" later fires it', async () => {
    const seg = book();
    const a = await account(seg, csmA.userId);
    const id = (await api(manager, 'POST', '/api/rules', rule(seg, { enabled: false }))).json().id as string;
    const on = await api(manager, 'PATCH', `/api/rules/${id}`, { enabled: true, activation: 'from_now_on' });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ enabled: true, activation: 'from_now_on' });
    await t.app.services.rules.sweep();
    expect(await firedFor(id)).toEqual([]);

    const now = await api(manager, 'PATCH', `/api/rules/${id}`, { activation: 'now' });
    expect(now.json()).toMatchObject({ activation: 'now' });
    await t.app.services.rules.sweep();
    expect(await firedFor(id)).toEqual([a.id]);
  });

  it('a save that sends the same condition back (a rename in the form) does not start the rule again', async () => {
    const seg = book();
    const body = rule(seg, { activation: 'from_now_on' });
    const created = (await api(manager, 'POST', '/api/rules', body)).json();
    const same = await api(manager, 'PATCH', `/api/rules/${created.id}`, { name: 'Renamed', condition: { match: 'all', conditions: [{ op: 'in', values: [seg], type: 'segment' }, { value: 40_000, type: 'arr', op: 'gte' }] } });
    expect(same.statusCode, same.body).toBe(200);
    expect(same.json().activatedAt).toBe(created.activatedAt);
    const changed = await api(manager, 'PATCH', `/api/rules/${created.id}`, { condition: { match: 'all', conditions: [{ type: 'segment', op: 'in', values: [seg] }] } });
    expect(Date.parse(changed.json().activatedAt)).toBeGreaterThan(Date.parse(created.activatedAt));
  });

  it('rejects an unknown activation with the field named', async () => {
    const res = await api(manager, 'POST', '/api/rules', rule(book(), { activation: 'someday' }));
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain('activation');
  });
});

describe('the audit log names objects and the rule', () => {
  it('shows the rule, not "system", for the tasks a rule made, and the task and rule by name', async () => {
    const seg = book();
    const a = await account(seg, csmA.userId);
    const created = (await api(manager, 'POST', '/api/rules', rule(seg, { activation: 'now' }))).json();
    await t.app.services.rules.sweep();
    const log = await api(manager, 'GET', '/api/audit?objectType=task&limit=200');
    expect(log.statusCode, log.body).toBe(200);
    const made = log.json().items.find((e: { changes: { accountId?: string } | null }) => e.changes?.accountId === a.id);
    expect(made).toMatchObject({ actorType: 'system', actorId: created.id, actorLabel: `rule "${created.name}"`, objectLabel: `Call them (${a.name})` });

    const ruleLog = await api(manager, 'GET', `/api/audit?objectType=rule&objectId=${created.id}`);
    expect(ruleLog.json().items[0]).toMatchObject({ action: 'create', objectLabel: created.name, actorLabel: manager.email });

    // Renamed, then deleted: each row keeps the name it had when it was written.
    await api(manager, 'PATCH', `/api/rules/${created.id}`, { name: 'Renamed rule' });
    await t.app.inject({ method: 'DELETE', url: `/api/rules/${created.id}`, headers: manager.headers });
    const after = (await api(manager, 'GET', `/api/audit?objectType=rule&objectId=${created.id}`)).json().items.map((e: { action: string; objectLabel: string }) => [e.action, e.objectLabel]);
    expect(after).toEqual([['delete', 'Renamed rule'], ['update', 'Renamed rule'], ['create', created.name]]);
  });

  it('names an account for a change made through the API', async () => {
    const a = await account(book(), csmA.userId);
    const res = await api(manager, 'GET', `/api/audit?objectType=account&objectId=${a.id}`);
    expect(res.json().items[0]).toMatchObject({ objectLabel: a.name });
  });
});
