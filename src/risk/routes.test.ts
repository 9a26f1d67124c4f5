import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import { loadDefinitions, raiseSignal, signalsAsOf } from './signals/index.js';
import { weightedAverageRisk } from './model.js';
import { toModel } from './evaluate.js';

let t: TestApp;
let manager: SignedIn;
let csm: SignedIn;

beforeAll(async () => {
  t = await createTestApp();
  manager = await t.signIn('manager');
  csm = await t.signIn('csm');
});
afterAll(() => t?.close());

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, who: SignedIn = manager) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

async function account(opts: { arr?: number; stage?: string; renewalInDays?: number } = {}) {
  const { rows } = await t.database.query<{ id: string }>(
    `INSERT INTO accounts (name, arr, stage, renewal_date) VALUES ($1, $2, $3, current_date + $4::int) RETURNING id`,
    [unique('Risk Co'), opts.arr ?? 10000, opts.stage ?? 'adoption', opts.renewalInDays ?? 200]);
  return rows[0]?.id ?? '';
}
const raise = (accountId: string, kind: string, strength: number, at?: Date) =>
  t.database.transaction((tx) => raiseSignal(tx, { accountId, kind, strength, note: `test ${kind}`, source: 'manual', by: null, ...(at ? { at } : {}) }));

type Risk = { score: number; level: string; probability: number; computedAt: string | null; signals: { id: string; kind: string; family: string; contribution: number }[]; judgment: null | { level: string; note: string }; canEdit: boolean; model: { kind: string } };
const riskOf = async (id: string, who: SignedIn = manager) => {
  const res = await api('GET', `/api/accounts/${id}/risk`, undefined, who);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Risk;
};

describe('risk refresh', () => {
  it('follows a health refresh: risk is never older than health', async () => {
    const id = await account();
    await t.database.query(`INSERT INTO health_dirty (account_id, cause) VALUES ($1, 'test') ON CONFLICT DO NOTHING`, [id]);
    await t.app.services.health.refreshDirty();
    const { rows } = await t.database.query<{ risk: Date; health: Date }>(
      'SELECT r.computed_at AS risk, h.computed_at AS health FROM account_risk r JOIN account_health h USING (account_id) WHERE account_id = $1', [id]);
    expect(rows).toHaveLength(1);
    expect(new Date(rows[0]?.risk ?? 0).getTime()).toBeGreaterThanOrEqual(new Date(rows[0]?.health ?? 0).getTime());
    const r = await riskOf(id);
    expect(r).toMatchObject({ score: 0, level: 'low', signals: [], model: { kind: 'default' } });
  });

  it('moves the score as soon as a signal is raised or resolved by hand (no wait for the scheduled refresh)', async () => {
    const id = await account();
    await t.app.services.risk.refreshDirty();
    expect((await riskOf(id)).score).toBe(0);
    const raised = await api('POST', '/api/risk-signals', { accountId: id, kind: 'manual', strength: 0.5, note: 'Budget freeze announced' });
    expect(raised.statusCode, raised.body).toBe(201);
    const up = await riskOf(id);
    expect(up.score).toBeGreaterThan(0);
    expect(up.signals.map((s) => s.id)).toEqual([(raised.json() as { id: string }).id]);
    const ended = await api('PATCH', `/api/risk-signals/${(raised.json() as { id: string }).id}`, { ended: true, note: 'Budget restored' });
    expect(ended.statusCode, ended.body).toBe(200);
    // A resolved signal fades from its end (half-life), so the score barely moves yet: the risk is recomputed now.
    const after = await riskOf(id);
    expect(new Date(after.computedAt ?? 0).getTime()).toBeGreaterThan(new Date(up.computedAt ?? 0).getTime());
    expect(after.score).toBeLessThanOrEqual(up.score);
  });

  it('orders three small signals of three families above one signal that the weighted average ranks higher', async () => {
    const three = await account({ arr: 50000 });
    const one = await account({ arr: 50000 });
    await raise(three, 'no_exec_touch', 0.3); // relationship
    await raise(three, 'autopilot', 0.3); // engagement
    await raise(three, 'low_csat', 0.3); // sentiment
    await raise(one, 'champion_left', 0.6); // relationship, a heavy indicator
    await t.app.services.risk.refreshDirty();
    const [a, b] = [await riskOf(three), await riskOf(one)];
    expect(a.score).toBe(66);
    expect(a.level).toBe('high');
    expect(b.score).toBe(60);
    for (const r of [a, b]) expect(r.signals.reduce((s, x) => s + x.contribution, 0)).toBe(r.score);
    expect(new Set(a.signals.map((s) => s.family))).toEqual(new Set(['relationship', 'engagement', 'sentiment']));

    // The rival on the same stored signals ranks them the other way round.
    const now = new Date();
    const defs = (await loadDefinitions(t.database)).filter((d) => d.enabled);
    const asOf = await signalsAsOf(t.database, [three, one], now);
    const wa = (id: string) => weightedAverageRisk(toModel(asOf.get(id) ?? [], now, new Map()), defs);
    expect(wa(one)).toBeGreaterThan(wa(three));

    const radar = await api('GET', '/api/risk/radar?limit=200');
    expect(radar.statusCode, radar.body).toBe(200);
    const items = (radar.json() as { items: { account: { id: string }; score: number; arrAtRisk: number; topSignals: unknown[]; acted: boolean }[] }).items;
    const ia = items.findIndex((i) => i.account.id === three);
    const ib = items.findIndex((i) => i.account.id === one);
    expect(ia).toBeGreaterThanOrEqual(0);
    expect(ia).toBeLessThan(ib);
    expect(items[ia]).toMatchObject({ arrAtRisk: Math.round(50000 * a.probability * 100) / 100, acted: false });
    expect(items[ia]?.topSignals).toHaveLength(3);
    const scores = items.map((i) => i.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
  });

  it('keyset pages through the radar without gaps or repeats, and filters by level and acted', async () => {
    for (let i = 0; i < 4; i++) await raise(await account(), 'usage_drop', 0.1 + i * 0.05);
    await t.app.services.risk.refreshDirty();
    const all = (await api('GET', '/api/risk/radar?limit=200')).json() as { items: { account: { id: string }; level: string }[]; total: number };
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await api('GET', `/api/risk/radar?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const page = res.json() as { items: { account: { id: string } }[]; nextCursor: string | null };
      seen.push(...page.items.map((i) => i.account.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((i) => i.account.id));
    expect(all.total).toBe(all.items.length);
    const high = (await api('GET', '/api/risk/radar?level=high')).json() as { items: { level: string }[] };
    expect(high.items.length).toBeGreaterThan(0);
    expect(high.items.every((i) => i.level === 'high')).toBe(true);
    const acted = (await api('GET', '/api/risk/radar?acted=true')).json() as { items: unknown[] };
    expect(acted.items).toHaveLength(0);
  });

  it('acted counts only a person: automatic tasks do not, an authored activity or a user task after the signal does', async () => {
    const id = await account();
    await raise(id, 'usage_drop', 0.4, new Date(Date.now() - 86_400_000));
    await t.app.services.risk.refreshDirty();
    const actedOf = async () => ((await api('GET', '/api/risk/radar?limit=200')).json() as { items: { account: { id: string }; acted: boolean; lastActionAt: string | null }[] }).items.find((i) => i.account.id === id);
    await t.database.query(`INSERT INTO tasks (account_id, title, source) VALUES ($1, 'Critical date soon', 'manual'), ($1, 'Rule fired', 'rule')`, [id]);
    await t.database.query(`INSERT INTO tasks (account_id, title, source, created_by) VALUES ($1, 'Recommended', 'recommendation', $2)`, [id, manager.userId]);
    await t.database.query(`INSERT INTO activities (account_id, kind, occurred_at, subject, proactive, proactive_source) VALUES ($1, 'note', now(), 'Synced', false, 'inferred')`, [id]);
    expect(await actedOf()).toMatchObject({ acted: false, lastActionAt: null });
    await t.database.query(`INSERT INTO activities (account_id, kind, occurred_at, subject, proactive, proactive_source, author_id) VALUES ($1, 'call', now() - interval '2 days', 'Before the signal', true, 'manual', $2)`, [id, manager.userId]);
    expect(await actedOf()).toMatchObject({ acted: false });
    await t.database.query(`INSERT INTO tasks (account_id, title, source, created_by) VALUES ($1, 'Call the sponsor', 'manual', $2)`, [id, csm.userId]);
    const after = await actedOf();
    expect(after?.acted).toBe(true);
    expect(after?.lastActionAt).not.toBeNull();
  });

  it('a level move is recorded in risk_changes, and a signal decays out of the risk over time', async () => {
    const id = await account();
    await t.app.services.risk.refreshAll();
    const started = new Date(Date.now() - 400 * 86_400_000);
    const s = await raise(id, 'manual', 0.5, started);
    await t.database.query('UPDATE risk_signals SET ended_at = $2 WHERE id = $1', [s.id, new Date(started.getTime() + 86_400_000)]);
    await t.app.services.risk.refreshDirty();
    expect((await riskOf(id)).score).toBe(0);
    const fresh = await raise(id, 'manual', 0.5);
    await t.app.services.risk.refreshDirty();
    expect((await riskOf(id)).level).toBe('high');
    const hist = (await api('GET', `/api/accounts/${id}/risk/history?days=30`)).json() as { changes: { fromLevel: string | null; toLevel: string }[]; signals: { id: string }[] };
    expect(hist.changes[0]).toMatchObject({ fromLevel: 'low', toLevel: 'high' });
    expect(hist.signals.map((x) => x.id)).toContain(fresh.id);
  });
});

describe('portfolio', () => {
  it('lists risk score and level, filters by riskLevel and sorts by risk (keyset)', async () => {
    const id = await account();
    await raise(id, 'manual', 0.8);
    await t.app.services.risk.refreshDirty();
    const res = await api('GET', '/api/accounts?riskLevel=critical&sort=-risk&limit=200');
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as { items: { id: string; riskScore: number | null; riskLevel: string | null }[] };
    expect(page.items.find((i) => i.id === id)).toMatchObject({ riskScore: 80, riskLevel: 'critical' });
    expect(page.items.every((i) => i.riskLevel === 'critical')).toBe(true);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await api('GET', `/api/accounts?sort=-risk&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.statusCode, r.body).toBe(200);
      const p = r.json() as { items: { id: string; riskScore: number | null }[]; nextCursor: string | null };
      seen.push(...p.items.map((i) => `${i.riskScore ?? -1}:${i.id}`));
      cursor = p.nextCursor;
    } while (cursor);
    const scores = seen.map((x) => Number(x.split(':')[0]));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new Set(seen).size).toBe(seen.length);
    expect((await api('GET', '/api/accounts?riskLevel=severe')).statusCode).toBe(400);
  });
});

describe('judgment', () => {
  it('is recorded beside the model, never mixed into it; only those who may edit the account record it', async () => {
    const id = await account();
    await raise(id, 'usage_drop', 0.2);
    await t.app.services.risk.refreshDirty();
    const before = await riskOf(id);
    expect((await api('POST', `/api/accounts/${id}/risk/judgment`, { level: 'high', note: 'They are shopping around' }, csm)).statusCode).toBe(403);
    const res = await api('POST', `/api/accounts/${id}/risk/judgment`, { level: 'high', note: 'They are shopping around' });
    expect(res.statusCode, res.body).toBe(201);
    const after = await riskOf(id);
    expect(after.judgment).toMatchObject({ level: 'high', note: 'They are shopping around' });
    expect(after.score).toBe(before.score);
    expect((await riskOf(id, csm)).canEdit).toBe(false);
    expect((await api('POST', `/api/accounts/${id}/risk/judgment`, { level: 'critical', note: 'x' })).statusCode).toBe(400);
    expect((await api('POST', `/api/accounts/${id}/risk/judgment`, { level: 'low', note: '' })).statusCode).toBe(400);
  });
});

describe('evaluation and calibration', () => {
  it('scores each outcome as of leadDays before it, for compound risk, the weighted average and health', async () => {
    const day = (n: number) => new Date(Date.now() - n * 86_400_000);
    const lost: string[] = [];
    const kept: string[] = [];
    for (let i = 0; i < 3; i++) {
      const l = await account({ stage: 'churned' });
      await raise(l, 'usage_drop', 0.3, day(200));
      await raise(l, 'low_csat', 0.3, day(200));
      lost.push(l);
      const k = await account();
      if (i === 0) await raise(k, 'usage_drop', 0.2, day(200));
      kept.push(k);
    }
    for (const id of lost) await t.database.query(`INSERT INTO outcomes (account_id, kind, occurred_on) VALUES ($1, 'churned', current_date - 30)`, [id]);
    for (const id of kept) await t.database.query(`INSERT INTO outcomes (account_id, kind, occurred_on) VALUES ($1, 'renewed', current_date - 30)`, [id]);
    const res = await api('GET', '/api/risk/evaluation?leadDays=90');
    expect(res.statusCode, res.body).toBe(200);
    const e = res.json() as { n: number; losses: number; retained: number; compound: { auc: number; low: number; high: number }; weightedAverage: { auc: number }; health: { auc: number | null; n: number }; verdict: string };
    expect(e).toMatchObject({ n: 6, losses: 3, retained: 3, compound: { auc: 1 }, weightedAverage: { auc: 1 }, health: { auc: null, n: 0 } });
    expect(e.verdict).toMatch(/^Compound risk tied with the weighted average/);
    expect((await api('GET', '/api/risk/evaluation?leadDays=-1')).statusCode).toBe(400);
  });

  it('few outcomes fall back to the defaults, with n shown', async () => {
    const c = await t.app.services.risk.calibrate();
    expect(c.outcomes).toBeLessThan(30);
    expect(c.kinds.every((k) => k.calibrated === null)).toBe(true);
    const res = await api('GET', '/api/risk/calibration');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { minOutcomes: number; outcomes: number; kinds: { kind: string; default: number; calibrated: number | null; accountsWith: number; lossesWith: number }[] };
    expect(body.minOutcomes).toBe(30);
    const rates = (res.json() as { baseRate: { outcomes: number | null; book: number | null } }).baseRate;
    expect(rates.outcomes).toBe(0.5);
    expect(rates.book).toBeGreaterThan(0);
    expect(rates.book).toBeLessThan(0.5);
    expect(body.kinds.find((k) => k.kind === 'usage_drop')).toMatchObject({ default: 0.2, calibrated: null, accountsWith: 4, lossesWith: 3 });
  });

  it('the summary counts active accounts per level', async () => {
    const res = await api('GET', '/api/risk/summary');
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json() as { levels: { level: string; accounts: number }[]; arrAtRisk: number };
    expect(s.levels.map((l) => l.level)).toEqual(['critical', 'high', 'medium', 'low']);
    expect(s.arrAtRisk).toBeGreaterThan(0);
  });

  it('refuses hostile input with a 400 or a 404', async () => {
    for (const url of ['/api/risk/radar?cursor=%00', '/api/risk/radar?cursor=WyJ4IiwieSJd', '/api/risk/radar?level=severe', '/api/risk/radar?limit=1e308',
      '/api/risk/radar?acted=maybe', '/api/risk/radar?ownerId=me', '/api/accounts/not-a-uuid/risk', '/api/risk/evaluation?leadDays=1e308']) {
      expect((await api('GET', url)).statusCode, url).toBe(400);
    }
    expect((await api('GET', '/api/accounts/00000000-0000-0000-0000-000000000000/risk')).statusCode).toBe(404);
  });
});
