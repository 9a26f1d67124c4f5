import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';

let t: TestApp;
let manager: SignedIn;
let viewer: SignedIn;
const segment = unique('autopilot');
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY - 3_600_000).toISOString();

beforeAll(async () => {
  t = await createTestApp();
  manager = await t.signIn('manager');
  viewer = await t.signIn('viewer');
});
afterAll(() => t.close());

const account = async (name: string) => (await t.app.services.accounts.create({ name: `${segment} ${name}`, segment, stage: 'adoption' }, SYSTEM_ACTOR)).id;
async function log(accountId: string, kind: string, ago: number, subject = `Monthly check-in ${ago}`) {
  const res = await t.app.inject({ method: 'POST', url: '/api/activities', headers: manager.headers, payload: { accountId, kind, subject, occurredAt: daysAgo(ago) } });
  expect(res.statusCode).toBe(201);
  return (res.json() as { id: string }).id;
}
/** Four monthly calls, the last one today: a steady rhythm that still holds. */
async function monthlyCalls(accountId: string) {
  const ids: string[] = [];
  for (const ago of [90, 60, 30, 0]) ids.push(await log(accountId, 'call', ago));
  return ids;
}
type Verdict = { onAutopilot: boolean; reasons: string[]; touchpoints: { id: string; kind: string; at: string; subject: string }[]; n: number };
const verdict = async (id: string, who: SignedIn = manager) => {
  const res = await t.app.inject({ method: 'GET', url: `/api/accounts/${id}/autopilot`, headers: who.headers });
  expect(res.statusCode).toBe(200);
  return res.json() as Verdict;
};

describe('GET /api/accounts/:id/autopilot', () => {
  it('an account with four monthly calls on a steady rhythm is on autopilot, with those four touchpoints', async () => {
    const id = await account('steady');
    const calls = await monthlyCalls(id);
    const v = await verdict(id, viewer);
    expect(v.onAutopilot).toBe(true);
    expect(v.n).toBe(4);
    expect(v.touchpoints.map((x) => x.id)).toEqual(calls); // oldest first
    expect(v.touchpoints.every((x) => x.kind === 'call')).toBe(true);
    expect(v.touchpoints[0]?.subject).toBe('Monthly check-in 90');
    expect(v.reasons.some((r) => r.startsWith('steady rhythm: every 30 days'))).toBe(true);
  });

  it('a seed planted on the account takes it off autopilot and says so', async () => {
    const id = await account('planted');
    await monthlyCalls(id);
    expect((await verdict(id)).onAutopilot).toBe(true);
    await t.database.query(
      `INSERT INTO seeds (account_id, text, asked_at, last_moved_at, last_asked_at) VALUES ($1, 'What if the reports wrote themselves?', $2, $2, $2)`,
      [id, daysAgo(10)],
    );
    const v = await verdict(id);
    expect(v.onAutopilot).toBe(false);
    expect(v.reasons).toContainEqual(expect.stringMatching(/^new topic: seed planted 'What if the reports wrote themselves\?'/));
  });

  it('a call that planted a seed is not routine', async () => {
    const id = await account('linked');
    const calls = await monthlyCalls(id);
    await t.database.query(
      `INSERT INTO seeds (account_id, text, activity_id, asked_at, last_moved_at, last_asked_at) VALUES ($1, 'Crazy question', $2, $3, $3, $3)`,
      [id, calls[1], daysAgo(200)],
    );
    const v = await verdict(id);
    expect(v.onAutopilot).toBe(false);
    expect(v.reasons).toContainEqual(expect.stringMatching(/planted or moved a seed$/));
  });

  it('a note is not a touchpoint: it neither counts toward N nor breaks the rhythm', async () => {
    const three = await account('three-and-a-note');
    for (const ago of [60, 30, 0]) await log(three, 'call', ago);
    await log(three, 'note', 45, 'Internal note');
    const v = await verdict(three);
    expect(v.onAutopilot).toBe(false);
    expect(v.touchpoints).toHaveLength(3);
    expect(v.reasons[0]).toMatch(/^only 3 touchpoints so far/);

    const steady = await account('steady-and-a-note');
    await monthlyCalls(steady);
    await log(steady, 'note', 1, 'Internal note');
    const w = await verdict(steady);
    expect(w.onAutopilot).toBe(true);
    expect(w.touchpoints.map((x) => x.kind)).toEqual(['call', 'call', 'call', 'call']);
  });

  it('answers 404 for an unknown account', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/accounts/00000000-0000-4000-8000-000000000000/autopilot', headers: manager.headers });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'account.not_found' });
  });
});

describe('stored verdict: GET /api/accounts?autopilot=', () => {
  it('the filter returns exactly the accounts on autopilot, and list items carry onAutopilot', async () => {
    const seg = unique('ap-list');
    const make = async (name: string) => (await t.app.services.accounts.create({ name: `${seg} ${name}`, segment: seg, stage: 'adoption' }, SYSTEM_ACTOR)).id;
    const on1 = await make('on 1');
    const on2 = await make('on 2');
    const mixed = await make('mixed');
    const quiet = await make('quiet');
    await monthlyCalls(on1);
    await monthlyCalls(on2);
    for (const [kind, ago] of [['call', 90], ['email', 60], ['call', 30], ['meeting', 0]] as const) await log(mixed, kind, ago);
    // Logging marked the accounts; the refresh job computes and stores their verdicts.
    const { rows: marked } = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM autopilot_dirty WHERE account_id = ANY($1::uuid[])', [[on1, on2, mixed]]);
    expect(marked[0]?.n).toBe(3);
    await t.app.services.autopilot.refreshDirty();

    const list = async (q: string) => {
      const res = await t.app.inject({ method: 'GET', url: `/api/accounts?segment=${encodeURIComponent(seg)}&${q}`, headers: viewer.headers });
      expect(res.statusCode).toBe(200);
      return (res.json() as { items: { id: string; onAutopilot: boolean }[]; total: number }).items;
    };
    const on = await list('autopilot=true');
    expect(on.map((a) => a.id).sort()).toEqual([on1, on2].sort());
    expect(on.every((a) => a.onAutopilot)).toBe(true);
    const off = await list('autopilot=false');
    expect(off.map((a) => a.id).sort()).toEqual([mixed, quiet].sort());
    expect(off.every((a) => !a.onAutopilot)).toBe(true);

    const sorted = await list('sort=-onAutopilot');
    expect(sorted.slice(0, 2).map((a) => a.onAutopilot)).toEqual([true, true]);
    expect(sorted.slice(2).map((a) => a.onAutopilot)).toEqual([false, false]);

    // A seed planted later takes on1 off: the trigger marks it, the next refresh stores it.
    await t.database.query(`INSERT INTO seeds (account_id, text, asked_at, last_moved_at, last_asked_at) VALUES ($1, 'Crazy', now(), now(), now())`, [on1]);
    await t.app.services.autopilot.refreshDirty();
    expect((await list('autopilot=true')).map((a) => a.id)).toEqual([on2]);
  });

  it('refuses a value other than true or false with a field error', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/accounts?autopilot=yes', headers: manager.headers });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { fields: { path: string }[] }).fields.map((f) => f.path)).toContain('querystring.autopilot');
  });

  it('the daily sweep stores a verdict for every account, and a rhythm that stopped takes it off', async () => {
    const id = await account('sweep');
    await monthlyCalls(id);
    await t.app.services.autopilot.sweep();
    const stored = async () => (await t.database.query<{ on_autopilot: boolean }>('SELECT on_autopilot FROM account_autopilot WHERE account_id = $1', [id])).rows[0]?.on_autopilot;
    expect(await stored()).toBe(true);
    // 60 days later, with no call since: the rhythm has stopped.
    await t.app.services.autopilot.sweep(new Date(Date.now() + 60 * DAY));
    expect(await stored()).toBe(false);
  });
});
