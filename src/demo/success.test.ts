// The demo's success plans, seeds and autopilot (issue 10) on a real database: after the load,
// every new screen has something to say — plans in every status, a library of crazy questions,
// seeds in every stage whose harvests are real goals, and accounts on autopilot that the stored
// verdict, the list filter and the live endpoint agree on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type SignedIn, type TestApp } from '../../test/support/app.js';
import { createHealthService } from '../health/service.js';
import { loadPlans } from '../plans/store.js';
import { seedDemoPlans, type DemoPlansSummary } from './plans.js';
import { seedDemo } from './seed.js';
import { QUESTIONS, seedDemoSeeds, type DemoSeedsSummary } from './seeds.js';
import { seedDemoWork } from './work.js';

let t: TestApp;
let manager: SignedIn;
let plans: DemoPlansSummary;
let seeds: DemoSeedsSummary;
const now = new Date();

beforeAll(async () => {
  t = await createTestApp();
  const opts = { seed: 7, now };
  await seedDemo(t.database, { accounts: 90, days: 60, ...opts });
  await createHealthService(t.database, null).startRecompute('test');
  await seedDemoWork(t.config, t.database, opts);
  plans = await seedDemoPlans(t.config, t.database, opts);
  seeds = await seedDemoSeeds(t.config, t.database, opts);
  manager = await t.signIn('manager');
}, 240_000);
afterAll(() => t.close());

const rows = async <T>(sql: string, values: unknown[] = []) => (await t.database.query<T>(sql, values)).rows;

describe('demo success plans', () => {
  it('puts a plan on about a third of the live accounts, from the three templates', async () => {
    const [r] = await rows<{ live: number; planned: number; templates: number }>(
      `SELECT (SELECT count(*)::int FROM accounts WHERE stage <> 'churned') AS live,
              (SELECT count(DISTINCT account_id)::int FROM success_plans) AS planned,
              (SELECT count(*)::int FROM plan_templates) AS templates`,
    );
    expect(r?.templates).toBe(3);
    const share = (r?.planned ?? 0) / (r?.live ?? 1);
    expect(share).toBeGreaterThan(0.28);
    expect(share).toBeLessThan(0.4);
    // A harvest on an account without a plan made one, as the one-click harvest does.
    expect(r?.planned).toBeGreaterThanOrEqual(plans.plans);
  });

  it('has every plan status, stored as the roll-up computes it, with reasons', async () => {
    const stored = await rows<{ id: string; status: string; reasons: string[] }>('SELECT id, status, status_reasons AS reasons FROM success_plans ORDER BY id');
    expect(new Set(stored.map((p) => p.status))).toEqual(new Set(['achieved', 'on_track', 'at_risk', 'off_track']));
    const live = await loadPlans(t.database, stored.map((p) => p.id), now);
    for (const p of live) expect(p.plan.status, p.plan.title).toBe(stored.find((s) => s.id === p.plan.id)?.status);
    for (const s of stored.filter((p) => p.status === 'at_risk' || p.status === 'off_track')) expect(s.reasons.length).toBeGreaterThan(0);
  });

  it('writes goals in the customer words, with a path on the charts and work on both sides', async () => {
    const goals = await rows<{ statement: string; why: string }>('SELECT statement, why FROM plan_goals');
    expect(goals.some((g) => /^Cut month-end close from 10 days to 4 by \w+$/.test(g.statement) || / by [A-Z][a-z]+$/.test(g.statement))).toBe(true);
    expect(goals.every((g) => g.why.length > 0)).toBe(true);
    const [v] = await rows<{ measured: number; manual: number; rating: number; paths: number }>(
      `SELECT count(*) FILTER (WHERE source = 'measured')::int AS measured, count(*) FILTER (WHERE source = 'manual')::int AS manual,
              count(*) FILTER (WHERE source = 'rating')::int AS rating,
              (SELECT count(*)::int FROM (SELECT criterion_id FROM plan_criterion_values GROUP BY 1 HAVING count(*) >= 3) x) AS paths
         FROM plan_criterion_values`,
    );
    expect(v?.measured).toBeGreaterThan(0);
    expect(v?.manual).toBeGreaterThan(0);
    expect(v?.rating).toBeGreaterThan(0);
    expect(v?.paths).toBeGreaterThan(10);
    const [m] = await rows<{ done: number; overdue_customer: number; overdue_vendor: number; customer_tasks_with_effort: number }>(
      `SELECT count(*) FILTER (WHERE completed_at IS NOT NULL)::int AS done,
              count(*) FILTER (WHERE completed_at IS NULL AND due_at < current_date - 1 AND owner_contact_id IS NOT NULL)::int AS overdue_customer,
              count(*) FILTER (WHERE completed_at IS NULL AND due_at < current_date - 1 AND owner_user_id IS NOT NULL)::int AS overdue_vendor,
              (SELECT count(*)::int FROM tasks WHERE source = 'plan' AND assignee_contact_id IS NOT NULL AND customer_effort IS NOT NULL) AS customer_tasks_with_effort
         FROM plan_milestones`,
    );
    expect(m?.done).toBeGreaterThan(0);
    expect(m?.overdue_customer).toBeGreaterThan(0);
    expect(m?.overdue_vendor).toBeGreaterThan(0);
    expect(m?.customer_tasks_with_effort).toBeGreaterThan(0);
  });

  it('gives targets that can be reached: a share of seats at most 1, every target beyond its baseline', async () => {
    const seat = await rows<{ name: string; target: number }>(
      `SELECT c.name, c.target FROM plan_criteria c JOIN drivers d ON d.id = c.driver_id
        WHERE c.target IS NOT NULL AND (d.key = 'seat_utilization' OR coalesce((d.source->>'perSeat')::boolean, false))`,
    );
    expect(seat.length).toBeGreaterThan(0);
    for (const c of seat) expect(c.target, c.name).toBeLessThanOrEqual(1);
    const wrongSide = await rows<{ name: string }>(
      `SELECT name FROM plan_criteria WHERE target IS NOT NULL AND baseline IS NOT NULL
          AND ((direction = 'up' AND target <= baseline) OR (direction = 'down' AND target >= baseline))`,
    );
    expect(wrongSide).toEqual([]);
  });

  it('shares some plans; the customer opened them over the past weeks and commented', async () => {
    expect(plans.shared).toBeGreaterThan(0);
    const [s] = await rows<{ links: number; views: number; days: number; comments: number }>(
      `SELECT (SELECT count(*)::int FROM plan_shares WHERE revoked_at IS NULL) AS links, count(*)::int AS views,
              count(DISTINCT (at AT TIME ZONE 'UTC')::date)::int AS days, (SELECT count(*)::int FROM plan_comments) AS comments
         FROM plan_share_views`,
    );
    expect(s?.links).toBe(plans.shared);
    expect(s?.views).toBeGreaterThan(s?.links ?? 0);
    expect(s?.days).toBeGreaterThan(3);
    expect(s?.comments).toBeGreaterThan(0);
  });
});

describe('demo seeds', () => {
  it('has a library of about 15 crazy questions with themes, variants and re-ask intervals', async () => {
    const qs = await rows<{ theme: string; variants: string[]; reask_interval_days: number }>('SELECT theme, variants, reask_interval_days FROM seed_questions');
    expect(qs).toHaveLength(QUESTIONS.length);
    expect(qs.length).toBeGreaterThanOrEqual(14);
    expect(new Set(qs.map((q) => q.theme)).size).toBeGreaterThanOrEqual(5);
    for (const q of qs) {
      expect(q.variants.length).toBeGreaterThanOrEqual(2);
      expect(q.variants.length).toBeLessThanOrEqual(3);
    }
  });

  it('has seeds in every stage, whose stored stage is what their events say', async () => {
    expect(Object.keys(seeds.byStage).sort()).toEqual(['dormant', 'harvested', 'planted', 'reacted', 'rooted', 'sprouted']);
    const wrong = await rows<{ id: string }>(
      `SELECT s.id FROM seeds s WHERE s.stage <> (SELECT e.to_stage FROM seed_events e WHERE e.seed_id = s.id ORDER BY e.at DESC, e.created_at DESC, e.id DESC LIMIT 1)
          OR s.asked_at > now() OR EXISTS (SELECT 1 FROM seed_events e WHERE e.seed_id = s.id AND (e.at < s.asked_at OR e.at > now()))`,
    );
    expect(wrong).toEqual([]);
    const [planted] = await rows<{ from_activity: number; accounts: number }>(
      'SELECT count(*) FILTER (WHERE activity_id IS NOT NULL)::int AS from_activity, count(DISTINCT account_id)::int AS accounts FROM seeds',
    );
    expect(planted?.from_activity).toBeGreaterThan(0);
    expect(planted?.accounts).toBe(seeds.accounts);
  });

  it('links every harvested seed to an existing goal of its account\'s plan, which names the seed back', async () => {
    const harvested = await rows<{ id: string; goal_id: string | null; goal_account: string | null; account_id: string; back: string | null; words: boolean }>(
      `SELECT s.id, s.goal_id, p.account_id AS goal_account, s.account_id, g.harvested_from_seed_id AS back, g.statement <> s.text AND g.why <> '' AS words
         FROM seeds s LEFT JOIN plan_goals g ON g.id = s.goal_id LEFT JOIN success_plans p ON p.id = g.plan_id WHERE s.stage = 'harvested'`,
    );
    expect(harvested.length).toBeGreaterThan(0);
    // The goal is in the customer's words (not the question), and says why it matters to them.
    for (const h of harvested) expect(h).toMatchObject({ goal_account: h.account_id, back: h.id, words: true });
    // No plan is younger than its first goal, nor its plan_created event (a harvest into an existing
    // plan comes after it; a plan the harvest made is dated back to that harvest).
    const younger = await rows<{ id: string }>(
      `SELECT p.id FROM success_plans p
        WHERE p.created_at > (SELECT min(g.created_at) FROM plan_goals g WHERE g.plan_id = p.id)
           OR EXISTS (SELECT 1 FROM plan_events e WHERE e.plan_id = p.id AND e.kind = 'plan_created' AND e.at < p.created_at)`,
    );
    expect(younger).toEqual([]);
  });

  it('gives the CSMs different records, and puts re-ask reminders in their inboxes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/seed-library/record', headers: manager.headers });
    expect(res.statusCode).toBe(200);
    const record = res.json() as { themes: { theme: string; planted: number; byCsm: { name: string; sproutedShare: number | null }[] }[] };
    expect(record.themes.length).toBeGreaterThanOrEqual(5);
    const byCsm = new Map<string, number[]>();
    for (const th of record.themes) for (const c of th.byCsm) byCsm.set(c.name, [...(byCsm.get(c.name) ?? []), c.sproutedShare ?? 0]);
    expect(byCsm.size).toBeGreaterThanOrEqual(2);
    expect(seeds.reaskReminders).toBeGreaterThan(0);
    const [r] = await rows<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE source = 'seed' AND status = 'open' AND assignee_user_id IS NOT NULL`);
    expect(r?.n).toBe(seeds.reaskReminders);
    // Each reminder is due when its re-ask became due (the seed's quiet moment + its interval, at or
    // before the load), and says how long the seed has really been quiet, beside the interval.
    const reminders = await rows<{ reason: string; due_at: Date; since: Date; interval: number }>(
      `SELECT t.reason, t.due_at, greatest(s.last_moved_at, s.last_asked_at) AS since, q.reask_interval_days AS interval
         FROM tasks t JOIN seeds s ON t.dedupe_key LIKE 'seed:' || s.id || ':%' JOIN seed_questions q ON q.id = s.question_id
        WHERE t.source = 'seed'`,
    );
    expect(reminders).toHaveLength(seeds.reaskReminders);
    for (const m of reminders) {
      const since = new Date(m.since).getTime();
      expect(new Date(m.due_at).getTime()).toBe(since + m.interval * 86_400_000);
      expect(new Date(m.due_at).getTime()).toBeLessThanOrEqual(now.getTime());
      const quiet = Math.floor((now.getTime() - since) / 86_400_000);
      expect(m.reason).toContain(`No movement since ${new Date(since).toISOString().slice(0, 10)} (${quiet} day${quiet === 1 ? '' : 's'}; re-ask every ${m.interval} days)`);
      expect(quiet).toBeGreaterThanOrEqual(m.interval);
    }
  });
});

describe('demo autopilot', () => {
  it('has at least 10 accounts on autopilot by the stored verdict, none with a recent seed', async () => {
    const on = await rows<{ account_id: string }>('SELECT account_id FROM account_autopilot WHERE on_autopilot ORDER BY account_id');
    expect(on.length).toBeGreaterThanOrEqual(10);
    expect(seeds.autopilot).toBe(on.length);
    const seeded = await rows<{ account_id: string }>(
      `SELECT DISTINCT s.account_id FROM seeds s JOIN account_autopilot v ON v.account_id = s.account_id AND v.on_autopilot WHERE s.asked_at > now() - interval '30 days'`,
    );
    expect(seeded).toEqual([]);
    // The filter of the portfolio says the same.
    const list = await t.app.inject({ method: 'GET', url: '/api/accounts?autopilot=true&limit=200', headers: manager.headers });
    expect(list.statusCode).toBe(200);
    const items = (list.json() as { items: { id: string; onAutopilot: boolean }[] }).items;
    expect(items.map((i) => i.id).sort()).toEqual(on.map((o) => o.account_id));
  });

  it('agrees with the live endpoint, which shows the routine touchpoints', async () => {
    const [one] = await rows<{ account_id: string; touchpoint_ids: string[] }>('SELECT account_id, touchpoint_ids FROM account_autopilot WHERE on_autopilot ORDER BY account_id LIMIT 1');
    const res = await t.app.inject({ method: 'GET', url: `/api/accounts/${one?.account_id ?? ''}/autopilot`, headers: manager.headers });
    expect(res.statusCode).toBe(200);
    const v = res.json() as { onAutopilot: boolean; touchpoints: { id: string; kind: string }[] };
    expect(v.onAutopilot).toBe(true);
    expect(v.touchpoints.map((x) => x.id).sort()).toEqual([...(one?.touchpoint_ids ?? [])].sort());
    expect(new Set(v.touchpoints.map((x) => x.kind)).size).toBe(1);
  });

  it('a routine broken by a seed planted in the last call is not on autopilot, and says why', async () => {
    const broken = await rows<{ account_id: string; reasons: string[] }>(
      `SELECT v.account_id, v.reasons FROM account_autopilot v JOIN seeds s ON s.account_id = v.account_id AND s.activity_id IS NOT NULL
        WHERE NOT v.on_autopilot AND s.asked_at > now() - interval '10 days'`,
    );
    expect(broken.length).toBeGreaterThan(0);
    for (const b of broken) expect(b.reasons.join(' ')).toMatch(/seed/);
  });
});
