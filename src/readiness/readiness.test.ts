import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import type { Initiative } from './schema.js';

/** Readiness over HTTP on a real database: initiatives, check-ins, quadrant, summary, settings, spoon tasks, the activity form. */
let t: TestApp;
let teamId: string;
let csm: SignedIn;
let manager: SignedIn;

beforeAll(async () => {
  t = await createTestApp();
  teamId = (await t.app.services.teams.create(unique('team'), SYSTEM_ACTOR)).id;
  csm = await t.signIn('csm', { teamId });
  manager = await t.signIn('manager');
  await t.database.query(`INSERT INTO webhooks (name, url, secret, events) VALUES ('readiness', 'http://127.0.0.1:9/hook', 's', ARRAY['check_in.recorded'])`);
});
afterAll(() => t.close());

type Json = Record<string, unknown> & { id: string; code?: string; fields?: { path: string; message: string }[] };
const call = async (who: SignedIn, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object, expected?: number) => {
  const res = await t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
  if (expected !== undefined) expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(expected);
  return { status: res.statusCode, body: (res.body ? res.json() : null) as Json };
};
async function account(arr = 50_000) {
  const a = await t.app.services.accounts.create({ name: unique('acct'), ownerId: csm.userId, teamId, arr }, SYSTEM_ACTOR);
  const c = await t.app.services.contacts.create({ accountId: a.id, name: 'Ada Customer', email: 'ada@example.test' }, SYSTEM_ACTOR);
  return { accountId: a.id, contactId: c.id };
}
const initiative = async (accountId: string, body: object = { title: 'Roll out SSO' }) => (await call(csm, 'POST', `/api/accounts/${accountId}/initiatives`, body, 201)).body as unknown as Initiative;
const readiness = async (accountId: string) => (await call(csm, 'GET', `/api/accounts/${accountId}/readiness`, undefined, 200)).body as unknown as { initiatives: Initiative[]; thresholds: { importance: number; confidence: number }; accountQuadrant: string | null };
const summary = async () => (await call(manager, 'GET', '/api/readiness/summary', undefined, 200)).body as unknown as { quadrants: { quadrant: string; accounts: number; arr: number }[]; noCheckIn: { accounts: number; arr: number } };
const inQuadrant = (s: Awaited<ReturnType<typeof summary>>, q: string) => s.quadrants.find((x) => x.quadrant === q) ?? { accounts: -1, arr: -1 };
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

describe('a check-in moves the quadrant', () => {
  it('records enable with the phrases quoted, then ready after a spoon; the summary follows', async () => {
    const { accountId, contactId } = await account(120_000);
    const i = await initiative(accountId);
    expect(i).toMatchObject({ title: 'Roll out SSO', status: 'active', checkIns: [], latest: null, recommendation: null, canEdit: true });
    const s0 = await summary();

    const first = await call(csm, 'POST', '/api/check-ins', {
      accountId, initiativeId: i.id, contactId, importance: 8, confidence: 3, at: daysAgo(30),
      whyNotLower: 'This is critical for our audit', whatWouldMoveHigher: "I really want to use it but we're too busy right now",
    }, 201);
    expect(first.body).toMatchObject({ quadrant: 'enable', checkIn: { importance: 8, confidence: 3, source: 'csm', contact: { id: contactId, name: 'Ada Customer' }, recordedBy: { id: csm.userId } } });
    const rec = first.body.recommendation as { headline: string; because: string[]; actions: { kind: string; taskTitle?: string }[] };
    expect(rec.actions[0]).toMatchObject({ kind: 'give_spoon_task' });
    expect(rec.because.join('\n')).toContain('“This is critical for our audit”');
    expect(rec.because).toContain('This is the first check-in on this initiative.');
    const talk = first.body.changeTalk as { whyNotLower: { label: string; spans: { phrase: string }[] }; whatWouldMoveHigher: { spans: { polarity: string }[] } };
    expect(talk.whyNotLower.spans.length, 'change talk heard in "critical for our audit"').toBeGreaterThan(0);
    expect(talk.whatWouldMoveHigher.spans.some((s) => s.polarity === 'sustain'), 'sustain talk heard in "too busy right now"').toBe(true);

    const s1 = await summary();
    expect(inQuadrant(s1, 'enable').accounts).toBe(inQuadrant(s0, 'enable').accounts + 1);
    expect(inQuadrant(s1, 'enable').arr).toBe(inQuadrant(s0, 'enable').arr + 120_000);
    expect(s1.noCheckIn.accounts).toBe(s0.noCheckIn.accounts - 1);

    const spoon = await call(csm, 'POST', `/api/initiatives/${i.id}/spoon-task`, {}, 201);
    expect(spoon.body).toMatchObject({ accountId, source: 'manual', assignee: { id: csm.userId } });
    expect(String(spoon.body.title)).toBe('Give a spoon: do the first step of Roll out SSO for them');
    expect(String(spoon.body.reason)).toContain("too busy right now");
    const { rows: [task] } = await t.database.query<{ gives_spoon: boolean }>('SELECT gives_spoon FROM tasks WHERE id = $1', [spoon.body.id]);
    expect(task?.gives_spoon).toBe(true);

    const second = await call(csm, 'POST', '/api/check-ins', { accountId, initiativeId: i.id, contactId, importance: 8, confidence: 8, whyNotLower: 'We need it for the audit in March' }, 201);
    expect(second.body.quadrant).toBe('ready');
    const because = (second.body.recommendation as { because: string[] }).because;
    expect(because.some((b) => b.includes('confidence rose from 3 to 8 (enable → ready)')), because.join('\n')).toBe(true);

    const s2 = await summary();
    expect(inQuadrant(s2, 'enable').accounts).toBe(inQuadrant(s0, 'enable').accounts);
    expect(inQuadrant(s2, 'ready').accounts).toBe(inQuadrant(s0, 'ready').accounts + 1);

    const r = await readiness(accountId);
    expect(r.accountQuadrant).toBe('ready');
    expect(r.initiatives[0]?.checkIns.map((c) => c.quadrant)).toEqual(['enable', 'ready']);
    expect(r.initiatives[0]?.latest).toMatchObject({ quadrant: 'ready', importance: 8, confidence: 8 });
    expect(r.initiatives[0]?.recommendation?.quadrant).toBe('ready');
    const { rows: [n] } = await t.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE event_type = 'check_in.recorded' AND payload -> 'data' -> 'initiative' ->> 'id' = $1`, [i.id]);
    expect(n?.n).toBe(2);
    const timeline = await call(csm, 'GET', `/api/accounts/${accountId}/timeline?kinds=check_in`, undefined, 200);
    expect((timeline.body.items as { kind: string; title: string }[]).map((x) => x.title)).toEqual(['Check-in: Roll out SSO — ready (importance 8, confidence 8)', 'Check-in: Roll out SSO — enable (importance 8, confidence 3)']);
    const [, older] = timeline.body.items as { data: { whatWouldMoveHigher: string; talk: { whyNotLower: unknown; whatWouldMoveHigher: { spans: { polarity: string }[] } } } }[];
    expect(older?.data.whatWouldMoveHigher).toBe("I really want to use it but we're too busy right now");
    expect(older?.data.talk.whatWouldMoveHigher.spans.some((sp) => sp.polarity === 'sustain'), 'the answer carries its sustain talk').toBe(true);
  });

  it('a dropped initiative no longer sets the account quadrant', async () => {
    const { accountId } = await account();
    const i = await initiative(accountId);
    await call(csm, 'POST', '/api/check-ins', { accountId, initiativeId: i.id, importance: 2, confidence: 9 }, 201);
    expect((await readiness(accountId)).accountQuadrant).toBe('align');
    await call(csm, 'PATCH', `/api/initiatives/${i.id}`, { status: 'dropped' }, 200);
    expect((await readiness(accountId)).accountQuadrant).toBeNull();
  });
});

describe('check-ins at the same instant on two initiatives', () => {
  it('the account has one latest check-in (the one recorded last), the same in its readiness and in the summary', async () => {
    const { accountId } = await account(70_000);
    const older = await initiative(accountId, { title: 'Roll out SSO' });
    const newer = await initiative(accountId, { title: 'Adopt scheduled reports' });
    const at = daysAgo(3);
    const s0 = await summary();
    await call(csm, 'POST', '/api/check-ins', { accountId, initiativeId: newer.id, importance: 8, confidence: 3, at }, 201); // enable
    await call(csm, 'POST', '/api/check-ins', { accountId, initiativeId: older.id, importance: 2, confidence: 2, at }, 201); // nurture, recorded last
    expect((await readiness(accountId)).accountQuadrant).toBe('nurture');
    const s1 = await summary();
    expect(inQuadrant(s1, 'nurture').accounts).toBe(inQuadrant(s0, 'nurture').accounts + 1);
    expect(inQuadrant(s1, 'enable').accounts).toBe(inQuadrant(s0, 'enable').accounts);
  });

  it('recorded at the same instant too (one transaction), the id decides, alike in both', async () => {
    const { accountId } = await account(30_000);
    const a = await initiative(accountId, { title: 'Roll out SSO' });
    const b = await initiative(accountId, { title: 'Adopt scheduled reports' });
    const s0 = await summary();
    const { rows } = await t.database.query<{ id: string; importance: number }>(
      `INSERT INTO check_ins (initiative_id, account_id, importance, confidence, source, at, created_at)
       VALUES ($1, $3, 9, 9, 'csm', $4, $4), ($2, $3, 2, 9, 'csm', $4, $4) RETURNING id, importance`, [a.id, b.id, accountId, daysAgo(1)],
    );
    const last = [...rows].sort((x, y) => (x.id < y.id ? 1 : -1))[0];
    const expected = last?.importance === 9 ? 'ready' : 'align';
    expect((await readiness(accountId)).accountQuadrant).toBe(expected);
    const s1 = await summary();
    expect(inQuadrant(s1, expected).accounts).toBe(inQuadrant(s0, expected).accounts + 1);
    expect(inQuadrant(s1, expected === 'ready' ? 'align' : 'ready').accounts).toBe(inQuadrant(s0, expected === 'ready' ? 'align' : 'ready').accounts);
  });
});

describe('validation', () => {
  it('refuses scores outside 0–10 or not whole, a missing initiative, unknown contacts and another account\'s', async () => {
    const { accountId } = await account();
    const other = await account();
    const i = await initiative(accountId);
    const otherInitiative = await initiative(other.accountId);
    const bad = async (body: object, path: string, message?: string) => {
      const res = await call(csm, 'POST', '/api/check-ins', { accountId, initiativeId: i.id, importance: 5, confidence: 5, ...body }, 400);
      expect(res.body.fields?.map((f) => f.path), JSON.stringify(res.body)).toContain(path);
      expect(res.body.fields?.filter((f) => f.path === path), `one message for ${path}: ${JSON.stringify(res.body)}`).toHaveLength(1);
      if (message) expect(res.body.fields?.find((f) => f.path === path)?.message).toBe(message);
    };
    await bad({ importance: 11 }, 'importance', 'Must be 0 to 10');
    await bad({ confidence: -1 }, 'confidence', 'Must be 0 to 10');
    await bad({ importance: 7.5 }, 'importance', 'Must be a whole number from 0 to 10');
    await bad({ importance: 1e308 }, 'importance', 'Must be a whole number from 0 to 10');
    await bad({ confidence: -1e308 }, 'confidence', 'Must be a whole number from 0 to 10');
    await bad({ confidence: '7' }, 'confidence');
    await bad({ initiativeId: undefined }, 'initiativeId', 'Choose the initiative this check-in is about');
    await bad({ initiativeId: otherInitiative.id }, 'initiativeId', 'an initiative of another account');
    await bad({ initiativeId: '00000000-0000-4000-8000-000000000000' }, 'initiativeId', 'no such initiative');
    await bad({ contactId: '00000000-0000-4000-8000-000000000000' }, 'contactId', 'no such contact');
    await bad({ contactId: other.contactId }, 'contactId', 'a contact of another account');
    await bad({ at: new Date(Date.now() + 86_400_000).toISOString() }, 'at', 'Cannot be in the future');
    const { rows: [n] } = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM check_ins WHERE account_id = $1', [accountId]);
    expect(n?.n).toBe(0);
  });

  it('links an initiative only to a goal or milestone of its own account\'s plans', async () => {
    const { accountId } = await account();
    const other = await account();
    const plan = (await call(csm, 'POST', `/api/accounts/${other.accountId}/success-plans`, { title: 'Plan' }, 201)).body;
    const goal = (await call(csm, 'POST', `/api/success-plans/${plan.id}/goals`, { statement: 'Close in three days' }, 201)).body;
    const res = await call(csm, 'POST', `/api/accounts/${accountId}/initiatives`, { title: 'SSO', goalId: goal.id }, 400);
    expect(res.body.fields).toEqual([{ path: 'goalId', message: "not a goal of this account's success plans" }]);
    const own = await initiative(other.accountId, { title: 'SSO', goalId: goal.id });
    expect(own).toMatchObject({ goalId: goal.id, goalStatement: 'Close in three days' });
    const cleared = await call(csm, 'PATCH', `/api/initiatives/${own.id}`, { goalId: null }, 200);
    expect(cleared.body.goalId).toBeNull();
  });
});

describe('check-in from the log-activity form', () => {
  it('records it in the activity\'s transaction, at its time, creating the initiative by title', async () => {
    const { accountId, contactId } = await account();
    const occurredAt = daysAgo(2);
    const res = await call(csm, 'POST', '/api/activities', {
      accountId, kind: 'call', subject: 'Check-in call', occurredAt,
      checkIn: { initiativeTitle: 'Adopt scheduled reports', contactId, importance: 9, confidence: 4, whatWouldMoveHigher: 'If someone could show us how to set them up' },
    }, 201);
    const r = await readiness(accountId);
    expect(r.initiatives.map((i) => i.title)).toEqual(['Adopt scheduled reports']);
    expect(r.initiatives[0]?.checkIns[0]).toMatchObject({ activityId: res.body.id, at: occurredAt, importance: 9, confidence: 4, quadrant: 'enable' });
    expect(r.initiatives[0]?.recommendation?.actions[0]?.taskTitle).toBe('Give a spoon: run a hands-on training on Adopt scheduled reports');

    // A bad check-in refuses the whole activity: nothing half-written.
    const before = (await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM activities WHERE account_id = $1', [accountId])).rows[0]?.n;
    const bad = await call(csm, 'POST', '/api/activities', { accountId, kind: 'call', subject: 'Another', checkIn: { initiativeId: r.initiatives[0]?.id, contactId: '00000000-0000-4000-8000-000000000000', importance: 5, confidence: 5 } }, 400);
    expect(bad.body.fields).toEqual([{ path: 'checkIn.contactId', message: 'no such contact' }]);
    const noInitiative = await call(csm, 'POST', '/api/activities', { accountId, kind: 'call', subject: 'Another', checkIn: { importance: 5, confidence: 5 } }, 400);
    expect(noInitiative.body.fields?.map((f) => f.path)).toEqual(['checkIn.initiativeId']);
    const after = (await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM activities WHERE account_id = $1', [accountId])).rows[0]?.n;
    expect(after).toBe(before);
  });
});

describe('settings', () => {
  it('everyone reads the thresholds, admins and managers set them, and the quadrants follow', async () => {
    const { accountId } = await account();
    const i = await initiative(accountId);
    await call(csm, 'POST', '/api/check-ins', { accountId, initiativeId: i.id, importance: 6, confidence: 6 }, 201);
    expect((await call(csm, 'GET', '/api/readiness/settings', undefined, 200)).body).toEqual({ importanceThreshold: 7, confidenceThreshold: 7 });
    expect((await readiness(accountId)).accountQuadrant).toBe('nurture');
    await call(csm, 'PUT', '/api/readiness/settings', { importanceThreshold: 5, confidenceThreshold: 5 }, 403);
    const bad = await call(manager, 'PUT', '/api/readiness/settings', { importanceThreshold: 0, confidenceThreshold: 5 }, 400);
    expect(bad.body.fields).toEqual([{ path: 'importanceThreshold', message: 'Must be 1 to 10' }]);
    const huge = await call(manager, 'PUT', '/api/readiness/settings', { importanceThreshold: 7, confidenceThreshold: 1e308 }, 400);
    expect(huge.body.fields).toEqual([{ path: 'confidenceThreshold', message: 'Must be a whole number from 1 to 10' }]);
    await call(manager, 'PUT', '/api/readiness/settings', { importanceThreshold: 5, confidenceThreshold: 6 }, 200);
    const r = await readiness(accountId);
    expect(r.thresholds).toEqual({ importance: 5, confidence: 6 });
    expect(r.accountQuadrant).toBe('ready');
    await call(manager, 'PUT', '/api/readiness/settings', { importanceThreshold: 7, confidenceThreshold: 7 }, 200);
  });
});

describe('capacity', () => {
  it('a low-confidence check-in lowers the capacity; an over-capacity e-mail request is refused, then sent when confirmed', async () => {
    const { accountId, contactId } = await account();
    const i = await initiative(accountId);
    const capacity = async () => (await call(csm, 'GET', `/api/accounts/${accountId}/capacity`, undefined, 200)).body as unknown as { capacity: number; left: number; reasons: { text: string; delta: number }[] };
    const before = await capacity();
    await call(csm, 'POST', '/api/check-ins', { accountId, initiativeId: i.id, contactId, importance: 9, confidence: 2, whatWouldMoveHigher: "We're too busy right now" }, 201);
    const after = await capacity();
    expect(after.capacity, JSON.stringify(after.reasons)).toBeLessThan(before.capacity);
    expect(after.reasons.length).toBeGreaterThan(0);

    await call(csm, 'PUT', `/api/accounts/${accountId}/capacity`, { spoons: 0 }, 200);
    const refused = await call(csm, 'POST', `/api/initiatives/${i.id}/check-in-requests`, { contactId }, 409);
    expect(refused.body).toMatchObject({ code: 'capacity.exceeded', details: { left: 0 } });
    const { rows: [none] } = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM check_in_requests WHERE initiative_id = $1', [i.id]);
    expect(none?.n).toBe(0);
    const sent = await call(csm, 'POST', `/api/initiatives/${i.id}/check-in-requests`, { contactId, confirmOverload: true }, 201);
    const { rows: [req] } = await t.database.query<{ overload: boolean }>('SELECT overload FROM check_in_requests WHERE id = $1', [sent.body.requestId]);
    expect(req?.overload).toBe(true);
    const { rows: [o] } = await t.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM capacity_overloads WHERE account_id = $1 AND kind = 'check_in' AND ref_id = $2`, [accountId, sent.body.requestId]);
    expect(o?.n).toBe(1);
  });
});
