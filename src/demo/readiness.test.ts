// The demo's readiness (issue 11) on a real database: after the load, the readiness screens have
// something to say — initiatives in every quadrant, histories over several quarters, movement,
// links to plan goals, spoons given, change and sustain talk in the answers and notes, open requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type SignedIn, type TestApp } from '../../test/support/app.js';
import { analyzeTexts } from '../changetalk/index.js';
import { seedDemoPlans } from './plans.js';
import { Rng } from './random.js';
import { checkInTimes, seedDemoReadiness, type DemoReadinessSummary } from './readiness.js';
import { seedDemo } from './seed.js';

let t: TestApp;
let manager: SignedIn;
let summary: DemoReadinessSummary;
const now = new Date();

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.database, { accounts: 60, days: 30, seed: 11, now });
  await seedDemoPlans(t.config, t.database, { seed: 11, now });
  summary = await seedDemoReadiness(t.config, t.database, { seed: 11, now });
  manager = await t.signIn('manager');
}, 240_000);
afterAll(() => t.close());

const rows = async <T>(sql: string, values: unknown[] = []) => (await t.database.query<T>(sql, values)).rows;

describe('demo readiness', () => {
  it('puts initiatives in every quadrant, on about a third of the live accounts, and the summary agrees', async () => {
    expect(summary.accounts).toBeGreaterThanOrEqual(15);
    for (const q of ['ready', 'enable', 'align', 'nurture'] as const) expect(summary.byQuadrant[q], q).toBeGreaterThan(0);
    const res = await t.app.inject({ method: 'GET', url: '/api/readiness/summary', headers: manager.headers });
    const body = res.json() as { quadrants: { quadrant: string; accounts: number }[]; noCheckIn: { accounts: number } };
    expect(body.quadrants.reduce((n, q) => n + q.accounts, 0)).toBe(summary.accounts);
    for (const q of body.quadrants) expect(q.accounts, q.quadrant).toBeGreaterThan(0);
    // What it says it loaded is what the database holds (the log line prints these).
    const [db] = await rows<{ initiatives: number; accounts: number; checkIns: number }>(
      'SELECT count(*)::int AS initiatives, count(DISTINCT account_id)::int AS accounts, (SELECT count(*)::int FROM check_ins) AS "checkIns" FROM initiatives');
    expect(db).toEqual({ initiatives: summary.initiatives, accounts: summary.accounts, checkIns: summary.checkIns });
  });

  it('never checks in two initiatives of an account at the same instant, so each account has one plain latest', async () => {
    const [shared] = await rows<{ n: number }>(
      'SELECT count(*)::int AS n FROM (SELECT account_id, at FROM check_ins GROUP BY account_id, at HAVING count(DISTINCT initiative_id) > 1) x');
    expect(shared?.n).toBe(0);
    const two = await rows<{ account_id: string }>('SELECT account_id FROM initiatives GROUP BY account_id HAVING count(*) > 1');
    expect(two.length, 'some accounts have two initiatives').toBeGreaterThan(0);
    for (const seed of [1, 2, 3, 42, 11]) {
      const rng = new Rng(seed);
      for (let round = 0; round < 200; round += 1) {
        const times = [0, 1, 2].flatMap((slot) => checkInTimes(rng, 3, slot, now.getTime()));
        expect(new Set(times).size, `seed ${seed} round ${round}`).toBe(times.length);
        for (const at of times) expect((now.getTime() - at) % 86_400_000, 'never whole days before now').not.toBe(0);
      }
    }
  });

  it('has histories over several quarters, movement after spoons and goal links, and open e-mail requests', async () => {
    const [span] = await rows<{ days: number }>('SELECT extract(day FROM max(at) - min(at))::int AS days FROM check_ins');
    expect(span?.days).toBeGreaterThan(150);
    expect(summary.moved).toBeGreaterThan(0);
    expect(summary.spoonTasks).toBeGreaterThan(0);
    expect(summary.linkedToGoals).toBeGreaterThan(0);
    expect(summary.openRequests).toBeGreaterThan(0);
    const [spoons] = await rows<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE gives_spoon AND status = 'done'`);
    expect(spoons?.n).toBe(summary.spoonTasks);
    const [open] = await rows<{ n: number }>('SELECT count(*)::int AS n FROM check_in_requests WHERE answered_at IS NULL AND expires_at > now()');
    expect(open?.n).toBe(summary.openRequests);
    const [customer] = await rows<{ n: number }>(`SELECT count(*)::int AS n FROM check_ins WHERE source = 'customer' AND request_id IS NOT NULL`);
    expect(customer?.n).toBe(summary.customerAnswers);
    // An enable → ready initiative reads as moved in its recommendation.
    const [moved] = await rows<{ account_id: string; initiative_id: string }>(
      `SELECT c.account_id, c.initiative_id FROM check_ins c GROUP BY c.account_id, c.initiative_id
        HAVING min(c.confidence) FILTER (WHERE c.importance >= 7) < 7 AND (array_agg(c.confidence ORDER BY c.at DESC))[1] >= 7 AND (array_agg(c.importance ORDER BY c.at DESC))[1] >= 7 LIMIT 1`,
    );
    const res = await t.app.inject({ method: 'GET', url: `/api/initiatives/${moved?.initiative_id}`, headers: manager.headers });
    const because = (res.json() as { recommendation: { quadrant: string; because: string[] } }).recommendation;
    expect(because.quadrant).toBe('ready');
    expect(because.because.some((b) => b.startsWith('Since the check-in of'))).toBe(true);
  });

  it('says it in the customer words: change and sustain talk in the answers and the call notes', async () => {
    const answers = await rows<{ text: string }>(`SELECT DISTINCT what_would_move_higher AS text FROM check_ins WHERE what_would_move_higher IS NOT NULL`);
    const talk = await analyzeTexts(t.database, answers.map((a) => a.text));
    expect(talk.some((x) => x.spans.some((s) => s.polarity === 'sustain')), 'sustain talk heard').toBe(true);
    expect(talk.some((x) => x.spans.some((s) => s.polarity === 'change')), 'change talk heard').toBe(true);
    const notes = await rows<{ body: string }>(`SELECT a.body FROM activities a JOIN check_ins c ON c.activity_id = a.id`);
    expect(notes.length).toBe(summary.callNotes);
    expect(notes.some((n) => n.body.includes("too busy right now") || n.body.includes('critical for our audit'))).toBe(true);
  });
});
