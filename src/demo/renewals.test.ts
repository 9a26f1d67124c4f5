// The demo's renewals (issue 12) on a real database: the demo book renews in each of the next four
// quarters, and a manager's overrides (with reasons, audited) show in the renewals API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type SignedIn, type TestApp } from '../../test/support/app.js';
import { seedDemo } from './seed.js';
import { demoRenewalsLine, seedDemoRenewals, type DemoRenewalsSummary } from './renewals.js';

let t: TestApp;
let viewer: SignedIn;
let summary: DemoRenewalsSummary;
const now = new Date();

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.database, { accounts: 120, days: 60, seed: 7, now });
  summary = await seedDemoRenewals(t.config, t.database, { seed: 7, now });
  viewer = await t.signIn('viewer');
}, 240_000);
afterAll(() => t?.close());

type List = { periods: { period: string; count: number; arrDue: number }[]; items: { account: { id: string }; category: string; suggested: string; override: { category: string; reason: string; by: { id: string; name: string } | null } | null }[]; total: number };

describe('demo renewals', () => {
  it('renews in each of this quarter and the next three, as the forecast counts them', async () => {
    expect(summary.perQuarter).toHaveLength(4);
    for (const n of summary.perQuarter) expect(n).toBeGreaterThan(0);
    const f = (await t.app.inject({ method: 'GET', url: '/api/renewals/forecast', headers: viewer.headers })).json() as { periods: { count: number; arrDue: number }[] };
    expect(f.periods.map((p) => p.count)).toEqual(summary.perQuarter);
    for (const p of f.periods) expect(p.arrDue).toBeGreaterThan(0);
  });

  it("adds six manager overrides with reasons, shown in the list as the manager's and audited", async () => {
    expect(summary.overrides).toBe(6);
    expect(summary.byCategory).toEqual({ commit: 2, likely: 2, at_risk: 2 });
    const list = (await t.app.inject({ method: 'GET', url: '/api/renewals?limit=500', headers: viewer.headers })).json() as List;
    const overridden = list.items.filter((i) => i.override);
    expect(overridden).toHaveLength(6);
    const { rows: [manager] } = await t.database.query<{ id: string }>(`SELECT id FROM users WHERE role = 'manager' ORDER BY created_at, id LIMIT 1`);
    for (const i of overridden) {
      expect(i.category).toBe(i.override?.category);
      expect(i.override?.reason.length).toBeGreaterThan(20);
      expect(i.override?.by?.id).toBe(manager?.id);
    }
    const { rows: [audit] } = await t.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'renewal_override.set'`);
    expect(audit?.n).toBe(6);
    expect(demoRenewalsLine(summary)).toMatch(/6 manager overrides with reasons \(2 commit, 2 likely, 2 at risk\)/);
  });
});
