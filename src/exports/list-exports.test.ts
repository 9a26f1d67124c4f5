import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';

/** The exports of outcomes, the risk radar, escalations and success plans: the list's filter, formula-safe cells. */
let t: TestApp;
let admin: SignedIn;
let csm: SignedIn;
let prefix: string;
let accountA: string;
let accountB: string;

const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: who.headers });
const rowsOf = (body: string) => parse(body, { bom: true }) as string[][];

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn('admin');
  csm = await t.signIn('csm');
  prefix = unique('lexp');
  const add = async (name: string) => (await t.database.query<{ id: string }>('INSERT INTO accounts (name, arr, owner_id) VALUES ($1, 50000, $2) RETURNING id', [name, csm.userId])).rows[0]?.id ?? '';
  accountA = await add(`=${prefix} A`);
  accountB = await add(`${prefix} B`);
});
afterAll(() => t?.close());

describe('list exports', () => {
  it('outcomes: every outcome of the account, newest first, the note formula-safe', async () => {
    for (const [occurredOn, note] of [['2026-01-10', '+44 called'], ['2026-03-10', 'renewed fine']] as const) {
      const res = await t.app.inject({ method: 'POST', url: '/api/outcomes', headers: admin.headers, payload: { accountId: accountA, kind: 'renewed', occurredOn, note } });
      expect(res.statusCode, res.body).toBe(201);
    }
    await t.app.inject({ method: 'POST', url: '/api/outcomes', headers: admin.headers, payload: { accountId: accountB, kind: 'churned', occurredOn: '2026-02-01' } });
    const res = await get(csm, `/api/outcomes/export.csv?accountId=${accountA}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = rowsOf(res.body);
    expect(rows[0]?.slice(0, 4)).toEqual(['account id', 'account', 'kind', 'occurred on']);
    expect(rows.slice(1).map((r) => [r[1], r[3], r[6]])).toEqual([[`'=${prefix} A`, '2026-03-10', 'renewed fine'], [`'=${prefix} A`, '2026-01-10', "'+44 called"]]);
    expect((await get(csm, '/api/outcomes/export.csv?accountId=nope')).statusCode).toBe(400);
  });

  it('risk radar: the level filter, highest score first, names formula-safe', async () => {
    const risk = (id: string, score: number, level: string) =>
      t.database.query(`INSERT INTO account_risk (account_id, score, level, probability, model) VALUES ($1, $2, $3, 0.5, 'default')
        ON CONFLICT (account_id) DO UPDATE SET score = EXCLUDED.score, level = EXCLUDED.level`, [id, score, level]);
    await risk(accountA, 91, 'critical');
    await risk(accountB, 20, 'low');
    const res = await get(csm, '/api/risk/radar/export.csv?level=critical');
    expect(res.statusCode, res.body).toBe(200);
    const rows = rowsOf(res.body);
    expect(rows[0]).toContain('risk score');
    const mine = rows.slice(1).filter((r) => r[0] === accountA || r[0] === accountB);
    expect(mine.map((r) => [r[1], r[6], r[7], r[9]])).toEqual([[`'=${prefix} A`, '91', 'critical', '25000']]);
    expect(rows.slice(1).every((r) => r[7] === 'critical')).toBe(true);
    expect((await get(csm, '/api/risk/radar/export.csv?level=dire')).statusCode).toBe(400);
  });

  it('escalations: the severity filter of the list, the title formula-safe', async () => {
    const esc = (title: string, severity: string) =>
      t.database.query('INSERT INTO escalations (account_id, title, severity, opened_by) VALUES ($1, $2, $3, $4)', [accountB, title, severity, admin.userId]);
    await esc(`@${prefix} outage`, 'critical');
    await esc(`${prefix} slow`, 'low');
    const res = await get(csm, `/api/escalations/export.csv?accountId=${accountB}&severity=critical`);
    expect(res.statusCode, res.body).toBe(200);
    const rows = rowsOf(res.body);
    expect(rows[0]?.slice(0, 5)).toEqual(['account id', 'account', 'title', 'severity', 'status']);
    expect(rows.slice(1).map((r) => r.slice(0, 5))).toEqual([[accountB, `${prefix} B`, `'@${prefix} outage`, 'critical', 'open']]);
    expect((await get(csm, `/api/escalations/export.csv?accountId=${accountB}`)).body.split('\r\n').filter(Boolean)).toHaveLength(3);
  });

  it('success plans: the account filter of the dashboard list, the title formula-safe', async () => {
    for (const [id, title] of [[accountA, '-20% churn plan'], [accountB, 'Adoption plan']] as const) {
      const res = await t.app.inject({ method: 'POST', url: `/api/accounts/${id}/success-plans`, headers: admin.headers, payload: { title } });
      expect(res.statusCode, res.body).toBe(201);
    }
    const res = await get(csm, `/api/success-plans/export.csv?accountId=${accountA}`);
    expect(res.statusCode, res.body).toBe(200);
    const rows = rowsOf(res.body);
    expect(rows[0]?.slice(0, 3)).toEqual(['account id', 'account', 'plan']);
    expect(rows.slice(1).map((r) => r.slice(0, 3))).toEqual([[accountA, `'=${prefix} A`, "'-20% churn plan"]]);
    expect((await get(csm, '/api/success-plans/export.csv?shoe=1')).statusCode).toBe(400);
  });
});
