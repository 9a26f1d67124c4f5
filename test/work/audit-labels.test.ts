import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import { createTestApp, unique, type SignedIn, type TestApp } from '../support/app.js';

/**
 * The audit log says what and who (migration 0011): an outbox message reads as its e-mail
 * ("e-mail "Welcome, Dana" to dana@…"), not a UUID, also in rows written before the migration; what
 * a playbook step makes is audited as the rule that started the run, else the playbook, never
 * "system"; a rule's task reads with its title rendered, not "{{account.name}}".
 */
let t: TestApp;
let admin: SignedIn;
let manager: SignedIn;
let csm: SignedIn;
let teamId: string;

type AuditItem = { action: string; actorType: string; actorId: string | null; actorLabel: string; objectType: string; objectId: string; objectLabel: string | null; changes: Record<string, unknown> | null };

const api = (who: SignedIn, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const audit = async (query: string): Promise<AuditItem[]> => {
  const res = await api(admin, 'GET', `/api/audit?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as AuditItem[];
};
const taskAudit = async (accountId: string) =>
  (await audit('objectType=task&action=create&limit=200')).filter((e) => e.changes?.accountId === accountId);

async function account(segment = unique('seg')) {
  const a = await t.app.services.accounts.create({ name: unique('Acme'), arr: 80_000, ownerId: csm.userId, teamId, segment, stage: 'adoption' }, SYSTEM_ACTOR);
  const email = `${unique('dana')}@acme.test`;
  await t.app.services.contacts.create({ accountId: a.id, name: 'Dana Champion', email, role: 'champion' }, SYSTEM_ACTOR);
  return { id: a.id, name: a.name, email, segment };
}
async function playbook(steps: object[]) {
  const res = await api(manager, 'POST', '/api/playbooks', { name: unique('Welcome'), steps });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; name: string };
}
/** A rule over one segment of its own, acting on every match now. */
async function rule(segment: string, actions: object[]) {
  const res = await api(manager, 'POST', '/api/rules', {
    name: unique('Rule'), activation: 'now', actions,
    condition: { match: 'all', conditions: [{ type: 'segment', op: 'in', values: [segment] }] },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; name: string };
}

beforeAll(async () => {
  t = await createTestApp();
  teamId = (await t.app.services.teams.create(unique('Team'), SYSTEM_ACTOR)).id;
  admin = await t.signIn('admin');
  manager = await t.signIn('manager', { teamId });
  csm = await t.signIn('csm', { teamId });
});
afterAll(() => t?.close());

describe('outbox messages in the audit log', () => {
  it("a cancel is audited with the e-mail's subject and recipient, and rows without a stored name are named when read", async () => {
    const a = await account();
    const pb = await playbook([{ kind: 'email', to: 'champion', subject: 'Welcome, {{contact.firstName}}', body: 'Hi {{contact.firstName}}' }]);
    const started = await api(csm, 'POST', `/api/accounts/${a.id}/playbooks`, { playbookId: pb.id });
    expect(started.statusCode, started.body).toBe(201);
    const id = (await t.database.query<{ id: string }>(`SELECT id FROM outbound_messages WHERE account_id = $1 AND channel = 'email'`, [a.id])).rows[0]?.id as string;
    expect(id).toBeTruthy();

    const cancelled = await api(admin, 'POST', `/api/outbox/${id}/cancel`, { reason: 'not yet' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const [row] = await audit(`objectType=outbound_message&objectId=${id}`);
    expect(row).toMatchObject({ action: 'cancel', actorLabel: admin.email, objectLabel: `e-mail "Welcome, Dana" to ${a.email}` });

    // Written before migration 0011 (no stored name): named at read time with the same function.
    await t.database.query(`UPDATE audit_log SET object_label = NULL WHERE object_type = 'outbound_message' AND object_id = $1`, [id]);
    expect((await audit(`objectType=outbound_message&objectId=${id}`))[0]?.objectLabel).toBe(`e-mail "Welcome, Dana" to ${a.email}`);
  });

  it('names a Slack message only as such', async () => {
    const m = (await t.database.query<{ id: string }>(
      `INSERT INTO outbound_messages (channel, recipient, body, dedupe_key) VALUES ('slack', 'https://hooks.slack.test/x', 'hi', $1) RETURNING id`, [unique('slack')],
    )).rows[0];
    const { rows } = await t.database.query<{ label: string }>(`SELECT audit_object_label('outbound_message', $1, NULL) AS label`, [m?.id]);
    expect(rows[0]?.label).toBe('Slack message');
  });
});

describe("a playbook step's actor", () => {
  it('is the rule when a rule started the run, with the same label as what the rule makes itself', async () => {
    const a = await account();
    const pb = await playbook([{ kind: 'task', title: 'Kick-off with {{account.name}}', dueOffsetDays: 1, assignee: 'owner' }]);
    const r = await rule(a.segment, [{ type: 'start_playbook', playbookId: pb.id }]);
    await t.app.services.rules.sweep();

    const runs = (await audit('objectType=playbook_run&action=start&limit=200')).filter((e) => e.changes?.accountId === a.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ actorType: 'system', actorId: r.id, actorLabel: `rule "${r.name}"` });
    const tasks = await taskAudit(a.id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ actorType: 'system', actorId: r.id, actorLabel: `rule "${r.name}"`, objectLabel: `Kick-off with ${a.name} (${a.name})` });
  });

  it('is the playbook when a person started the run', async () => {
    const a = await account();
    const pb = await playbook([{ kind: 'task', title: 'Kick-off', dueOffsetDays: 1, assignee: 'owner' }]);
    expect((await api(csm, 'POST', `/api/accounts/${a.id}/playbooks`, { playbookId: pb.id })).statusCode).toBe(201);
    const tasks = await taskAudit(a.id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ actorType: 'system', actorId: null, actorLabel: `playbook "${pb.name}"`, objectLabel: `Kick-off (${a.name})` });
  });
});

describe("a rule's task", () => {
  it('is labelled with its title rendered for the account, not the template', async () => {
    const a = await account();
    const r = await rule(a.segment, [{ type: 'create_task', title: 'Call {{account.name}}', assignee: 'owner' }]);
    await t.app.services.rules.sweep();
    const tasks = await taskAudit(a.id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ actorLabel: `rule "${r.name}"`, objectLabel: `Call ${a.name} (${a.name})` });
  });
});
