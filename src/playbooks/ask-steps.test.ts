import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import { periodOf } from '../capacity/ledger.js';

/**
 * Playbook steps that ask the customer (seed 004): a survey, a check-in, a contact's task with an
 * effort, an e-mail with a spoon cost. Each is checked against the customer's capacity first; over
 * it the step waits for the next period, or gives a spoon (a task of ours), and its result says so.
 */
let t: TestApp;
let csm: SignedIn;
let manager: SignedIn;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';
const api = (who: SignedIn, method: Method, url: string, payload?: object) => t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
type Step = { status: string; runAt: string | null; result: Record<string, unknown> | null; task: { id: string; status: string; title: string } | null };
type RunJson = { id: string; status: string; steps: Step[] };
const runOf = async (id: string) => (await api(csm, 'GET', `/api/playbook-runs/${id}`)).json() as RunJson;

async function account(opts: { spoons?: number; champion?: boolean } = {}) {
  const a = await t.app.services.accounts.create({ name: unique('Acme'), arr: 80_000, ownerId: csm.userId, stage: 'adoption' }, SYSTEM_ACTOR);
  const dana = opts.champion === false ? null
    : await t.app.services.contacts.create({ accountId: a.id, name: 'Dana Ruiz', email: `${unique('dana')}@acme.test`, role: 'champion' }, SYSTEM_ACTOR);
  if (opts.spoons !== undefined) expect((await api(csm, 'PUT', `/api/accounts/${a.id}/capacity`, { spoons: opts.spoons })).statusCode).toBe(200);
  return { account: a, dana };
}
async function survey(spoonCost = 2) {
  const { rows: [s] } = await t.database.query<{ id: string }>(
    `INSERT INTO surveys (name, kind, question, email_subject, email_intro, spoon_cost, throttle_days)
     VALUES ($1, 'nps', 'How likely are you to recommend us?', 'A quick question', '', $2, 0) RETURNING id`, [unique('NPS'), spoonCost],
  );
  return s?.id as string;
}
async function run(accountId: string, steps: object[]) {
  const pb = await api(manager, 'POST', '/api/playbooks', { name: unique('Playbook'), steps });
  expect(pb.statusCode, pb.body).toBe(201);
  const res = await api(csm, 'POST', `/api/accounts/${accountId}/playbooks`, { playbookId: pb.json().id });
  expect(res.statusCode, res.body).toBe(201);
  return runOf(res.json().id);
}
const nextMonday = () => periodOf(new Date(), 'week').to;

beforeAll(async () => {
  t = await createTestApp();
  csm = await t.signIn('csm');
  manager = await t.signIn('manager');
});
afterAll(() => t?.close());

describe('a survey step', () => {
  it('sends the survey to the contact in the role, within capacity', async () => {
    const { account: a, dana } = await account();
    const surveyId = await survey(2);
    const r = await run(a.id, [{ kind: 'survey', title: 'Quarterly NPS', surveyId, to: 'champion' }]);
    expect(r.status).toBe('completed');
    expect(r.steps[0]).toMatchObject({ status: 'completed', result: { outcome: 'asked', summary: expect.stringContaining('to Dana Ruiz'), surveyId } });
    const cap = (await api(csm, 'GET', `/api/accounts/${a.id}/capacity`)).json();
    expect(cap.asks).toEqual([expect.objectContaining({ kind: 'survey', cost: 2, contact: { id: dana?.id, name: 'Dana Ruiz' } })]);
    expect(cap.used).toBe(2);
  });

  it('over capacity waits for the next period, says so, and sends then', async () => {
    const { account: a } = await account({ spoons: 1 });
    const surveyId = await survey(2);
    const r = await run(a.id, [{ kind: 'survey', title: 'Quarterly NPS', surveyId, to: 'champion' }]);
    expect(r.status).toBe('running');
    const monday = nextMonday();
    expect(r.steps[0]).toMatchObject({ status: 'pending', runAt: monday.toISOString() });
    expect(r.steps[0]?.result?.summary).toBe(`waited: over capacity, 1 of 1 spoon left; tried again on ${monday.toISOString().slice(0, 10)}`);
    expect((await t.database.query('SELECT 1 FROM survey_recipients WHERE playbook_run_id = $1', [r.id])).rows).toHaveLength(0);
    // Next week the capacity is back (and set higher): the job of that day sends it.
    await api(csm, 'PUT', `/api/accounts/${a.id}/capacity`, { spoons: 5 });
    await t.app.services.playbooks.runStep(r.id, 0, { now: new Date(monday.getTime() + 3_600_000) });
    const after = await runOf(r.id);
    expect(after.steps[0]).toMatchObject({ status: 'completed', result: { outcome: 'asked' } });
    expect(after.status).toBe('completed');
  });

  it('over capacity with onOverload give_spoon makes our task instead, and completes with it', async () => {
    const { account: a } = await account({ spoons: 0 });
    const surveyId = await survey(1);
    const r = await run(a.id, [{ kind: 'survey', title: 'Quarterly NPS', surveyId, to: 'champion', onOverload: 'give_spoon' }]);
    const step = r.steps[0];
    expect(step?.status).toBe('issued');
    expect(step?.result?.summary).toBe('gave a spoon instead: over capacity, 0 of 0 spoons left; our task does it for them');
    expect(step?.task?.title).toContain('question on your next call');
    const task = (await api(csm, 'GET', `/api/tasks/${step?.task?.id}`)).json();
    expect(task).toMatchObject({ givesSpoon: true, customerEffort: 0, assignee: { type: 'user', id: csm.userId } });
    expect(task.reason).toContain('Giving a spoon: we do this for Dana Ruiz');
    await api(csm, 'PATCH', `/api/tasks/${task.id}`, { status: 'done' });
    expect(await runOf(r.id)).toMatchObject({ status: 'completed', steps: [{ status: 'completed' }] });
  });

  it('without a survey chosen (a step saved before surveys) gives the owner a task saying so', async () => {
    const { account: a } = await account();
    const r = await run(a.id, [{ kind: 'survey', title: 'Renewal readiness survey' }]);
    expect(r.steps[0]).toMatchObject({ status: 'issued', result: { reason: 'No survey chosen' }, task: { title: 'Survey: Renewal readiness survey' } });
  });

  it('refuses an unknown survey when the playbook is saved', async () => {
    const res = await api(manager, 'POST', '/api/playbooks', { name: unique('Bad'), steps: [{ kind: 'survey', title: 'NPS', surveyId: '00000000-0000-4000-8000-000000000000', to: 'champion' }] });
    expect(res.statusCode).toBe(400);
    expect(res.json().fields).toEqual([{ path: 'steps.0.surveyId', message: 'no such survey' }]);
    const bad = await api(manager, 'POST', '/api/playbooks', { name: unique('Bad'), steps: [{ kind: 'survey', title: 'NPS', onOverload: 'later' }] });
    expect(bad.statusCode).toBe(400);
  });
});

describe('a check-in step', () => {
  it('asks the contact by e-mail on the initiative named by its title (found, or created); asking again while the link is open sends nothing new', async () => {
    const { account: a } = await account();
    const r = await run(a.id, [{ kind: 'checkin', title: 'Roll out SSO', to: 'champion' }, { kind: 'checkin', title: 'roll out sso', to: 'champion' }]);
    expect(r.steps.map((s) => s.status)).toEqual(['completed', 'completed']);
    expect(r.steps[0]?.result).toMatchObject({ outcome: 'asked', summary: 'asked Dana Ruiz for a check-in on “Roll out SSO”', initiativeCreated: true });
    expect(r.steps[1]?.result).toMatchObject({
      outcome: 'already_asked', initiativeCreated: false, initiativeId: r.steps[0]?.result?.initiativeId, requestId: r.steps[0]?.result?.requestId,
      summary: 'Dana Ruiz was already asked for a check-in on “Roll out SSO” (the link is still open): nothing new sent',
    });
    const { rows } = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM check_in_requests WHERE account_id = $1', [a.id]);
    expect(rows[0]?.n).toBe(1);
  });

  it('without a contact with an e-mail, gives the owner a task to run it on a call', async () => {
    const { account: a } = await account({ champion: false });
    const r = await run(a.id, [{ kind: 'checkin', title: 'Two-week check-in', to: 'champion' }]);
    expect(r.steps[0]).toMatchObject({ status: 'issued', task: { title: 'Check-in: Two-week check-in' }, result: { reason: 'No champion with an e-mail address: run the check-in on a call' } });
  });
});

describe('task and e-mail steps that ask', () => {
  it("a contact's task over capacity waits, and one of ours is never checked", async () => {
    const { account: a } = await account({ spoons: 2 });
    const r = await run(a.id, [
      { kind: 'task', title: 'Our prep', dueOffsetDays: 0, assignee: 'owner', customerEffort: 9 },
      { kind: 'task', title: 'Connect the integration', dueOffsetDays: 0, assignee: 'customer_champion', customerEffort: 3 },
    ]);
    expect(r.steps.map((s) => s.status)).toEqual(['issued', 'pending']);
    expect(r.steps[1]?.result?.summary).toContain('waited: over capacity, 2 of 2 spoons left');
  });

  it('an e-mail with a spoon cost is counted; over capacity it gives a spoon when asked to', async () => {
    const { account: a } = await account({ spoons: 3 });
    const r = await run(a.id, [
      { kind: 'email', to: 'champion', subject: 'Please export your users', body: 'Hi {{contact.firstName}}', spoonCost: 2 },
      { kind: 'email', to: 'champion', subject: 'And fill in the form', body: 'Hi', spoonCost: 2, onOverload: 'give_spoon' },
      { kind: 'email', to: 'champion', subject: 'Just news', body: 'Hi' },
    ]);
    expect(r.steps.map((s) => s.status)).toEqual(['issued', 'issued', 'issued']);
    expect(r.steps[1]?.result).toMatchObject({ outcome: 'gave_spoon', summary: expect.stringContaining('gave a spoon instead: over capacity, 1 of 3 spoons left') });
    const cap = (await api(csm, 'GET', `/api/accounts/${a.id}/capacity`)).json();
    expect(cap.asks.map((x: { kind: string; cost: number; label: string }) => [x.kind, x.cost, x.label])).toEqual([['email', 2, 'E-mail: Please export your users']]);
    expect(cap.given).toHaveLength(1);
    // Our task done completes the step that gave the spoon.
    await api(csm, 'PATCH', `/api/tasks/${r.steps[1]?.task?.id}`, { status: 'done' });
    expect((await runOf(r.id)).steps[1]?.status).toBe('completed');
  });
});
