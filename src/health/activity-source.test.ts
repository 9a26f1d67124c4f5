import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import { measure, type MeasuredDriver } from './metrics.js';
import { measureDays } from './metrics-days.js';
import type { DriverSource } from './schema.js';

/** Driver sources of issue 10: days since an activity (with its past values) and autopilot. */
let t: TestApp;
let manager: SignedIn;
const DAY = 86_400_000;
const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY);
const dayOf = (daysAgo: number) => at(daysAgo).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  manager = await t.signIn('manager');
});
afterAll(() => t.close());

const api = (method: 'GET' | 'POST', url: string, payload?: object) => t.app.inject({ method, url, headers: manager.headers, ...(payload ? { payload } : {}) });
// A stage no default driver counts, so the driver under test is the account's whole health.
const account = async () => (await t.app.services.accounts.create({ name: unique('acts'), stage: 'onboarding' }, SYSTEM_ACTOR)).id;
async function log(accountId: string, kind: string, daysAgo: number, contactIds: string[] = []) {
  const res = await api('POST', '/api/activities', { accountId, kind, subject: `${kind} ${daysAgo}`, occurredAt: at(daysAgo).toISOString(), participants: { contactIds } });
  expect(res.statusCode, res.body).toBe(201);
}
type Explanation = { score: number | null; state: string; drivers: { key: string; value: number | null; score: number | null }[] };
const driverOf = async (id: string, key: string) => ((await api('GET', `/api/accounts/${id}/health`)).json() as Explanation).drivers.find((d) => d.key === key);
const refresh = () => t.app.services.health.refreshDirty();
const value = async (source: DriverSource, id: string, asOf: string) => {
  const [m] = await measure(t.database, [{ key: 'x', source, trend: false }], { ids: [id] }, asOf);
  return m?.raw.get('x')?.current ?? null;
};

describe('driver source days_since_activity', () => {
  it('scores an account, moves when a call is logged, and its past value ignores later calls', async () => {
    const created = await api('POST', '/api/drivers', {
      key: 'days_since_call', name: 'Days since a call', source: { type: 'days_since_activity', kinds: ['call'] },
      scoring: { type: 'bands', direction: 'lower_is_better', thresholds: [{ value: 15, score: 100 }, { value: 45, score: 50 }] },
      stageWeights: { onboarding: 10 },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = await account();
    await log(id, 'call', 30);
    await log(id, 'email', 3); // another kind: not counted
    await refresh();
    expect(await driverOf(id, 'days_since_call')).toMatchObject({ value: 30, score: 50 });

    await log(id, 'call', 2);
    // Logging marked the account for health; the refresh moves the driver.
    expect((await t.database.query('SELECT 1 FROM health_dirty WHERE account_id = $1', [id])).rows).toHaveLength(1);
    await refresh();
    expect(await driverOf(id, 'days_since_call')).toMatchObject({ value: 2, score: 100 });
    const h = (await api('GET', `/api/accounts/${id}/health`)).json() as Explanation;
    expect(h).toMatchObject({ state: 'scored', score: 100 });

    // As of 10 days ago the call of 2 days ago had not happened: 20 days since the one before.
    const source: DriverSource = { type: 'days_since_activity', kinds: ['call'], maxDays: 90 };
    expect(await value(source, id, dayOf(10))).toBe(20);
    expect(await value(source, id, dayOf(0))).toBe(2);
    // Before any call, within the cap: no value (scored as the cap, "at least 90 days").
    expect(await value(source, id, dayOf(35))).toBeNull();
  });

  it('"any activity" is a touch by the team: a support ticket is not one', async () => {
    const id = await account();
    await log(id, 'note', 20);
    await t.database.query(
      `INSERT INTO activities (account_id, kind, occurred_at, subject, proactive, proactive_source, ticket_priority, ticket_status)
       VALUES ($1, 'ticket', $2, 'Sync fails', false, 'inferred', 'high', 'open')`, [id, at(1)],
    );
    const source: DriverSource = { type: 'days_since_activity', maxDays: 90 };
    expect(await value(source, id, dayOf(0))).toBe(20);
  });

  it('counts only activities with a contact of the role when one is asked for', async () => {
    const id = await account();
    const sponsor = await t.app.services.contacts.create({ accountId: id, email: `${unique('exec')}@example.test`, name: 'Sam Sponsor', role: 'executive_sponsor' }, SYSTEM_ACTOR);
    const user = await t.app.services.contacts.create({ accountId: id, email: `${unique('user')}@example.test`, name: 'Uma User', role: 'user' }, SYSTEM_ACTOR);
    await log(id, 'meeting', 40, [sponsor.id]);
    await log(id, 'meeting', 5, [user.id]);
    const withSponsor: DriverSource = { type: 'days_since_activity', kinds: ['meeting', 'qbr'], contactRole: 'executive_sponsor', maxDays: 90 };
    expect(await value(withSponsor, id, dayOf(0))).toBe(40);
    expect(await value({ type: 'days_since_activity', maxDays: 90 }, id, dayOf(0))).toBe(5);
    // Beyond maxDays: no value within the window.
    expect(await value({ ...withSponsor, maxDays: 30 }, id, dayOf(0))).toBeNull();
  });

  it('measureDays gives, day by day, what measure gives for each past day', async () => {
    const id = await account();
    // measureDays covers the days an account had product usage (the back-fill's range).
    await t.database.query(`UPDATE accounts SET first_activity_at = now() - interval '60 days' WHERE id = $1`, [id]);
    for (const d of [25, 18, 11, 4]) await log(id, 'call', d);
    await log(id, 'note', 8);
    const drivers: MeasuredDriver[] = [
      { key: 'calls', source: { type: 'days_since_activity', kinds: ['call'], maxDays: 10 }, trend: false },
      { key: 'any', source: { type: 'days_since_activity', maxDays: 30 }, trend: false },
      { key: 'ap', source: { type: 'autopilot' }, trend: false },
    ];
    const days = await measureDays(t.database, drivers, { ids: [id] }, dayOf(30), dayOf(1));
    expect(days).toHaveLength(30);
    for (const { day, measurements } of days) {
      const [want] = await measure(t.database, drivers, { ids: [id] }, day);
      const got = measurements[0];
      for (const key of ['calls', 'any', 'ap']) expect([day, key, got?.raw.get(key)?.current]).toEqual([day, key, want?.raw.get(key)?.current]);
    }
    const on = (d: number) => days.find((x) => x.day === dayOf(d))?.measurements[0]?.raw;
    expect(on(20)?.get('calls')?.current).toBe(5); // from the call of 25 days ago: the one of 18 days ago came later
    expect(on(8)?.get('any')?.current).toBe(0); // the note counts for "any activity"
    expect(on(8)?.get('calls')?.current).toBe(3);
  });
});

describe('driver source autopilot', () => {
  it('is 1 for an account on autopilot and 0 otherwise, from the stored verdict; a past day has no value', async () => {
    const on = await account();
    const off = await account();
    for (const d of [90, 60, 30, 0]) await log(on, 'call', d);
    await log(off, 'call', 3);
    await t.app.services.autopilot.refreshDirty();
    const source: DriverSource = { type: 'autopilot' };
    expect(await value(source, on, dayOf(0))).toBe(1);
    expect(await value(source, off, dayOf(0))).toBe(0);
    expect(await value(source, on, dayOf(5))).toBeNull();

    const created = await api('POST', '/api/drivers', {
      key: 'not_on_autopilot', name: 'Not on autopilot', source,
      scoring: { type: 'bands', direction: 'lower_is_better', thresholds: [{ value: 0.5, score: 100 }] },
      stageWeights: { onboarding: 5 },
    });
    expect(created.statusCode, created.body).toBe(201);
    await refresh();
    expect(await driverOf(on, 'not_on_autopilot')).toMatchObject({ value: 1, score: 0 });
    expect(await driverOf(off, 'not_on_autopilot')).toMatchObject({ value: 0, score: 100 });
  });

  it('the catalogue offers both sources as available', async () => {
    const res = await api('GET', '/api/drivers/catalog');
    expect(res.statusCode).toBe(200);
    const sources = (res.json() as { sources: { type: string; available: boolean; description: string }[] }).sources;
    expect(sources.find((s) => s.type === 'days_since_activity')).toMatchObject({ available: true });
    expect(sources.find((s) => s.type === 'days_since_activity')?.description).not.toMatch(/arrives with/);
    expect(sources.find((s) => s.type === 'autopilot')).toMatchObject({ available: true });
  });
});
