import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestDatabase } from '../../../test/support/db.js';
import type { Database } from '../../db/connect.js';
import { inferProactive } from '../../activities/proactive.js';
import { detect } from '../../risk/signals/detectors.js';
import { loadFacts } from '../../risk/signals/load-facts.js';
import { activitiesKind, validateActivity } from './activities.js';
import { ACTOR, fakeDeps, must, row, run } from './testkit.js';

let database: Database;
let drop: () => Promise<void>;
let acme: string;
const DAY = 86_400_000;
const ago = (d: number) => new Date(Date.now() - d * DAY).toISOString();
beforeAll(async () => {
  ({ database, drop } = await createTestDatabase());
  await database.query(`INSERT INTO users (email, name, role) VALUES ('csm@acme.test', 'Cai', 'csm')`);
  await database.query(`INSERT INTO users (id, email, name, role) VALUES ($1, 'importer@test', 'Importer', 'manager')`, [ACTOR.id]);
  const { rows } = await database.query<{ id: string }>(`INSERT INTO accounts (name, external_id) VALUES ('Acme', 'crm-1'), ('Beta', 'crm-2') RETURNING id`);
  acme = must(rows[0]).id;
});
afterAll(() => drop());

describe('activities kind: validate', () => {
  it('takes tickets with priority and status, refuses them on other kinds, and needs kind, time and subject', () => {
    expect(validateActivity(row(1, { accountExternalId: 'crm-1', kind: 'ticket', occurredAt: ago(1), subject: 'Sync fails', priority: 'high', status: 'open' })))
      .toMatchObject({ ok: true, value: { kind: 'ticket', priority: 'high', status: 'open' } });
    expect(validateActivity(row(1, { accountExternalId: 'crm-1', kind: 'call', occurredAt: ago(1), subject: 'Hi', priority: 'high' }))).toMatchObject({ ok: false, issues: [{ column: 'priority' }] });
    const r = validateActivity(row(1, { accountExternalId: 'crm-1' }));
    expect(r.ok ? [] : r.issues.map((i) => i.column).sort()).toEqual(['kind', 'occurredAt', 'subject']);
    expect(validateActivity(row(1, { accountExternalId: 'crm-1', kind: 'escalation', occurredAt: ago(1), subject: 'x' }))).toMatchObject({ ok: false, issues: [{ column: 'kind' }] });
  });
  it('a file without a kind column takes the kind of every row from the option; a mapped kind wins', () => {
    expect(validateActivity(row(1, { accountExternalId: 'crm-1', occurredAt: ago(1), subject: 'Sync fails', priority: 'high' }), { kind: 'ticket' }))
      .toMatchObject({ ok: true, value: { kind: 'ticket', priority: 'high' } });
    expect(validateActivity(row(1, { accountExternalId: 'crm-1', kind: 'call', occurredAt: ago(1), subject: 'Hi' }), { kind: 'ticket' })).toMatchObject({ ok: true, value: { kind: 'call' } });
    expect(validateActivity(row(1, { accountExternalId: 'crm-1', occurredAt: ago(1), subject: 'x' }), { kind: 'escalation' })).toMatchObject({ ok: false, issues: [{ column: 'kind' }] });
  });
  it('never throws on hostile cells', () => {
    fc.assert(fc.property(fc.record({ accountName: fc.string(), kind: fc.string(), occurredAt: fc.oneof(fc.string(), fc.date({ noInvalidDate: false })), subject: fc.string(), body: fc.string(), priority: fc.string(), status: fc.string(), externalId: fc.string() }, { requiredKeys: [] }), (values) => {
      expect(typeof validateActivity(row(1, values)).ok).toBe('boolean');
    }), { numRuns: 300 });
  });
  it('a ticket is reactive work by inference', () => {
    expect(inferProactive({ kind: 'ticket', respondsTo: null, escalationId: null })).toBe(false);
  });
});

describe('activities kind: plan and write', () => {
  it('stores tickets with priority, status and external id, reactive; re-importing the id updates it', async () => {
    const rebuilt: { ids: string[]; from: string }[] = [];
    const kind = activitiesKind(fakeDeps(database, rebuilt));
    const first = await run(database, kind, [
      row(1, { accountExternalId: 'crm-1', kind: 'ticket', occurredAt: ago(3), subject: 'Sync fails', priority: 'high', status: 'open', externalId: 'T-1', author: 'csm@acme.test' }),
      row(2, { accountExternalId: 'crm-1', kind: 'call', occurredAt: ago(20), subject: 'Kickoff' }),
      row(3, { accountExternalId: 'nope', kind: 'call', occurredAt: ago(2), subject: 'x' }),
      row(4, { accountExternalId: 'crm-2', kind: 'ticket', occurredAt: ago(2), subject: 'dup', externalId: 'T-1' }),
    ]);
    expect(first.plans.map((p) => p.action)).toEqual(['create', 'create', 'error', 'error']);
    const { rows } = await database.query<Record<string, unknown>>(`SELECT a.kind, a.ticket_priority, a.ticket_status, a.proactive, a.proactive_source, u.email AS author FROM activities a LEFT JOIN users u ON u.id = a.author_id WHERE external_id = 'T-1'`);
    expect(rows).toEqual([{ kind: 'ticket', ticket_priority: 'high', ticket_status: 'open', proactive: false, proactive_source: 'inferred', author: 'csm@acme.test' }]);
    const again = await run(database, kind, [row(1, { accountExternalId: 'crm-1', kind: 'ticket', occurredAt: ago(3), subject: 'Sync fails', priority: 'urgent', status: 'solved', externalId: 'T-1' })]);
    expect(again.plans[0]).toMatchObject({ action: 'update' });
    expect((await database.query(`SELECT ticket_priority, ticket_status FROM activities WHERE external_id = 'T-1'`)).rows).toEqual([{ ticket_priority: 'urgent', ticket_status: 'solved' }]);
    const audit = await database.query<{ action: string }>(`SELECT action FROM audit_log WHERE object_type = 'activity' ORDER BY id`);
    expect(audit.rows.map((a) => a.action)).toEqual(['activity.create', 'activity.import', 'activity.create', 'activity.import', 'activity.update']);
    await kind.finish?.({ importId: 'imp-1', created: 2, updated: 0, accountIds: [acme] });
    expect(rebuilt).toEqual([{ ids: [acme], from: ago(20).slice(0, 10) }]);
  });

  it('create-only skips an external id already stored or repeated in the file; a dry run writes nothing', async () => {
    const kind = activitiesKind(fakeDeps(database));
    const r = await run(database, kind, [
      row(1, { accountExternalId: 'crm-1', kind: 'ticket', occurredAt: ago(1), subject: 'a', externalId: 'T-1' }),
      row(2, { accountExternalId: 'crm-1', kind: 'ticket', occurredAt: ago(1), subject: 'b', externalId: 'T-2' }),
      row(3, { accountExternalId: 'crm-1', kind: 'ticket', occurredAt: ago(1), subject: 'c', externalId: 'T-2' }),
    ], { mode: 'create', dryRun: true });
    expect(r.plans.map((p) => p.action)).toEqual(['skip', 'create', 'skip']);
    expect((await database.query(`SELECT 1 FROM activities WHERE external_id = 'T-2'`)).rows).toHaveLength(0);
  });

  it('imported tickets count as support events for the support-spike risk signal', async () => {
    const kind = activitiesKind(fakeDeps(database));
    const b = must((await database.query<{ id: string }>(`SELECT id FROM accounts WHERE external_id = 'crm-2'`)).rows[0]);
    await run(database, kind, [0, 1, 2, 3].map((i) => row(i + 1, { accountExternalId: 'crm-2', kind: 'ticket', occurredAt: ago(i + 1), subject: `t${i}` })));
    const now = new Date();
    const facts = must((await loadFacts(database, [b.id], now, { support_spike: {} })).get(b.id));
    expect(facts.ticketDays?.reduce((s, d) => s + d.count, 0)).toBe(4);
    expect(detect('support_spike', facts, {}, now)?.evidence.summary).toMatch(/^4 support events in 14 days/);
    // A day with both the product event and tickets counts the larger, not the sum.
    const day = ago(1).slice(0, 10);
    const both = { ...facts, eventDays: [{ event: 'Ticket Created', day, count: 1 }], ticketDays: [{ day, count: 3 }] };
    expect(detect('support_spike', both, {}, now)?.evidence.summary).toMatch(/^3 support events/);
  });
});
