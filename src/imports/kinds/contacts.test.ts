import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestDatabase } from '../../../test/support/db.js';
import type { Database } from '../../db/connect.js';
import { resolveAccountRefs } from '../refs.js';
import { contactsKind, validateContact } from './contacts.js';
import { fakeDeps, must, row, run } from './testkit.js';

let database: Database;
let drop: () => Promise<void>;
let acme: string;
let beta: string;
beforeAll(async () => {
  ({ database, drop } = await createTestDatabase());
  const { rows } = await database.query<{ id: string }>(
    `INSERT INTO accounts (name, external_id, domain) VALUES ('Acme', 'crm-1', 'acme.com'), ('Beta', 'crm-2', 'beta.io'), ('Twin', 'tw-1', NULL), ('twin', 'tw-2', NULL) RETURNING id`);
  acme = must(rows[0]).id;
  beta = must(rows[1]).id;
});
afterAll(() => drop());

describe('resolveAccountRefs', () => {
  it('resolves by id, external id, domain and a unique name; a shared name or unknown key is an error with its column', async () => {
    const r = await resolveAccountRefs(database, [
      { id: acme }, { externalId: 'crm-2' }, { domain: 'ACME.com' }, { name: 'beta' }, { name: 'TWIN' }, { externalId: 'nope' }, { externalId: 'nope', name: 'Acme' },
    ]);
    expect(r.slice(0, 4)).toEqual([{ id: acme }, { id: beta }, { id: acme }, { id: beta }]);
    expect(r[4]).toEqual({ error: '2 accounts are named "TWIN": use the external id or domain', column: 'accountName' });
    expect(r[5]).toMatchObject({ column: 'accountExternalId' });
    expect(r[6]).toMatchObject({ column: 'accountExternalId' }); // a wrong external id never falls through to the name
  });
});

describe('contacts kind: validate', () => {
  it('joins first and last name, needs an account, refuses a bad e-mail and an unknown role', () => {
    expect(validateContact(row(1, { accountName: 'Acme', firstName: 'Ada', lastName: 'Lovelace' }))).toMatchObject({ ok: true, value: { fields: { name: 'Ada Lovelace' } } });
    expect(validateContact(row(1, { name: 'Ada' }))).toMatchObject({ ok: false });
    expect(validateContact(row(1, { accountName: 'Acme', email: 'not-an-email' }))).toMatchObject({ ok: false, issues: [{ column: 'email' }] });
    expect(validateContact(row(1, { accountName: 'Acme', name: 'A', role: 'boss' }))).toMatchObject({ ok: false, issues: [{ column: 'role' }] });
  });
  it('never throws on hostile cells', () => {
    fc.assert(fc.property(fc.record({ accountName: fc.string(), accountDomain: fc.string(), accountId: fc.string(), email: fc.string(), name: fc.string(), firstName: fc.string(), role: fc.string(), phone: fc.string() }, { requiredKeys: [] }), (values) => {
      const r = validateContact(row(1, values));
      expect(typeof r.ok).toBe('boolean');
    }), { numRuns: 300 });
  });
});

describe('contacts kind: plan and write', () => {
  it('creates, updates by e-mail within the account, deactivates like PATCH {active:false}, and an unknown account is the row error', async () => {
    const kind = contactsKind(fakeDeps(database));
    const first = await run(database, kind, [
      row(1, { accountExternalId: 'crm-1', email: 'Ada@acme.com', name: 'Ada', role: 'champion' }),
      row(2, { accountExternalId: 'crm-9', email: 'x@y.com' }),
      row(3, { accountDomain: 'acme.com', email: 'ada@ACME.com', title: 'CTO' }),
    ]);
    expect(first.plans.map((p) => p.action)).toEqual(['create', 'error', 'update']);
    expect(first.plans[1]).toMatchObject({ issues: [{ column: 'accountExternalId' }] });
    const second = await run(database, kind, [row(1, { accountExternalId: 'crm-1', email: 'ada@acme.com', active: false })]);
    expect(second.plans[0]).toMatchObject({ action: 'update' });
    const { rows } = await database.query<{ id: string; email: string; title: string; role: string; deactivated_at: Date | null }>(`SELECT id, email, title, role, deactivated_at FROM contacts WHERE account_id = $1`, [acme]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: 'ada@acme.com', title: 'CTO', role: 'champion' });
    expect(rows[0]?.deactivated_at).not.toBeNull();
    // The same trail as the API's deactivation: the risk triggers log the champion's departure.
    expect((await database.query(`SELECT change FROM contact_role_changes WHERE contact_id = $1`, [rows[0]?.id])).rows).toEqual([{ change: 'deactivated' }]);
    const audit = await database.query<{ action: string; changes: Record<string, unknown> }>(`SELECT action, changes FROM audit_log WHERE object_id = $1 ORDER BY id`, [rows[0]?.id]);
    expect(audit.rows.map((a) => a.action)).toEqual(['contact.create', 'contact.update', 'contact.update']);
    expect(audit.rows[2]?.changes).toMatchObject({ active: { from: true, to: false }, importId: 'imp-1' });
  });

  it('matches by external id first; create-only skips a repeated key inside the file', async () => {
    const kind = contactsKind(fakeDeps(database));
    const r = await run(database, kind, [
      row(1, { accountExternalId: 'crm-2', externalId: 'u-1', name: 'Bo' }),
      row(2, { accountExternalId: 'crm-2', externalId: 'u-1', name: 'Bo again' }),
    ], { mode: 'create' });
    expect(r.plans.map((p) => p.action)).toEqual(['create', 'skip']);
    const u = await run(database, kind, [row(1, { accountExternalId: 'crm-2', externalId: 'u-1', email: 'bo@beta.io' })], { mode: 'update' });
    expect(u.plans[0]).toMatchObject({ action: 'update' });
    expect((await database.query(`SELECT name, email FROM contacts WHERE external_id = 'u-1'`)).rows).toEqual([{ name: 'Bo', email: 'bo@beta.io' }]);
  });
});
