import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import type { PlanTemplate, SuccessPlan } from './schema.js';
import { addDays, applyTemplateToAccount } from './templates.js';

let t: TestApp;
let manager: SignedIn;
let csm: SignedIn;

beforeAll(async () => {
  t = await createTestApp();
  manager = await t.signIn('manager');
  csm = await t.signIn('csm');
});
afterAll(() => t.close());

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, who: SignedIn = manager) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

async function accountOwnedByCsm() {
  const id = ((await api('POST', '/api/accounts', { name: unique('acct'), arr: 1000, ownerId: csm.userId })).json() as { id: string }).id;
  const champion = ((await api('POST', '/api/contacts', { accountId: id, name: 'Chris Champion', role: 'champion' })).json() as { id: string }).id;
  return { id, champion };
}

async function onboardingTemplate(): Promise<PlanTemplate> {
  const driverId = (await t.database.query<{ id: string }>(`SELECT id FROM drivers WHERE key = 'days_since_activity'`)).rows[0]?.id;
  const res = await api('POST', '/api/plan-templates', {
    name: unique('Onboarding'), segment: 'mid-market', stage: 'onboarding',
    goals: [{
      statement: 'Live with SSO in 30 days', why: 'Security review', targetOffsetDays: 30,
      criteria: [{ name: 'days since activity', kind: 'driver', driverId, target: 2 }, { name: 'confidence', kind: 'rating', target: 4 }],
      milestones: [
        { title: 'Kick-off', offsetDays: 3, owner: 'csm', tasks: [{ title: 'Send agenda', offsetDays: 1, owner: 'csm' }] },
        { title: 'SSO configured', offsetDays: 14, owner: 'customer:champion', tasks: [{ title: 'Upload IdP metadata', offsetDays: 10, owner: 'customer:champion' }] },
        { title: 'Security sign-off', offsetDays: 21, owner: 'customer:executive_sponsor', tasks: [{ title: 'Sign the review', offsetDays: 21, owner: 'customer:admin' }] },
      ],
    }],
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as PlanTemplate;
}

describe('plan templates', () => {
  it('are built by admins and managers with field errors, read by everyone', async () => {
    const bad = await api('POST', '/api/plan-templates', { name: 'x', goals: [{ statement: 'y', criteria: [{ name: 'z', kind: 'driver' }], milestones: [{ title: 'm', offsetDays: 1, owner: 'customer:nobody' }] }] });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { fields: { path: string }[] }).fields.map((f) => f.path)).toEqual(expect.arrayContaining(['goals.0.criteria.0.driverId', 'goals.0.milestones.0.owner']));
    const ghost = await api('POST', '/api/plan-templates', { name: 'x', goals: [{ statement: 'y', criteria: [{ name: 'z', kind: 'driver', driverId: crypto.randomUUID() }] }] });
    expect(ghost.json()).toMatchObject({ code: 'plan_template.invalid', fields: [{ path: 'goals.0.criteria.0.driverId' }] });
    const tpl = await onboardingTemplate();
    expect((await api('POST', '/api/plan-templates', { name: 'mine' }, csm)).statusCode).toBe(403);
    expect((await api('GET', `/api/plan-templates/${tpl.id}`, undefined, csm)).json()).toMatchObject({ id: tpl.id, canEdit: false, goals: [{ milestones: [{ owner: 'csm' }, {}, {}] }] });
    expect((await api('PATCH', `/api/plan-templates/${tpl.id}`, { description: 'Four weeks' })).json()).toMatchObject({ description: 'Four weeks', canEdit: true });
    const list = (await api('GET', '/api/plan-templates')).json() as { items: PlanTemplate[] };
    expect(list.items.map((x) => x.id)).toContain(tpl.id);
  });

  it('applied to an account fills target and due dates from the start, and owners: the CSM, the customer contact, or unassigned with a reason', async () => {
    const tpl = await onboardingTemplate();
    const { id: accountId, champion } = await accountOwnedByCsm();
    const start = '2026-03-02';
    const res = await api('POST', `/api/accounts/${accountId}/success-plans`, { title: 'Onboarding', templateId: tpl.id, startDate: start });
    expect(res.statusCode, res.body).toBe(201);
    const plan = res.json() as SuccessPlan;
    const goal = plan.goals[0];
    expect(goal).toMatchObject({ statement: 'Live with SSO in 30 days', why: 'Security review', startDate: start, targetDate: addDays(start, 30) });
    expect(goal?.criteria.map((c) => [c.name, c.kind, c.direction, c.target])).toEqual([['days since activity', 'driver', 'down', 2], ['confidence', 'rating', 'up', 4]]);
    const [kickoff, sso, signoff] = goal?.milestones ?? [];
    expect(kickoff).toMatchObject({ dueAt: '2026-03-05', owner: { side: 'vendor', userId: csm.userId } });
    expect(kickoff?.tasks).toEqual([expect.objectContaining({ title: 'Send agenda', side: 'vendor', assigneeUserId: csm.userId, dueAt: '2026-03-03T23:59:59.000Z' })]);
    expect(sso).toMatchObject({ dueAt: '2026-03-16', owner: { side: 'customer', contactId: champion, name: 'Chris Champion' } });
    expect(sso?.tasks).toEqual([expect.objectContaining({ title: 'Upload IdP metadata', side: 'customer', assigneeContactId: champion, assigneeName: 'Chris Champion' })]);
    expect(signoff).toMatchObject({ dueAt: '2026-03-23', owner: null });
    expect(signoff?.tasks).toEqual([expect.objectContaining({ title: 'Sign the review', assigneeUserId: null, assigneeContactId: null })]);
    const reason = await t.database.query<{ reason: string; source: string }>(`SELECT reason, source FROM tasks WHERE title = 'Sign the review' AND account_id = $1`, [accountId]);
    expect(reason.rows[0]).toEqual({ source: 'plan', reason: expect.stringContaining('no contact with the role admin on this account') });
    const ev = await t.database.query<{ data: { unassigned: { title: string; reason: string }[] } }>(`SELECT data FROM plan_events WHERE plan_id = $1 AND kind = 'template_applied'`, [plan.id]);
    expect(ev.rows[0]?.data.unassigned).toEqual([
      { kind: 'milestone', title: 'Security sign-off', reason: 'no contact with the role executive sponsor on this account' },
      { kind: 'task', title: 'Sign the review', reason: 'no contact with the role admin on this account' },
    ]);
    // Plan tasks are ordinary tasks: the CSM's is in their inbox.
    const inbox = (await api('GET', '/api/tasks?assignee=me', undefined, csm)).json() as { items: { title: string; source: string }[] };
    expect(inbox.items).toEqual(expect.arrayContaining([expect.objectContaining({ title: 'Send agenda', source: 'plan' })]));
    // Applied again to the same plan: a second set (a person asked for it), with its own dates.
    const again = (await api('POST', `/api/success-plans/${plan.id}/apply-template`, { templateId: tpl.id, startDate: '2026-04-01' })).json() as SuccessPlan;
    expect(again.goals.map((g) => g.targetDate)).toEqual([addDays(start, 30), '2026-05-01']);
  });

  it('the playbook step applies a template to the account\'s plan once, even when the step runs again', async () => {
    const tpl = await onboardingTemplate();
    const { id: accountId } = await accountOwnedByCsm();
    const playbook = (await api('POST', '/api/playbooks', { name: unique('pb'), steps: [{ kind: 'apply_plan_template', templateId: tpl.id }] })).json() as { id: string };
    const run = await api('POST', `/api/accounts/${accountId}/playbooks`, { playbookId: playbook.id });
    expect(run.statusCode, run.body).toBe(201);
    const runId = (run.json() as { id: string }).id;
    const step = async () => (await t.database.query<{ status: string; result: { planId?: string; applied?: boolean } }>('SELECT status, result FROM playbook_run_steps WHERE run_id = $1', [runId])).rows[0];
    expect(await step()).toMatchObject({ status: 'completed', result: { applied: true } });
    const plans = (await api('GET', `/api/accounts/${accountId}/success-plans`)).json() as { items: SuccessPlan[] };
    expect(plans.items).toHaveLength(1);
    expect(plans.items[0]).toMatchObject({ title: 'Success plan', goals: [{ statement: 'Live with SSO in 30 days' }] });

    // Run again (a redelivered job), then again as if the step's status had been lost.
    await t.app.services.playbooks.runStep(runId, 0);
    await t.database.query(`UPDATE playbook_run_steps SET status = 'pending', finished_at = NULL, run_at = now() WHERE run_id = $1`, [runId]);
    await t.database.query(`UPDATE playbook_runs SET status = 'running', finished_at = NULL WHERE id = $1`, [runId]);
    await t.app.services.playbooks.runStep(runId, 0);
    expect(await step()).toMatchObject({ status: 'completed', result: { applied: false, planId: plans.items[0]?.id } });
    const goals = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM plan_goals g JOIN success_plans p ON p.id = g.plan_id WHERE p.account_id = $1', [accountId]);
    expect(goals.rows[0]?.n).toBe(1);
    const tasks = await t.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE account_id = $1 AND source = 'plan'`, [accountId]);
    expect(tasks.rows[0]?.n).toBe(3);
  });

  it('applyTemplateToAccount with the same key twice applies once; a deleted template fails the step with a reason', async () => {
    const tpl = await onboardingTemplate();
    const { id: accountId } = await accountOwnedByCsm();
    const apply = (templateId: string) => t.database.transaction((tx) =>
      applyTemplateToAccount(tx, { accountId, templateId, actor: SYSTEM_ACTOR, dedupeKey: `test:${accountId}`, startDate: '2026-03-02' }));
    expect(await apply(tpl.id)).toMatchObject({ ok: true, applied: true });
    expect(await apply(tpl.id)).toMatchObject({ ok: true, applied: false, taskIds: [] });
    expect(await apply(crypto.randomUUID())).toEqual({ ok: false, error: 'the plan template was deleted' });
    const goals = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM plan_goals g JOIN success_plans p ON p.id = g.plan_id WHERE p.account_id = $1', [accountId]);
    expect(goals.rows[0]?.n).toBe(1);
  });
});
