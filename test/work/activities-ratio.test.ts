import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../support/app.js';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import type { RatioResponse } from '../../src/activities/schema.js';

/**
 * Activities at known UTC times in March 2025 (weeks start Mon 3, 10, 17, 24), logged by two CSMs
 * of team 1 and one of team 2, plus two just outside the range [Mar 3, Mar 31).
 */
let t: TestApp;
let a: SignedIn;
let b: SignedIn;
let c: SignedIn;
let team1: string;
let team2: string;
const accounts: Record<'A' | 'B' | 'C', string> = { A: '', B: '', C: '' };

beforeAll(async () => {
  t = await createTestApp();
  team1 = (await t.app.services.teams.create(unique('team1'), SYSTEM_ACTOR)).id;
  team2 = (await t.app.services.teams.create(unique('team2'), SYSTEM_ACTOR)).id;
  a = await t.signIn('csm', { teamId: team1 });
  b = await t.signIn('csm', { teamId: team1 });
  c = await t.signIn('csm', { teamId: team2 });
  for (const [key, owner] of [['A', a], ['B', b], ['C', c]] as const) {
    accounts[key] = (await t.app.services.accounts.create({ name: unique(`acct${key}`), ownerId: owner.userId }, SYSTEM_ACTOR)).id;
  }
  const log = async (who: SignedIn, account: string, occurredAt: string, extra: object = {}) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/activities', headers: who.headers, payload: { accountId: account, kind: 'call', subject: 'x', occurredAt, ...extra } });
    expect(res.statusCode, res.body).toBe(201);
  };
  await log(a, accounts.A, '2025-03-03T00:00:00Z'); // proactive, first instant of the range
  await log(a, accounts.A, '2025-03-04T12:00:00Z', { respondsTo: 'ticket' }); // reactive
  await log(a, accounts.A, '2025-03-11T09:00:00Z', { kind: 'qbr' });
  await log(a, accounts.A, '2025-03-30T23:59:59Z', { kind: 'note' }); // notes count
  await log(b, accounts.B, '2025-03-12T10:00:00Z', { kind: 'escalation' }); // reactive
  await log(b, accounts.B, '2025-03-12T11:00:00Z', { kind: 'email', proactive: false }); // reactive by hand
  await log(c, accounts.C, '2025-03-18T08:00:00+02:00', { kind: 'meeting' });
  await log(a, accounts.A, '2025-03-02T23:59:59Z'); // before the range
  await log(a, accounts.A, '2025-03-31T00:00:00Z'); // `to` is exclusive
});
afterAll(() => t.close());

const RANGE = 'from=2025-03-03T00:00:00Z&to=2025-03-31T00:00:00Z';
async function ratio(q: string): Promise<RatioResponse> {
  const res = await t.app.inject({ method: 'GET', url: `/api/activities/ratio?${q}`, headers: a.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as RatioResponse;
}
const brief = (r: RatioResponse) => r.series.map((s) => [s.periodStart, s.proactive, s.reactive, s.ratio]);

describe('GET /api/activities/ratio', () => {
  it('counts every kind for the whole book, in dense UTC weeks', async () => {
    const r = await ratio(RANGE);
    expect(r).toMatchObject({ proactive: 4, reactive: 3, ratio: 4 / 7, bucket: 'week', from: '2025-03-03T00:00:00.000Z', to: '2025-03-31T00:00:00.000Z' });
    expect(brief(r)).toEqual([
      ['2025-03-03', 1, 1, 0.5],
      ['2025-03-10', 1, 2, 1 / 3],
      ['2025-03-17', 1, 0, 1],
      ['2025-03-24', 1, 0, 1],
    ]);
  });

  it('per team: activities logged by its members, with a ratio per person', async () => {
    const r = await ratio(`${RANGE}&teamId=${team1}`);
    expect(r).toMatchObject({ proactive: 3, reactive: 3, ratio: 0.5 });
    expect(brief(r)).toEqual([
      ['2025-03-03', 1, 1, 0.5],
      ['2025-03-10', 1, 2, 1 / 3],
      ['2025-03-17', 0, 0, null],
      ['2025-03-24', 1, 0, 1],
    ]);
    expect(r.byUser).toEqual([
      { userId: a.userId, name: 'Test csm', proactive: 3, reactive: 1, ratio: 0.75 },
      { userId: b.userId, name: 'Test csm', proactive: 0, reactive: 2, ratio: 0 },
    ]);
    expect((await ratio(`${RANGE}&teamId=${team2}`)).byUser.map((u) => u.userId)).toEqual([c.userId]);
  });

  it('per CSM and per account', async () => {
    const mine = await ratio(`${RANGE}&userId=${c.userId}`);
    expect(mine).toMatchObject({ proactive: 1, reactive: 0, ratio: 1 });
    expect(brief(mine).map(([, p]) => p)).toEqual([0, 0, 1, 0]);
    expect(await ratio(`${RANGE}&accountId=${accounts.B}`)).toMatchObject({ proactive: 0, reactive: 2, ratio: 0 });
    const quiet = await ratio(`${RANGE}&accountId=${accounts.C}&userId=${a.userId}`);
    expect(quiet).toMatchObject({ proactive: 0, reactive: 0, ratio: null, byUser: [] });
    expect(quiet.series.every((s) => s.ratio === null)).toBe(true);
  });

  it('in months, with the first period starting before `from` but counting only from it', async () => {
    const r = await ratio('from=2025-02-20T00:00:00Z&to=2025-04-02T00:00:00Z&bucket=month');
    expect(brief(r)).toEqual([
      ['2025-02-01', 0, 0, null],
      ['2025-03-01', 6, 3, 6 / 9], // with Mar 2 and Mar 31
      ['2025-04-01', 0, 0, null],
    ]);
    const partial = await ratio('from=2025-03-05T00:00:00Z&to=2025-03-10T00:00:00Z');
    expect(brief(partial)).toEqual([['2025-03-03', 0, 0, null]]);
  });

  it('defaults to the last 90 days and refuses a reversed or huge range', async () => {
    const r = await ratio('');
    expect(Date.parse(r.to) - Date.parse(r.from)).toBe(90 * 86_400_000);
    expect(r.series.length).toBeGreaterThanOrEqual(13);
    for (const q of ['from=2025-03-10T00:00:00Z&to=2025-03-01T00:00:00Z', 'from=2015-01-01T00:00:00Z&to=2025-01-01T00:00:00Z']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/activities/ratio?${q}`, headers: a.headers });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'request.invalid', fields: [{ path: 'from' }] });
    }
  });
});
