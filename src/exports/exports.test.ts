import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';

/** CSV exports over HTTP: the list's filters and columns, formula-safe cells, the same rows as the list, refusals. */
let t: TestApp;
let admin: SignedIn;
let csm: SignedIn;
let prefix: string;

const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: who.headers });
const rowsOf = (body: string) => parse(body, { bom: true }) as string[][];

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn('admin');
  csm = await t.signIn('csm');
  prefix = unique('exp');
  const add = (name: string, arr: number, stage: string, owner: string | null) =>
    t.database.query('INSERT INTO accounts (name, arr, stage, owner_id, renewal_date) VALUES ($1, $2, $3, $4, current_date + 30)', [name, arr, stage, owner]);
  await add(`${prefix} Alpha`, 120000, 'adoption', csm.userId);
  await add(`${prefix} =HYPERLINK("http://evil")`, 5000, 'adoption', null);
  await add(`${prefix} Churned`, 0, 'churned', null);
  await add(`-${prefix} minus`, 10, 'renewal', csm.userId);
});
afterAll(() => t?.close());

describe('GET /api/accounts/export.csv', () => {
  it('streams the filtered portfolio with the chosen columns: BOM, attachment, numbers as numbers, formulas neutralised', async () => {
    const res = await get(csm, `/api/accounts/export.csv?search=${encodeURIComponent(prefix)}&stage=adoption&sort=-arr&columns=name,arr,owner,health,riskLevel`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="accounts-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    const rows = rowsOf(res.body);
    expect(rows[0]).toEqual(['name', 'ARR', 'owner', 'health', 'risk level']);
    expect(rows.slice(1)).toEqual([
      [`${prefix} Alpha`, '120000', 'Test csm', '', ''],
      [`${prefix} =HYPERLINK("http://evil")`, '5000', '', '', ''],
    ]);
    const minus = rowsOf((await get(csm, `/api/accounts/export.csv?search=${encodeURIComponent(`-${prefix}`)}&columns=name`)).body);
    expect(minus[1]).toEqual([`'-${prefix} minus`]);
  });

  it('an account name starting with = is written with a leading apostrophe', async () => {
    await t.database.query('INSERT INTO accounts (name) VALUES ($1)', [`=cmd|' /C calc'!A0 ${prefix}`]);
    const rows = rowsOf((await get(admin, `/api/accounts/export.csv?search=${encodeURIComponent(`calc'!A0 ${prefix}`)}&columns=name`)).body);
    expect(rows[1]).toEqual([`'=cmd|' /C calc'!A0 ${prefix}`]);
  });

  it('the default columns are the portfolio\'s visible ones (health, risk, renewal, owner among them)', async () => {
    const rows = rowsOf((await get(admin, `/api/accounts/export.csv?search=${encodeURIComponent(prefix)}`)).body);
    expect(rows[0]).toEqual(expect.arrayContaining(['name', 'owner', 'ARR', 'renewal date', 'health', 'risk score', 'risk level']));
  });

  it('has the same rows, in the same order, as the list with the same query', async () => {
    const q = `search=${encodeURIComponent(prefix)}&sort=name`;
    const list = (await get(csm, `/api/accounts?${q}&limit=200`)).json() as { items: { name: string }[] };
    const rows = rowsOf((await get(csm, `/api/accounts/export.csv?${q}&columns=name`)).body).slice(1).map((r) => (r[0] ?? '').replace(/^'/, ''));
    expect(rows).toEqual(list.items.map((i) => i.name));
  });

  it('refuses an unknown column, paging, and a filter value the list refuses', async () => {
    const bad = await get(admin, '/api/accounts/export.csv?columns=name,shoeSize');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('unknown column "shoeSize"');
    expect((await get(admin, '/api/accounts/export.csv?columns=name,name')).statusCode).toBe(400);
    expect((await get(admin, '/api/accounts/export.csv?arrMin=1e3')).statusCode).toBe(400);
    expect((await get(admin, '/api/accounts/export.csv?sort=shoeSize')).statusCode).toBe(400);
  });
});

describe('the other lists', () => {
  it('tasks: the inbox filters (assignee=me is the caller\'s), contacts and activities of an account', async () => {
    const { rows: [acc] } = await t.database.query<{ id: string }>('SELECT id FROM accounts WHERE name = $1', [`${prefix} Alpha`]);
    const accountId = acc?.id ?? '';
    const task = await t.app.inject({ method: 'POST', url: '/api/tasks', headers: csm.headers, payload: { accountId, title: '@mention me', kind: 'call', assigneeUserId: csm.userId } });
    expect(task.statusCode, task.body).toBe(201);
    const mine = rowsOf((await get(csm, '/api/tasks/export.csv?assignee=me&columns=account,title')).body);
    expect(mine.slice(1)).toEqual([[`${prefix} Alpha`, "'@mention me"]]);
    expect(rowsOf((await get(admin, '/api/tasks/export.csv?assignee=me')).body)).toHaveLength(1);
    await t.app.inject({ method: 'POST', url: '/api/contacts', headers: admin.headers, payload: { accountId, name: '+1 Caller', email: 'c@example.test' } });
    const contacts = rowsOf((await get(csm, `/api/contacts/export.csv?accountId=${accountId}`)).body);
    expect(contacts[1]?.slice(0, 3)).toEqual([accountId, "'+1 Caller", 'c@example.test']);
    await t.app.inject({ method: 'POST', url: '/api/activities', headers: admin.headers, payload: { accountId, kind: 'note', subject: '=2+2', occurredAt: new Date().toISOString() } });
    const acts = rowsOf((await get(csm, `/api/activities/export.csv?accountId=${accountId}`)).body);
    expect(acts[1]?.slice(0, 2)).toEqual([`${prefix} Alpha`, 'note']);
    expect(acts[1]?.[3]).toBe("'=2+2");
  });
});
