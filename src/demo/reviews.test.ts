// The demo's churn reviews (issue 12) on a real database: the churned and downgraded outcomes of the
// demo book opened reviews (the trigger); most are concluded with root causes and a conclusion, the
// newest are open; every loss has a story of signals, so the patterns across reviews have rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type SignedIn, type TestApp } from '../../test/support/app.js';
import { seedDemo } from './seed.js';
import { demoReviewsLine, seedDemoReviews, type DemoReviewsSummary } from './reviews.js';

let t: TestApp;
let manager: SignedIn;
let summary: DemoReviewsSummary;
const now = new Date();

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.database, { accounts: 120, days: 60, seed: 7, now });
  summary = await seedDemoReviews(t.config, t.database, { seed: 7, now });
  manager = await t.signIn('manager');
}, 240_000);
afterAll(() => t?.close());

const get = async <T>(url: string) => (await t.app.inject({ method: 'GET', url, headers: manager.headers })).json() as T;
type Item = { id: string; status: string; kind: string; lossOn: string; rootCauses: string[]; conclusion: string | null; couldHaveSeen: string | null; concludedAt: string | null; createdAt: string; earliestSignal: { leadDays: number } | null };

describe('demo churn reviews', () => {
  it('opened one review per churned or downgraded outcome, concluded most and left the newest open', async () => {
    const { rows: [losses] } = await t.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM outcomes WHERE kind IN ('churned', 'downgraded')`);
    expect(summary.reviews).toBe(losses?.n);
    expect(summary.reviews).toBeGreaterThanOrEqual(4);
    expect(summary.concluded + summary.open).toBe(summary.reviews);
    expect(summary.open).toBeGreaterThanOrEqual(2);
    expect(summary.concluded).toBeGreaterThan(summary.open);
    const list = await get<{ items: Item[] }>('/api/reviews?limit=200');
    expect(list.items).toHaveLength(summary.reviews);
    const concluded = list.items.filter((r) => r.status === 'concluded');
    for (const r of concluded) {
      expect(r.conclusion?.length ?? 0, r.id).toBeGreaterThan(80);
      expect(r.conclusion).not.toMatch(/\{\w+\}/);
      expect(r.rootCauses.length).toBeGreaterThanOrEqual(2);
      expect(r.couldHaveSeen).not.toBeNull();
      expect(Date.parse(r.concludedAt ?? '')).toBeGreaterThan(Date.parse(`${r.lossOn}T00:00:00Z`));
      expect(Date.parse(r.concludedAt ?? '')).toBeLessThanOrEqual(now.getTime());
    }
    // the open ones are the newest losses
    const newestConcluded = concluded.map((r) => r.lossOn).sort().at(-1) ?? '';
    const oldestOpen = list.items.filter((r) => r.status === 'open').map((r) => r.lossOn).sort()[0] ?? '';
    expect(oldestOpen >= newestConcluded).toBe(true);
    expect(list.items.every((r) => r.earliestSignal !== null)).toBe(true);
    expect(demoReviewsLine(summary)).toMatch(/^Demo churn reviews: \d+ reviews/);
  });

  it('tells a story with signals that the patterns count', async () => {
    const list = await get<{ items: Item[] }>('/api/reviews?status=concluded&limit=1');
    const d = await get<{ story: { signals: unknown[] }; unacted: unknown[] }>(`/api/reviews/${list.items[0]?.id ?? ''}`);
    expect(d.story.signals.length).toBeGreaterThanOrEqual(2);
    const p = await get<{ losses: number; patterns: { kinds: string[]; lossCount: number }[] }>('/api/reviews/patterns');
    expect(p.losses).toBe(summary.reviews);
    expect(p.patterns.length).toBeGreaterThan(0);
    expect(p.patterns.some((x) => x.kinds.length >= 2)).toBe(true);
  });

  it('a second run touches only the reviews still open', async () => {
    const again = await seedDemoReviews(t.config, t.database, { seed: 7, now });
    // only open reviews are touched: the concluded ones stay as they were
    expect(again.concluded + again.open).toBe(summary.open);
  });
});
