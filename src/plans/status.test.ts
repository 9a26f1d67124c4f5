import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import type { Goal, Milestone, SuccessPlan } from './schema.js';

let t: TestApp;
let admin: SignedIn;
let csm: SignedIn;
const dayOffset = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp({ CANOPY_OUTBOUND_ALLOW: '127.0.0.1' });
  admin = await t.signIn('admin');
  csm = await t.signIn('csm');
  const hook = await api('POST', '/api/webhooks', { name: unique('wh'), url: 'http://127.0.0.1:9/plans', events: ['plan.status_changed', 'plan.milestone_completed'] });
  expect(hook.statusCode, hook.body).toBe(201);
});
afterAll(() => t.close());

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, who: SignedIn = admin) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

type Delivery = { event_type: string; payload: { accountId: string; data: Record<string, unknown> } };
const deliveries = async (accountId: string, type: string) =>
  (await t.database.query<Delivery>(`SELECT event_type, payload FROM webhook_deliveries WHERE event_type = $1 AND payload ->> 'accountId' = $2 ORDER BY created_at`, [type, accountId])).rows;

async function planForCsm(arr = 1000) {
  const accountId = ((await api('POST', '/api/accounts', { name: unique('acct'), arr, ownerId: csm.userId })).json() as { id: string }).id;
  const plan = (await api('POST', `/api/accounts/${accountId}/success-plans`, { title: 'Adoption' }, csm)).json() as SuccessPlan;
  const goal = (await api('POST', `/api/success-plans/${plan.id}/goals`, { statement: 'Weekly reports', targetDate: dayOffset(60) }, csm)).json() as Goal;
  return { accountId, plan, goal };
}

describe('stored status', () => {
  it('a status change is stored, emits plan.status_changed, notifies the account owner and shows in the timeline', async () => {
    const { accountId, plan, goal } = await planForCsm();
    expect(await deliveries(accountId, 'plan.status_changed')).toEqual([]);
    // A customer-side milestone 20 days overdue: off track, and the reason names the side.
    const contact = ((await api('POST', '/api/contacts', { accountId, name: 'Dana', role: 'champion' })).json() as { id: string }).id;
    await api('POST', `/api/goals/${goal.id}/milestones`, { title: 'SSO live', dueAt: dayOffset(-20), ownerContactId: contact }, csm);
    const read = (await api('GET', `/api/success-plans/${plan.id}`, undefined, csm)).json() as SuccessPlan;
    expect(read.status).toBe('off_track');
    expect(read.statusReasons).toContain("goal 'Weekly reports': milestone 'SSO live' 20 days overdue, owner on the customer side (Dana)");
    const stored = await t.database.query<{ status: string; status_reasons: string[] }>('SELECT status, status_reasons FROM success_plans WHERE id = $1', [plan.id]);
    expect(stored.rows[0]).toEqual({ status: 'off_track', status_reasons: read.statusReasons });

    const [sent] = await deliveries(accountId, 'plan.status_changed');
    expect(sent?.payload.data).toMatchObject({ planId: plan.id, account: { id: accountId }, from: 'on_track', to: 'off_track', reasons: read.statusReasons });
    const notes = (await api('GET', '/api/notifications', undefined, csm)).json() as { items: { kind: string; title: string; accountId: string | null }[] };
    expect(notes.items).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'plan.status_changed', accountId, title: expect.stringContaining('is now off track') })]));

    const timeline = (await api('GET', `/api/accounts/${accountId}/timeline?kinds=plan`)).json() as { items: { kind: string; title: string; summary: string | null }[] };
    expect(timeline.items.map((i) => i.title)).toEqual(expect.arrayContaining(['Success plan created: Adoption', 'Goal set: Weekly reports', 'Success plan on track → off track']));
    expect(timeline.items.find((i) => i.title === 'Success plan on track → off track')?.summary).toContain("milestone 'SSO live' 20 days overdue");
  });

  it('completing a milestone records it, emits plan.milestone_completed and recomputes the status; reopening does not emit', async () => {
    const { accountId, plan, goal } = await planForCsm();
    const m = (await api('POST', `/api/goals/${goal.id}/milestones`, { title: 'Kick-off', dueAt: dayOffset(-3), ownerUserId: csm.userId }, csm)).json() as Milestone;
    expect(m.overdueDays).toBe(3);
    expect(((await api('GET', `/api/success-plans/${plan.id}`)).json() as SuccessPlan).status).toBe('at_risk');
    const done = await api('PATCH', `/api/milestones/${m.id}`, { completed: true }, csm);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ completedAt: expect.any(String), overdueDays: 0 });
    const [sent] = await deliveries(accountId, 'plan.milestone_completed');
    expect(sent?.payload.data).toMatchObject({ planId: plan.id, goalId: goal.id, milestone: { id: m.id, title: 'Kick-off', owner: { side: 'vendor', userId: csm.userId } } });
    const after = (await api('GET', `/api/success-plans/${plan.id}`)).json() as SuccessPlan;
    expect(after).toMatchObject({ status: 'on_track', progress: { milestonesDone: 1, milestonesTotal: 1 } });
    const events = await t.database.query<{ kind: string }>('SELECT kind FROM plan_events WHERE plan_id = $1 ORDER BY at', [plan.id]);
    expect(events.rows.map((e) => e.kind)).toEqual(expect.arrayContaining(['milestone_completed', 'status_changed']));
    await api('PATCH', `/api/milestones/${m.id}`, { completed: false }, csm);
    expect(await deliveries(accountId, 'plan.milestone_completed')).toHaveLength(1);
  });

  it('the daily job moves a status when time passes, and only then', async () => {
    const { accountId, plan, goal } = await planForCsm();
    await api('POST', `/api/goals/${goal.id}/milestones`, { title: 'Training', dueAt: dayOffset(5) }, csm);
    expect(((await api('GET', `/api/success-plans/${plan.id}`)).json() as SuccessPlan).status).toBe('on_track');
    // Three weeks later: the milestone is 16 days overdue, though nobody touched the plan.
    await t.database.query(`UPDATE plan_milestones SET due_at = current_date - 16 WHERE title = 'Training' AND goal_id = $1`, [goal.id]);
    expect((await t.database.query<{ status: string }>('SELECT status FROM success_plans WHERE id = $1', [plan.id])).rows[0]?.status).toBe('on_track');
    await t.app.services.plans.refreshAll();
    expect((await t.database.query<{ status: string }>('SELECT status FROM success_plans WHERE id = $1', [plan.id])).rows[0]?.status).toBe('off_track');
    const goalRow = await t.database.query<{ status: string }>('SELECT status FROM plan_goals WHERE id = $1', [goal.id]);
    expect(goalRow.rows[0]?.status).toBe('off_track');
    await t.app.services.plans.refreshAll();
    expect(await deliveries(accountId, 'plan.status_changed')).toHaveLength(1);
  });

  it('the dashboard lists plans by stored status with account, owner and ARR, and sums them', async () => {
    const a = await planForCsm(2500);
    const b = await planForCsm(4000);
    await api('POST', `/api/goals/${b.goal.id}/milestones`, { title: 'Late', dueAt: dayOffset(-30) }, csm);
    const offTrack = (await api('GET', `/api/success-plans?status=off_track&ownerId=${csm.userId}`)).json() as { items: { id: string; accountName: string; arr: number; owner: { id: string } | null }[] };
    expect(offTrack.items.map((p) => p.id)).toContain(b.plan.id);
    expect(offTrack.items.map((p) => p.id)).not.toContain(a.plan.id);
    expect(offTrack.items.find((p) => p.id === b.plan.id)).toMatchObject({ arr: 4000, owner: { id: csm.userId } });
    const page = (await api('GET', '/api/success-plans?limit=1')).json() as { items: unknown[]; nextCursor: string | null };
    expect(page.items).toHaveLength(1);
    const next = await api('GET', `/api/success-plans?limit=1&cursor=${page.nextCursor ?? ''}`);
    expect(next.statusCode).toBe(200);

    // Each list item carries the plan's own roll-up and its earliest open milestone, the same numbers as the plan page.
    const crit = (await api('POST', `/api/goals/${a.goal.id}/criteria`, { name: 'Reports a week', kind: 'manual', target: 10, baseline: 0 }, csm)).json() as { id: string };
    expect((await api('POST', `/api/criteria/${crit.id}/values`, { value: 4 }, csm)).statusCode).toBe(201);
    const done = (await api('POST', `/api/goals/${a.goal.id}/milestones`, { title: 'Kick-off', dueAt: dayOffset(-40) }, csm)).json() as Milestone;
    await api('PATCH', `/api/milestones/${done.id}`, { completed: true }, csm);
    await api('POST', `/api/goals/${a.goal.id}/milestones`, { title: 'Undated', dueAt: null }, csm);
    await api('POST', `/api/goals/${a.goal.id}/milestones`, { title: 'Training', dueAt: dayOffset(7), ownerUserId: csm.userId }, csm);
    const listed = (await api('GET', `/api/success-plans?ownerId=${csm.userId}&limit=100`)).json() as { items: { id: string; progress: SuccessPlan['progress']; nextMilestone: unknown }[] };
    for (const p of [a.plan, b.plan]) {
      const own = (await api('GET', `/api/success-plans/${p.id}`)).json() as SuccessPlan;
      expect(listed.items.find((i) => i.id === p.id)?.progress).toEqual(own.progress);
    }
    expect(listed.items.find((i) => i.id === a.plan.id)).toMatchObject({
      progress: { percent: 40, criteriaMet: 0, criteriaTotal: 1, milestonesDone: 1, milestonesTotal: 3 },
      nextMilestone: { title: 'Training', dueAt: dayOffset(7), overdueDays: 0, owner: { side: 'vendor', name: expect.any(String) } },
    });
    expect(listed.items.find((i) => i.id === b.plan.id)?.nextMilestone).toEqual({ title: 'Late', dueAt: dayOffset(-30), overdueDays: 30, owner: null });

    const summary = (await api('GET', '/api/success-plans/summary')).json() as { byStatus: { status: string; plans: number; arr: number }[]; total: number };
    expect(summary.byStatus.map((s) => s.status)).toEqual(['achieved', 'on_track', 'at_risk', 'off_track']);
    expect(summary.total).toBe(summary.byStatus.reduce((n, s) => n + s.plans, 0));
    expect(summary.byStatus.find((s) => s.status === 'off_track')?.arr).toBeGreaterThanOrEqual(4000);
  });

  it('a csm edits the plans of their own accounts only; a viewer reads', async () => {
    const other = ((await api('POST', '/api/accounts', { name: unique('other') })).json() as { id: string }).id;
    const plan = (await api('POST', `/api/accounts/${other}/success-plans`, { title: 'Theirs' })).json() as SuccessPlan;
    expect((await api('POST', `/api/success-plans/${plan.id}/goals`, { statement: 'x' }, csm)).statusCode).toBe(403);
    const viewer = await t.signIn('viewer');
    const seen = await api('GET', `/api/success-plans/${plan.id}`, undefined, viewer);
    expect(seen.json()).toMatchObject({ id: plan.id, canEdit: false });
    expect((await api('PATCH', `/api/success-plans/${plan.id}`, { title: 'y' }, viewer)).statusCode).toBe(403);
  });
});
