import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestDatabase } from '../../../test/support/db.js';
import type { Database } from '../../db/connect.js';
import { outcomesKind, validateOutcome } from './outcomes.js';
import { ACTOR, fakeDeps, must, row, run } from './testkit.js';

let database: Database;
let drop: () => Promise<void>;
let ids: string[];
beforeAll(async () => {
  ({ database, drop } = await createTestDatabase());
  await database.query(`INSERT INTO users (id, email, name, role) VALUES ($1, 'importer@test', 'Importer', 'manager')`, [ACTOR.id]);
  const { rows } = await database.query<{ id: string }>(
    `INSERT INTO accounts (name, external_id, stage) VALUES ('A', 'a', 'adoption'), ('B', 'b', 'renewal'), ('C', 'c', 'churned'), ('D', 'd', 'onboarding') RETURNING id`);
  ids = rows.map((r) => r.id);
});
afterAll(() => drop());

describe('outcomes kind: validate', () => {
  it('refuses an unmapped kind listing the accepted ones; MRR amounts become ARR', () => {
    const r = validateOutcome(row(1, { accountExternalId: 'a', kind: 'Closed Lost', occurredOn: '2025-03-01' }), {});
    expect(r).toMatchObject({ ok: false, issues: [{ column: 'kind' }] });
    expect(r.ok ? '' : r.issues[0]?.message).toContain('renewed, expanded, downgraded, churned, retained');
    expect(validateOutcome(row(1, { accountExternalId: 'a', kind: 'downgraded', occurredOn: '2025-03-01', mrrBefore: 100, arrAfter: 600 }), {}))
      .toMatchObject({ ok: true, value: { arrBefore: 1200, arrAfter: 600 } });
  });
  it('never throws on hostile cells', () => {
    fc.assert(fc.property(fc.record({ accountName: fc.string(), kind: fc.string(), occurredOn: fc.string(), arrBefore: fc.double(), mrrAfter: fc.double(), reason: fc.string() }, { requiredKeys: [] }), (values) => {
      expect(typeof validateOutcome(row(1, values), {}).ok).toBe('boolean');
    }), { numRuns: 300 });
  });
});

describe('outcomes kind: plan, write and retainedAsOf', () => {
  it('creates, skips what is recorded or repeated, marks the other active accounts retained, and rebuilds health', async () => {
    const rebuilt: { ids: string[]; from: string }[] = [];
    const kind = outcomesKind(fakeDeps(database, rebuilt));
    const r = await run(database, kind, [
      row(1, { accountExternalId: 'a', kind: 'churned', occurredOn: '2025-03-01', reason: 'budget' }),
      row(2, { accountExternalId: 'a', kind: 'churned', occurredOn: '2025-03-01' }),
      row(3, { accountExternalId: 'zz', kind: 'renewed', occurredOn: '2025-03-01' }),
    ], { mode: 'create', options: { retainedAsOf: '2025-06-30' } });
    expect(r.plans.map((p) => p.action)).toEqual(['create', 'skip', 'error']);
    await kind.finish?.({ importId: 'imp-1', created: 1, updated: 0, accountIds: [must(ids[0])] });
    const { rows } = await database.query<{ name: string; kind: string; day: string; source: string; reason: string | null }>(
      `SELECT a.name, o.kind, o.occurred_on::text AS day, o.source, o.reason FROM outcomes o JOIN accounts a ON a.id = o.account_id ORDER BY a.name, o.kind`);
    // A (churned in the file) is not marked retained; C is churned; B and D are retained as of the date.
    expect(rows).toEqual([
      { name: 'A', kind: 'churned', day: '2025-03-01', source: 'import', reason: 'budget' },
      { name: 'B', kind: 'retained', day: '2025-06-30', source: 'import', reason: null },
      { name: 'D', kind: 'retained', day: '2025-06-30', source: 'import', reason: null },
    ]);
    expect(rebuilt).toHaveLength(1);
    expect(rebuilt[0]?.from).toBe('2025-03-01');
    expect(new Set(rebuilt[0]?.ids)).toEqual(new Set([ids[0], ids[1], ids[3]]));
    const again = await run(database, kind, [row(1, { accountExternalId: 'a', kind: 'churned', occurredOn: '2025-03-01' })], { mode: 'create', options: { retainedAsOf: '2025-06-30' } });
    expect(again.plans[0]).toMatchObject({ action: 'skip', reason: 'Already recorded' });
    await kind.finish?.({ importId: 'imp-1', created: 0, updated: 0, accountIds: [] });
    expect((await database.query(`SELECT 1 FROM outcomes`)).rows).toHaveLength(3);
  });
});
