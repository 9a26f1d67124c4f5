import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../auth/principal.js';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../../test/support/app.js';

// Issue 12 §1: a signal "raised by a rule action 'raise risk'", end to end: the rule is saved, fires, and the
// account's compound risk lists the signal as raised by the rule (once per firing), not by a person.
let t: TestApp;
let manager: SignedIn;
beforeAll(async () => {
  t = await createTestApp();
  manager = await t.signIn('manager');
});
afterAll(() => t?.close());

const api = (method: 'GET' | 'POST', url: string, payload?: object) => t.app.inject({ method, url, headers: manager.headers, ...(payload ? { payload } : {}) });

describe('rule action raise_risk', () => {
  it('refuses an unknown signal kind naming the field', async () => {
    const res = await api('POST', '/api/rules', { name: unique('r'), condition: { match: 'all', conditions: [{ type: 'arr', op: 'gt', value: 1 }] }, actions: [{ type: 'raise_risk', kind: 'no_such_kind', note: 'x' }] });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('actions.0.kind');
  });

  it('raises the signal when the rule fires, once per firing, and the risk shows it as raised by the rule', async () => {
    const a = await t.app.services.accounts.create({ name: unique('Acme'), arr: 80_000, stage: 'adoption' }, SYSTEM_ACTOR);
    const note = 'Health fell 18 points in a week (rule)';
    const rule = await api('POST', '/api/rules', {
      name: unique('Raise on drop'),
      condition: { match: 'all', conditions: [{ type: 'health_score_change', direction: 'drop', points: 10, withinDays: 7 }] },
      actions: [{ type: 'raise_risk', kind: 'manual', strength: 0.4, note }],
    });
    expect(rule.statusCode, rule.body).toBe(201);
    await t.database.query(`INSERT INTO account_health (account_id, score, band, state, stage, drivers) VALUES ($1, 62, 'watch', 'scored', 'adoption', '{"items":[]}')
      ON CONFLICT (account_id) DO UPDATE SET score = EXCLUDED.score, band = EXCLUDED.band`, [a.id]);
    await t.database.query(`INSERT INTO health_changes (account_id, from_score, to_score, from_band, to_band, cause) VALUES ($1, 80, 62, 'good', 'watch', 'test')`, [a.id]);
    expect((await t.app.services.rules.evaluateDirty()).fired).toBe(1);
    expect((await t.app.services.rules.evaluateDirty()).fired).toBe(0);
    await t.app.services.risk.refreshDirty();

    const risk = (await api('GET', `/api/accounts/${a.id}/risk`)).json<{ score: number; signals: { kind: string; source: string; note: string | null; strength: number; contribution: number }[] }>();
    const raised = risk.signals.filter((s) => s.source === 'rule');
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ kind: 'manual', note, strength: 0.4 });
    expect(raised[0]?.contribution).toBeGreaterThan(0);
    expect(risk.score).toBeGreaterThanOrEqual(40);
  });
});
