import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/db.js';
import type { Database } from '../../db/connect.js';
import { annualOf, subscriptionsKind } from './subscriptions.js';
import { fakeDeps, row, run } from './testkit.js';

/** The subscriptions import kind on a real database, called directly (validate → plan → write in a transaction). */
let database: Database;
let drop: () => Promise<void>;
let acme: string;
let kind: ReturnType<typeof subscriptionsKind>;

beforeAll(async () => {
  ({ database, drop } = await createTestDatabase());
  kind = subscriptionsKind(fakeDeps(database));
  const { rows } = await database.query<{ id: string }>("INSERT INTO accounts (name, external_id, domain, arr, customer_since) VALUES ('Acme', 'crm-1', 'acme.com', 0, '2024-01-01') RETURNING id");
  acme = rows[0]?.id ?? '';
});
afterAll(() => drop?.());

const arrOf = async (id: string) => (await database.query<{ arr: number; seats: number | null; renewal_date: string | null; contract_start: string | null }>(
  'SELECT arr::float8 AS arr, seats, renewal_date::text AS renewal_date, contract_start::text AS contract_start FROM accounts WHERE id = $1', [id])).rows[0];

describe('subscriptions import kind', () => {
  it('reads ARR from arr, mrr, or amount with a period, and refuses what it cannot read', () => {
    expect(annualOf({ arr: 1200 }, {})).toEqual({ ok: true, arr: 1200 });
    expect(annualOf({ arr: 100 }, { mrr: true })).toEqual({ ok: true, arr: 1200 });
    expect(annualOf({ mrr: 99.99 }, {})).toEqual({ ok: true, arr: 1199.88 });
    expect(annualOf({ amount: 50 }, { period: 'monthly' })).toEqual({ ok: true, arr: 600 });
    expect(annualOf({ amount: 50 }, {})).toMatchObject({ ok: false, issue: { column: 'amount' } });
    expect(annualOf({ arr: 1, mrr: 2 }, {})).toMatchObject({ ok: false, issue: { column: 'mrr' } });
    expect(annualOf({}, {})).toMatchObject({ ok: false });
    const bad = kind.validate(row(1, { accountExternalId: 'crm-1', plan: 'Core', arr: 10, startsOn: '2025-02-01', endsOn: '2025-01-01' }), {});
    expect(bad).toMatchObject({ ok: false, issues: [{ column: 'endsOn' }] });
  });

  it('plans without writing on a dry run, then writes, recomputes the account, and re-imports as updates', async () => {
    const rows = [
      row(1, { accountExternalId: 'crm-1', externalId: 'sub-1', plan: 'Core', seats: 10, arr: 1200, startsOn: '2024-01-01', endsOn: '2025-01-01' }),
      row(2, { accountDomain: 'acme.com', externalId: 'sub-2', plan: 'Pro', seats: 12, mrr: 150, startsOn: '2025-01-01', endsOn: '2030-01-01' }),
      row(3, { accountExternalId: 'nobody', plan: 'Core', arr: 5, startsOn: '2025-01-01' }),
      row(4, { accountName: 'Acme', plan: 'Addon', arr: 100, startsOn: '2025-06-01' }),
      row(5, { accountName: 'Acme', plan: 'addon', arr: 200, startsOn: '2025-06-01' }), // same key as row 4: updates it
    ];
    const dry = await run(database, kind, rows, { dryRun: true });
    expect(dry.plans.map((p) => p.action)).toEqual(['create', 'create', 'error', 'create', 'update']);
    expect((await database.query('SELECT 1 FROM subscriptions')).rows).toHaveLength(0);

    const real = await run(database, kind, rows);
    expect(real.written.map((w) => [w.row, w.action])).toEqual([[1, 'create'], [2, 'create'], [4, 'create'], [5, 'update']]);
    expect(await arrOf(acme)).toEqual({ arr: 2000, seats: 12, renewal_date: '2030-01-01', contract_start: '2024-01-01' }); // 1800 + 200 today
    const h = await database.query<{ valid_from: string; arr: number; source: string }>(
      'SELECT valid_from::text AS valid_from, arr::float8 AS arr, source FROM account_arr_history WHERE account_id = $1 ORDER BY valid_from', [acme]);
    expect(h.rows).toEqual([
      { valid_from: '2024-01-01', arr: 1200, source: 'subscriptions' },
      { valid_from: '2025-01-01', arr: 1800, source: 'subscriptions' },
      { valid_from: '2025-06-01', arr: 2000, source: 'subscriptions' },
      { valid_from: '2030-01-01', arr: 200, source: 'subscriptions' }, // Pro ends: the open-ended addon runs on
    ]);

    const again = await run(database, kind, [row(1, { accountExternalId: 'crm-1', externalId: 'sub-1', plan: 'Core', seats: 10, arr: 1300, startsOn: '2024-01-01', endsOn: '2025-01-01' })]);
    expect(again.written).toEqual([expect.objectContaining({ row: 1, action: 'update' })]);
    expect((await database.query('SELECT 1 FROM subscriptions')).rows).toHaveLength(3);
    const created = await run(database, kind, [row(1, { accountExternalId: 'crm-1', externalId: 'sub-1', plan: 'Core', arr: 1, startsOn: '2024-01-01' })], { mode: 'create' });
    expect(created.plans[0]).toMatchObject({ action: 'skip' });
    const upd = await run(database, kind, [row(1, { accountExternalId: 'crm-1', externalId: 'sub-9', plan: 'Core', arr: 1, startsOn: '2020-01-01' })], { mode: 'update' });
    expect(upd.plans[0]).toMatchObject({ action: 'skip' });
  });
});
