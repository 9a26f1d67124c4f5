import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Goal, Milestone, PlanTask } from './schema.js';
import { PAGE_CSP, renderMessagePage, renderPlanPage } from './share-page.js';
import { shareUrl } from './share-service.js';
import { hashToken, isTokenShaped, newToken, refOf, resolveRef } from './share-token.js';
import { publicReasons, toPublicPlan, type SharedPlan, type ShareLink } from './share-view.js';

/** Pure parts of the shared link: tokens and refs, the public view of a plan, and its HTML page. */

const NOW = new Date('2026-03-01T12:00:00Z');
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const task = (n: number, over: Partial<PlanTask> = {}): PlanTask => ({
  id: id(n), title: `Task ${n}`, status: 'open', dueAt: '2026-03-10T00:00:00.000Z', side: 'customer', assigneeUserId: null,
  assigneeContactId: id(900), assigneeName: 'Pat Customer', customerEffort: 2, hiddenFromCustomer: false, ...over,
});
const milestone = (n: number, over: Partial<Milestone> = {}): Milestone => ({
  id: id(n), goalId: id(1), title: `Milestone ${n}`, dueAt: '2026-03-20', completedAt: null, overdueDays: 0, hiddenFromCustomer: false,
  owner: { side: 'customer', contactId: id(900), name: 'Pat Customer' }, tasks: [], ...over,
});
const goal = (n: number, over: Partial<Goal> = {}): Goal => ({
  id: id(n), planId: id(100), statement: `Goal ${n}`, why: 'because', targetDate: '2026-06-01', startDate: '2026-01-01', status: 'on_track',
  statusReasons: [], progress: { percent: null, criteriaMet: 0, criteriaTotal: 0, milestonesDone: 0, milestonesTotal: 0 },
  hiddenFromCustomer: false, harvestedFromSeedId: null, milestones: [],
  criteria: [{
    id: id(n * 10), goalId: id(n), name: `Criterion ${n}`, kind: 'driver', driverId: id(700), driverName: 'Seat utilisation', metric: null, direction: 'up',
    baseline: 0, target: 100, current: 50, measuredAt: '2026-02-28T06:00:00.000Z', progress: 50, state: 'measured', met: false, ratings: null,
  }],
  ...over,
});
const plan = (goals: Goal[]): SharedPlan => ({
  id: id(100), accountId: id(200), accountName: 'Acme', title: 'Acme plan', status: 'off_track', statusReasons: ['internal reason'],
  progress: { percent: 10, criteriaMet: 0, criteriaTotal: 1, milestonesDone: 0, milestonesTotal: 0 }, createdAt: NOW.toISOString(), updatedAt: NOW.toISOString(), goals,
});
const LINK: ShareLink = { id: id(500), allowCustomerUpdates: true, expiresAt: null };
const contacts = [{ id: id(900), name: 'Pat Customer' }, { id: id(901), name: 'sam@customer.test' }];

describe('tokens and refs', () => {
  it('a token is 256 random bits in base64url; only its SHA-256 is compared', () => {
    const a = newToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(newToken()).not.toBe(a);
    expect(hashToken(a)).toBe(createHash('sha256').update(a).digest('hex'));
    expect(isTokenShaped(a)).toBe(true);
    for (const bad of ['', 'a', `${a}x`, `${a.slice(0, 42)}=`, `${a.slice(0, 42)}\u0000`]) expect(isTokenShaped(bad), bad).toBe(false);
  });

  it('the url is under CANOPY_PUBLIC_URL (keeping its path) when set, else relative', () => {
    expect(shareUrl(undefined, 'T')).toBe('/shared/plans/T');
    expect(shareUrl('https://cs.example.com', 'T')).toBe('https://cs.example.com/shared/plans/T');
    expect(shareUrl('https://example.com/canopy/', 'T')).toBe('https://example.com/canopy/shared/plans/T');
  });

  it('a ref is stable within a link, differs between links and kinds, and resolves only among the given ids', () => {
    const r = refOf(LINK.id, 'task', id(1));
    expect(r).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(refOf(LINK.id, 'task', id(1))).toBe(r);
    expect(refOf(id(501), 'task', id(1))).not.toBe(r);
    expect(refOf(LINK.id, 'goal', id(1))).not.toBe(r);
    expect(resolveRef(LINK.id, 'task', r, [id(2), id(1)])).toBe(id(1));
    expect(resolveRef(LINK.id, 'task', r, [id(2)])).toBeNull();
    expect(resolveRef(LINK.id, 'goal', r, [id(1)])).toBeNull();
    expect(resolveRef(LINK.id, 'task', id(1), [id(1)])).toBeNull();
  });
});

describe('the public view of a plan', () => {
  const source = plan([
    goal(1, {
      milestones: [
        milestone(11, { tasks: [task(111), task(112, { side: 'vendor', assigneeUserId: id(800), assigneeContactId: null, assigneeName: 'Vera Vendor' }), task(113, { hiddenFromCustomer: true, title: 'HIDDEN task' }), task(114, { status: 'done' })] }),
        milestone(12, { title: 'HIDDEN milestone', dueAt: '2026-01-10', hiddenFromCustomer: true, owner: { side: 'vendor', userId: id(800), name: 'Vera Vendor' } }),
      ],
    }),
    goal(2, { statement: 'HIDDEN goal', hiddenFromCustomer: true }),
  ]);

  it('leaves out hidden goals, milestones and tasks, and every internal id, driver and e-mail address', () => {
    const view = toPublicPlan(source, LINK, contacts, [], NOW);
    const text = JSON.stringify(view);
    expect(view.goals.map((g) => g.statement)).toEqual(['Goal 1']);
    expect(view.goals[0]?.milestones.map((m) => m.title)).toEqual(['Milestone 11']);
    expect(view.goals[0]?.milestones[0]?.tasks.map((t) => t.title)).toEqual(['Task 111', 'Task 112', 'Task 114']);
    expect(text).not.toContain('HIDDEN');
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(text).not.toContain('Seat utilisation');
    expect(text).not.toContain('@');
    expect(text).not.toContain('internal reason');
    expect(view.contacts).toEqual([{ id: refOf(LINK.id, 'contact', id(900)), name: 'Pat Customer' }]);
  });

  it('computes status over what is shown: a hidden milestone 50 days overdue does not make the goal off track', () => {
    const view = toPublicPlan(source, LINK, contacts, [], NOW);
    expect(view.goals[0]?.status).toBe('on_track');
    expect(view.goals[0]?.statusLabel).toBe('On track');
    expect(view.goals[0]?.progress).toMatchObject({ percent: 50, milestonesTotal: 1 });
    expect(view.status).toBe('on_track');
    const shown = toPublicPlan(plan([goal(1, { milestones: [milestone(12, { dueAt: '2026-01-10' })] })]), LINK, contacts, [], NOW);
    expect(shown.goals[0]?.status).toBe('off_track');
    expect(shown.goals[0]?.statusReasons.join(' ')).toContain("milestone 'Milestone 12' 50 days overdue, owner on the customer side (Pat Customer)");
  });

  it('only an open customer-side task on a link that allows updates can be ticked', () => {
    const ticks = (link: ShareLink) => toPublicPlan(source, link, contacts, [], NOW).goals[0]?.milestones[0]?.tasks.map((t) => t.canComplete);
    expect(ticks(LINK)).toEqual([true, false, false]);
    expect(ticks({ ...LINK, allowCustomerUpdates: false })).toEqual([false, false, false]);
    expect(toPublicPlan(source, { ...LINK, allowCustomerUpdates: false }, contacts, [], NOW).contacts).toEqual([]);
  });

  it('a criterion without data says so (null, never 0), with the as-of day of a measured one', () => {
    const g = goal(3);
    const noData = { ...g, criteria: [{ ...(g.criteria[0] as Goal['criteria'][number]), current: null, measuredAt: null, progress: null, state: 'no_data' as const }] };
    const view = toPublicPlan(plan([goal(1), noData]), LINK, contacts, [], NOW);
    expect(view.goals[0]?.criteria[0]).toMatchObject({ current: 50, target: 100, progress: 50, state: 'measured', measuredAt: '2026-02-28' });
    expect(view.goals[1]?.criteria[0]).toMatchObject({ current: null, progress: null, state: 'no_data', measuredAt: null });
  });

  it('shows reasons about dates and milestones, never our bookkeeping (no target, no baseline, no data, no criteria yet)', () => {
    const base = goal(4).criteria[0] as Goal['criteria'][number];
    const unmeasured = (n: number, name: string, over: Partial<Goal['criteria'][number]>) => ({ ...base, id: id(n), name, progress: null, ...over });
    // Past half its time (at risk for unmeasured criteria internally), with a milestone 9 days overdue.
    const late = goal(4, {
      statement: 'Most of the team uses it every week', startDate: '2026-01-01', targetDate: '2026-04-01',
      criteria: [
        unmeasured(41, 'Weekly active share of seats', { target: null, state: 'no_target' }),
        unmeasured(42, 'Days to close', { direction: 'down', baseline: null, target: 4, current: 6, state: 'no_baseline' }),
        unmeasured(43, 'Reports built', { current: null, measuredAt: null, state: 'no_data' }),
      ],
      milestones: [milestone(44, { title: 'Admin trained', dueAt: '2026-02-20' })],
    });
    const view = toPublicPlan(plan([late, goal(5, { criteria: [], targetDate: null })]), LINK, contacts, [], NOW);
    const all = [...view.statusReasons, ...view.goals.flatMap((g) => g.statusReasons)];
    expect(view.goals[0]?.status).toBe('at_risk');
    expect(view.goals[0]?.statusReasons).toEqual(["milestone 'Admin trained' 9 days overdue, owner on the customer side (Pat Customer)"]);
    expect(view.statusReasons).toContain("goal 'Most of the team uses it every week': milestone 'Admin trained' 9 days overdue, owner on the customer side (Pat Customer)");
    expect(all.join(' | ')).not.toMatch(/no target yet|no baseline|no data|no success criteria|nothing measured|Weekly active share of seats/);
    expect(view.goals[1]?.statusReasons).toEqual(['no target date, so no pace to keep; no milestones']);
    // An on-track goal measured by nothing yet keeps only the milestone half of its reason.
    expect(publicReasons(["goal 'G': nothing measured yet with 40% of time elapsed; no milestone overdue", 'criterion \'X\' has no data yet with 3 weeks left']))
      .toEqual(["goal 'G': no milestone overdue"]);
  });

  it("a comment's goal is a ref when the goal is shown, else nothing", () => {
    const comments = [
      { contactName: 'Pat Customer', body: 'on one', goalId: id(1), createdAt: NOW.toISOString() },
      { contactName: 'Pat Customer', body: 'on hidden', goalId: id(2), createdAt: NOW.toISOString() },
    ];
    const view = toPublicPlan(source, LINK, contacts, comments, NOW);
    expect(view.comments.map((c) => c.goalId)).toEqual([refOf(LINK.id, 'goal', id(1)), null]);
  });
});

describe('the HTML page', () => {
  const view = toPublicPlan(plan([goal(1, { statement: '<img src=x onerror=alert(1)>', milestones: [milestone(11, { tasks: [task(111)] })] })]), LINK, contacts, [], NOW);

  it('escapes what people typed, has no script, and posts plain forms back to the link', () => {
    const html = renderPlanPage(view, 'TOKEN', 'task_done');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<script|javascript:|<[^>]*\son\w+=/i);
    expect(html).toContain(`action="/shared/plans/TOKEN/tasks/${refOf(LINK.id, 'task', id(111))}/complete"`);
    expect(html).toContain('action="/shared/plans/TOKEN/comments"');
    expect(html).toContain('the task is marked done');
    expect(html).toContain('<meta name="robots" content="noindex, nofollow">');
  });

  it('a read-only link has no form at all', () => {
    const html = renderPlanPage({ ...view, allowCustomerUpdates: false, contacts: [], goals: view.goals.map((g) => ({ ...g, milestones: g.milestones.map((m) => ({ ...m, tasks: m.tasks.map((t) => ({ ...t, canComplete: false })) })) })) }, 'TOKEN');
    expect(html).not.toContain('<form');
  });

  it("the page's CSP allows its one stylesheet by hash and nothing else", () => {
    const html = renderPlanPage(view, 'TOKEN');
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(PAGE_CSP).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(PAGE_CSP).toContain("default-src 'none'");
    expect(PAGE_CSP).not.toContain('unsafe');
    expect(renderMessagePage('Link not found', '<b>')).toContain('&lt;b&gt;');
  });
});
