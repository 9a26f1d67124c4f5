import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import { urgency, urgencySql } from '../../src/tasks/rank.js';
import { createTestApp, unique, type SignedIn, type TestApp } from '../support/app.js';

let t: TestApp;
let csm: SignedIn;
let teamId: string;

type Item = { id: string; title: string; status: string; overdue: boolean; score: number };
type Page = { items: Item[]; nextCursor: string | null; counts: Record<string, number> };

const get = async (url: string, who: SignedIn = csm) => {
  const res = await t.app.inject({ method: 'GET', url, headers: who.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Page>();
};

/** Every page of a list, following nextCursor. */
async function allPages(url: string, limit: number): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await get(`${url}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 100);
  return pages;
}

beforeAll(async () => {
  t = await createTestApp();
  teamId = (await t.app.services.teams.create(unique('Team'), SYSTEM_ACTOR)).id;
  csm = await t.signIn('csm', { teamId });
  // 12 accounts of varied ARR, health and renewal; 90 tasks over them: every priority, overdue,
  // due soon, due later, no due date, ties on everything but the id; 15 done and 5 cancelled.
  const { rows: accounts } = await t.database.query<{ id: string }>(
    `INSERT INTO accounts (name, arr, owner_id, team_id, stage, renewal_date)
     SELECT 'Paging ' || i, (ARRAY[0, 1000, 25000, 250000, 2000000])[1 + i % 5], $1, $2, 'adoption',
            CASE WHEN i % 3 = 0 THEN current_date + (i * 9) END
       FROM generate_series(1, 12) i RETURNING id`,
    [csm.userId, teamId],
  );
  for (const [i, a] of accounts.entries()) {
    if (i % 4 === 3) continue; // some accounts have no health yet
    await t.database.query(`INSERT INTO account_health (account_id, score, band, state, stage, drivers) VALUES ($1, 50, $2, 'scored', 'adoption', '{"items":[]}')`, [
      a.id,
      ['good', 'watch', 'poor'][i % 3],
    ]);
  }
  await t.database.query(
    `INSERT INTO tasks (account_id, title, priority, due_at, status, completed_at, assignee_user_id, source, kind)
     SELECT ($1::uuid[])[1 + i % 12], 'Paged task ' || lpad(i::text, 3, '0'), 1 + i % 4,
            CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN now() - interval '2 days' WHEN 2 THEN now() + interval '3 hours'
                       WHEN 3 THEN now() + interval '4 days' ELSE now() + interval '30 days' END,
            CASE WHEN i > 85 THEN 'cancelled' WHEN i > 70 THEN 'done' ELSE 'open' END,
            CASE WHEN i > 70 AND i <= 85 THEN now() - (i || ' minutes')::interval END,
            $2, CASE WHEN i % 7 = 0 THEN 'recommendation' ELSE 'manual' END, CASE WHEN i % 7 = 0 THEN 'call' ELSE 'todo' END
       FROM generate_series(1, 90) i`,
    [accounts.map((a) => a.id), csm.userId],
  );
});
afterAll(() => t?.close());

describe('paging the task inbox', () => {
  it('pages by keyset in inbox order: no task skipped or repeated, counts of the whole filtered set on every page', async () => {
    const whole = await get('/api/tasks?assignee=me&limit=500');
    expect(whole.items).toHaveLength(70);
    expect(whole.nextCursor).toBeNull();
    const pages = await allPages('/api/tasks?assignee=me', 7);
    expect(pages).toHaveLength(10);
    expect(pages.slice(0, -1).every((p) => p.items.length === 7 && p.nextCursor)).toBe(true);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    expect(pages.flatMap((p) => p.items.map((i) => i.id))).toEqual(whole.items.map((i) => i.id));
    for (const p of pages) expect(p.counts).toEqual(whole.counts);
    expect(whole.counts).toEqual({ open: 70, overdue: 14, dueToday: expect.any(Number), callThem: 10 });

    // The order is the inbox's: overdue first, then urgency, highest first.
    const firstNotOverdue = whole.items.findIndex((i) => !i.overdue);
    expect(firstNotOverdue).toBe(14);
    const rest = whole.items.slice(firstNotOverdue).map((i) => i.score);
    expect(rest).toEqual([...rest].sort((a, b) => b - a));
  });

  it('keeps the default of 200 for clients that do not page', async () => {
    const res = await get('/api/tasks?assignee=me&status=all');
    expect(res.items).toHaveLength(90);
    expect(res.nextCursor).toBeNull();
  });

  it('pages across open and closed tasks (status=all), closed newest first, and with filters', async () => {
    const whole = await get('/api/tasks?assignee=me&status=all&limit=500');
    const pages = await allPages('/api/tasks?assignee=me&status=all', 8);
    expect(pages.flatMap((p) => p.items.map((i) => i.id))).toEqual(whole.items.map((i) => i.id));
    const statuses = whole.items.map((i) => i.status);
    expect(statuses.lastIndexOf('open')).toBeLessThan(statuses.indexOf('done'));
    const done = whole.items.filter((i) => i.status === 'done').map((i) => i.title);
    expect(done[0]).toBe('Paged task 071'); // completed most recently

    const calls = await allPages('/api/tasks?assignee=me&kind=call&source=recommendation', 3);
    const callIds = calls.flatMap((p) => p.items.map((i) => i.id));
    expect(callIds).toHaveLength(10);
    expect(new Set(callIds).size).toBe(10);
    const searched = await allPages('/api/tasks?assignee=me&search=Paged%20task%2001', 4);
    expect(searched.flatMap((p) => p.items.map((i) => i.title)).sort()).toEqual(['Paged task 010', 'Paged task 011', 'Paged task 012', 'Paged task 013', 'Paged task 014', 'Paged task 015', 'Paged task 016', 'Paged task 017', 'Paged task 018', 'Paged task 019']);
    expect(searched[0]?.counts.open).toBe(10);
  });

  it('ranks every page as of the first one, so a task that turns overdue between pages is neither skipped nor repeated', async () => {
    const q = { assignee: 'any' as const, status: 'open' as const, includeSnoozed: false, limit: 20, assigneeUserId: csm.userId };
    const start = new Date();
    const first = await t.app.services.tasks.list(q, undefined, start);
    // Three days later the tasks due in 3 hours and 4 days are overdue; the order as of then differs.
    const later = new Date(start.getTime() + 3 * 86_400_000 + 3_600_000);
    const ids = first.items.map((i) => i.id);
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await t.app.services.tasks.list({ ...q, cursor }, undefined, later);
      ids.push(...page.items.map((i) => i.id));
      expect(page.counts).toEqual(first.counts);
      cursor = page.nextCursor;
    }
    const whole = await t.app.services.tasks.list({ ...q, limit: 500 }, undefined, start);
    expect(ids).toEqual(whole.items.map((i) => i.id));
  });

  it('refuses a cursor that is not one of its own with 400 on the cursor field', async () => {
    const bad = [
      'not-a-cursor',
      Buffer.from('["a","b"]').toString('base64url'),
      Buffer.from(JSON.stringify([1e20, 0, 0, 1, 'infinity', '00000000-0000-0000-0000-000000000000'])).toString('base64url'),
      Buffer.from(JSON.stringify([Date.now(), 2, 0, 1, 'infinity', '00000000-0000-0000-0000-000000000000'])).toString('base64url'),
      Buffer.from(JSON.stringify([Date.now(), 0, 0, 1, '2026-02-30 00:00:00+00', '00000000-0000-0000-0000-000000000000'])).toString('base64url'),
      Buffer.from(JSON.stringify([Date.now(), 0, 0, 1, 'infinity', 'x'])).toString('base64url'),
    ];
    for (const cursor of bad) {
      const res = await t.app.inject({ method: 'GET', url: `/api/tasks?assignee=me&cursor=${encodeURIComponent(cursor)}`, headers: csm.headers });
      expect(res.statusCode, `${cursor}: ${res.body}`).toBe(400);
      expect(res.json().fields).toEqual([{ path: 'cursor', message: 'invalid cursor' }]);
    }
    // Extreme but well-formed values are a valid position, past everything or before it.
    const edge = Buffer.from(JSON.stringify([0, 1, 1, 1e308, 'infinity', 'ffffffff-ffff-ffff-ffff-ffffffffffff'])).toString('base64url');
    expect((await get(`/api/tasks?assignee=me&cursor=${edge}`)).items).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: '/api/tasks?assignee=me&limit=501', headers: csm.headers })).statusCode).toBe(400);
  });
});

describe('urgency in SQL', () => {
  it('gives the same score as the pure function', async () => {
    const now = new Date('2026-06-01T12:34:56.789Z');
    const cases: { priority: number; arr: number; healthBand: 'good' | 'watch' | 'poor' | null; renewalDate: string | null; dueAt: Date | null }[] = [];
    const bands = ['good', 'watch', 'poor', null] as const;
    const arrs = [0, 1, 999.99, 1000, 12_345.67, 250_000, 2_000_000, 99_999_999.99];
    const renewals = [null, '2026-05-31', '2026-06-01', '2026-06-02', '2026-07-31', '2026-08-01', '2027-01-01'];
    const dues = [null, -86_400_000, -1, 0, 86_400_000, 86_400_001, 7 * 86_400_000, 7 * 86_400_000 + 1, 30 * 86_400_000];
    let i = 0;
    for (const priority of [1, 2, 3, 4]) for (const arr of arrs) for (const healthBand of bands) {
      const renewalDate = renewals[i % renewals.length] ?? null;
      const due = dues[i % dues.length];
      cases.push({ priority, arr, healthBand, renewalDate, dueAt: due === null || due === undefined ? null : new Date(now.getTime() + due) });
      i++;
    }
    const { rows } = await t.database.query<{ i: number; score: number }>(
      `SELECT r.i, ${urgencySql({ priority: 'r.priority', arr: 'r.arr', band: 'r.band', renewalDate: 'r.renewal', dueAt: 'r.due' }, '$2::timestamptz')} AS score
         FROM jsonb_to_recordset($1::jsonb) AS r(i int, priority int, arr numeric, band text, renewal date, due timestamptz) ORDER BY r.i`,
      [JSON.stringify(cases.map((c, i) => ({ i, priority: c.priority, arr: c.arr, band: c.healthBand, renewal: c.renewalDate, due: c.dueAt?.toISOString() ?? null }))), now.toISOString()],
    );
    expect(rows.map((r) => r.score)).toEqual(cases.map((c) => urgency(c, now)));
  });
});
