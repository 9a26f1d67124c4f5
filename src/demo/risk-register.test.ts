// The demo's risk register (issue 12) on a real database: every seeded failure mode gets a playbook
// and an owner team; a dozen accounts with matching open signals get risks in every status, the
// mitigating ones with their playbook running on the account.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type SignedIn, type TestApp } from '../../test/support/app.js';
import { failureModeList, riskList } from '../risk/register/schema.js';
import { seedDemo } from './seed.js';
import { demoRiskRegisterLine, seedDemoRiskRegister, type DemoRegisterSummary } from './risk-register.js';

let t: TestApp;
let viewer: SignedIn;
let summary: DemoRegisterSummary;
const now = new Date();

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.database, { accounts: 60, days: 60, seed: 7, now });
  // What the signals demo leaves (it runs before this one): open signals on some accounts, a few that point at no mode.
  const kinds = ['critical_date_close', 'champion_left', 'usage_drop', 'payment_failed', 'open_escalation', 'sustain_talk', 'no_exec_touch'];
  await t.database.query(
    `INSERT INTO risk_signals (account_id, kind, strength, started_at, source, evidence)
     SELECT a.id, k.kind, 0.2, now() - interval '12 days', 'computed', '{"summary": "demo"}'::jsonb
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM accounts WHERE stage <> 'churned' LIMIT 16) a
       CROSS JOIN LATERAL (SELECT unnest(ARRAY[$1::text[]]) AS kind) k
      WHERE (a.n + array_position($1::text[], k.kind)) % 3 = 0`, [kinds]);
  summary = await seedDemoRiskRegister(t.config, t.database, { seed: 7, now });
  viewer = await t.signIn('viewer');
}, 240_000);
afterAll(() => t?.close());

const get = async (url: string) => (await t.app.inject({ method: 'GET', url, headers: viewer.headers })).json() as unknown;

describe('demo risk register', () => {
  it('links a playbook with real steps and an owner team to each of the seven failure modes', async () => {
    const modes = failureModeList.parse(await get('/api/failure-modes')).items.filter((m) => m.key !== null);
    expect(modes).toHaveLength(7);
    for (const m of modes) {
      expect(m.playbook, m.name).not.toBeNull();
      expect(m.ownerTeam, m.name).not.toBeNull();
    }
    const steps = await t.database.query<{ n: number }>(
      'SELECT min(jsonb_array_length(v.steps))::int AS n FROM failure_modes f JOIN playbooks p ON p.id = f.playbook_id JOIN playbook_versions v ON v.playbook_id = p.id');
    expect(steps.rows[0]?.n).toBeGreaterThanOrEqual(3);
    expect(summary).toMatchObject({ linked: 7, playbooks: 7 });
  });

  it('raises a dozen risks whose failure mode matches their signals, in every status', async () => {
    expect(summary.risks).toBe(12);
    expect(summary.open + summary.mitigating + summary.closed).toBe(12);
    const items = riskList.parse(await get('/api/account-risks?limit=200')).items;
    expect(items).toHaveLength(12);
    expect(new Set(items.map((i) => i.status))).toEqual(new Set(['open', 'mitigating', 'resolved', 'accepted']));
    for (const r of items) {
      expect(r.failureMode?.matchedKinds.length ?? 0, r.title).toBeGreaterThan(0);
      expect(r.arrAtRisk ?? 0).toBeGreaterThan(0);
      expect(Date.parse(r.createdAt)).toBeLessThan(now.getTime());
      if (r.status === 'mitigating') expect(r.playbookRun?.status).toBeDefined();
      if (r.status === 'resolved' || r.status === 'accepted') expect(r.resolvedAt).not.toBeNull();
    }
    const runs = await t.database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM account_risks r JOIN playbook_runs p ON p.id = r.playbook_run_id AND p.account_id = r.account_id');
    expect(runs.rows[0]?.n).toBe(summary.mitigating);
    expect(demoRiskRegisterLine(summary)).toContain('12 risks raised');
  });
});
