import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';

let t: TestApp;
let manager: SignedIn;
let admin: SignedIn;
let csm: SignedIn;
let viewer: SignedIn;
const DAY = 86_400_000;
const today = () => new Date().toISOString().slice(0, 10);
/** The loss day: 10 days ago (UTC). */
const LOSS_DAY = new Date(Math.floor(Date.now() / DAY) * DAY - 10 * DAY);
const LOSS_ON = LOSS_DAY.toISOString().slice(0, 10);
/** An instant `d` days before the loss day, at 10:00 UTC (negative: after it). */
const before = (d: number) => new Date(LOSS_DAY.getTime() - d * DAY + 10 * 3_600_000);

beforeAll(async () => {
  t = await createTestApp();
  [manager, admin, csm, viewer] = await Promise.all([t.signIn('manager'), t.signIn('admin'), t.signIn('csm'), t.signIn('viewer')]);
});
afterAll(() => t.close());

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, who: SignedIn = manager) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

async function newAccount(ownerId: string | null = csm.userId) {
  const res = await api('POST', '/api/accounts', { name: unique('Lost Co'), stage: 'renewal', arr: 120_000, ownerId });
  expect(res.statusCode).toBe(201);
  return (res.json() as { id: string }).id;
}

async function signal(accountId: string, kind: string, startedAt: Date, endedAt: Date | null = null) {
  const { rows } = await t.database.query<{ id: string }>(
    `INSERT INTO risk_signals (account_id, kind, strength, started_at, ended_at, evidence, source)
     VALUES ($1, $2, 0.2, $3, $4, $5, 'manual') RETURNING id`,
    [accountId, kind, startedAt, endedAt, JSON.stringify({ summary: `${kind} seen` })],
  );
  return rows[0]?.id ?? '';
}

async function task(accountId: string, title: string, createdAt: Date, dueAt: Date | null, status = 'open') {
  const { rows } = await t.database.query<{ id: string }>(
    `INSERT INTO tasks (account_id, title, source, status, created_at, due_at) VALUES ($1, $2, 'manual', $3, $4, $5) RETURNING id`,
    [accountId, title, status, createdAt, dueAt],
  );
  return rows[0]?.id ?? '';
}

type Detail = {
  review: { id: string; status: string; arrLost: number | null; kind: string; lossOn: string; rootCauses: string[]; conclusion: string | null; concludedBy: { id: string } | null };
  story: { signals: { id: string; kind: string; label: string }[]; health: { day: string; score: number }[]; tasks: { id: string }[]; activities: { id: string }[] };
  unacted: { type: string; id: string; label: string; why: string }[];
  earliestSignal: { kind: string; label: string; leadDays: number } | null;
  canEdit: boolean;
};

describe('a churned outcome recorded through the API', () => {
  let accountId: string;
  let reviewId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    accountId = await newAccount();
    ids.usage = await signal(accountId, 'usage_drop', before(60), before(20)); // acted on: a call 5 days later
    ids.champion = await signal(accountId, 'champion_left', before(30)); // nothing followed
    ids.nps = await signal(accountId, 'detractor_nps', before(100), before(40)); // a task 20 days later: too late
    ids.old = await signal(accountId, 'low_csat', before(300), before(250)); // ended before the lookback
    ids.openSince = await signal(accountId, 'no_exec_touch', before(200)); // open at the lookback's start
    ids.after = await signal(accountId, 'open_escalation', before(-3)); // after the loss
    await t.database.query(
      `INSERT INTO activities (account_id, kind, occurred_at, subject, proactive, proactive_source) VALUES ($1, 'call', $2, 'Usage call', true, 'manual')`,
      [accountId, before(55)],
    );
    // a task 5 days after no_exec_touch started: acted on (it started before the lookback, the action counts all the same)
    await task(accountId, 'Book an exec lunch', before(195), null, 'done');
    await task(accountId, 'Send NPS follow-up', before(80), null, 'done');
    ids.overdue = await task(accountId, 'Call the new VP', before(45), before(15));
    ids.cancelled = await task(accountId, 'Executive sponsor QBR', before(70), before(50), 'cancelled');
    await task(accountId, 'Renewal prep', before(8), before(-5)); // due after the loss
    const { rows: [plan] } = await t.database.query<{ id: string }>(`INSERT INTO success_plans (account_id, title) VALUES ($1, 'Plan') RETURNING id`, [accountId]);
    const { rows: [goal] } = await t.database.query<{ id: string }>(`INSERT INTO plan_goals (plan_id, statement) VALUES ($1, 'Close faster') RETURNING id`, [plan?.id]);
    const { rows: [ms] } = await t.database.query<{ id: string }>(
      `INSERT INTO plan_milestones (goal_id, title, due_at) VALUES ($1, 'Integration live', $2::date) RETURNING id`, [goal?.id, before(40).toISOString().slice(0, 10)],
    );
    ids.milestone = ms?.id ?? '';
    await t.database.query(`INSERT INTO health_snapshots (account_id, day, score, band) VALUES ($1, $2::date, 72, 'green'), ($1, $3::date, 41, 'red')`,
      [accountId, before(90).toISOString().slice(0, 10), before(10).toISOString().slice(0, 10)]);

    const res = await api('POST', '/api/outcomes', { accountId, kind: 'churned', occurredOn: LOSS_ON, arrBefore: 120_000, arrAfter: 0, note: 'Left for a competitor' });
    expect(res.statusCode).toBe(201);
    const list = (await api('GET', `/api/reviews?accountId=${accountId}`)).json() as { items: { id: string; kind: string; arrLost: number; status: string; owner: { id: string } | null; earliestSignal: { leadDays: number } | null }[] };
    expect(list.items).toHaveLength(1);
    reviewId = list.items[0]?.id ?? '';
    expect(list.items[0]).toMatchObject({ kind: 'churned', arrLost: 120_000, status: 'open', owner: { id: csm.userId } });
    expect(list.items[0]?.earliestSignal?.leadDays).toBe(200);
  });

  it('opens a review whose story lists the signals of the lookback', async () => {
    const res = await api('GET', `/api/reviews/${reviewId}`);
    expect(res.statusCode).toBe(200);
    const d = res.json() as Detail;
    expect(d.review).toMatchObject({ kind: 'churned', lossOn: LOSS_ON, status: 'open' });
    expect(d.story.signals.map((s) => s.id)).toEqual([ids.openSince, ids.nps, ids.usage, ids.champion]);
    expect(d.story.signals.find((s) => s.kind === 'champion_left')?.label).toBe('Champion left');
    expect(d.story.health.map((h) => h.score)).toEqual([72, 41]);
    expect(d.story.activities).toHaveLength(1);
    expect(d.story.tasks.map((x) => x.id)).toContain(ids.overdue);
    expect(d.earliestSignal).toMatchObject({ kind: 'no_exec_touch', leadDays: 200 });
    expect(d.canEdit).toBe(true);
  });

  it('lists what was not acted on: signals with no action within 14 days, overdue and cancelled tasks, missed milestones', async () => {
    const d = (await api('GET', `/api/reviews/${reviewId}`)).json() as Detail;
    expect(d.unacted.map((u) => [u.type, u.id])).toEqual([
      ['signal', ids.nps],
      ['task', ids.cancelled],
      ['milestone', ids.milestone],
      ['signal', ids.champion],
      ['task', ids.overdue],
    ]);
    expect(d.unacted.find((u) => u.id === ids.champion)?.why).toMatch(/No task, activity or playbook run/);
    // with a longer window, the NPS follow-up task (20 days later) counts
    const wide = (await api('GET', `/api/reviews/${reviewId}?actWithinDays=30`)).json() as Detail;
    expect(wide.unacted.map((u) => u.id)).not.toContain(ids.nps);
    expect((await api('GET', `/api/reviews/${reviewId}?actWithinDays=0`)).statusCode).toBe(400);
  });

  it('concludes only with a conclusion, keeps root causes as given, and audits', async () => {
    const bare = await api('PATCH', `/api/reviews/${reviewId}`, { status: 'concluded' });
    expect(bare.statusCode).toBe(400);
    expect(bare.json()).toMatchObject({ code: 'review.invalid' });
    const ok = await api('PATCH', `/api/reviews/${reviewId}`, {
      status: 'concluded', rootCauses: ['  Champion left ', 'Budget cut'], conclusion: 'The champion left and nobody called the new VP.', couldHaveSeen: 'yes',
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'concluded', rootCauses: ['Champion left', 'Budget cut'], couldHaveSeen: 'yes', concludedBy: { id: manager.userId } });
    const { rows } = await t.database.query<{ action: string; object_label: string }>(`SELECT action, object_label FROM audit_log WHERE object_type = 'churn_review' AND object_id = $1`, [reviewId]);
    expect(rows.map((r) => r.action)).toEqual(['review.concluded']);
    expect(rows[0]?.object_label).toContain('Churn review: Lost Co');
    // clearing the conclusion of a concluded review is refused; reopening clears who concluded
    expect((await api('PATCH', `/api/reviews/${reviewId}`, { conclusion: '' })).statusCode).toBe(400);
    const reopened = await api('PATCH', `/api/reviews/${reviewId}`, { status: 'open' }, admin);
    expect(reopened.json()).toMatchObject({ status: 'open', concludedBy: null, concludedAt: null });
  });

  it('refuses bad root causes, unknown fields and values, and a missing owner', async () => {
    const bad = [
      { rootCauses: Array.from({ length: 21 }, (_, i) => `cause ${i}`) },
      { rootCauses: ['x'.repeat(61)] },
      { rootCauses: ['   '] },
      { rootCauses: ['dup', 'dup'] },
      { rootCauses: ['Budget', 'budget'] },
      { rootCauses: ['two\nlines'] },
      { rootCauses: ['nul\u0000'] },
      { rootCauses: 'budget' },
      { status: 'closed' },
      { couldHaveSeen: 'maybe' },
      { ownerId: 'not-a-uuid' },
      { reopen: true },
      {},
    ];
    for (const body of bad) {
      const res = await api('PATCH', `/api/reviews/${reviewId}`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    const ghost = await api('PATCH', `/api/reviews/${reviewId}`, { ownerId: '00000000-0000-4000-8000-000000000000' });
    expect(ghost.statusCode).toBe(400);
    expect(ghost.json()).toMatchObject({ code: 'review.invalid', fields: [{ path: 'ownerId' }] });
    expect((await api('PATCH', `/api/reviews/${reviewId}`, { ownerId: admin.userId })).json()).toMatchObject({ owner: { id: admin.userId } });
    expect((await api('PATCH', `/api/reviews/${reviewId}`, { rootCauses: Array.from({ length: 20 }, (_, i) => `c${i}`.padEnd(60, 'x')) })).statusCode).toBe(200);
  });

  it('is read by everyone and edited by admins and managers only, not by the account owner', async () => {
    const asCsm = await api('GET', `/api/reviews/${reviewId}`, undefined, csm);
    expect(asCsm.statusCode).toBe(200);
    expect((asCsm.json() as Detail).canEdit).toBe(false);
    expect((await api('GET', `/api/reviews/${reviewId}`, undefined, viewer)).statusCode).toBe(200);
    expect((await api('PATCH', `/api/reviews/${reviewId}`, { couldHaveSeen: 'no' }, csm)).statusCode).toBe(403);
    expect((await api('PATCH', `/api/reviews/${reviewId}`, { couldHaveSeen: 'no' }, viewer)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: `/api/reviews/${reviewId}` })).statusCode).toBe(401);
  });

  it('answers 404 review.not_found for an unknown id and 400 for a malformed one', async () => {
    const missing = await api('GET', '/api/reviews/00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'review.not_found' });
    expect((await api('PATCH', '/api/reviews/00000000-0000-4000-8000-000000000000', { couldHaveSeen: 'no' })).statusCode).toBe(404);
    expect((await api('GET', '/api/reviews/nope')).statusCode).toBe(400);
  });
});

describe('moving an account to churned', () => {
  it('opens one review, once', async () => {
    const accountId = await newAccount();
    await signal(accountId, 'usage_drop', new Date(Date.now() - 20 * DAY));
    expect((await api('PATCH', `/api/accounts/${accountId}`, { stage: 'churned' })).statusCode).toBe(200);
    await api('PATCH', `/api/accounts/${accountId}`, { stage: 'renewal' });
    await api('PATCH', `/api/accounts/${accountId}`, { stage: 'churned' });
    const list = (await api('GET', `/api/reviews?accountId=${accountId}`)).json() as { items: { id: string; kind: string; lossOn: string; outcomeId: string | null; arrLost: number }[] };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ kind: 'churned', lossOn: today(), outcomeId: null, arrLost: 120_000 });
    const d = (await api('GET', `/api/reviews/${list.items[0]?.id ?? ''}`)).json() as Detail;
    expect(d.story.signals.map((s) => s.kind)).toEqual(['usage_drop']);
    expect(d.unacted.map((u) => u.type)).toEqual(['signal']);
  });
});

describe('the list', () => {
  it('filters by status and kind and pages with a cursor', async () => {
    for (let i = 0; i < 3; i++) {
      const accountId = await newAccount(null);
      const day = new Date(Date.now() - (40 + i) * DAY).toISOString().slice(0, 10);
      await api('POST', '/api/outcomes', { accountId, kind: 'downgraded', occurredOn: day, arrBefore: 50_000, arrAfter: 30_000 });
    }
    const first = (await api('GET', '/api/reviews?kind=downgraded&limit=2')).json() as { items: { lossOn: string; arrLost: number; kind: string }[]; nextCursor: string | null };
    expect(first.items).toHaveLength(2);
    expect(first.items.every((r) => r.kind === 'downgraded' && r.arrLost === 20_000)).toBe(true);
    expect(first.nextCursor).not.toBeNull();
    const second = (await api('GET', `/api/reviews?kind=downgraded&limit=2&cursor=${first.nextCursor ?? ''}`)).json() as { items: { lossOn: string }[]; nextCursor: string | null };
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((r) => r.lossOn)).toEqual([...first.items, ...second.items].map((r) => r.lossOn).sort().reverse());
    for (const q of ['status=closed', 'kind=renewed', 'limit=0', 'limit=1e308', 'cursor=bm9wZQ', 'accountId=x']) {
      expect((await api('GET', `/api/reviews?${q}`)).statusCode, q).toBe(400);
    }
    const viewerList = await api('GET', '/api/reviews?status=open', undefined, viewer);
    expect(viewerList.statusCode).toBe(200);
  });
});
