// The demo's subscriptions (issue 13) on a real database: they agree with the accounts' ARR, renewal
// dates and churns, and retention and cohorts show movement at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type SignedIn, type TestApp } from '../../test/support/app.js';
import { seedDemo } from './seed.js';
import { seedDemoSubscriptions, type DemoSubscriptionsSummary } from './subscriptions.js';

let t: TestApp;
let viewer: SignedIn;
let summary: DemoSubscriptionsSummary;
const now = new Date();
let before: Map<string, { arr: number; renewal: string | null; stage: string }>;

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.database, { accounts: 120, days: 60, seed: 7, now });
  const { rows } = await t.database.query<{ id: string; arr: number; renewal: string | null; stage: string }>('SELECT id, arr::float8 AS arr, renewal_date::text AS renewal, stage FROM accounts');
  before = new Map(rows.map((r) => [r.id, r]));
  summary = await seedDemoSubscriptions(t.config, t.database, { seed: 7, now });
  viewer = await t.signIn('viewer');
}, 240_000);
afterAll(() => t?.close());

describe('demo subscriptions', () => {
  it('keep the live accounts\' ARR and renewal dates, and take churned accounts to 0', async () => {
    expect(summary.subscriptions).toBeGreaterThan(summary.accounts);
    expect(summary.ms).toBeLessThan(10_000);
    const { rows } = await t.database.query<{ id: string; arr: number; renewal: string | null; since: string | null }>(
      'SELECT id, arr::float8 AS arr, renewal_date::text AS renewal, customer_since::text AS since FROM accounts');
    for (const r of rows) {
      const b = before.get(r.id);
      if (!b || !(b.arr > 0)) continue;
      if (b.stage === 'churned') expect(r.arr, r.id).toBe(0);
      else expect([r.arr, r.renewal], r.id).toEqual([b.arr, b.renewal]);
      expect(r.since, r.id).not.toBeNull();
    }
  });

  it('give retention and cohorts movement on first start', async () => {
    const periods = (await t.app.inject({ method: 'GET', url: '/api/analytics/retention?period=quarter', headers: viewer.headers })).json() as { startArr: number; churned: number; expansion: number; contraction: number; grr: number | null }[];
    expect(periods.some((p) => p.startArr > 0 && p.grr !== null)).toBe(true);
    expect(periods.reduce((s, p) => s + p.churned, 0)).toBeGreaterThan(0);
    expect(periods.reduce((s, p) => s + p.expansion + p.contraction, 0)).toBeGreaterThan(0);
    const cohorts = (await t.app.inject({ method: 'GET', url: '/api/analytics/cohorts?by=month', headers: viewer.headers })).json() as { points: unknown[] }[];
    expect(cohorts.length).toBeGreaterThan(3);
  });
});
