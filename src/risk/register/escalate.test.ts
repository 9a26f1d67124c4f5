import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../auth/principal.js';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../../test/support/app.js';
import { afterRiskRefresh } from './index.js';

/**
 * High risk near a renewal escalates once per account and renewal date (seed 002: "pick up the
 * phone", "key stakeholders aware so they can forecast"): a "Call them" task for the owner, and
 * notifications to the managers of the account's team and to the team's exec_sponsor role.
 * On PGlite, or PostgreSQL with TEST_DATABASE_URL.
 */
let t: TestApp;
let teamId: string;
let owner: SignedIn;
let managers: SignedIn[];
let otherManager: SignedIn;
let sponsor: SignedIn;
let globalSponsor: SignedIn;
const NOW = new Date();
const day = (d: number) => new Date(NOW.getTime() + d * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  teamId = (await t.app.services.teams.create(unique('Enterprise'), SYSTEM_ACTOR)).id;
  const otherTeam = (await t.app.services.teams.create(unique('SMB'), SYSTEM_ACTOR)).id;
  owner = await t.signIn('csm', { teamId });
  managers = [await t.signIn('manager', { teamId }), await t.signIn('manager', { teamId })];
  otherManager = await t.signIn('manager', { teamId: otherTeam });
  sponsor = await t.signIn('viewer', { teamId: otherTeam });
  globalSponsor = await t.signIn('viewer');
  await t.database.query("INSERT INTO role_assignments (role, team_id, user_id) VALUES ('exec_sponsor', $1, $2), ('exec_sponsor', NULL, $3)", [teamId, sponsor.userId, globalSponsor.userId]);
}, 60_000);
afterAll(() => t?.close());

async function account(renewalDate: string | null, opts: { teamId?: string | null; ownerId?: string | null } = {}) {
  const id = (await t.app.services.accounts.create({
    name: unique('Marketo'), stage: 'renewal', ownerId: opts.ownerId === undefined ? owner.userId : opts.ownerId, teamId: opts.teamId ?? null, arr: 90_000, renewalDate,
  }, SYSTEM_ACTOR)).id;
  // The risk the refresh just wrote: two signals, domain lapse first.
  await t.database.query(
    `INSERT INTO account_risk (account_id, score, level, probability, model, contributions) VALUES ($1, 81, 'critical', 0.7, 'default', $2::jsonb)`,
    [id, JSON.stringify([{ kind: 'payment_failed', contribution: 30 }, { kind: 'critical_date_close', contribution: 51 }])],
  );
  return id;
}
const refresh = (accountId: string, fromLevel: 'low' | 'medium' | 'high' | 'critical' | null, toLevel: 'low' | 'medium' | 'high' | 'critical', now = NOW) =>
  t.database.transaction((tx) => afterRiskRefresh(tx, [{ accountId, fromLevel, toLevel, score: 81 }], now));
const notified = async (accountId: string) => (await t.database.query<{ user_id: string; title: string; body: string }>(
  "SELECT user_id, title, body FROM notifications WHERE account_id = $1 AND kind = 'risk.escalation' ORDER BY user_id", [accountId])).rows;
const calls = async (accountId: string) => (await t.database.query<{ title: string; reason: string; kind: string; source: string; assignee_user_id: string | null; priority: number; dedupe_key: string }>(
  "SELECT title, reason, kind, source, assignee_user_id, priority, dedupe_key FROM tasks WHERE account_id = $1 AND kind = 'call'", [accountId])).rows;

describe('afterRiskRefresh: escalation near the renewal', () => {
  it("tells the team's managers and its exec_sponsor role, and asks the owner to call, once per renewal", async () => {
    const acc = await account(day(40));
    await refresh(acc, 'medium', 'critical');
    const people = await notified(acc);
    expect(people.map((p) => p.user_id).sort()).toEqual([...managers.map((m) => m.userId), sponsor.userId].sort());
    expect(people[0]?.title).toContain(`renewal on ${day(40)}`);
    expect(people[0]?.body).toContain('Top signals: Critical date close');
    const [call, ...more] = await calls(acc);
    expect(more).toEqual([]);
    expect(call).toMatchObject({ kind: 'call', source: 'recommendation', assignee_user_id: owner.userId, priority: 4, dedupe_key: `risk.call:${acc}:${day(40)}` });
    expect(call?.title).toMatch(/^Call Marketo/);
    expect(call?.reason).toContain(day(40));
    expect(call?.reason.indexOf('Critical date close')).toBeLessThan(call?.reason.indexOf('Payment failed') ?? -1);
    const ownerTold = await t.database.query("SELECT 1 FROM notifications WHERE user_id = $1 AND account_id = $2 AND kind = 'task.assigned'", [owner.userId, acc]);
    expect(ownerTold.rows).toHaveLength(1);

    // Down and up again, or one more refresh: nothing new for the same renewal date.
    await refresh(acc, 'critical', 'medium');
    await refresh(acc, 'medium', 'high');
    expect(await notified(acc)).toHaveLength(3);
    expect(await calls(acc)).toHaveLength(1);
    // A new renewal date is a new renewal: it escalates again.
    await t.database.query('UPDATE accounts SET renewal_date = $2 WHERE id = $1', [acc, day(60)]);
    await refresh(acc, 'medium', 'high');
    expect(await calls(acc)).toHaveLength(2);
  });

  it('does nothing for a renewal outside the window, past, or missing, or for a level that did not rise to high', async () => {
    for (const date of [day(120), day(-3), null]) {
      const acc = await account(date);
      await refresh(acc, 'low', 'critical');
      expect([await notified(acc), await calls(acc)]).toEqual([[], []]);
    }
    const acc = await account(day(10));
    await refresh(acc, 'low', 'medium');
    await refresh(acc, 'critical', 'high');
    await refresh(acc, 'high', 'high');
    expect([await notified(acc), await calls(acc)]).toEqual([[], []]);
  });

  it("reads app_settings 'risk.escalation' for the window and the minimum level", async () => {
    await t.database.query(`INSERT INTO app_settings (key, value) VALUES ('risk.escalation', '{"renewalWindowDays": 150, "minLevel": "critical"}')`);
    try {
      const far = await account(day(120));
      await refresh(far, 'medium', 'high');
      expect(await calls(far)).toEqual([]);
      await refresh(far, 'high', 'critical');
      expect(await calls(far)).toHaveLength(1);
    } finally {
      await t.database.query("DELETE FROM app_settings WHERE key = 'risk.escalation'");
    }
  });

  it("uses the account's own team, the global exec_sponsor when the team has none, and any manager when the team has none", async () => {
    const noTeamOwner = await t.signIn('csm');
    const acc = await account(day(5), { ownerId: noTeamOwner.userId });
    await refresh(acc, null, 'high');
    const people = (await notified(acc)).map((p) => p.user_id);
    expect(people).toContain(globalSponsor.userId);
    expect(people).not.toContain(sponsor.userId);
    expect(people).toHaveLength(2); // the global sponsor and one fallback manager (or admin)
    // An account of the other team: its manager, not ours.
    const other = await account(day(5), { teamId: (await t.database.query<{ team_id: string }>('SELECT team_id FROM users WHERE id = $1', [otherManager.userId])).rows[0]?.team_id ?? null, ownerId: null });
    await refresh(other, null, 'critical');
    const theirs = (await notified(other)).map((p) => p.user_id);
    expect(theirs).toContain(otherManager.userId);
    for (const m of managers) expect(theirs).not.toContain(m.userId);
    // No owner: the call task is still proposed, unassigned.
    expect((await calls(other))[0]?.assignee_user_id).toBeNull();
  });
});
