import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import { connect } from '../../src/db/connect.js';
import { migrate } from '../../src/db/migrate.js';
import { createTestApp, unique, type SignedIn, type TestApp } from '../support/app.js';

/**
 * Issue 9, "states that mean what they say": a playbook step is issued when its task is created and
 * completed only when the task is done (cancelled with it); a wait completes when its time has
 * passed; a run is running until its last step is over, and only then says "finished" (webhook and
 * notification). Templates render where they are shown and unknown variables are refused. A call
 * task completed with a note is a logged call; the portfolio tells last product use from last touch.
 */
let t: TestApp;
let csm: SignedIn;
let manager: SignedIn;

const api = (who: SignedIn, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

type RunJson = { id: string; status: string; progress: Record<string, number>; steps: { status: string; title: string; task: { id: string; status: string; title: string } | null }[] };
const runOf = async (id: string) => (await api(csm, 'GET', `/api/playbook-runs/${id}`)).json() as RunJson;
const statuses = (r: RunJson) => r.steps.map((s) => s.status);
const finishedDeliveries = async (runId: string) =>
  (await t.database.query(`SELECT 1 FROM webhook_deliveries WHERE event_type = 'playbook.finished' AND payload->'data'->>'runId' = $1`, [runId])).rows.length;
const finishedNotices = async (userId: string, accountId: string) =>
  (await t.database.query<{ title: string; body: string }>(`SELECT title, body FROM notifications WHERE user_id = $1 AND kind = 'playbook.finished' AND account_id = $2`, [userId, accountId])).rows;

async function account(name = unique('Acme')) {
  const a = await t.app.services.accounts.create({ name, arr: 80_000, ownerId: csm.userId, stage: 'adoption' }, SYSTEM_ACTOR);
  await t.app.services.contacts.create({ accountId: a.id, name: 'Dana Champion', email: `${unique('dana')}@acme.test`, role: 'champion' }, SYSTEM_ACTOR);
  return a;
}
async function playbook(steps: object[]) {
  const res = await api(manager, 'POST', '/api/playbooks', { name: unique('Playbook'), steps });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string };
}
async function start(accountId: string, playbookId: string) {
  const res = await api(csm, 'POST', `/api/accounts/${accountId}/playbooks`, { playbookId });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as RunJson;
}
const setTask = async (id: string, status: 'open' | 'done' | 'cancelled', extra: object = {}) => {
  const res = await api(csm, 'PATCH', `/api/tasks/${id}`, { status, ...extra });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { id: string; status: string };
};

beforeAll(async () => {
  t = await createTestApp({ CANOPY_OUTBOUND_ALLOW: '127.0.0.1' });
  csm = await t.signIn('csm');
  manager = await t.signIn('manager');
  const admin = await t.signIn('admin');
  const hook = await t.app.inject({ method: 'POST', url: '/api/webhooks', headers: admin.headers, payload: { name: 'finished', url: 'http://127.0.0.1:9/hook', events: ['playbook.finished'] } });
  expect(hook.statusCode, hook.body).toBe(201);
});
afterAll(() => t?.close());

describe('playbook run states', () => {
  it('a task step is issued while its task is open, completed when it is done, cancelled with it; the run finishes with the last', async () => {
    const a = await account();
    const pb = await playbook([
      { kind: 'task', title: 'Call {{contact.firstName}} at {{account.name}}', dueOffsetDays: 1, assignee: 'owner', taskKind: 'call' },
      { kind: 'task', title: 'Send the plan', dueOffsetDays: 2, assignee: 'owner' },
      { kind: 'task', title: 'Book the QBR', dueOffsetDays: 3, assignee: 'owner' },
    ]);
    const run = await start(a.id, pb.id);
    expect(run.status).toBe('running');
    expect(statuses(run)).toEqual(['issued', 'issued', 'issued']);
    expect(run.progress).toEqual({ done: 0, completed: 0, issued: 3, cancelled: 0, total: 3 });
    // Templates are rendered in the step and in the task, never shown raw.
    expect(run.steps[0]?.title).toBe(`Call Dana at ${a.name}`);
    expect(run.steps[0]?.task).toMatchObject({ status: 'open', title: `Call Dana at ${a.name}` });
    const [call, plan, qbr] = run.steps.map((s) => s.task?.id as string);

    await setTask(call as string, 'done', { outcomeNote: 'They are rolling out to finance' });
    let now = await runOf(run.id);
    expect(statuses(now)).toEqual(['completed', 'issued', 'issued']);
    expect(now.progress).toMatchObject({ done: 1, completed: 1, issued: 2, total: 3 });
    expect(now.status).toBe('running');

    await setTask(plan as string, 'cancelled');
    now = await runOf(run.id);
    expect(statuses(now)).toEqual(['completed', 'cancelled', 'issued']);
    expect(now.steps[1]?.task?.status).toBe('cancelled');
    expect(now.status).toBe('running');
    expect(await finishedDeliveries(run.id)).toBe(0);
    expect(await finishedNotices(csm.userId, a.id)).toEqual([]);

    // Reopened: never call an open task done.
    await setTask(qbr as string, 'done');
    await setTask(qbr as string, 'open');
    now = await runOf(run.id);
    expect(statuses(now)).toEqual(['completed', 'cancelled', 'issued']);
    expect(now.status).toBe('running');
    await setTask(qbr as string, 'done');
    now = await runOf(run.id);
    expect(now).toMatchObject({ status: 'completed', progress: { done: 3, completed: 2, issued: 0, cancelled: 1, total: 3 } });
    // "Finished" is said once, at the end, naming what was cancelled.
    expect(await finishedDeliveries(run.id)).toBe(1);
    expect(await finishedNotices(csm.userId, a.id)).toEqual([{ title: `Playbook "${(await t.app.services.playbooks.get(pb.id))?.name}" finished`, body: '2 of 3 steps completed (1 cancelled).' }]);
    const listed = (await api(csm, 'GET', `/api/playbooks/${pb.id}`)).json();
    expect(listed.runs).toEqual({ running: 0, completed: 1, cancelled: 0 });
  });

  it('a wait completes only when its time has passed (its job or the sweep); the next step follows it', async () => {
    const a = await account();
    const pb = await playbook([{ kind: 'wait', days: 14 }, { kind: 'task', title: 'Check usage', dueOffsetDays: 0, assignee: 'owner' }]);
    const run = await start(a.id, pb.id);
    expect(statuses(run)).toEqual(['issued', 'pending']);
    expect(run.status).toBe('running');
    // Nothing moves before the time: a sweep a day later leaves it waiting.
    await t.app.services.playbooks.sweep(new Date(Date.now() + 86_400_000));
    expect(statuses(await runOf(run.id))).toEqual(['issued', 'pending']);
    expect((await t.app.services.playbooks.runStep(run.id, 0)).status).toBe('not_due');
    // Move the clock: the wait began 15 days ago.
    await t.database.query(`UPDATE playbook_run_steps SET issued_at = issued_at - interval '15 days', run_at = run_at - interval '15 days' WHERE run_id = $1 AND step_index = 0`, [run.id]);
    expect(await t.app.services.playbooks.sweep()).toBe(1);
    const after = await runOf(run.id);
    expect(statuses(after)).toEqual(['completed', 'issued']);
    expect(after.status).toBe('running');
    expect(await finishedDeliveries(run.id)).toBe(0);
    await setTask(after.steps[1]?.task?.id as string, 'done');
    expect((await runOf(run.id)).status).toBe('completed');
    expect(await finishedDeliveries(run.id)).toBe(1);
  });

  it('a task step with waitForTask holds the next step back until its task is done', async () => {
    const a = await account();
    const pb = await playbook([
      { kind: 'task', title: 'Kickoff', dueOffsetDays: 0, assignee: 'owner', waitForTask: true },
      { kind: 'task', title: 'Follow-up', dueOffsetDays: 0, assignee: 'owner' },
    ]);
    const run = await start(a.id, pb.id);
    expect(statuses(run)).toEqual(['issued', 'pending']);
    await setTask(run.steps[0]?.task?.id as string, 'done');
    const after = await runOf(run.id);
    expect(statuses(after)).toEqual(['completed', 'issued']);
    expect(after.steps[1]?.task?.title).toBe('Follow-up');
  });

  it('a cancelled run cancels its issued and pending steps and open tasks', async () => {
    const a = await account();
    const pb = await playbook([{ kind: 'task', title: 'One', dueOffsetDays: 0, assignee: 'owner' }, { kind: 'wait', days: 3 }, { kind: 'task', title: 'Two', dueOffsetDays: 0, assignee: 'owner' }]);
    const run = await start(a.id, pb.id);
    const cancelled = await api(csm, 'POST', `/api/playbook-runs/${run.id}/cancel`);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', progress: { done: 3, cancelled: 3, total: 3 } });
    expect(cancelled.json().steps[0].task.status).toBe('cancelled');
    expect(await finishedDeliveries(run.id)).toBe(0);
  });
});

describe('templates', () => {
  it('refuses unknown variables in any step field, naming the step and the variable, listing the known ones', async () => {
    const res = await api(manager, 'POST', '/api/playbooks', { name: unique('Bad'), steps: [
      { kind: 'task', title: 'Call {{contact.firstName}}', dueOffsetDays: 0, assignee: 'owner' },
      { kind: 'task', title: 'Visit {{account.nmae}}', description: 'Bring {{owner.phone}}', dueOffsetDays: 0, assignee: 'owner' },
      { kind: 'checkin', title: 'Check in', note: '{{contact.nickname}}' },
    ] });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { code: string; fields: { path: string; message: string }[] };
    expect(body.code).toBe('playbook.invalid');
    expect(body.fields.map((f) => f.path)).toEqual(['steps.1.title', 'steps.1.description', 'steps.2.note']);
    expect(body.fields[0]?.message).toContain('step 2 ("Visit {{account.nmae}}")');
    expect(body.fields[0]?.message).toContain('{{account.nmae}}');
    expect(body.fields[0]?.message).toContain('account.name, account.arr');
    const pb = await playbook([{ kind: 'task', title: 'Fine', dueOffsetDays: 0, assignee: 'owner' }]);
    const patch = await api(manager, 'PATCH', `/api/playbooks/${pb.id}`, { steps: [{ kind: 'wait', days: 1, title: 'Wait for {{account.renewal}}' }] });
    expect(patch.statusCode).toBe(400);
    expect(patch.json().fields[0].path).toBe('steps.0.title');
  });

  it('renders titles stored raw before this change wherever they are shown', async () => {
    const a = await account();
    const task = await t.app.services.tasks.create({ accountId: a.id, title: 'placeholder' }, SYSTEM_ACTOR, csm.userId);
    await t.database.query(`UPDATE tasks SET title = 'Call {{contact.firstName}} about {{account.name}}' WHERE id = $1`, [task.id]);
    const got = (await api(csm, 'GET', `/api/tasks/${task.id}`)).json();
    expect(got.title).toBe(`Call Dana about ${a.name}`);
    const list = (await api(csm, 'GET', `/api/tasks?accountId=${a.id}`)).json();
    expect(list.items[0].title).toBe(`Call Dana about ${a.name}`);
  });
});

describe('completing a call task', () => {
  it('with a note logs the call, linked to the task, in the timeline and the proactive ratio; activity: null logs nothing', async () => {
    const a = await account();
    const call = await api(csm, 'POST', '/api/tasks', { accountId: a.id, title: 'Call the champion', kind: 'call' });
    expect(call.statusCode, call.body).toBe(201);
    const before = (await api(csm, 'GET', `/api/activities/ratio?accountId=${a.id}`)).json();
    await setTask(call.json().id, 'done', { outcomeNote: 'Agreed a rollout plan', activity: { subject: 'Call with Dana' } });
    const logged = (await api(csm, 'GET', `/api/activities?accountId=${a.id}`)).json().items;
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ kind: 'call', subject: 'Call with Dana', body: 'Agreed a rollout plan', taskId: call.json().id, proactive: true, author: { id: csm.userId } });
    const ratio = (await api(csm, 'GET', `/api/activities/ratio?accountId=${a.id}`)).json();
    expect(ratio.proactive).toBe(before.proactive + 1);
    const timeline = (await api(csm, 'GET', `/api/accounts/${a.id}/timeline?limit=50`)).json().items as { kind: string; title: string }[];
    expect(timeline.some((i) => i.kind === 'activity' && i.title.includes('Call with Dana'))).toBe(true);

    // Defaults: the task's title and the note; without a note, or with activity null, nothing is logged.
    const meeting = await api(csm, 'POST', '/api/tasks', { accountId: a.id, title: 'Meet the sponsor', kind: 'meeting' });
    await setTask(meeting.json().id, 'done', { outcomeNote: 'Met' });
    const quiet = await api(csm, 'POST', '/api/tasks', { accountId: a.id, title: 'Quiet call', kind: 'call' });
    await setTask(quiet.json().id, 'done', { outcomeNote: 'Voicemail', activity: null });
    const bare = await api(csm, 'POST', '/api/tasks', { accountId: a.id, title: 'No note', kind: 'call' });
    await setTask(bare.json().id, 'done');
    const todo = await api(csm, 'POST', '/api/tasks', { accountId: a.id, title: 'Update the CRM' });
    await setTask(todo.json().id, 'done', { outcomeNote: 'Done' });
    const all = (await api(csm, 'GET', `/api/activities?accountId=${a.id}`)).json().items as { kind: string; subject: string; body: string }[];
    expect(all.map((x) => [x.kind, x.subject, x.body]).sort()).toEqual([['call', 'Call with Dana', 'Agreed a rollout plan'], ['meeting', 'Meet the sponsor', 'Met']]);
  });
});

describe('portfolio', () => {
  it('shows last product use and last touch apart, both sortable', async () => {
    const touched = await account(unique('Touched'));
    const idle = await account(unique('Idle'));
    await t.database.query(`UPDATE accounts SET last_activity_at = now() - interval '18 days' WHERE id = ANY ($1::uuid[])`, [[touched.id, idle.id]]);
    const when = new Date(Date.now() - 3_600_000).toISOString();
    expect((await api(csm, 'POST', '/api/activities', { accountId: touched.id, kind: 'call', subject: 'Called', occurredAt: when })).statusCode).toBe(201);
    const list = async (sort: string) => {
      const res = await api(csm, 'GET', `/api/accounts?sort=${sort}&limit=200&ownerId=me`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().items as { id: string; lastActivityAt: string | null; lastTouchAt: string | null }[];
    };
    const items = await list('-lastTouchAt');
    const t1 = items.find((i) => i.id === touched.id);
    expect(t1?.lastTouchAt).toBe(when);
    expect(Date.now() - Date.parse(t1?.lastActivityAt ?? '')).toBeGreaterThan(17 * 86_400_000);
    expect(items.find((i) => i.id === idle.id)?.lastTouchAt).toBeNull();
    // Newest touch first, accounts never touched last (in both directions).
    const touches = items.map((i) => i.lastTouchAt);
    expect(touches.filter((x) => x !== null)).toEqual([...touches.filter((x): x is string => x !== null)].sort().reverse());
    expect(items.findIndex((i) => i.id === touched.id)).toBeLessThan(items.findIndex((i) => i.id === idle.id));
    const asc = await list('lastTouchAt');
    expect(asc.findIndex((i) => i.id === touched.id)).toBeLessThan(asc.findIndex((i) => i.id === idle.id));
    // Keyset pages over the new sort.
    const page = await api(csm, 'GET', '/api/accounts?sort=-lastTouchAt&limit=1&ownerId=me');
    const next = await api(csm, 'GET', `/api/accounts?sort=-lastTouchAt&limit=1&ownerId=me&cursor=${encodeURIComponent(page.json().nextCursor)}`);
    expect(next.statusCode, next.body).toBe(200);
    expect(next.json().items[0].id).not.toBe(page.json().items[0].id);
  });
});

describe('migration 0007', () => {
  it('turns runs called completed with open tasks back into running, and keeps what was really done', async () => {
    const db = await connect({});
    try {
      await migrate(db, { upTo: 6 });
      const one = async <T>(sql: string, values: unknown[] = []) => (await db.query<T & Record<string, unknown>>(sql, values)).rows[0] as T;
      const { id: accountId } = await one<{ id: string }>(`INSERT INTO accounts (name) VALUES ('Old Co') RETURNING id`);
      const { id: pbId } = await one<{ id: string }>(`INSERT INTO playbooks (name) VALUES ('Renewal prep') RETURNING id`);
      await db.query(`INSERT INTO playbook_versions (playbook_id, version, steps) VALUES ($1, 1, '[]')`, [pbId]);
      const run = async () => (await one<{ id: string }>(`INSERT INTO playbook_runs (playbook_id, version, account_id, status, finished_at) VALUES ($1, 1, $2, 'completed', now()) RETURNING id`, [pbId, accountId])).id;
      const task = async (runId: string, status: string) => (await one<{ id: string }>(
        `INSERT INTO tasks (account_id, title, source, playbook_run_id, status, completed_at) VALUES ($1, 'x', 'playbook', $2, $3, CASE WHEN $3 = 'done' THEN now() END) RETURNING id`, [accountId, runId, status])).id;
      const step = (runId: string, i: number, kind: string, result: object, finishedAgo = '1 day') => db.query(
        `INSERT INTO playbook_run_steps (run_id, step_index, kind, title, status, run_at, finished_at, result) VALUES ($1, $2, $3, 't', 'done', now() - $5::interval, now() - $5::interval, $4::jsonb)`,
        [runId, i, kind, JSON.stringify(result), finishedAgo]);
      const open = await run();
      await step(open, 0, 'task', { taskId: await task(open, 'open') });
      await step(open, 1, 'wait', { days: 14 });
      await step(open, 2, 'email', { to: 'x@y.test' });
      const done = await run();
      await step(done, 0, 'task', { taskId: await task(done, 'done') });
      await step(done, 1, 'task', { taskId: await task(done, 'cancelled') });
      await step(done, 2, 'wait', { days: 1 }, '3 days');

      await migrate(db);
      const states = async (runId: string) => ({
        run: (await one<{ status: string }>('SELECT status FROM playbook_runs WHERE id = $1', [runId])).status,
        steps: (await db.query<{ status: string }>('SELECT status FROM playbook_run_steps WHERE run_id = $1 ORDER BY step_index', [runId])).rows.map((r) => r.status),
      });
      expect(await states(open)).toEqual({ run: 'running', steps: ['issued', 'issued', 'completed'] });
      expect(await states(done)).toEqual({ run: 'completed', steps: ['completed', 'cancelled', 'completed'] });
    } finally {
      await db.close();
    }
  });
});
