// The demo's risk signals (issue 12) on a real database: losses had more signals, from more families, than renewals,
// with noise both ways; open signals on active accounts; signals never before the last ~180 days.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.js';
import { seedDemo } from './seed.js';
import { seedDemoRiskSignals, type DemoRiskSignalsSummary } from './risk-signals.js';
import { refreshDemoRisk } from '../risk/demo.js';

let t: TestApp;
let summary: DemoRiskSignalsSummary;
const now = new Date();

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.database, { accounts: 200, days: 30, seed: 5, now });
  summary = await seedDemoRiskSignals(t.config, t.database, { seed: 5, now });
}, 240_000);
afterAll(() => t?.close());

describe('demo risk signals', () => {
  it('losses had more signals from more families before the outcome than retained accounts, with noise', async () => {
    const { rows } = await t.database.query<{ loss: boolean; n: number; families: number }>(
      `SELECT o.kind IN ('churned', 'downgraded') AS loss, count(s.id)::int AS n, count(DISTINCT d.family)::int AS families
         FROM outcomes o LEFT JOIN risk_signals s ON s.account_id = o.account_id AND s.started_at < o.occurred_on AND s.ended_at IS NOT NULL
         LEFT JOIN signal_definitions d ON d.kind = s.kind
        WHERE o.occurred_on > current_date - 150 GROUP BY o.id, o.kind`);
    const losses = rows.filter((r) => r.loss);
    const kept = rows.filter((r) => !r.loss);
    expect(losses.length).toBeGreaterThan(2);
    expect(kept.length).toBeGreaterThan(2);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    expect(mean(losses.map((r) => r.families))).toBeGreaterThan(mean(kept.map((r) => r.families)));
    expect(summary.historical).toBeGreaterThan(0);
  });

  it('open signals on active accounts, several families on some; nothing older than 180 days', async () => {
    expect(summary.open).toBeGreaterThan(10);
    const { rows: [r] } = await t.database.query<{ multi: number; old: number; churnedOpen: number }>(
      `SELECT (SELECT count(*)::int FROM (SELECT s.account_id FROM risk_signals s JOIN signal_definitions d ON d.kind = s.kind
                WHERE s.ended_at IS NULL GROUP BY s.account_id HAVING count(DISTINCT d.family) >= 3) x) AS multi,
              (SELECT count(*)::int FROM risk_signals WHERE started_at < now() - interval '181 days') AS old,
              (SELECT count(*)::int FROM risk_signals s JOIN accounts a ON a.id = s.account_id WHERE a.stage = 'churned' AND s.ended_at IS NULL) AS "churnedOpen"`);
    expect(r?.multi).toBeGreaterThan(0);
    expect(r?.old).toBe(0);
    expect(r?.churnedOpen).toBe(0);
  });

  it('past signals are imported demo history, said so; retained accounts sometimes carried the same kinds as losses', async () => {
    const { rows: [r] } = await t.database.query<{ imported: number; unlabelled: number; ended_computed_before: number; retainedWith: number; retained: number }>(
      `SELECT (SELECT count(*)::int FROM risk_signals WHERE source = 'imported') AS imported,
              (SELECT count(*)::int FROM risk_signals WHERE source = 'imported' AND evidence->>'summary' NOT LIKE 'Demo history: %') AS unlabelled,
              (SELECT count(*)::int FROM risk_signals s JOIN outcomes o ON o.account_id = s.account_id
                WHERE s.source = 'computed' AND s.started_at < o.occurred_on - 20 AND s.ended_at IS NOT NULL) AS ended_computed_before,
              (SELECT count(DISTINCT o.id)::int FROM outcomes o JOIN risk_signals s ON s.account_id = o.account_id AND s.source = 'imported'
                WHERE o.kind IN ('renewed', 'expanded') AND s.kind IN (SELECT s2.kind FROM risk_signals s2 JOIN outcomes l ON l.account_id = s2.account_id
                  WHERE l.kind IN ('churned', 'downgraded') AND s2.source = 'imported')) AS "retainedWith",
              (SELECT count(*)::int FROM outcomes WHERE kind IN ('renewed', 'expanded')) AS retained`);
    expect(r?.imported).toBe(summary.historical);
    expect(r?.unlabelled).toBe(0);
    expect(r?.ended_computed_before).toBe(0);
    expect(r?.retainedWith).toBeGreaterThan(0);
    expect(r?.retainedWith).toBeLessThan(r?.retained ?? 0);
  });

  it('once the risk is computed as the demo does, every level appears: three calm accounts got signals from every family at once', async () => {
    const { rows: swans } = await t.database.query<{ account_id: string; families: number }>(
      `SELECT s.account_id, count(DISTINCT d.family)::int AS families FROM risk_signals s JOIN signal_definitions d ON d.kind = s.kind
        WHERE s.ended_at IS NULL AND s.source <> 'computed' GROUP BY s.account_id HAVING count(DISTINCT d.family) >= 7`);
    expect(swans.length).toBeGreaterThanOrEqual(3);
    const { levels } = await refreshDemoRisk(t.config, t.database);
    expect(levels.critical ?? 0).toBeGreaterThan(0);
    expect(levels.high ?? 0).toBeGreaterThan(0);
    expect(levels.medium ?? 0).toBeGreaterThan(0);
    expect(levels.low ?? 0).toBeGreaterThan(0);
  }, 120_000);
});
