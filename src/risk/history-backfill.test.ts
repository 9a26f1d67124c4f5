// Risk history backfill (issue 12) on a real database: past signals give the changes the model says on
// the days it says, by the live refresh's rule; a second run writes nothing; the live point joins on;
// the demo yields accounts with more than one history point.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type TestApp } from '../../test/support/app.js';
import { backfillDays, backfillRiskHistory } from './history-backfill.js';
import { compoundRisk, effectiveStrength, type RiskLevel } from './model.js';
import { isRiskMove } from './store.js';
import { refreshDemoRisk } from './demo.js';
import { seedDemo } from '../demo/seed.js';
import { seedDemoRiskSignals } from '../demo/risk-signals.js';
import type { SignalFamily } from './signals/types.js';

let t: TestApp;
const DAY = 86_400_000;
const now = new Date();
const daysAgo = (n: number) => new Date(now.getTime() - n * DAY);
const day = (d: Date | string) => new Date(d).toISOString().slice(0, 10);

beforeAll(async () => { t = await createTestApp(); });
afterAll(() => t?.close());

async function account(stage = 'adoption') {
  const { rows } = await t.database.query<{ id: string }>('INSERT INTO accounts (name, arr, stage) VALUES ($1, 10000, $2) RETURNING id', [unique('Backfill Co'), stage]);
  return rows[0]?.id ?? '';
}
async function signal(accountId: string, kind: string, strength: number, started: Date, ended: Date | null) {
  await t.database.query(
    `INSERT INTO risk_signals (account_id, kind, strength, started_at, ended_at, source, evidence) VALUES ($1, $2, $3, $4, $5, 'imported', '{"summary": "test"}')`,
    [accountId, kind, strength, started, ended]);
}
type Change = { day: string; from_score: number | null; to_score: number; from_level: string | null; to_level: string };
const history = async (id: string) => (await t.database.query<Change & { at: Date }>(
  'SELECT at, from_score, to_score, from_level, to_level FROM risk_changes WHERE account_id = $1 ORDER BY at, id', [id])).rows.map((r) => ({ ...r, day: day(r.at) }));

/** What the model says, day by day, for the account's stored signals (default strengths: nothing is calibrated here). */
async function expected(id: string, days: number): Promise<Change[]> {
  const { rows } = await t.database.query<{ id: string; family: SignalFamily; kind: string; strength: string; started_at: Date; ended_at: Date | null; decay_from: 'end' | 'start'; half_life_days: number }>(
    `SELECT s.id, d.family, s.kind, s.strength::text AS strength, s.started_at, s.ended_at, d.decay_from, d.half_life_days
       FROM risk_signals s JOIN signal_definitions d ON d.kind = s.kind WHERE s.account_id = $1 AND d.enabled AND s.withdrawn_at IS NULL`, [id]);
  const out: Change[] = [];
  let prev: { score: number; level: RiskLevel } | null = null;
  let last: number | null = null;
  for (const at of backfillDays(days, now)) {
    const signals = rows.filter((r) => r.started_at.getTime() <= at.getTime()).map((r) => {
      const ended = r.ended_at && r.ended_at.getTime() <= at.getTime() ? r.ended_at : null;
      return { id: r.id, kind: r.kind, family: r.family, strength: Number(r.strength),
        effective: effectiveStrength({ strength: Number(r.strength), startedAt: r.started_at, endedAt: ended, decayFrom: r.decay_from, halfLifeDays: r.half_life_days }, at), ended };
    }).filter((s) => s.ended === null || s.effective >= 0.01);
    const risk = compoundRisk(signals);
    const next = { score: risk.score, level: risk.level };
    if (isRiskMove(prev, last, next)) {
      out.push({ day: day(at), from_score: prev?.score ?? null, to_score: next.score, from_level: prev?.level ?? null, to_level: next.level });
      last = next.score;
    }
    prev = next;
  }
  return out;
}

describe('risk history backfill', () => {
  it('writes the model’s changes on the days it says, joins the live point on, and writes nothing on a second run', async () => {
    const a = await account();
    const b = await account();
    const calm = await account();
    const churned = await account('churned');
    await signal(a, 'manual', 0.5, daysAgo(60), daysAgo(30));
    await signal(b, 'payment_failed', 0.25, daysAgo(45), daysAgo(40));
    await signal(b, 'usage_drop', 0.3, daysAgo(20), null);
    await signal(b, 'champion_left', 0.3, daysAgo(10), null);
    await signal(churned, 'manual', 0.5, daysAgo(50), null);
    // The live computation first, as the demo does: it is today's point.
    await t.app.services.risk.refreshAll(() => now);
    const live = new Map<string, Change[]>();
    for (const id of [a, b, calm]) live.set(id, await history(id));
    for (const id of [a, b, calm]) expect(live.get(id)?.[0]?.from_score).toBeNull();

    const first = await backfillRiskHistory(t.database, { days: 90, now });
    expect(first.changes).toBeGreaterThan(3);
    for (const id of [a, b, calm]) {
      const want = await expected(id, 90);
      const got = await history(id);
      const liveRow = live.get(id)?.[0];
      expect(got.slice(0, want.length).map(({ day: d, from_score, to_score, from_level, to_level }) => ({ day: d, from_score, to_score, from_level, to_level }))).toEqual(want);
      // The live point follows, from the last backfilled point.
      const joined = got[want.length];
      expect(joined?.to_score).toBe(liveRow?.to_score);
      expect(joined?.from_score).toBe(want[want.length - 1]?.to_score);
      expect(joined?.from_level).toBe(want[want.length - 1]?.to_level);
    }
    // What that means for these signals: A went high the day its 0.5 signal started and faded after it ended.
    const ha = await history(a);
    expect(ha[0]).toMatchObject({ day: day(daysAgo(90)), from_score: null, to_score: 0, to_level: 'low' });
    expect(ha.find((c) => c.day === day(daysAgo(60)))).toMatchObject({ from_level: 'low', to_score: 50, to_level: 'high' });
    expect(ha.filter((c) => c.to_score < 50 && c.day > day(daysAgo(30))).length).toBeGreaterThan(0);
    expect(await history(calm)).toHaveLength(2); // 90 days of 0, then today
    expect((await history(churned)).filter((c) => new Date(c.day) < new Date(day(now)))).toHaveLength(0);

    const before = (await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM risk_changes')).rows[0]?.n;
    const again = await backfillRiskHistory(t.database, { days: 90, now });
    expect(again).toEqual({ accounts: 0, changes: 0, connected: 0 });
    expect((await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM risk_changes')).rows[0]?.n).toBe(before);
  }, 60_000);

  it('the demo path gives accounts more than one history point, in seconds', async () => {
    // The demo loads only into an empty book: its own database.
    const d = await createTestApp();
    try {
      await seedDemo(d.database, { accounts: 120, days: 30, seed: 5, now });
      await seedDemoRiskSignals(d.config, d.database, { seed: 5, now });
      const r = await refreshDemoRisk(d.config, d.database, now);
      expect(r.history.changes).toBeGreaterThan(0);
      const { rows: [x] } = await d.database.query<{ multi: number }>(
        'SELECT count(*)::int AS multi FROM (SELECT account_id FROM risk_changes GROUP BY account_id HAVING count(*) > 1) m');
      expect(x?.multi).toBeGreaterThan(10);
      // Today's point says "first computed" nowhere there is history: only churned accounts (not backfilled) keep it.
      const { rows: [y] } = await d.database.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM risk_changes c JOIN accounts a ON a.id = c.account_id
          WHERE c.from_score IS NULL AND c.at >= $1::date AND a.stage <> 'churned'`, [day(now)]);
      expect(y?.n).toBe(0);
      expect(r.ms).toBeLessThan(120_000);
    } finally { await d.close(); }
  }, 240_000);
});
