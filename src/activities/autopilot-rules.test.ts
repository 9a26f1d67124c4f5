import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';

/** Rule conditions of issue 10 over a real database: on autopilot, success plan status, seed stage. */
let t: TestApp;
let manager: SignedIn;
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY - 3_600_000).toISOString();

beforeAll(async () => {
  t = await createTestApp();
  manager = await t.signIn('manager');
});
afterAll(() => t.close());

const api = (method: 'GET' | 'POST', url: string, payload?: object) => t.app.inject({ method, url, headers: manager.headers, ...(payload ? { payload } : {}) });
const account = async (segment: string, name: string) => (await t.app.services.accounts.create({ name: `${segment} ${name}`, segment, stage: 'adoption' }, SYSTEM_ACTOR)).id;
async function monthlyCalls(accountId: string) {
  for (const ago of [90, 60, 30, 0]) {
    const res = await api('POST', '/api/activities', { accountId, kind: 'call', subject: 'Monthly check-in', occurredAt: daysAgo(ago) });
    expect(res.statusCode, res.body).toBe(201);
  }
}
type DryRun = { total: number; items: { accountId: string; results: { type: string; label: string; actual: unknown; ok: boolean }[] }[] };
const dryRun = async (condition: object) => {
  const res = await api('POST', '/api/rules/dry-run', { condition });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as DryRun;
};
const inSegment = (segment: string, leaf: object) => ({ match: 'all', conditions: [{ type: 'segment', op: 'in', values: [segment] }, leaf] });

describe('rule condition "on autopilot"', () => {
  it('a rule on "on autopilot" fires for the account on autopilot and not for the other', async () => {
    const seg = unique('ap-rule');
    const routine = await account(seg, 'routine');
    const lively = await account(seg, 'lively');
    await monthlyCalls(routine);
    await monthlyCalls(lively);
    await t.database.query(`INSERT INTO seeds (account_id, text, asked_at, last_moved_at, last_asked_at) VALUES ($1, 'Crazy', $2, $2, $2)`, [lively, daysAgo(5)]);
    await t.database.query('DELETE FROM rule_dirty');
    await t.app.services.autopilot.refreshDirty();
    // A verdict that changed marks its account for the rules.
    const { rows: marked } = await t.database.query<{ account_id: string }>('SELECT account_id FROM rule_dirty WHERE account_id = ANY($1::uuid[])', [[routine, lively]]);
    expect(marked.map((r) => r.account_id)).toEqual([routine]);

    const condition = inSegment(seg, { type: 'autopilot', value: true });
    const preview = await dryRun(condition);
    expect(preview.total).toBe(1);
    expect(preview.items[0]?.accountId).toBe(routine);
    expect(preview.items[0]?.results[1]).toEqual({ type: 'autopilot', label: 'On autopilot', actual: 'on autopilot', ok: true });

    const created = await api('POST', '/api/rules', {
      name: unique('Autopilot'), condition, activation: 'now',
      actions: [{ type: 'create_task', title: 'Plant a seed: ask a crazy question', assignee: 'owner' }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const ruleId = (created.json() as { id: string }).id;
    await t.app.services.rules.evaluateDirty();
    const { rows: fired } = await t.database.query<{ account_id: string; matched: { results: { type: string; actual: unknown }[] } }>(
      'SELECT account_id, matched FROM rule_firings WHERE rule_id = $1', [ruleId]);
    expect(fired.map((f) => f.account_id)).toEqual([routine]);
    expect(fired[0]?.matched.results[1]).toMatchObject({ type: 'autopilot', actual: 'on autopilot' });
  });
});

describe('rule conditions on success plan status and seed stage', () => {
  it('dry run matches on the worst plan status and on seeds in a stage, with the actual values', async () => {
    const seg = unique('plan-seed');
    const slipping = await account(seg, 'slipping');
    const fine = await account(seg, 'fine');
    const none = await account(seg, 'none');
    await t.database.query(`INSERT INTO success_plans (account_id, title, status) VALUES ($1, 'Growth', 'on_track'), ($1, 'Adoption', 'off_track'), ($2, 'Growth', 'on_track')`, [slipping, fine]);
    await t.database.query(`INSERT INTO seeds (account_id, text, asked_at, last_moved_at, last_asked_at, stage) VALUES ($1, 'Crazy', now(), now(), now(), 'reacted')`, [fine]);

    const off = await dryRun(inSegment(seg, { type: 'plan_status', op: 'in', statuses: ['off_track', 'at_risk'] }));
    expect(off.items.map((i) => i.accountId)).toEqual([slipping]);
    expect(off.items[0]?.results[1]?.actual).toBe('off_track (worst of 2 plans)');
    const onTrack = await dryRun(inSegment(seg, { type: 'plan_status', op: 'in', statuses: ['on_track'] }));
    expect(onTrack.items.map((i) => i.accountId)).toEqual([fine]);
    expect(onTrack.items.map((i) => i.accountId)).not.toContain(none);

    const reacted = await dryRun(inSegment(seg, { type: 'seed_stage', stages: ['reacted', 'sprouted'] }));
    expect(reacted.items.map((i) => i.accountId)).toEqual([fine]);
    expect(reacted.items[0]?.results[1]).toMatchObject({ label: 'Has a seed reacted or sprouted', actual: 'reacted 1', ok: true });
  });

  it('a plan status change and a seed moving mark the account for the rules', async () => {
    const seg = unique('mark');
    const id = await account(seg, 'a');
    await t.database.query(`INSERT INTO success_plans (account_id, title, status) VALUES ($1, 'Growth', 'on_track')`, [id]);
    await t.database.query(`INSERT INTO seeds (account_id, text, asked_at, last_moved_at, last_asked_at) VALUES ($1, 'Crazy', now(), now(), now())`, [id]);
    const dirty = async () => (await t.database.query('SELECT 1 FROM rule_dirty WHERE account_id = $1', [id])).rows.length === 1;
    await t.database.query('DELETE FROM rule_dirty');
    await t.database.query(`UPDATE success_plans SET title = 'Renamed' WHERE account_id = $1`, [id]);
    expect(await dirty()).toBe(false); // not a status change
    await t.database.query(`UPDATE success_plans SET status = 'at_risk' WHERE account_id = $1`, [id]);
    expect(await dirty()).toBe(true);
    await t.database.query('DELETE FROM rule_dirty');
    await t.database.query(`UPDATE seeds SET stage = 'reacted' WHERE account_id = $1`, [id]);
    expect(await dirty()).toBe(true);
  });

  it('refuses an unknown status or stage with a field error', async () => {
    const res = await api('POST', '/api/rules/dry-run', { condition: { match: 'all', conditions: [{ type: 'plan_status', op: 'in', statuses: ['slipping'] }, { type: 'seed_stage', stages: [] }] } });
    expect(res.statusCode).toBe(400);
    const paths = (res.json() as { fields: { path: string }[] }).fields.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['condition.conditions.0.statuses.0', 'condition.conditions.1.stages']));
  });
});
