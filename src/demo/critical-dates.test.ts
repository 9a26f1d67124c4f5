// The demo's critical dates (issue 12) on a real database: domains, certificates, contracts, licences
// and cards on a good share of the book, some close, one expired domain, previous checks marked as
// from the demo, nothing set to check live, and the morning's alerts raised as calls and to-dos.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type SignedIn, type TestApp } from '../../test/support/app.js';
import { seedDemo } from './seed.js';
import { demoCriticalDatesLine, seedDemoCriticalDates, type DemoCriticalDatesSummary } from './critical-dates.js';

let t: TestApp;
let manager: SignedIn;
let summary: DemoCriticalDatesSummary;
const now = new Date();

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.database, { accounts: 60, days: 14, seed: 7, now });
  summary = await seedDemoCriticalDates(t.config, t.database, { seed: 7, now });
  manager = await t.signIn('manager');
}, 240_000);
afterAll(() => t?.close());

describe('demo critical dates', () => {
  it('covers a good share of the live accounts with every kind, some close and one expired domain', async () => {
    const { rows: [live] } = await t.database.query<{ n: number }>("SELECT count(*)::int AS n FROM accounts WHERE stage <> 'churned'");
    expect(summary.accounts / (live?.n ?? 1)).toBeGreaterThan(0.4);
    const { rows } = await t.database.query<{ kind: string; n: number }>('SELECT kind, count(*)::int AS n FROM critical_dates GROUP BY kind ORDER BY kind');
    expect(rows.map((r) => r.kind)).toEqual(['card', 'contract', 'domain', 'licence', 'tls']);
    expect(summary.within7).toBeGreaterThan(0);
    expect(summary.within30).toBeGreaterThan(summary.within7);
    expect(summary.within60).toBeGreaterThan(summary.within30);
    const { rows: expired } = await t.database.query<{ kind: string; target: string }>('SELECT kind, target FROM critical_dates WHERE expires_at < $1', [now]);
    expect(expired.filter((e) => e.kind === 'domain')).toHaveLength(1);
    expect(expired[0]?.target).toMatch(/\.example$/);
    expect(demoCriticalDatesLine(summary)).toMatch(/^Demo critical dates: \d+ dates on \d+ accounts/);
  });

  it('never calls out: nothing checks live, and every previous check is marked as from the demo', async () => {
    const { rows: [auto] } = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM critical_dates WHERE auto_check OR next_check_at IS NOT NULL');
    expect(auto?.n).toBe(0);
    const { rows: checks } = await t.database.query<{ demo: boolean; kind: string; same: boolean }>(
      `SELECT (c.result->>'demo')::boolean AS demo, d.kind, c.expires_at = d.expires_at AS same FROM critical_date_checks c JOIN critical_dates d ON d.id = c.critical_date_id`,
    );
    expect(checks.length).toBe(summary.checks);
    expect(checks.every((c) => c.demo && c.same && (c.kind === 'domain' || c.kind === 'tls'))).toBe(true);
    const { rows: targets } = await t.database.query<{ target: string }>("SELECT target FROM critical_dates WHERE kind IN ('domain', 'tls')");
    expect(targets.every((x) => x.target.endsWith('.example'))).toBe(true);
  });

  it('raised the alerts: a call for the expired domain, and the radar lists it first', async () => {
    expect(summary.alerts).toBeGreaterThan(0);
    const { rows: calls } = await t.database.query<{ title: string }>("SELECT title FROM tasks WHERE kind = 'call' AND title LIKE 'Call %: their domain % expired % ago'");
    expect(calls).toHaveLength(1);
    const res = await t.app.inject({ method: 'GET', url: '/api/critical-dates?withinDays=60&limit=5', headers: manager.headers });
    expect(res.statusCode, res.body).toBe(200);
    const first = (res.json() as { items: { kind: string; daysLeft: number; lastCheck: { result: { demo?: boolean } } | null }[] }).items[0];
    expect(first).toMatchObject({ kind: 'domain', daysLeft: -3, lastCheck: { result: { demo: true } } });
  });
});
