import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';

let t: TestApp;
let manager: SignedIn;
let writeKey: string;
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

beforeAll(async () => {
  t = await createTestApp();
  manager = await t.signIn('manager');
  writeKey = (await t.writeKey()).key;
});
afterAll(() => t.close());

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, who: SignedIn = manager) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const send = (batch: object[]) => t.app.inject({ method: 'POST', url: '/v1/batch', payload: { batch }, headers: { authorization: basic(writeKey) } });

/** An account in `stage` with `seats`, whose users did `perDay` events on each of the given days ago. */
async function account(stage: string, seats: number, days: number[], perDay = 3, event = 'Logged In') {
  const g = unique('acct');
  await send([{ type: 'group', userId: `${g}-u0`, groupId: g, traits: { name: g, seats, stage } }]);
  const batch = days.flatMap((d) => Array.from({ length: perDay }, (_, i) => ({ type: 'track', userId: `${g}-u${i}`, event, context: { groupId: g }, timestamp: daysAgo(d) })));
  for (let i = 0; i < batch.length; i += 400) await send(batch.slice(i, i + 400));
  const { rows } = await t.database.query<{ id: string }>('SELECT id FROM accounts WHERE external_id = $1', [g]);
  return rows[0]?.id ?? '';
}
type Explanation = { score: number | null; band: string | null; state: string; computedAt: string | null; reason?: string; drivers: { key: string; value: number | null; score: number | null; weight: number; pointsLost: number; noData: boolean }[]; override: null | { score: number; reason: string } };
const health = async (id: string) => (await api('GET', `/api/accounts/${id}/health`)).json() as Explanation;

describe('explained health', () => {
  it('scores an account from the drivers of its stage and explains exactly where the points went', async () => {
    const id = await account('adoption', 10, [1, 2, 3, 5, 8, 10, 12, 15, 20, 25]);
    const h = await health(id);
    expect(h.state).toBe('scored');
    expect(h.score).toBeGreaterThanOrEqual(0);
    expect(h.drivers.reduce((a, d) => a + d.pointsLost, 0)).toBe(100 - (h.score ?? 0));
    expect(h.drivers.map((d) => d.key).sort()).toEqual(['activation', 'days_since_activity', 'executive_engagement', 'feature_breadth', 'seat_utilization', 'usage_trend']);
    const days = h.drivers.find((d) => d.key === 'days_since_activity');
    expect(days).toMatchObject({ value: 1, score: 100 });
    const seats = h.drivers.find((d) => d.key === 'seat_utilization');
    // 3 users on 10 of the last 28 days over 10 seats: 30/28/10 daily users per seat.
    expect(seats?.value).toBeCloseTo(30 / 28 / 10, 3);
  });

  it('has an explicit no-data state: new accounts, missing seats, churned stage', async () => {
    const fresh = (await api('POST', '/api/accounts', { name: unique('new'), stage: 'adoption' })).json() as { id: string };
    expect(await health(fresh.id)).toMatchObject({ state: 'no_data', score: null, band: null, reason: 'no_values' });
    const churned = await account('churned', 5, [1]);
    expect(await health(churned)).toMatchObject({ state: 'no_data', reason: 'no_drivers' });
    const noSeats = await account('adoption', 0, [1, 2]);
    expect((await health(noSeats)).drivers.find((d) => d.key === 'seat_utilization')).toMatchObject({ noData: true, value: null, weight: 0 });
  });

  it('updates the account an event arrives for, and leaves the others alone', async () => {
    const quiet = await account('renewal', 5, [40, 41, 42]);
    const other = await account('renewal', 5, [1, 2, 3]);
    const before = await health(quiet);
    const otherBefore = await health(other);
    expect(before.drivers.find((d) => d.key === 'days_since_activity')?.value).toBe(40);
    const g = (await t.database.query<{ external_id: string }>('SELECT external_id FROM accounts WHERE id = $1', [quiet])).rows[0]?.external_id;
    await send([{ type: 'track', userId: 'back', event: 'Logged In', context: { groupId: g } }]);
    const after = await health(quiet);
    expect(after.drivers.find((d) => d.key === 'days_since_activity')?.value).toBe(0);
    expect(after.score).toBeGreaterThan(before.score ?? 0);
    expect(Date.parse(after.computedAt ?? '')).toBeGreaterThan(Date.parse(before.computedAt ?? ''));
    expect((await health(other)).computedAt).toBe(otherBefore.computedAt);
    const changes = await t.database.query<{ from_score: number; to_score: number }>('SELECT from_score, to_score FROM health_changes WHERE account_id = $1 ORDER BY id DESC LIMIT 1', [quiet]);
    expect(changes.rows[0]).toEqual({ from_score: before.score, to_score: after.score });
  });

  it('rescores an account whose stage or seats a Segment group call changes, as an edit in the app does', async () => {
    const id = await account('adoption', 10, [1, 2, 3, 5, 8]);
    const before = await health(id);
    const g = (await t.database.query<{ external_id: string }>('SELECT external_id FROM accounts WHERE id = $1', [id])).rows[0]?.external_id;
    await send([{ type: 'group', userId: `${g}-u0`, groupId: g, traits: { seats: 1000 } }]);
    const fewerPerSeat = await health(id);
    expect(Date.parse(fewerPerSeat.computedAt ?? '')).toBeGreaterThan(Date.parse(before.computedAt ?? ''));
    expect(fewerPerSeat.drivers.find((d) => d.key === 'seat_utilization')?.value).toBeLessThan(before.drivers.find((d) => d.key === 'seat_utilization')?.value ?? 0);
    await send([{ type: 'group', userId: `${g}-u0`, groupId: g, traits: { stage: 'churned' } }]);
    expect(await health(id)).toMatchObject({ state: 'no_data', reason: 'no_drivers' });
  });

  it('shows an override beside the computed score until cleared', async () => {
    const id = await account('adoption', 5, [1, 2]);
    const computed = (await health(id)).score;
    const res = await api('POST', `/api/accounts/${id}/health/override`, { score: 15, reason: 'Champion left last week', expiresAt: daysAgo(-30) });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ score: computed, override: { score: 15, band: 'poor', reason: 'Champion left last week' } });
    expect((await api('POST', `/api/accounts/${id}/health/override`, { score: 15, reason: 'x', expiresAt: daysAgo(1) })).statusCode).toBe(400);
    expect((await api('DELETE', `/api/accounts/${id}/health/override`)).statusCode).toBe(204);
    expect((await health(id)).override).toBeNull();
  });

  it('keeps a daily history and shows health in the portfolio, sortable and filterable', async () => {
    const id = await account('adoption', 5, [1]);
    const hist = (await api('GET', `/api/accounts/${id}/health/history?days=90`)).json() as { items: { day: string; score: number }[] };
    expect(hist.items.at(-1)?.day).toBe(new Date().toISOString().slice(0, 10));
    await t.database.query(`INSERT INTO health_snapshots (account_id, day, score, band) VALUES ($1, current_date - 30, 99, 'good')`, [id]);
    const score = (await health(id)).score ?? 0;
    const dropped = (await api('GET', '/api/accounts?healthDropMin=1&limit=200')).json() as { items: { id: string; health: number; healthChange30d: number }[] };
    expect(dropped.items.find((i) => i.id === id)).toMatchObject({ health: score, healthChange30d: score - 99 });
    const sorted = (await api('GET', '/api/accounts?sort=-health&limit=200')).json() as { items: { health: number | null }[] };
    const scores = sorted.items.map((i) => i.health ?? -1);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const poor = (await api('GET', '/api/accounts?band=poor&limit=200')).json() as { items: { healthBand: string }[] };
    expect(poor.items.every((i) => i.healthBand === 'poor')).toBe(true);
  });
});

describe('drivers', () => {
  const base = { name: 'Exports per seat', source: { type: 'event_metric', events: ['Logged In'], measure: 'count', windowDays: 28, perSeat: true }, scoring: { type: 'bands', direction: 'higher_is_better', thresholds: [{ value: 2, score: 100 }, { value: 1, score: 50 }] }, stageWeights: { adoption: 10 } };

  it('rejects bad definitions with field-level errors', async () => {
    const bad = await api('POST', '/api/drivers', { ...base, key: 'bad', source: { ...base.source, events: ['Never Sent'] }, stageWeights: {} });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { code: string; fields: { path: string }[] }).fields.map((f) => f.path).sort()).toEqual(['source.events.0', 'stageWeights']);
    const cyc = await api('POST', '/api/drivers', { ...base, key: 'loop', source: { type: 'formula', expression: 'loop + 1' } });
    expect(cyc.json()).toMatchObject({ code: 'driver.invalid', fields: [{ path: 'source.expression' }] });
  });

  it('lets only managers and admins edit, everyone read', async () => {
    const csm = await t.signIn('csm');
    expect((await api('POST', '/api/drivers', { ...base, key: 'nope' }, csm)).statusCode).toBe(403);
    expect((await api('GET', '/api/drivers', undefined, csm)).statusCode).toBe(200);
    const viewer = await t.signIn('viewer');
    const id = await account('adoption', 5, [1]);
    expect((await api('GET', `/api/accounts/${id}/health`, undefined, viewer)).statusCode).toBe(200);
  });

  it('previews a definition over the book, then recomputes the accounts of its stages when saved', async () => {
    const id = await account('adoption', 4, [1, 2, 3, 4], 4);
    const preview = (await api('POST', '/api/drivers/preview', base)).json() as { accounts: number; withValue: number; bands: Record<string, number>; scores: { score: number; count: number }[] };
    expect(preview.accounts).toBeGreaterThan(0);
    expect(preview.scores.map((s) => s.score)).toEqual([100, 50, 0]);
    expect(preview.scores.reduce((a, s) => a + s.count, 0)).toBe(preview.withValue);
    const before = await health(id);
    const created = await api('POST', '/api/drivers', { ...base, key: 'logins_per_seat', stageWeights: { adoption: 200 } });
    expect(created.statusCode).toBe(201);
    const after = await health(id);
    expect(after.drivers.find((d) => d.key === 'logins_per_seat')).toMatchObject({ value: 4, score: 100 });
    expect(after.computedAt).not.toBe(before.computedAt);
    const d = created.json() as { id: string };
    expect((await api('PATCH', `/api/drivers/${d.id}`, { stageWeights: { renewal: 10 } })).statusCode).toBe(200);
    expect((await health(id)).drivers.some((x) => x.key === 'logins_per_seat')).toBe(false);
  });

  it('recomputes the whole book on demand with progress', async () => {
    const res = await api('POST', '/api/health/recompute');
    expect(res.statusCode).toBe(202);
    const run = (await api('GET', `/api/health/runs/${(res.json() as { runId: string }).runId}`)).json() as { status: string; total: number; done: number };
    const accounts = (await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts')).rows[0]?.n;
    expect(run).toMatchObject({ status: 'done', total: accounts, done: accounts });
  });
});

describe('driver impact', () => {
  it('finds the driver that separated retained from lost accounts before their outcomes', async () => {
    const outcomeDay = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    // 28 days before the outcome (38 days ago) retained accounts were busy, lost ones barely there.
    for (let i = 0; i < 4; i++) {
      const kept = await account('adoption', 5, [38, 39, 40, 41, 42, 43], 4, 'Report Created');
      const lost = await account('adoption', 5, [60], 1, 'Report Created');
      expect((await api('POST', '/api/outcomes', { accountId: kept, kind: i % 2 ? 'renewed' : 'expanded', occurredOn: outcomeDay })).statusCode).toBe(201);
      expect((await api('POST', '/api/outcomes', { accountId: lost, kind: i % 2 ? 'churned' : 'downgraded', occurredOn: outcomeDay })).statusCode).toBe(201);
    }
    const impact = (await api('GET', '/api/drivers/impact?leadDays=28')).json() as { retained: number; lost: number; health: { auc: number }; drivers: { key: string; auc: number | null; n: number; warning: string | null }[] };
    expect(impact).toMatchObject({ retained: 4, lost: 4 });
    expect(impact.drivers.find((d) => d.key === 'days_since_activity')).toMatchObject({ auc: 1, n: 8 });
    expect(impact.drivers.find((d) => d.key === 'days_since_activity')?.warning).toMatch(/Only 4/);
    expect(impact.health.auc).toBe(1);
  });

  it('imports outcomes by external id, all or nothing', async () => {
    const id = await account('renewal', 5, [3]);
    const ext = (await t.database.query<{ external_id: string }>('SELECT external_id FROM accounts WHERE id = $1', [id])).rows[0]?.external_id;
    const bad = await api('POST', '/api/outcomes/import', { items: [{ accountExternalId: ext, kind: 'renewed', occurredOn: '2026-01-05' }, { accountExternalId: 'nope', kind: 'churned', occurredOn: '2026-01-05' }] });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { fields: { path: string }[] }).fields[0]?.path).toBe('items.1.accountExternalId');
    expect(((await api('GET', `/api/outcomes?accountId=${id}`)).json() as { items: unknown[] }).items).toHaveLength(0);
    const ok = await api('POST', '/api/outcomes/import', { items: [{ accountExternalId: ext, kind: 'renewed', occurredOn: '2026-01-05' }, { accountId: id, kind: 'renewed', occurredOn: '2026-01-05' }] });
    expect(ok.json()).toEqual({ created: 1, skipped: 1 });
  });
});
