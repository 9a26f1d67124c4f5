// On a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL): any driver can be disabled,
// "as of" a past day for the driver preview and the account's health, silence after activity,
// account age from customer_since, and the impact's interval fields.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import { utcToday } from '../accounts/usage.js';
import { evaluate, measuredDrivers, type EngineDriver } from './engine.js';
import { measure } from './metrics.js';
import { measureDays } from './metrics-days.js';

let t: TestApp;
let manager: SignedIn;
let writeKey: string;
const today = utcToday();
const dayAgo = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
const at = (n: number) => new Date(Date.parse(`${today}T12:00:00Z`) - n * 86_400_000).toISOString();

beforeAll(async () => {
  t = await createTestApp();
  manager = await t.signIn('manager');
  writeKey = (await t.writeKey()).key;
}, 60_000);
afterAll(() => t?.close());

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: manager.headers, ...(payload ? { payload } : {}) });
async function account(days: number[], event = 'Report Created') {
  const g = unique('asof');
  const batch = [
    { type: 'group', userId: `${g}-u`, groupId: g, traits: { name: g, seats: 4, stage: 'adoption' } },
    ...days.map((n) => ({ type: 'track', userId: `${g}-u`, event, context: { groupId: g }, timestamp: at(n) })),
  ];
  const res = await t.app.inject({ method: 'POST', url: '/v1/batch', payload: { batch }, headers: { authorization: basic(writeKey) } });
  expect(res.statusCode, res.body).toBe(200);
  return (await t.database.query<{ id: string }>('SELECT id FROM accounts WHERE external_id = $1', [g])).rows[0]?.id ?? '';
}
const countDriver = { source: { type: 'event_metric', events: [], measure: 'count', windowDays: 7 }, scoring: { type: 'bands', direction: 'higher_is_better', thresholds: [{ value: 1, score: 100 }] }, stageWeights: { adoption: 1 } };
type Explanation = { asOf?: string; state: string; score: number | null; computedAt: string | null; drivers: { key: string; value: number | null; score: number | null }[] };

describe('disabling a driver', () => {
  it('any driver can be disabled, even one whose events were never received; enabling it again is checked', async () => {
    const list = (await api('GET', '/api/drivers')).json() as { items: { id: string; key: string; source: { events?: string[] } }[] };
    const activation = list.items.find((d) => d.key === 'activation');
    expect(activation).toBeDefined();
    const known = new Set(((await api('GET', '/api/drivers/catalog')).json() as { events: string[] }).events);
    expect((activation?.source.events ?? []).some((e) => !known.has(e))).toBe(true);
    const off = await api('PATCH', `/api/drivers/${activation?.id ?? ''}`, { enabled: false });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({ enabled: false });
    const on = await api('PATCH', `/api/drivers/${activation?.id ?? ''}`, { enabled: true });
    expect(on.statusCode).toBe(400);
    expect(on.body).toMatch(/has been received/);
  });
});

describe('"as of" a past day', () => {
  it('previews a driver as of a day, and refuses a future or malformed day with 400', async () => {
    const id = await account([30, 29, 28]);
    const ask = async (q: string) => api('POST', `/api/drivers/preview${q}`, countDriver);
    const now = (await ask('')).json() as { asOf: string; sample: { accountId: string; value: number | null }[] };
    expect(now.asOf).toBe(today);
    const then = (await ask(`?asOf=${dayAgo(27)}`)).json() as { asOf: string; sample: { accountId: string; value: number | null }[]; withValue: number };
    expect(then.asOf).toBe(dayAgo(27));
    const mine = (r: { sample: { accountId: string; value: number | null }[] }) => r.sample.find((s) => s.accountId === id)?.value;
    expect(mine(now)).toBe(0); // silent for the last 7 days after activity: 0
    expect(mine(then)).toBe(3);
    for (const bad of ['2999-01-01', 'yesterday', '2026-02-30', '']) expect((await ask(`?asOf=${encodeURIComponent(bad)}`)).statusCode, bad).toBe(400);
  });

  it('gives the account health as of a day with the back-fill’s scoring, and the stored one without', async () => {
    const id = await account([12, 11, 10]);
    const past = (await api('GET', `/api/accounts/${id}/health?asOf=${dayAgo(10)}`)).json() as Explanation;
    expect(past).toMatchObject({ asOf: dayAgo(10), state: 'scored', computedAt: null });
    const bySnapshot = await t.app.services.health.rebuildHistory([id], dayAgo(10));
    expect(bySnapshot.days).toBe(10);
    const { rows } = await t.database.query<{ score: number }>('SELECT score FROM health_snapshots WHERE account_id = $1 AND day = $2', [id, dayAgo(10)]);
    expect(past.score).toBe(rows[0]?.score);
    const before = (await api('GET', `/api/accounts/${id}/health?asOf=${dayAgo(40)}`)).json() as Explanation;
    expect(before).toMatchObject({ state: 'no_data', score: null });
    const current = (await api('GET', `/api/accounts/${id}/health`)).json() as Explanation;
    expect(current.asOf).toBeUndefined();
    expect(current.computedAt).not.toBeNull();
    expect((await api('GET', `/api/accounts/${id}/health?asOf=2999-01-01`)).statusCode).toBe(400);
  });
});

describe('silence after activity and account age', () => {
  it('scores a quiet account that sent usage before 0 on a count driver, not no data', async () => {
    const quiet = await account([60, 59]);
    const h = (await api('GET', `/api/accounts/${quiet}/health`)).json() as Explanation;
    const breadth = h.drivers.find((d) => d.key === 'feature_breadth');
    expect(breadth).toMatchObject({ value: 0 });
    const res = await api('POST', '/api/drivers/preview', countDriver);
    expect(res.statusCode).toBe(200);
  });

  it('counts account age from customer_since, then contract_start, then creation', async () => {
    const id = await account([1]);
    const ageDriver = { source: { type: 'account_field', field: 'account_age_days' }, scoring: { type: 'bands', direction: 'higher_is_better', thresholds: [{ value: 1, score: 100 }] }, stageWeights: { adoption: 1 } };
    const age = async () => {
      const d = { id: 'p', key: 'age', name: 'age', ...ageDriver } as EngineDriver;
      const [r] = evaluate([d], await measure(t.database, measuredDrivers([d]), { ids: [id] }, today), today);
      return r?.values.get('age')?.value;
    };
    await t.database.query('UPDATE accounts SET contract_start = $2, customer_since = NULL WHERE id = $1', [id, dayAgo(99)]);
    const a1 = await age();
    await t.database.query('UPDATE accounts SET customer_since = $2 WHERE id = $1', [id, dayAgo(199)]);
    const a2 = await age();
    expect(a1).toBe(100);
    expect(a2).toBe(200);
    const [days] = await measureDays(t.database, [], { ids: [id] }, dayAgo(1), dayAgo(1));
    expect(days?.measurements[0]?.facts.customerSince).toBe(dayAgo(199));
  });
});

describe('driver impact', () => {
  it('gives each AUC its interval and a chance flag', async () => {
    const res = await api('GET', '/api/drivers/impact?leadDays=7');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { health: { aucLow: number | null; aucHigh: number | null; chance: boolean }; drivers: { chance: boolean }[] };
    expect(body.health).toHaveProperty('aucLow');
    expect(body.health).toHaveProperty('aucHigh');
    expect(typeof body.health.chance).toBe('boolean');
    // Those that cannot be told from chance come after the ranked ones.
    const flags = body.drivers.map((d) => d.chance);
    expect(flags).toEqual([...flags].sort((a, b) => Number(a) - Number(b)));
  });
});
