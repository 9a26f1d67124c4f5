import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type SignedIn, type TestApp } from '../../test/support/app.js';
import { DEFINITIONS } from './retention.js';

/**
 * The analytics API on a real database: a small book whose ARR history comes from the account
 * trigger (accounts without subscriptions), recorded outcomes and subscriptions, worked out by hand.
 */
let t: TestApp;
let viewer: SignedIn;
let admin: SignedIn;
const ids: Record<string, string> = {};

const account = async (name: string, arr: number, customerSince: string) => {
  const { rows } = await t.database.query<{ id: string }>(`INSERT INTO accounts (name, arr, customer_since) VALUES ($1, $2, $3::date) RETURNING id`, [name, arr, customerSince]);
  ids[name] = rows[0]?.id ?? '';
  return ids[name];
};
const outcome = (accountId: string, kind: string, on: string, before: number | null, after: number | null) =>
  t.database.query('INSERT INTO outcomes (account_id, kind, occurred_on, arr_before, arr_after) VALUES ($1, $2, $3::date, $4, $5)', [accountId, kind, on, before, after]);

beforeAll(async () => {
  t = await createTestApp();
  viewer = await t.signIn('viewer');
  admin = await t.signIn('admin');
  await outcome(await account('a', 1000, '2024-01-01'), 'churned', '2025-02-10', 1000, 0);
  await outcome(await account('b', 800, '2024-01-01'), 'downgraded', '2025-03-01', 800, 600);
  const c = await account('c', 0, '2024-01-01');
  for (const body of [
    { accountId: c, plan: 'Core', arr: 1200, seats: 10, startsOn: '2024-01-01', endsOn: '2025-01-20' },
    { accountId: c, plan: 'Pro', arr: 1500, seats: 12, startsOn: '2025-01-20', endsOn: null },
  ]) {
    const res = await t.app.inject({ method: 'POST', url: '/api/subscriptions', headers: admin.headers, payload: body });
    if (res.statusCode !== 201) throw new Error(res.body);
  }
  await account('d', 400, '2024-01-01');
  await account('e', 900, '2025-02-01');
});
afterAll(() => t?.close());

type Period = Record<string, unknown>;

describe('GET /api/analytics/retention', () => {
  it('computes ARR movements, GRR, NRR and logo retention per quarter from the ARR history', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/analytics/retention?period=quarter&from=2025-01-01&to=2025-07-01', headers: viewer.headers });
    expect(res.statusCode, res.body).toBe(200);
    // Q1: start a 1000 + b 800 + c 1200 + d 400 = 3400; a churns (1000), b −200, c +300 (Core → Pro on 01-20), e new 900.
    expect(res.json()).toEqual([
      { period: '2025-Q1', start: '2025-01-01', end: '2025-04-01', status: 'complete', startArr: 3400, endArr: 3400, newArr: 900, expansion: 300, contraction: 200, churned: 1000,
        grr: 0.6471, nrr: 0.7353, logoRetention: 0.75, n: 4 },
      { period: '2025-Q2', start: '2025-04-01', end: '2025-07-01', status: 'complete', startArr: 3400, endArr: 3400, newArr: 0, expansion: 0, contraction: 0, churned: 0,
        grr: 1, nrr: 1, logoRetention: 1, n: 4 },
    ]);
  });

  it('groups by month; a period before any ARR has no rates; the default is the last four quarters and this one', async () => {
    const months = (await t.app.inject({ method: 'GET', url: '/api/analytics/retention?period=month&from=2025-02-01&to=2025-03-01', headers: viewer.headers })).json() as Period[];
    expect(months).toEqual([expect.objectContaining({ period: '2025-02', churned: 1000, newArr: 900, contraction: 0, expansion: 0 })]);
    const empty = (await t.app.inject({ method: 'GET', url: '/api/analytics/retention?period=quarter&from=1990-01-01&to=1990-04-01', headers: viewer.headers })).json() as Period[];
    expect(empty).toEqual([expect.objectContaining({ startArr: 0, n: 0, grr: null, nrr: null, logoRetention: null })]);
    const def = (await t.app.inject({ method: 'GET', url: '/api/analytics/retention', headers: viewer.headers })).json() as Period[];
    expect(def.map((p) => p.status)).toEqual(['complete', 'complete', 'complete', 'complete', 'partial']);
  });

  it('refuses a bad period or range with a 400', async () => {
    for (const url of ['/api/analytics/retention?period=week', '/api/analytics/retention?from=2020-01-01&to=2024-01-01', '/api/analytics/cohorts?by=day']) {
      expect((await t.app.inject({ method: 'GET', url, headers: viewer.headers })).statusCode, url).toBe(400);
    }
  });
});

describe('GET /api/analytics/cohorts and definitions', () => {
  it('follows the cohort of first-ARR month', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/analytics/cohorts?by=month&from=2024-01-01&to=2025-03-01', headers: viewer.headers });
    expect(res.statusCode, res.body).toBe(200);
    const [jan24, feb25] = res.json() as { cohort: string; accounts: number; startArr: number; points: Period[] }[];
    expect(jan24).toMatchObject({ cohort: '2024-01', accounts: 4, startArr: 3400 });
    expect(jan24?.points[0]).toEqual({ offset: 0, period: '2024-01', logos: 4, arr: 3400, logoRetention: 1, revenueRetention: 1 });
    // February 2025: a churned, c on Pro (1500), b still at 800 until March.
    expect(jan24?.points[13]).toEqual({ offset: 13, period: '2025-02', logos: 3, arr: 2700, logoRetention: 0.75, revenueRetention: 0.7941 });
    expect(feb25).toMatchObject({ cohort: '2025-02', accounts: 1, startArr: 900 });
  });

  it('serves the definitions', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/analytics/definitions', headers: viewer.headers });
    expect(res.json()).toEqual(DEFINITIONS);
    expect(DEFINITIONS.grr).toMatch(/^GRR = \(starting ARR − churned ARR − contraction ARR\) \/ starting ARR/);
  });
});

describe('ARR and field history', () => {
  it('records a change of an account without subscriptions in both histories, dated today', async () => {
    await t.database.query('UPDATE accounts SET arr = 450, segment = $2 WHERE id = $1', [ids.d, 'smb']);
    const today = new Date().toISOString().slice(0, 10);
    const h = await t.app.inject({ method: 'GET', url: `/api/accounts/${ids.d}/arr-history`, headers: viewer.headers });
    expect(h.json()).toEqual({ items: [
      { validFrom: '2024-01-01', arr: 400, seats: null, plan: null, source: 'account' },
      { validFrom: today, arr: 450, seats: null, plan: null, source: 'account' },
    ] });
    const { rows } = await t.database.query<{ field: string; old_value: unknown; new_value: unknown }>(
      'SELECT field, old_value, new_value FROM account_field_history WHERE account_id = $1 ORDER BY field', [ids.d]);
    expect(rows).toEqual([{ field: 'arr', old_value: 400, new_value: 450 }, { field: 'segment', old_value: null, new_value: 'smb' }]);
  });

  it('takes an account with subscriptions from them: fields, history and field-history source', async () => {
    const { rows } = await t.database.query<{ arr: number; seats: number; contract_start: string; renewal_date: string | null }>(
      'SELECT arr::float8 AS arr, seats, contract_start::text AS contract_start, renewal_date::text AS renewal_date FROM accounts WHERE id = $1', [ids.c]);
    expect(rows[0]).toEqual({ arr: 1500, seats: 12, contract_start: '2024-01-01', renewal_date: null });
    const h = (await t.app.inject({ method: 'GET', url: `/api/accounts/${ids.c}/arr-history`, headers: viewer.headers })).json() as { items: unknown[] };
    expect(h.items).toEqual([
      { validFrom: '2024-01-01', arr: 1200, seats: 10, plan: 'Core', source: 'subscriptions' },
      { validFrom: '2025-01-20', arr: 1500, seats: 12, plan: 'Pro', source: 'subscriptions' },
    ]);
    const f = await t.database.query<{ source: string }>("SELECT DISTINCT source FROM account_field_history WHERE account_id = $1", [ids.c]);
    expect(f.rows).toEqual([{ source: 'subscriptions' }]);
  });
});
