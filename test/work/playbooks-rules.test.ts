import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import { createTestApp, unique, type SignedIn, type TestApp } from '../support/app.js';

/**
 * The work engine end to end on a real database: a rule fires once on a health drop and starts a
 * playbook whose tasks land in the right inboxes; a step killed mid-way runs again exactly once.
 */
let t: TestApp;
let csm: SignedIn;
let manager: SignedIn;
let support: SignedIn;
let teamId: string;

async function account(name = unique('Acme'), arr = 50_000) {
  return t.app.services.accounts.create({ name, arr, ownerId: csm.userId, teamId, stage: 'adoption' }, SYSTEM_ACTOR);
}

/** What the health engine writes when a score moves (it is tested on its own in src/health). */
async function healthMove(accountId: string, from: number, to: number, band: 'good' | 'watch' | 'poor') {
  await t.database.query(
    `INSERT INTO account_health (account_id, score, band, state, stage, drivers) VALUES ($1, $2, $3, 'scored', 'adoption', '{"items":[]}')
     ON CONFLICT (account_id) DO UPDATE SET score = EXCLUDED.score, band = EXCLUDED.band`, [accountId, to, band],
  );
  await t.database.query(`INSERT INTO health_changes (account_id, from_score, to_score, from_band, to_band, cause) VALUES ($1, $2, $3, 'good', $4, 'test')`, [accountId, from, to, band]);
}

const api = (who: SignedIn, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

const PLAYBOOK = {
  name: 'Save the account',
  steps: [
    { kind: 'task', title: 'Call the champion', dueOffsetDays: 1, assignee: 'owner', priority: 4 },
    { kind: 'task', title: 'Review the account plan', dueOffsetDays: 3, assignee: 'manager' },
    { kind: 'task', title: 'Check open tickets', dueOffsetDays: 2, assignee: 'support' },
    { kind: 'email', to: 'champion', subject: 'Checking in on {{account.name}}', body: 'Hi {{contact.firstName}}, can we talk this week? {{owner.name}}' },
  ],
};

beforeAll(async () => {
  t = await createTestApp();
  teamId = (await t.app.services.teams.create(unique('Team'), SYSTEM_ACTOR)).id;
  csm = await t.signIn('csm', { teamId });
  manager = await t.signIn('manager', { teamId });
  support = await t.signIn('csm');
  await t.database.query(`INSERT INTO role_assignments (role, team_id, user_id) VALUES ('support', $1, $2)`, [teamId, support.userId]);
});
afterAll(() => t?.close());

describe('a rule on a health drop starting a playbook', () => {
  it('fires once, starts the playbook, and puts its tasks in the right inboxes', async () => {
    const a = await account();
    await t.app.services.contacts.create({ accountId: a.id, name: 'Dana Champion', email: 'dana@acme.test', role: 'champion' }, SYSTEM_ACTOR);
    const pb = await api(manager, 'POST', '/api/playbooks', PLAYBOOK);
    expect(pb.statusCode, pb.body).toBe(201);
    const created = await api(manager, 'POST', '/api/rules', {
      name: 'Health dropped 10+',
      condition: { match: 'all', conditions: [{ type: 'health_score_change', direction: 'drop', points: 10, withinDays: 7 }] },
      actions: [{ type: 'start_playbook', playbookId: pb.json().id }],
    });
    expect(created.statusCode, created.body).toBe(201);

    await healthMove(a.id, 80, 62, 'watch');
    expect((await t.app.services.rules.evaluateDirty()).fired).toBe(1);

    const runs = (await api(csm, 'GET', `/api/accounts/${a.id}/playbooks`)).json().items;
    expect(runs).toHaveLength(1);
    // The three tasks are created (issued), not done; the e-mail is queued but not sent (no SMTP here: issued, saying why): the run is running.
    expect(runs[0]).toMatchObject({ status: 'running', version: 1, progress: { done: 0, completed: 0, issued: 4, total: 4 } });
    expect(runs[0].steps.map((s: { status: string }) => s.status)).toEqual(['issued', 'issued', 'issued', 'issued']);
    expect(runs[0].steps[3].email).toMatchObject({ status: 'queued', lastError: expect.stringContaining('not configured') });

    const inbox = async (who: SignedIn) => { const res = await api(who, 'GET', '/api/tasks?assignee=me'); expect(res.statusCode, res.body).toBe(200); return res.json(); }; const titles = async (who: SignedIn) => (await inbox(who)).items.filter((x: { accountId: string }) => x.accountId === a.id).map((x: { title: string }) => x.title);
    expect(await titles(csm)).toEqual(['Call the champion']);
    expect(await titles(manager)).toEqual(['Review the account plan']);
    expect(await titles(support)).toEqual(['Check open tickets']);
    const mail = await t.database.query<{ recipient: string; subject: string; body: string }>('SELECT recipient, subject, body FROM outbound_messages WHERE account_id = $1 AND channel = $2 AND recipient = $3', [a.id, 'email', 'dana@acme.test']);
    expect(mail.rows).toEqual([{ recipient: 'dana@acme.test', subject: `Checking in on ${a.name}`, body: 'Hi Dana, can we talk this week? Test csm' }]);

    // A second drop inside the window does not fire again.
    await healthMove(a.id, 62, 45, 'poor');
    expect((await t.app.services.rules.evaluateDirty()).fired).toBe(0);
    const firings = (await api(manager, 'GET', `/api/rules/${created.json().id}/firings`)).json();
    expect(firings.items).toHaveLength(1);
    expect(firings.items[0].matched.results[0]).toMatchObject({ type: 'health_score_change', actual: 18, ok: true });
    expect(firings.items[0].actions[0]).toMatchObject({ type: 'start_playbook', playbookRunId: runs[0].id });

    // The account's timeline tells the same story: the firing with its reason, the playbook, its tasks.
    const timeline = (await api(csm, 'GET', `/api/accounts/${a.id}/timeline?kinds=rule,playbook,task&limit=50`)).json().items as { kind: string; title: string; summary: string | null }[];
    const rule = timeline.find((i) => i.kind === 'rule');
    expect(rule?.summary).toBe('Health dropped ≥ 10 points within 7 days (18)');
    expect(timeline.filter((i) => i.kind === 'task').map((i) => i.title)).toEqual(expect.arrayContaining([expect.stringContaining('Call the champion')]));
    expect(timeline.some((i) => i.kind === 'playbook')).toBe(true);
  });

  it('dry-runs a condition without firing, and rejects rules that reference what does not exist', async () => {
    const big = await account(unique('Big'), 900_000);
    await healthMove(big.id, 70, 30, 'poor');
    const dry = await api(manager, 'POST', '/api/rules/dry-run', { condition: { match: 'all', conditions: [{ type: 'health_band', op: 'in', bands: ['poor'] }, { type: 'arr', op: 'gte', value: 500_000 }] } });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json().items.map((i: { accountId: string }) => i.accountId)).toEqual([big.id]);
    expect(dry.json().items[0].results.map((r: { actual: unknown }) => r.actual)).toEqual(['poor', 900_000]);
    expect((await t.database.query('SELECT 1 FROM rule_firings WHERE account_id = $1', [big.id])).rows).toHaveLength(0);

    const bad = await api(manager, 'POST', '/api/rules', {
      name: 'Broken',
      condition: { match: 'all', conditions: [{ type: 'driver', driver: 'no_such_driver', op: 'lt', value: 1 }] },
      actions: [{ type: 'start_playbook', playbookId: '00000000-0000-4000-8000-000000000000' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('rule.invalid');
    expect(bad.json().fields.map((f: { path: string }) => f.path).sort()).toEqual(['actions.0.playbookId', 'condition.conditions.0.driver']);

    const shape = await api(manager, 'POST', '/api/rules', { name: 'x', condition: { match: 'all', conditions: [{ type: 'arr', op: 'nearly', value: 1 }] }, actions: [] });
    expect(shape.statusCode).toBe(400);
    expect(shape.json().fields.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['condition.conditions.0.op', 'actions']));
  });

  it('lets only admins and managers build rules and playbooks', async () => {
    const rule = await api(csm, 'POST', '/api/rules', { name: 'x', condition: { match: 'all', conditions: [{ type: 'arr', op: 'gt', value: 1 }] }, actions: [{ type: 'create_task', title: 'x' }] });
    expect(rule.statusCode).toBe(403);
    expect((await api(csm, 'POST', '/api/playbooks', { ...PLAYBOOK, name: unique('pb') })).statusCode).toBe(403);
    expect((await api(csm, 'POST', '/api/rules/dry-run', { condition: { match: 'all', conditions: [{ type: 'arr', op: 'gt', value: 1 }] } })).statusCode).toBe(403);
    expect((await api(csm, 'GET', '/api/rules')).statusCode).toBe(200);
  });
});

describe('playbook runs', () => {
  it('keep their version when the template changes, and cancel with their open tasks', async () => {
    const a = await account();
    const pb = (await api(manager, 'POST', '/api/playbooks', { name: unique('Onboard'), steps: [{ kind: 'task', title: 'Kickoff', dueOffsetDays: 0, assignee: 'owner' }, { kind: 'wait', days: 7 }, { kind: 'task', title: 'Week-one review', dueOffsetDays: 0, assignee: 'owner' }] })).json();
    const run = await api(csm, 'POST', `/api/accounts/${a.id}/playbooks`, { playbookId: pb.id });
    expect(run.statusCode, run.body).toBe(201);
    // The task is created (issued) and the wait has begun (issued); the last step waits for the week to pass.
    expect(run.json().steps.map((s: { status: string }) => s.status)).toEqual(['issued', 'issued', 'pending']);

    const edited = await api(manager, 'PATCH', `/api/playbooks/${pb.id}`, { steps: [{ kind: 'task', title: 'Kickoff v2', dueOffsetDays: 0, assignee: 'owner' }] });
    expect(edited.json().version).toBe(2);
    // A week later the running playbook still does what version 1 said.
    await t.app.services.playbooks.sweep(new Date(Date.now() + 8 * 86_400_000));
    const after = (await api(csm, 'GET', `/api/playbook-runs/${run.json().id}`)).json();
    expect(after).toMatchObject({ version: 1, status: 'running', accountName: a.name, progress: { done: 1, issued: 2, total: 3 } });
    expect(after.steps.map((s: { status: string }) => s.status)).toEqual(['issued', 'completed', 'issued']);
    expect(after.steps.map((s: { title: string }) => s.title)).toEqual(['Kickoff', 'Wait 7 days', 'Week-one review']);
    const titles = (await t.database.query<{ title: string }>('SELECT title FROM tasks WHERE playbook_run_id = $1 ORDER BY created_at', [after.id])).rows.map((r) => r.title);
    expect(titles).toEqual(['Kickoff', 'Week-one review']);
    // Done when its tasks are.
    for (const task of after.steps.filter((s: { task: unknown }) => s.task)) {
      expect((await api(csm, 'PATCH', `/api/tasks/${task.task.id}`, { status: 'done' })).statusCode).toBe(200);
    }
    expect((await api(csm, 'GET', `/api/playbook-runs/${after.id}`)).json()).toMatchObject({ status: 'completed', progress: { done: 3, completed: 3, total: 3 } });

    const second = (await api(csm, 'POST', `/api/accounts/${a.id}/playbooks`, { playbookId: pb.id })).json();
    expect(second.version).toBe(2);
    const pb3 = (await api(manager, 'POST', '/api/playbooks', { name: unique('Slow'), steps: [{ kind: 'task', title: 'First', dueOffsetDays: 0, assignee: 'owner' }, { kind: 'wait', days: 3 }, { kind: 'task', title: 'Later', dueOffsetDays: 0, assignee: 'owner' }] })).json();
    const slow = (await api(csm, 'POST', `/api/accounts/${a.id}/playbooks`, { playbookId: pb3.id })).json();
    const cancelled = await api(csm, 'POST', `/api/playbook-runs/${slow.id}/cancel`);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    expect(cancelled.json().steps.map((s: { status: string }) => s.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect((await t.database.query<{ status: string }>('SELECT status FROM tasks WHERE playbook_run_id = $1', [slow.id])).rows).toEqual([{ status: 'cancelled' }]);
    expect((await api(csm, 'POST', `/api/playbook-runs/${slow.id}/cancel`)).statusCode).toBe(409);
  });

  it('a step killed mid-way runs again exactly once; a redelivered step is a no-op', async () => {
    const a = await account();
    const pb = (await api(manager, 'POST', '/api/playbooks', { name: unique('Crash'), steps: [{ kind: 'task', title: 'Only once', dueOffsetDays: 1, assignee: 'owner' }, { kind: 'task', title: 'Then this', dueOffsetDays: 1, assignee: 'owner' }] })).json();
    // Start the run without running it, as the API does before the worker picks the first step up.
    const [started] = await t.database.transaction((tx) => t.app.services.playbooks.startInTx(tx, [{ accountId: a.id, playbookId: pb.id }], SYSTEM_ACTOR));
    const runId = started?.runId as string;
    const tasks = async () => (await t.database.query<{ title: string }>('SELECT title FROM tasks WHERE playbook_run_id = $1 ORDER BY title', [runId])).rows.map((r) => r.title);

    // The worker dies after the task was written but before the step was recorded done.
    await expect(t.app.services.playbooks.runStep(runId, 0, { faults: { afterEffect: () => { throw new Error('worker killed'); } } })).rejects.toThrow('worker killed');
    expect(await tasks()).toEqual([]);
    // The job is retried: the step runs once, and the run goes on.
    await t.app.services.playbooks.runStep(runId, 0);
    expect(await tasks()).toEqual(['Only once', 'Then this']);
    // The queue delivers the same job again (the worker died after commit, before completing it).
    expect((await t.app.services.playbooks.runStep(runId, 0)).status).toBe('noop');
    expect((await t.app.services.playbooks.runStep(runId, 1)).status).toBe('noop');
    expect(await tasks()).toEqual(['Only once', 'Then this']);
  });

  it('rejects invalid steps with field paths', async () => {
    const res = await api(manager, 'POST', '/api/playbooks', { name: unique('Bad'), steps: [{ kind: 'task', title: '', dueOffsetDays: -1, assignee: 'owner' }, { kind: 'email', to: 'champion', subject: 'Hi {{account.nmae}}', body: 'x' }, { kind: 'webhook', webhookId: '00000000-0000-4000-8000-000000000000' }] });
    expect(res.statusCode).toBe(400);
    expect(res.json().fields.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['steps.0.title', 'steps.0.dueOffsetDays']));
    const res2 = await api(manager, 'POST', '/api/playbooks', { name: unique('Bad'), steps: [{ kind: 'email', to: 'champion', subject: 'Hi {{account.nmae}}', body: 'x' }, { kind: 'webhook', webhookId: '00000000-0000-4000-8000-000000000000' }] });
    expect(res2.statusCode).toBe(400);
    expect(res2.json().code).toBe('playbook.invalid');
    expect(res2.json().fields.map((f: { path: string }) => f.path)).toEqual(['steps.0.subject', 'steps.1.webhookId']);
    // The variables a template may use come from the same list the validation uses.
    const vars = (await api(csm, 'GET', '/api/playbooks/template-variables')).json().items.map((v: { name: string }) => v.name);
    expect(vars).toEqual(expect.arrayContaining(['account.name', 'contact.firstName', 'owner.name']));
    expect(vars).not.toContain('account.nmae');
  });
});
