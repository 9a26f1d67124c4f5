import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../support/app.js';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import type { TimelineItem } from '../../src/timeline/schema.js';

/**
 * One account with something of every kind at known times, including ties across sources (the
 * same instant in two tables), so that paging must break ties on the id.
 */
let t: TestApp;
let manager: SignedIn;
let support: SignedIn;
let accountId: string;
const ids: Record<string, string> = {};

const at = (s: string) => `2025-06-0${s}:00Z`;

beforeAll(async () => {
  t = await createTestApp();
  manager = await t.signIn('manager');
  support = await t.signIn('csm');
  accountId = (await t.app.services.accounts.create({ name: unique('timeline'), ownerId: manager.userId }, SYSTEM_ACTOR)).id;
  const q = async (sql: string, values: unknown[]) => (await t.database.query<{ id: string }>(sql, values)).rows[0]?.id ?? '';
  const post = async (url: string, payload: object) => {
    const res = await t.app.inject({ method: 'POST', url, headers: manager.headers, payload });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  };

  ids.call = await post('/api/activities', { accountId, kind: 'call', subject: 'Intro call', occurredAt: at('1T10:00') });
  ids.task = await q(
    `INSERT INTO tasks (account_id, title, reason, source, status, created_at, completed_at, completed_by, created_by, outcome_note)
     VALUES ($1, 'Send the plan', 'after the call', 'manual', 'done', $2, $3, $4, $4, 'They agreed to a pilot') RETURNING id`,
    [accountId, at('2T09:00'), at('5T09:00'), manager.userId],
  );
  await t.database.query(
    `INSERT INTO health_changes (account_id, at, from_score, to_score, from_band, to_band, cause) VALUES ($1, $2, 72, 58, 'watch', 'poor', 'update')`,
    [accountId, at('3T08:00')],
  );
  const playbook = await q(`INSERT INTO playbooks (name) VALUES ($1) RETURNING id`, [unique('Save the account')]);
  await t.database.query(`INSERT INTO playbook_versions (playbook_id, version, steps) VALUES ($1, 1, '[]')`, [playbook]);
  const rule = await q(`INSERT INTO rules (name, condition, actions) VALUES ('Health dropped', '{}', '[]') RETURNING id`, []);
  ids.firing = await q(
    `INSERT INTO rule_firings (rule_id, account_id, fired_at, trigger, matched) VALUES ($1, $2, $3, 'health', '{"band": "poor", "score": 58}') RETURNING id`,
    [rule, accountId, at('3T11:00')],
  );
  ids.run = await q(
    `INSERT INTO playbook_runs (playbook_id, version, account_id, status, rule_firing_id, started_at, finished_at)
     VALUES ($1, 1, $2, 'completed', $3, $4, $5) RETURNING id`,
    [playbook, accountId, ids.firing, at('3T12:00'), at('4T12:00')],
  );
  await t.database.query(
    `INSERT INTO playbook_run_steps (run_id, step_index, kind, title, status, finished_at) VALUES ($1, 0, 'task', 'Call the champion', 'completed', $2),
            ($1, 1, 'wait', 'Wait a week', 'pending', NULL)`,
    [ids.run, at('3T12:00')],
  );
  ids.escalation = await post('/api/escalations', {
    accountId, title: 'Data export broken', severity: 'high',
    members: [{ userId: manager.userId, role: 'manager' }, { userId: support.userId, role: 'support' }],
  });
  await t.database.query(`UPDATE escalations SET created_at = $2, status = 'resolved', resolved_at = $3 WHERE id = $1`, [ids.escalation, at('4T15:00'), at('6T10:00')]);
  ids.thread = await post(`/api/escalations/${ids.escalation}/activities`, { subject: 'Fix shipped', occurredAt: at('5T09:00') });
  ids.followUp = await post('/api/activities', { accountId, kind: 'email', subject: 'Follow-up', occurredAt: at('6T10:00') });
});
afterAll(() => t.close());

type Page = { items: TimelineItem[]; nextCursor: string | null };
const get = async (query: string) => {
  const res = await t.app.inject({ method: 'GET', url: `/api/accounts/${accountId}/timeline?${query}`, headers: support.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Page;
};
async function walk(query: string): Promise<TimelineItem[]> {
  const all: TimelineItem[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await get(`limit=2&${query}${cursor ? `&before=${cursor}` : ''}`);
    expect(page.items.length).toBeLessThanOrEqual(2);
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

describe('GET /api/accounts/:id/timeline', () => {
  it('merges every kind newest first, breaking ties on the id', async () => {
    const { items, nextCursor } = await get('limit=50');
    expect(nextCursor).toBeNull();
    expect(items.map((i) => i.id)).toEqual([
      `escalation:${ids.escalation}:resolved`, // 6th 10:00, ties with the follow-up: 'escalation' > 'activity'
      `activity:${ids.followUp}`,
      `task:${ids.task}:done`, // 5th 09:00, ties with the thread activity
      `activity:${ids.thread}`,
      `escalation:${ids.escalation}:opened`,
      `playbook_run:${ids.run}:finished`,
      `playbook_step:${ids.run}:0000`, // 3rd 12:00, ties with the run's start
      `playbook_run:${ids.run}:started`,
      `rule_firing:${ids.firing}`,
      expect.stringMatching(/^health:\d{19}$/),
      `task:${ids.task}:created`,
      `activity:${ids.call}`,
    ]);
    const times = items.map((i) => i.at);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('pages 2 at a time with no duplicates and no gaps', async () => {
    const full = (await get('limit=50')).items.map((i) => i.id);
    const paged = (await walk('')).map((i) => i.id);
    expect(paged).toEqual(full);
    expect(new Set(paged).size).toBe(12);
  });

  it('describes each kind through the common item', async () => {
    const byId = new Map((await get('limit=50')).items.map((i) => [i.id, i]));
    const health = [...byId.values()].find((i) => i.kind === 'health');
    expect(health).toMatchObject({ title: 'Health 72 → 58, watch → poor', actor: null, data: { fromScore: 72, toScore: 58, cause: 'update' } });
    expect(byId.get(`task:${ids.task}:done`)).toMatchObject({ kind: 'task', title: 'Done: Send the plan', summary: 'They agreed to a pilot', refs: { taskId: ids.task }, actor: { type: 'user', id: manager.userId } });
    expect(byId.get(`task:${ids.task}:created`)).toMatchObject({ title: 'Task: Send the plan', summary: 'after the call' });
    expect(byId.get(`rule_firing:${ids.firing}`)).toMatchObject({ kind: 'rule', title: 'Rule Health dropped fired', summary: 'band: poor, score: 58', actor: { type: 'rule', name: 'Health dropped' } });
    const started = byId.get(`playbook_run:${ids.run}:started`);
    expect(started?.title).toMatch(/^Playbook Save the account-.* started$/);
    expect(started).toMatchObject({ actor: { type: 'rule', name: 'Health dropped' }, refs: { playbookRunId: ids.run, ruleFiringId: ids.firing } });
    expect(byId.get(`playbook_run:${ids.run}:finished`)?.title).toMatch(/ completed$/);
    expect(byId.get(`playbook_step:${ids.run}:0000`)?.title).toMatch(/^Step 1 of .*: Call the champion — completed$/);
    expect(byId.get(`escalation:${ids.escalation}:opened`)).toMatchObject({ title: 'Escalation opened: Data export broken', refs: { escalationId: ids.escalation }, data: { severity: 'high' } });
    // The thread's activity carries the escalation, so the UI can group it.
    expect(byId.get(`activity:${ids.thread}`)).toMatchObject({ refs: { activityId: ids.thread, escalationId: ids.escalation }, data: { activityKind: 'escalation', proactive: false } });
    expect(byId.get(`activity:${ids.call}`)).toMatchObject({ refs: { activityId: ids.call }, data: { activityKind: 'call', proactive: true }, actor: { type: 'user', id: manager.userId } });
    expect(byId.get(`activity:${ids.call}`)?.refs.escalationId).toBeUndefined();
  });

  it('filters by kind, also across pages', async () => {
    const some = await walk('kinds=activity,health');
    expect(some.map((i) => i.kind)).toEqual(['activity', 'activity', 'health', 'activity']);
    expect((await walk('kinds=playbook')).map((i) => i.id)).toEqual([`playbook_run:${ids.run}:finished`, `playbook_step:${ids.run}:0000`, `playbook_run:${ids.run}:started`]);
  });

  it('refuses an unknown kind with the field, a bad cursor, and an unknown account', async () => {
    const bad = await t.app.inject({ method: 'GET', url: `/api/accounts/${accountId}/timeline?kinds=activity,gossip`, headers: support.headers });
    expect(bad.statusCode).toBe(400);
    const body = bad.json() as { code: string; fields: { path: string; message: string }[] };
    expect(body.code).toBe('request.invalid');
    expect(body.fields[0]?.path).toMatch(/kinds$/);
    expect(body.fields[0]?.message).toMatch(/gossip/);
    const cursor = await t.app.inject({ method: 'GET', url: `/api/accounts/${accountId}/timeline?before=nonsense`, headers: support.headers });
    expect(cursor.json()).toMatchObject({ code: 'request.invalid', fields: [{ path: 'before' }] });
    const missing = await t.app.inject({ method: 'GET', url: '/api/accounts/00000000-0000-4000-8000-000000000000/timeline', headers: support.headers });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'account.not_found' });
  });

  it('leaves out a first score that comes after back-filled history (it is not news), but keeps a first score alone', async () => {
    const other = (await t.app.services.accounts.create({ name: unique('timeline-first'), ownerId: manager.userId }, SYSTEM_ACTOR)).id;
    await t.database.query(`INSERT INTO health_changes (account_id, at, from_score, to_score, from_band, to_band, cause) VALUES ($1, now(), NULL, 55, NULL, 'watch', 'recompute')`, [other]);
    const titles = async () => ((await t.app.inject({ method: 'GET', url: `/api/accounts/${other}/timeline?kinds=health`, headers: support.headers })).json() as Page).items.map((i) => i.title);
    expect(await titles()).toEqual(['Health – → 55, none → watch']);
    await t.database.query(`INSERT INTO health_changes (account_id, at, from_score, to_score, from_band, to_band, cause) VALUES ($1, now() - interval '3 days', 60, 52, 'watch', 'watch', 'backfill')`, [other]);
    expect(await titles()).toEqual(['Health 60 → 52']);
  });
});
