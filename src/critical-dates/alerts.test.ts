import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';

/**
 * The alert pass on a real database: once per lead time and expiry, a call task for a domain or
 * certificate (a to-do otherwise) for the owner, the owner told, a `critical_date.due` webhook; a
 * renewed date (a new expiry) alerts again; an archived one never.
 */
let t: TestApp;
let admin: SignedIn;
let owner: SignedIn;
const DAY = 86_400_000;
const now = new Date();
const at = (days: number) => new Date(now.getTime() + days * DAY);

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn('admin');
  owner = await t.signIn('csm');
  const hook = await t.app.inject({ method: 'POST', url: '/api/webhooks', headers: admin.headers, payload: { name: 'dates', url: 'https://hooks.example.com/canopy', events: ['critical_date.due'] } });
  expect(hook.statusCode, hook.body).toBe(201);
});
afterAll(async () => { await t?.close(); });

const account = async (name: string, ownerId: string | null) => (await t.app.services.accounts.create({ name: `${name} ${unique('a')}`, stage: 'adoption', ownerId }, SYSTEM_ACTOR));
const createDate = async (accountId: string, body: object) => {
  const res = await t.app.inject({ method: 'POST', url: `/api/accounts/${accountId}/critical-dates`, headers: admin.headers, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
};
const tasksOf = async (accountId: string) =>
  (await t.database.query<{ title: string; kind: string; assignee_user_id: string | null; priority: number }>('SELECT title, kind, assignee_user_id, priority FROM tasks WHERE account_id = $1 ORDER BY created_at, title', [accountId])).rows;
const alertsOf = async (id: string) =>
  (await t.database.query<{ lead_days: number; task_id: string | null }>('SELECT lead_days, task_id FROM critical_date_alerts WHERE critical_date_id = $1 ORDER BY lead_days', [id])).rows;
const deliveriesFor = async (id: string) =>
  (await t.database.query<{ payload: { data: { criticalDate: { id: string }; leadDays: number; taskId: string } } }>(
    "SELECT payload FROM webhook_deliveries WHERE event_type = 'critical_date.due' AND payload->'data'->'criticalDate'->>'id' = $1", [id])).rows;

describe('alert pass', () => {
  it('a domain inside its 7-day lead: one call for the owner, the owner told, a webhook; once', async () => {
    const acc = await account('Lapse', owner.userId);
    const id = await createDate(acc.id, { kind: 'domain', label: 'Main domain', target: 'lapse.example', autoCheck: false });
    await t.database.query('UPDATE critical_dates SET expires_at = $2 WHERE id = $1', [id, at(6.5)]);
    await t.app.services.criticalDates.alertPass(now);
    const tasks = await tasksOf(acc.id);
    expect(tasks).toEqual([{ title: `Call ${acc.name}: their domain lapse.example expires in 7 days`, kind: 'call', assignee_user_id: owner.userId, priority: 4 }]);
    const alerts = await alertsOf(id);
    expect(alerts.map((a) => a.lead_days)).toEqual([7, 30, 60]);
    expect(new Set(alerts.map((a) => a.task_id)).size).toBe(1);
    const { rows: notes } = await t.database.query<{ title: string }>('SELECT title FROM notifications WHERE user_id = $1 AND account_id = $2', [owner.userId, acc.id]);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.title).toContain('their domain lapse.example expires in 7 days');
    const hooks = await deliveriesFor(id);
    expect(hooks).toHaveLength(1);
    expect(hooks[0]?.payload.data).toMatchObject({ criticalDate: { id, kind: 'domain', target: 'lapse.example', daysLeft: 7 }, leadDays: 7, taskId: alerts[0]?.task_id });

    await t.app.services.criticalDates.alertPass(now);
    await t.app.services.criticalDates.alertPass(at(0.5));
    expect(await tasksOf(acc.id)).toHaveLength(1);
    expect(await deliveriesFor(id)).toHaveLength(1);
  });

  it('alerts once per lead as the date comes closer, and again for a renewed date', async () => {
    const acc = await account('Contract', owner.userId);
    const expiry = at(45);
    const id = await createDate(acc.id, { kind: 'contract', label: 'MSA', expiresAt: expiry.toISOString() });
    await t.app.services.criticalDates.alertPass(now);
    expect((await tasksOf(acc.id)).map((x) => [x.kind, x.title])).toEqual([['todo', `${acc.name}: contract “MSA” expires in 45 days`]]);
    await t.app.services.criticalDates.alertPass(at(1));
    expect(await tasksOf(acc.id)).toHaveLength(1);
    await t.app.services.criticalDates.alertPass(at(16));
    await t.app.services.criticalDates.alertPass(at(39));
    await t.app.services.criticalDates.alertPass(at(40));
    expect((await tasksOf(acc.id)).map((x) => x.title)).toEqual([
      `${acc.name}: contract “MSA” expires in 45 days`,
      `${acc.name}: contract “MSA” expires in 29 days`,
      `${acc.name}: contract “MSA” expires in 6 days`,
    ]);
    expect((await alertsOf(id)).map((a) => a.lead_days)).toEqual([7, 30, 60]);

    // Renewed for a year: the new expiry alerts again at its own leads.
    const renewed = new Date(expiry.getTime() + 365 * DAY);
    const res = await t.app.inject({ method: 'PATCH', url: `/api/critical-dates/${id}`, headers: admin.headers, payload: { expiresAt: renewed.toISOString() } });
    expect(res.statusCode, res.body).toBe(200);
    await t.app.services.criticalDates.alertPass(at(41));
    expect(await tasksOf(acc.id)).toHaveLength(3);
    await t.app.services.criticalDates.alertPass(new Date(renewed.getTime() - 50 * DAY));
    expect((await tasksOf(acc.id)).at(-1)?.title).toBe(`${acc.name}: contract “MSA” expires in 50 days`);
    expect(await deliveriesFor(id)).toHaveLength(4);
  });

  it('an unowned account: a manager gets the task; an archived date never alerts; the default lead times come from app settings', async () => {
    const manager = await t.signIn('manager');
    const acc = await account('Orphan', null);
    await t.database.query("INSERT INTO app_settings (key, value) VALUES ('critical_dates.default_lead_days', '[14]'::jsonb)");
    const id = await createDate(acc.id, { kind: 'licence', label: 'Seats', expiresAt: at(10).toISOString() });
    const archived = await createDate(acc.id, { kind: 'card', label: 'Visa', expiresAt: at(3).toISOString() });
    await t.app.inject({ method: 'DELETE', url: `/api/critical-dates/${archived}`, headers: admin.headers });
    await t.database.query("DELETE FROM app_settings WHERE key = 'critical_dates.default_lead_days'");
    await t.app.services.criticalDates.alertPass(now);
    const tasks = await tasksOf(acc.id);
    // resolveAssignees' manager: a manager before an admin.
    expect(tasks).toEqual([{ title: `${acc.name}: licence “Seats” expires in 10 days`, kind: 'todo', assignee_user_id: manager.userId, priority: 3 }]);
    expect((await alertsOf(id)).map((a) => a.lead_days)).toEqual([14]);
    expect(await alertsOf(archived)).toEqual([]);
  });
});
