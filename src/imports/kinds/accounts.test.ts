import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestDatabase } from '../../../test/support/db.js';
import type { Database } from '../../db/connect.js';
import { accountsKind, validateAccount } from './accounts.js';
import { fakeDeps, row, run } from './testkit.js';

let database: Database;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ database, drop } = await createTestDatabase());
  await database.query(`INSERT INTO users (email, name, role, password_hash) VALUES ('owner@acme.test', 'Olga Owner', 'csm', 'x')`);
});
afterAll(() => drop());

describe('accounts kind: validate', () => {
  it('reads MRR as ARR × 12 and refuses ARR and MRR that disagree', () => {
    expect(validateAccount(row(1, { name: 'A', mrr: 100 }), {})).toMatchObject({ ok: true, value: { fields: { arr: 1200 } } });
    expect(validateAccount(row(1, { name: 'A', arr: 100 }), { mrr: true })).toMatchObject({ ok: true, value: { fields: { arr: 1200 } } });
    expect(validateAccount(row(1, { name: 'A', arr: 1200, mrr: 100 }), {})).toMatchObject({ ok: true });
    expect(validateAccount(row(1, { name: 'A', arr: 1000, mrr: 100 }), {})).toMatchObject({ ok: false, issues: [{ column: 'mrr' }] });
  });
  it('reads a website as its domain and refuses a path', () => {
    expect(validateAccount(row(1, { domain: 'https://ACME.com/' }), {})).toMatchObject({ ok: true, value: { fields: { domain: 'acme.com' } } });
    expect(validateAccount(row(1, { domain: 'acme.com/pricing' }), {})).toMatchObject({ ok: false, issues: [{ column: 'domain' }] });
    expect(validateAccount(row(1, { domain: 'https://www.Acme.com/' }), {})).toMatchObject({ ok: true, value: { fields: { domain: 'acme.com' } } });
  });
  it('refuses a renewal before the contract start and an unknown stage', () => {
    expect(validateAccount(row(1, { contractStart: '2025-05-01', renewalDate: '2025-01-01' }), {})).toMatchObject({ ok: false, issues: [{ column: 'renewalDate' }] });
    expect(validateAccount(row(1, { stage: 'won' }), {})).toMatchObject({ ok: false, issues: [{ column: 'stage' }] });
  });
  it('never throws on hostile cells and names a column for each issue', () => {
    fc.assert(fc.property(fc.record({ name: fc.string(), domain: fc.string(), externalId: fc.string(), segment: fc.string(), stage: fc.string(), owner: fc.string(), team: fc.string() }, { requiredKeys: [] }),
      fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.string()), (values, custom) => {
        const r = validateAccount(row(1, values, custom), {});
        if (!r.ok) for (const i of r.issues) expect(i.message.length).toBeGreaterThan(0);
      }), { numRuns: 300 });
  });
});

describe('accounts kind: plan and write', () => {
  it('creates, then upserts by external id instead of duplicating; audits with the import id; owner by e-mail', async () => {
    const kind = accountsKind(fakeDeps(database));
    const first = await run(database, kind, [
      row(1, { name: 'Acme', externalId: 'crm-1', domain: 'acme.com', owner: 'OWNER@acme.test', stage: 'adoption', arr: 1000 }, { tier: 'gold', score: '42' }),
      row(2, { name: 'Beta', externalId: 'crm-2', owner: 'nobody@acme.test' }),
      row(3, { externalId: 'crm-1', seats: 12 }),
    ]);
    expect(first.plans.map((p) => p.action)).toEqual(['create', 'error', 'update']);
    expect(first.plans[1]).toMatchObject({ issues: [{ column: 'owner' }] });
    const again = await run(database, kind, [row(1, { name: 'Acme Inc', externalId: 'crm-1', arr: 2000 }, { tier: 'platinum' })]);
    expect(again.plans[0]).toMatchObject({ action: 'update' });
    const { rows } = await database.query<{ id: string; name: string; arr: number; seats: number; custom: Record<string, unknown>; owner_id: string | null }>(
      `SELECT id, name, arr::float8 AS arr, seats, custom, owner_id FROM accounts WHERE external_id = 'crm-1'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'Acme Inc', arr: 2000, seats: 12, custom: { tier: 'platinum', score: 42 } });
    expect(rows[0]?.owner_id).not.toBeNull();
    const audit = await database.query<{ action: string; changes: Record<string, unknown> }>(`SELECT action, changes FROM audit_log WHERE object_id = $1 ORDER BY id`, [rows[0]?.id]);
    expect(audit.rows.map((a) => a.action)).toEqual(['account.create', 'account.update', 'account.update']);
    expect(audit.rows.every((a) => a.changes.importId === 'imp-1')).toBe(true);
    expect(audit.rows[2]?.changes.arr).toEqual({ from: 1000, to: 2000 });
    expect((await database.query('SELECT 1 FROM health_dirty WHERE account_id = $1', [rows[0]?.id])).rows).toHaveLength(1);
  });

  it('matches by domain when there is no external id; create-only skips what exists and a repeated key', async () => {
    const kind = accountsKind(fakeDeps(database));
    await run(database, kind, [row(1, { name: 'Gamma', domain: 'gamma.io' })], { mode: 'create' });
    const r = await run(database, kind, [row(1, { name: 'Gamma 2', domain: 'https://gamma.io' }), row(2, { name: 'Delta', domain: 'delta.io' }), row(3, { name: 'Delta again', domain: 'delta.io' })], { mode: 'create' });
    expect(r.plans.map((p) => p.action)).toEqual(['skip', 'create', 'skip']);
    expect((await database.query(`SELECT 1 FROM accounts WHERE domain = 'delta.io'`)).rows).toHaveLength(1);
    const u = await run(database, kind, [row(1, { name: 'Nope', domain: 'nope.io' }), row(2, { domain: 'gamma.io', segment: 'SMB' })], { mode: 'update' });
    expect(u.plans.map((p) => p.action)).toEqual(['skip', 'update']);
    expect((await database.query(`SELECT 1 FROM accounts WHERE domain = 'nope.io'`)).rows).toHaveLength(0);
    // An account stored with www. (by the API) is the one a bare domain in a file names.
    await database.query(`INSERT INTO accounts (name, domain) VALUES ('Epsilon', 'www.epsilon.io')`);
    const w = await run(database, kind, [row(1, { domain: 'epsilon.io', segment: 'SMB' })], { mode: 'upsert' });
    expect(w.plans.map((p) => p.action)).toEqual(['update']);
    expect((await database.query(`SELECT 1 FROM accounts WHERE name = 'Epsilon' AND segment = 'SMB'`)).rows).toHaveLength(1);
  });

  it('a dry run writes nothing and a new account without a name is an error', async () => {
    const kind = accountsKind(fakeDeps(database));
    const r = await run(database, kind, [row(1, { name: 'Dry', externalId: 'dry-1' }), row(2, { externalId: 'dry-2' })], { dryRun: true });
    expect(r.plans.map((p) => p.action)).toEqual(['create', 'error']);
    expect((await database.query(`SELECT 1 FROM accounts WHERE external_id LIKE 'dry-%'`)).rows).toHaveLength(0);
  });

  it('a repeated key across chunks updates the account the earlier chunk created', async () => {
    const kind = accountsKind(fakeDeps(database));
    const ctx = { mode: 'upsert' as const, options: {}, seen: new Map<string, string>(), importId: 'imp-2' };
    await run(database, kind, [row(1, { name: 'Chunky', externalId: 'ch-1' })], { ctx });
    const second = await run(database, kind, [row(2, { externalId: 'ch-1', arr: 5 })], { ctx });
    expect(second.plans[0]).toMatchObject({ action: 'update' });
    expect((await database.query<{ arr: number }>(`SELECT arr::float8 AS arr FROM accounts WHERE external_id = 'ch-1'`)).rows).toEqual([{ arr: 5 }]);
  });
});
