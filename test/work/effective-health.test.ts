import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import { loadSignals } from '../../src/tasks/signals.js';
import { createTestApp, unique, type SignedIn, type TestApp } from '../support/app.js';

/**
 * Issue 9 §4, one set of numbers: a valid override is the effective health that the portfolio,
 * the dashboard, rules and the call advice read; when it expires or is cleared the computed
 * score counts again. The book's figures are the same from every endpoint.
 */
let t: TestApp;
let manager: SignedIn;

const api = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: manager.headers, ...(payload ? { payload } : {}) });

/** An account whose computed health is `score` (written as the health job would). */
async function scored(segment: string, score: number, opts: { arr?: number; stage?: 'adoption' | 'churned' } = {}) {
  const a = await t.app.services.accounts.create({ name: unique('Acme'), arr: opts.arr ?? 10_000, segment, stage: opts.stage ?? 'adoption' }, SYSTEM_ACTOR);
  const band = score >= 70 ? 'good' : score >= 40 ? 'watch' : 'poor';
  await t.database.query(
    `INSERT INTO account_health (account_id, score, band, state, stage, drivers) VALUES ($1, $2, $3, 'scored', $4, '{"items":[]}')
     ON CONFLICT (account_id) DO UPDATE SET score = EXCLUDED.score, band = EXCLUDED.band`,
    [a.id, score, band, opts.stage ?? 'adoption'],
  );
  return a.id;
}
const inFuture = () => new Date(Date.now() + 7 * 86_400_000).toISOString();
const override = async (id: string, score: number) => {
  const res = await api('POST', `/api/accounts/${id}/health/override`, { score, reason: 'Exec call went well', expiresAt: inFuture() });
  expect(res.statusCode, res.body).toBe(201);
};
const dryRun = async (condition: object) => {
  const res = await api('POST', '/api/rules/dry-run', { condition });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { total: number; evaluated: number; evaluatedActive: number; evaluatedChurned: number; items: { accountId: string; results: { actual: unknown }[] }[] };
};
const poorIn = (segment: string) => ({ match: 'all', conditions: [{ type: 'segment', op: 'in', values: [segment] }, { type: 'health_band', op: 'in', bands: ['poor'] }] });
const dirty = async (id: string) => (await t.database.query('SELECT 1 FROM rule_dirty WHERE account_id = $1', [id])).rows.length === 1;

beforeAll(async () => {
  t = await createTestApp();
  manager = await t.signIn('manager');
});
afterAll(() => t?.close());

describe('effective health in rules', () => {
  it('an account computed poor with a valid override good does not match band poor; cleared, it does', async () => {
    const seg = unique('seg');
    const id = await scored(seg, 20);
    expect((await dryRun(poorIn(seg))).total).toBe(1);

    await t.database.query('DELETE FROM rule_dirty');
    await override(id, 85);
    expect(await dirty(id)).toBe(true); // setting an override marks the account for rule evaluation
    expect((await dryRun(poorIn(seg))).total).toBe(0);
    expect((await dryRun({ match: 'all', conditions: [{ type: 'segment', op: 'in', values: [seg] }, { type: 'health_score', op: 'lt', value: 40 }] })).total).toBe(0);
    const good = await dryRun({ match: 'all', conditions: [{ type: 'segment', op: 'in', values: [seg] }, { type: 'health_band', op: 'in', bands: ['good'] }] });
    expect(good.total).toBe(1);
    expect(good.items[0]?.results[1]?.actual).toBe('good (override; computed 20)');

    // A saved rule does not fire while the override holds, and fires once it is cleared.
    const created = await api('POST', '/api/rules', { name: unique('Poor'), condition: poorIn(seg), actions: [{ type: 'create_task', title: 'Look', assignee: 'owner' }], activation: 'now' });
    expect(created.statusCode, created.body).toBe(201);
    const ruleId = (created.json() as { id: string }).id;
    await t.app.services.rules.sweep();
    const fired = async () => (await t.database.query('SELECT 1 FROM rule_firings WHERE rule_id = $1 AND account_id = $2', [ruleId, id])).rows.length;
    expect(await fired()).toBe(0);

    await t.database.query('DELETE FROM rule_dirty');
    expect((await api('DELETE', `/api/accounts/${id}/health/override`)).statusCode).toBe(204);
    expect(await dirty(id)).toBe(true); // clearing marks it too
    expect((await dryRun(poorIn(seg))).total).toBe(1);
    await t.app.services.rules.evaluateDirty();
    expect(await fired()).toBe(1);
  });

  it('an expired override no longer counts', async () => {
    const seg = unique('seg');
    const id = await scored(seg, 25);
    await override(id, 90);
    expect((await dryRun(poorIn(seg))).total).toBe(0);
    await t.database.query(`UPDATE health_overrides SET expires_at = now() - interval '1 second' WHERE account_id = $1`, [id]);
    expect((await dryRun(poorIn(seg))).total).toBe(1);
  });

  it('a score drop is measured from the computed history to the effective score now', async () => {
    const seg = unique('seg');
    const id = await scored(seg, 30);
    await t.database.query(`INSERT INTO health_changes (account_id, at, from_score, to_score, from_band, to_band, cause) VALUES ($1, now() - interval '3 days', 80, 30, 'good', 'poor', 'test')`, [id]);
    const drop = { match: 'all', conditions: [{ type: 'segment', op: 'in', values: [seg] }, { type: 'health_score_change', direction: 'drop', points: 30, withinDays: 7 }] };
    const moved = { match: 'all', conditions: [{ type: 'segment', op: 'in', values: [seg] }, { type: 'health_band_changed', to: ['poor'], withinDays: 7 }] };
    expect((await dryRun(drop)).total).toBe(1);
    expect((await dryRun(moved)).total).toBe(1);
    await override(id, 75);
    expect((await dryRun(drop)).total).toBe(0); // 80 → 75 effective
    expect((await dryRun(moved)).total).toBe(0); // effective band is good now
  });

  it('call advice: an override good removes the poor-health signal and the computed drops', async () => {
    const seg = unique('seg');
    const id = await scored(seg, 15);
    await t.database.query(`INSERT INTO health_changes (account_id, at, from_score, to_score, from_band, to_band, cause) VALUES ($1, now() - interval '2 days', 70, 15, 'good', 'poor', 'test')`, [id]);
    const kinds = async () => (await loadSignals(t.database, [id], new Date())).get(id)?.map((s) => s.kind).sort() ?? [];
    expect(await kinds()).toEqual(['health_drop', 'poor_health']);
    await override(id, 80);
    expect(await kinds()).toEqual([]);
  });

  it('the inbox shows a task\'s account with its effective health', async () => {
    const id = await scored(unique('seg'), 15);
    const task = await api('POST', '/api/tasks', { accountId: id, title: 'Check in' });
    expect(task.statusCode, task.body).toBe(201);
    const shown = async () => ((await api('GET', `/api/tasks/${(task.json() as { id: string }).id}`)).json() as { account: { healthScore: number | null } }).account.healthScore;
    expect(await shown()).toBe(15);
    await override(id, 80);
    expect(await shown()).toBe(80);
  });
});

describe('effective health in the portfolio and the dashboard', () => {
  it('shows the override with the computed score beside it, and filters and sorts by it', async () => {
    const seg = unique('seg');
    const id = await scored(seg, 20);
    const other = await scored(seg, 60);
    await override(id, 85);
    const list = (await api('GET', `/api/accounts?segment=${seg}&sort=-health`)).json() as { items: { id: string; health: number; healthBand: string; healthSource: string; computedHealth: number }[] };
    expect(list.items.map((i) => i.id)).toEqual([id, other]);
    expect(list.items[0]).toMatchObject({ health: 85, healthBand: 'good', healthSource: 'override', computedHealth: 20 });
    expect(list.items[1]).toMatchObject({ health: 60, healthBand: 'watch', healthSource: 'computed', computedHealth: 60 });
    expect(((await api('GET', `/api/accounts?segment=${seg}&band=poor`)).json() as { total: number }).total).toBe(0);
    expect(((await api('GET', `/api/accounts?segment=${seg}&band=good`)).json() as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([id]);
    expect(((await api('GET', `/api/accounts?segment=${seg}&healthMax=40`)).json() as { total: number }).total).toBe(0);

    const summary = (await api('GET', '/api/health/summary')).json() as { book: { overridden: number }; bands: { band: string; overridden: number }[] };
    expect(summary.book.overridden).toBeGreaterThanOrEqual(1);
    expect(summary.bands.find((b) => b.band === 'good')?.overridden).toBeGreaterThanOrEqual(1);
  });
});

describe('one set of numbers', () => {
  it('the portfolio header, the health dashboard and a rule dry run count the same book', async () => {
    const seg = unique('seg');
    await scored(seg, 80, { arr: 100_000 });
    await scored(seg, 30, { arr: 50_000 });
    await scored(seg, 0, { arr: 7_000, stage: 'churned' });
    const list = (await api('GET', '/api/accounts?limit=1')).json() as { total: number; active: number; activeArr: number; churnedArr: number; totalArr: number };
    const summary = (await api('GET', '/api/health/summary')).json() as { book: { accounts: number; active: number; churned: number; activeArr: number; churnedArr: number }; bands: { accounts: number; arr: number }[] };
    const run = await dryRun({ match: 'all', conditions: [{ type: 'arr', op: 'gte', value: 0 }] });
    const { rows } = await t.database.query<{ n: number; active: number; churned_arr: number }>(
      `SELECT count(*)::int AS n, (count(*) FILTER (WHERE stage <> 'churned'))::int AS active, coalesce(sum(arr) FILTER (WHERE stage = 'churned'), 0)::float8 AS churned_arr FROM accounts`,
    );
    const truth = rows[0];
    expect(truth?.n).toBeGreaterThan(truth?.active ?? 0);
    expect(summary.book).toMatchObject({ accounts: truth?.n, active: truth?.active, churned: (truth?.n ?? 0) - (truth?.active ?? 0), churnedArr: truth?.churned_arr });
    expect(list).toMatchObject({ total: summary.book.accounts, active: summary.book.active, activeArr: summary.book.activeArr, churnedArr: summary.book.churnedArr });
    expect(list.totalArr).toBe(list.activeArr + list.churnedArr);
    expect(run).toMatchObject({ evaluated: summary.book.accounts, evaluatedActive: summary.book.active, evaluatedChurned: summary.book.churned });
    // The dashboard's bands are the active book.
    expect(summary.bands.reduce((n, b) => n + b.accounts, 0)).toBe(summary.book.active);
    expect(summary.bands.reduce((n, b) => n + b.arr, 0)).toBeCloseTo(summary.book.activeArr, 2);
  });
});
